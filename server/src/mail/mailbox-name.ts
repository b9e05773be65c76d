// Mailbox names as the store keeps them: full UTF-8 paths with "/" as the
// hierarchy delimiter (RFC 9051 §5.1). IMAP's modified UTF-7 and the
// personal namespace prefix are the IMAP front end's business, not ours.
import { StoaError } from '../errors/catalogue.ts';

export const DELIMITER = '/';
/** Limits in UTF-8 octets: whole path and one level (most file systems allow 255 per name). */
export const MAX_NAME_BYTES = 1000;
export const MAX_LEVEL_BYTES = 255;

// C0/C1 controls and DEL; also U+2028/2029, which break line-based protocols.
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/u;

function invalid(name: string, why: string): StoaError {
  return new StoaError('STOA_MAILBOX_NAME_INVALID', `${JSON.stringify(name)}: ${why}`);
}

/**
 * Validates a mailbox path and returns its stored form: NFC, and "INBOX" in
 * upper case as the first level whatever its spelling (RFC 9051 §5.1: INBOX
 * is case-insensitive; other names are case-sensitive).
 */
export function normaliseMailboxName(input: string): string {
  const name = input.normalize('NFC');
  if (name.length === 0) throw invalid(input, 'empty name');
  if (CONTROL.test(name)) throw invalid(input, 'control characters are not allowed');
  if (name.startsWith(DELIMITER) || name.endsWith(DELIMITER)) throw invalid(input, `cannot start or end with "${DELIMITER}"`);
  if (Buffer.byteLength(name) > MAX_NAME_BYTES) throw invalid(input, `longer than ${MAX_NAME_BYTES} octets`);
  const levels = name.split(DELIMITER);
  for (const level of levels) {
    if (level.length === 0) throw invalid(input, 'empty hierarchy level');
    if (level.trim() !== level || level.trim().length === 0) throw invalid(input, 'a level cannot start or end with spaces');
    if (Buffer.byteLength(level) > MAX_LEVEL_BYTES) throw invalid(input, `a level is longer than ${MAX_LEVEL_BYTES} octets`);
    // Wildcards of LIST (RFC 9051 §6.3.9) would make the name impossible to list exactly.
    if (level.includes('*') || level.includes('%')) throw invalid(input, '"*" and "%" are reserved for LIST patterns');
    // Path-like levels invite confusion with file system paths and relative names in clients and tools.
    if (level === '.' || level === '..') throw invalid(input, '"." and ".." are not mailbox names');
  }
  if (levels[0].toUpperCase() === 'INBOX') levels[0] = 'INBOX';
  return levels.join(DELIMITER);
}

export function isInbox(name: string): boolean {
  return name === 'INBOX';
}

/** "a/b/c" → ["a", "a/b"]. */
export function parentNames(name: string): string[] {
  const levels = name.split(DELIMITER);
  return levels.slice(0, -1).map((_, i) => levels.slice(0, i + 1).join(DELIMITER));
}

export function isSameOrChild(name: string, ancestor: string): boolean {
  return name === ancestor || name.startsWith(ancestor + DELIMITER);
}
