// Bounds on what users may put in the mail store (DESIGN.md "Everything is
// bounded"; issue 16): keywords per mailbox and their length, mailboxes per
// account, mailbox name length and depth. A mailbox's keywords go into every
// SELECT answer and every session's memory, so one user's hostile keywords
// on a shared mailbox would otherwise slow everyone who opens it. Checked by
// MailboxService and MessageService; IMAP answers NO [LIMIT] (STOA_MAIL_LIMIT).
import { StoaError } from '../errors/catalogue.ts';
import { DELIMITER } from './mailbox-name.ts';

export interface MailLimits {
  /** Distinct keywords across the messages of one mailbox. */
  keywordsPerMailbox: number;
  /** Octets of one keyword. */
  keywordBytes: number;
  /** Mailboxes of one account (or of one domain's public folders). */
  mailboxesPerAccount: number;
  /** Octets of a whole mailbox path (UTF-8). */
  mailboxNameBytes: number;
  /** Levels of a mailbox path ("a/b/c" has 3). */
  mailboxDepth: number;
}

export const DEFAULT_MAIL_LIMITS: MailLimits = {
  keywordsPerMailbox: 128,
  keywordBytes: 128,
  mailboxesPerAccount: 2000,
  mailboxNameBytes: 1000,
  mailboxDepth: 32,
};

function limit(message: string): StoaError {
  return new StoaError('STOA_MAIL_LIMIT', message);
}

/** The keywords (not system flags) among IMAP flags. */
export function keywordsOf(flags: readonly string[]): string[] {
  return flags.filter((f) => !f.startsWith('\\'));
}

/** Refuses a keyword longer than the limit, before anything is stored. */
export function checkKeywordLengths(flags: readonly string[], limits: MailLimits): void {
  for (const k of keywordsOf(flags)) {
    if (Buffer.byteLength(k) > limits.keywordBytes) throw limit(`a keyword is longer than ${limits.keywordBytes} octets`);
  }
}

/**
 * Refuses keywords that would take the mailbox past its limit of distinct
 * keywords (RFC 3501 §2.3.2 keywords compare case-insensitively); keywords
 * it already has are always fine.
 */
export function checkNewKeywords(inUse: readonly string[], flags: readonly string[], limits: MailLimits): void {
  const have = new Set(inUse.map((k) => k.toLowerCase()));
  const added = new Set(keywordsOf(flags).map((k) => k.toLowerCase()).filter((k) => !have.has(k)));
  if (added.size > 0 && have.size + added.size > limits.keywordsPerMailbox) {
    throw limit(`a mailbox holds at most ${limits.keywordsPerMailbox} keywords (it has ${have.size})`);
  }
}

/** The flags a delivery may set: keywords past the limit are dropped, never the message (a rule never loses mail). */
export function keywordsWithinLimit(inUse: readonly string[], flags: readonly string[], limits: MailLimits): string[] {
  const have = new Set(inUse.map((k) => k.toLowerCase()));
  const out: string[] = [];
  for (const f of flags) {
    if (f.startsWith('\\')) {
      out.push(f);
      continue;
    }
    const key = f.toLowerCase();
    if (Buffer.byteLength(f) > limits.keywordBytes) continue;
    if (!have.has(key)) {
      if (have.size >= limits.keywordsPerMailbox) continue;
      have.add(key);
    }
    out.push(f);
  }
  return out;
}

/** A new mailbox path (already normalised) within the length and depth limits. */
export function checkMailboxPath(name: string, limits: MailLimits): void {
  if (Buffer.byteLength(name) > limits.mailboxNameBytes) throw limit(`a mailbox name is at most ${limits.mailboxNameBytes} octets`);
  if (name.split(DELIMITER).length > limits.mailboxDepth) throw limit(`mailboxes nest at most ${limits.mailboxDepth} levels deep`);
}

/** Refuses creating `adding` more mailboxes in an account that has `existing`. */
export function checkMailboxCount(existing: number, adding: number, limits: MailLimits): void {
  if (adding > 0 && existing + adding > limits.mailboxesPerAccount) {
    throw limit(`an account holds at most ${limits.mailboxesPerAccount} mailboxes`);
  }
}
