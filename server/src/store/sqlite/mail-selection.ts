// The SELECT read on SQLite (MailboxSelection): what a session needs to open
// a mailbox, without reading 100k message rows. Each part comes from its own
// narrow index (migration 10):
// - UIDs from mail_messages_uids (mailbox_id, uid): the primary key would do,
//   but on a WITHOUT ROWID table its leaves carry every column, so scanning it
//   reads the whole mailbox; the extra index holds only the key. The UIDs come
//   back as one comma-separated string (one value crossing into JS instead of
//   100k rows) and are parsed into a Uint32Array. group_concat has no ORDER BY:
//   sorting costs more than the scan, the index scan yields UID order anyway,
//   and the parser sorts only if it finds the order broken.
// - unseen count and first unseen UID from mail_messages_flags (mailbox_id,
//   flags, uid): "no \Seen" is the 16 even values of the 5-bit flags field,
//   16 short covered ranges. (A partial index WHERE (flags & 1) = 0 still makes
//   SQLite re-check the flags in every row, which is slower than no index.)
// - keywords from the partial index mail_messages_keywords, which holds only
//   messages that have any.
import { StoaError } from '../../errors/catalogue.ts';
import type { MailboxSelection } from '../mail-port.ts';
import { requireMailbox } from './mail-rows.ts';
import type { SqliteConnection } from './sqlite-connection.ts';

export const MAIL_SELECTION_INDEXES_SQL = `
  CREATE INDEX mail_messages_uids ON mail_messages (mailbox_id, uid);
  CREATE INDEX mail_messages_flags ON mail_messages (mailbox_id, flags, uid);
  CREATE INDEX mail_messages_keywords ON mail_messages (mailbox_id, keywords) WHERE keywords IS NOT NULL;
`;

const UIDS_SQL = `SELECT count(*) AS n, group_concat(uid, ',') AS uids
  FROM mail_messages INDEXED BY mail_messages_uids WHERE mailbox_id = ?`;
/** Every FLAG_BITS value without \Seen (bit 1). */
const UNSEEN_FLAG_VALUES = Array.from({ length: 16 }, (_, i) => i * 2).join(', ');
// Left to itself the planner prefers the primary key and reads every row.
const UNSEEN_SQL = `SELECT count(*) AS n, min(uid) AS first
  FROM mail_messages INDEXED BY mail_messages_flags WHERE mailbox_id = ? AND flags IN (${UNSEEN_FLAG_VALUES})`;
const KEYWORDS_SQL = 'SELECT DISTINCT keywords FROM mail_messages WHERE mailbox_id = ? AND keywords IS NOT NULL';

/** "3,4,9" → [3, 4, 9] ascending, without splitting into 100k strings. */
export function parseUidList(text: string, count: number): Uint32Array {
  const out = new Uint32Array(count);
  let n = 0;
  let value = 0;
  let sorted = true;
  for (let i = 0; i <= text.length; i++) {
    const ch = i < text.length ? text.charCodeAt(i) : 44;
    if (ch !== 44) {
      value = value * 10 + (ch - 48);
      continue;
    }
    if (n >= count) throw new StoaError('STOA_INTERNAL', `UID list has more than ${count} entries`);
    if (n > 0 && out[n - 1] >= value) sorted = false;
    out[n++] = value;
    value = 0;
  }
  if (n !== count) throw new StoaError('STOA_INTERNAL', `UID list has ${n} entries, expected ${count}`);
  return sorted ? out : out.sort();
}

/** Distinct keywords of the mailbox's messages, as first spelled (the same read SELECT makes). */
export function keywordsInUse(c: SqliteConnection, mailboxId: string): string[] {
  const keywords = new Map<string, string>();
  for (const row of c.all(KEYWORDS_SQL, mailboxId)) {
    for (const k of JSON.parse(String(row.keywords)) as string[]) if (!keywords.has(k.toLowerCase())) keywords.set(k.toLowerCase(), k);
  }
  return [...keywords.values()].sort();
}

export function selectMailbox(c: SqliteConnection, mailboxId: string): MailboxSelection {
  const mailbox = requireMailbox(c, mailboxId);
  const all = c.get(UIDS_SQL, mailboxId)!;
  const count = Number(all.n);
  const uids = count === 0 ? new Uint32Array(0) : parseUidList(String(all.uids), count);
  const unseen = c.get(UNSEEN_SQL, mailboxId)!;
  const keywords = new Set<string>();
  for (const row of c.all(KEYWORDS_SQL, mailboxId)) for (const k of JSON.parse(String(row.keywords)) as string[]) keywords.add(k);
  return { mailbox, uids, keywords: [...keywords].sort(), unseen: Number(unseen.n), firstUnseenUid: Number(unseen.first ?? 0) };
}
