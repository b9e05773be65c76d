// Arguments shared by several commands: mailbox names, flags, status items.
import type { StatusItem } from './command-types.ts';
import { type Lexer, isValidUtf8 } from './lexer.ts';
import { decodeMailboxName } from './mutf7.ts';

/** mailbox = "INBOX" / astring, decoded from mUTF-7 or UTF-8 per session mode (RFC 3501 §5.1.3, RFC 6855 §3). */
export function readMailbox(lx: Lexer): string {
  return decodeMailbox(lx, lx.astring());
}

export function decodeMailbox(lx: Lexer, bytes: Buffer): string {
  const name = decodeMailboxName(bytes, lx.opts.utf8, isValidUtf8);
  if (name === null) lx.fail('Invalid mailbox name encoding', 'invalid-mailbox-name');
  return name;
}

/** List patterns may hold wildcards; decoding is the same (RFC 9051 §6.3.9). */
export function readListMailbox(lx: Lexer): string {
  return decodeMailbox(lx, lx.listMailbox());
}

const SYSTEM_FLAGS = new Map(['\\Answered', '\\Flagged', '\\Deleted', '\\Seen', '\\Draft', '\\Recent'].map((f) => [f.toUpperCase(), f]));

/**
 * flag = "\Answered" / "\Flagged" / "\Deleted" / "\Seen" / "\Draft" / flag-keyword / flag-extension.
 * System flags are case-insensitive; they come back in their canonical spelling.
 */
export function readFlag(lx: Lexer): string {
  if (lx.tryChar(0x5c)) {
    const name = '\\' + lx.atom();
    return SYSTEM_FLAGS.get(name.toUpperCase()) ?? name;
  }
  return lx.atom();
}

/** flag-list = "(" [flag *(SP flag)] ")". */
export function readFlagList(lx: Lexer): string[] {
  lx.open();
  const flags: string[] = [];
  while (lx.peek() !== 0x29) {
    if (flags.length > 0) lx.sp();
    flags.push(readFlag(lx));
  }
  lx.close();
  return flags;
}

const STATUS_ITEMS = new Set<string>(['MESSAGES', 'UIDNEXT', 'UIDVALIDITY', 'UNSEEN', 'DELETED', 'SIZE', 'RECENT',
  'HIGHESTMODSEQ', 'APPENDLIMIT', 'MAILBOXID']);

/** "(" status-att *(SP status-att) ")" — RFC 9051 §6.3.11, RFC 7162 §3.1.7, RFC 7889, RFC 8474 §4. */
export function readStatusItems(lx: Lexer): StatusItem[] {
  lx.open();
  const items: StatusItem[] = [];
  do {
    const item = lx.keyword();
    if (!STATUS_ITEMS.has(item)) lx.fail(`Unknown status item ${item}`);
    items.push(item as StatusItem);
  } while (lx.moreArgs(0x29));
  lx.close();
  return items;
}
