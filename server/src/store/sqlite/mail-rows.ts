// Row-level building blocks shared by the SQLite mail stores. Every function
// runs on the writer inside the caller's transaction (Executor.write), so a
// UID or MODSEQ read from the mailbox row and the rows written with it commit
// together: BEGIN IMMEDIATE holds SQLite's single write lock across
// processes, which is what makes allocation race-free.
import { StoaError } from '../../errors/catalogue.ts';
import type { MessageIndex } from '../../../../shared/src/schemas/message-index.ts';
import { decodeFlags } from '../../model/mail-flags.ts';
import { newThreadId, threadKeys } from '../../model/mail-ids.ts';
import type { Mailbox, MessageRecord, SpecialUse } from '../mail-port.ts';
import type { Row, SqliteConnection } from './sqlite-connection.ts';

export const MAILBOX_SELECT = `SELECT m.*, EXISTS (SELECT 1 FROM mail_subscriptions s WHERE s.account_id = m.account_id AND s.name = m.name) AS subscribed FROM mailboxes m`;

export function decodeMailbox(row: Row): Mailbox {
  return {
    id: String(row.id),
    accountId: String(row.account_id),
    name: String(row.name),
    specialUse: (row.special_use ?? null) as SpecialUse | null,
    subscribed: Number(row.subscribed) === 1,
    uidValidity: Number(row.uid_validity),
    uidNext: Number(row.uid_next),
    highestModSeq: Number(row.highest_modseq),
    recentUid: Number(row.recent_uid),
    createdAt: String(row.created_at),
  };
}

export function getMailbox(c: SqliteConnection, id: string): Mailbox | null {
  const row = c.get(`${MAILBOX_SELECT} WHERE m.id = ?`, id);
  return row ? decodeMailbox(row) : null;
}

export function requireMailbox(c: SqliteConnection, id: string): Mailbox {
  const mailbox = getMailbox(c, id);
  if (!mailbox) throw new StoaError('STOA_NOT_FOUND', `mailbox ${id}`);
  return mailbox;
}

export const MESSAGE_SELECT = `SELECT m.mailbox_id, m.uid, m.modseq, m.email_id, m.thread_id, m.size, m.internal_date, m.save_date,
  m.flags, m.keywords, b.blob_id, b.wire_size FROM mail_messages m JOIN mail_bodies b ON b.id = m.body_id`;

export function decodeMessage(row: Row): MessageRecord {
  return {
    mailboxId: String(row.mailbox_id),
    uid: Number(row.uid),
    modseq: Number(row.modseq),
    emailId: String(row.email_id),
    threadId: String(row.thread_id),
    blobId: String(row.blob_id),
    size: Number(row.size),
    wireSize: row.wire_size === null || row.wire_size === undefined ? null : Number(row.wire_size),
    internalDate: new Date(Number(row.internal_date)).toISOString(),
    saveDate: new Date(Number(row.save_date)).toISOString(),
    flags: decodeFlags(Number(row.flags), parseKeywords(row.keywords)),
  };
}

export function parseKeywords(value: unknown): string[] | null {
  return typeof value === 'string' ? JSON.parse(value) as string[] : null;
}

export function encodeKeywords(keywords: readonly string[]): string | null {
  return keywords.length > 0 ? JSON.stringify(keywords) : null;
}

/** Reserves `count` UIDs and one new MODSEQ for the mailbox (RFC 7162 §3.1: modseq grows with every change). */
export function allocate(c: SqliteConnection, mailboxId: string, count: number): { firstUid: number; modseq: number; uidValidity: number; accountId: string } {
  const row = c.get(
    `UPDATE mailboxes SET uid_next = uid_next + ?, highest_modseq = highest_modseq + 1 WHERE id = ?
     RETURNING uid_next, highest_modseq, uid_validity, account_id`,
    count, mailboxId,
  );
  if (!row) throw new StoaError('STOA_NOT_FOUND', `mailbox ${mailboxId}`);
  const firstUid = Number(row.uid_next) - count;
  // RFC 9051 §2.3.1.1: UIDs are 32-bit; a mailbox that runs out needs a new UIDVALIDITY.
  if (Number(row.uid_next) - 1 > 0xffffffff) throw new StoaError('STOA_CONFLICT', `mailbox ${mailboxId} has used every UID`);
  return { firstUid, modseq: Number(row.highest_modseq), uidValidity: Number(row.uid_validity), accountId: String(row.account_id) };
}

export function bumpModseq(c: SqliteConnection, mailboxId: string): number {
  const row = c.get('UPDATE mailboxes SET highest_modseq = highest_modseq + 1 WHERE id = ? RETURNING highest_modseq', mailboxId);
  if (!row) throw new StoaError('STOA_NOT_FOUND', `mailbox ${mailboxId}`);
  return Number(row.highest_modseq);
}

/** A fresh UIDVALIDITY: never below the clock in seconds, always above every earlier one (also after a restore). */
export function nextUidValidity(c: SqliteConnection): number {
  const now = Math.floor(Date.now() / 1000);
  const row = c.get(
    `INSERT INTO counters (name, value) VALUES ('mail.uidvalidity', ?)
     ON CONFLICT (name) DO UPDATE SET value = max(value + 1, excluded.value) RETURNING value`,
    now,
  );
  return Number(row?.value);
}

export function refBlob(c: SqliteConnection, blobId: string, n: number): void {
  if (c.run('UPDATE blobs SET refs = refs + ? WHERE id = ?', n, blobId) === 0) {
    throw new StoaError('STOA_NOT_FOUND', `blob ${blobId} (store it with blobs.put first)`);
  }
}

export function addUsage(c: SqliteConnection, accountId: string, bytes: number, messages: number): void {
  c.run(
    `INSERT INTO mail_usage (account_id, bytes, messages) VALUES (?, ?, ?)
     ON CONFLICT (account_id) DO UPDATE SET bytes = bytes + excluded.bytes, messages = messages + excluded.messages`,
    accountId, bytes, messages,
  );
}

/**
 * Characters of a body's search text that go into the FTS5 trigram index.
 * Indexing costs about 7 ms per 100 KiB of text on the delivery's commit;
 * the rest of a longer text is still searched, by a substring scan of the
 * (few) long bodies of the mailbox (mail-search.ts). docs/mail-store.md.
 */
export const FTS_INDEXED_CHARS = 32 * 1024;

/** The indexed part of a search text, as SQL over a column or parameter (the FTS delete must repeat it exactly). */
export const INDEXED_TEXT = (expr: string): string => `substr(${expr}, 1, ${FTS_INDEXED_CHARS})`;

/**
 * Row of the body for this blob, inserting it the first time. A new body is
 * only queued for the full-text index (mail_search_pending, one small row in
 * this transaction); the background indexer (search-indexer.ts) indexes it
 * later in a large batch, and SEARCH scans pending bodies exactly meanwhile.
 */
export function ensureBody(c: SqliteConnection, blobId: string, index: MessageIndex): { id: number; size: number; created: boolean } {
  const existing = c.get('SELECT id, size FROM mail_bodies WHERE blob_id = ?', blobId);
  if (existing) return { id: Number(existing.id), size: Number(existing.size), created: false };
  const row = c.get(
    `INSERT INTO mail_bodies (blob_id, size, wire_size, envelope, structure, headers, has_attachments, search_text)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
    blobId, index.size, index.wireSize ?? null, JSON.stringify(index.envelope), JSON.stringify(index.root), JSON.stringify(index.headers),
    index.hasAttachments ? 1 : 0, index.searchText,
  );
  const id = Number(row?.id);
  c.run('INSERT INTO mail_search_pending (body_id) VALUES (?)', id);
  return { id, size: index.size, created: true };
}

/** RFC 8474 THREADID: join the thread of a referenced message of the account, or start one. */
export function resolveThread(c: SqliteConnection, accountId: string, headers: MessageIndex['headers']): string {
  let threadId: string | null = null;
  const keys = threadKeys(headers);
  for (let i = keys.length - 1; i >= 0 && threadId === null; i--) {
    const row = c.get('SELECT thread_id FROM mail_threads WHERE account_id = ? AND message_id = ?', accountId, keys[i]);
    if (row) threadId = String(row.thread_id);
  }
  if (threadId === null && headers.messageId) {
    // A copy of the same message (or a reply seen before its parent).
    const row = c.get('SELECT thread_id FROM mail_threads WHERE account_id = ? AND message_id = ?', accountId, headers.messageId);
    if (row) threadId = String(row.thread_id);
  }
  threadId ??= newThreadId();
  if (headers.messageId) {
    c.run('INSERT OR IGNORE INTO mail_threads (account_id, message_id, thread_id) VALUES (?, ?, ?)', accountId, headers.messageId, threadId);
  }
  return threadId;
}

/**
 * Deletes copies, logs them as expunged at `modseq`, drops their blob refs
 * and usage, and deletes bodies left without copies (with their FTS rows).
 */
export function removeCopies(c: SqliteConnection, mailbox: { id: string; accountId: string }, uids: readonly number[], modseq: number): void {
  let bytes = 0;
  const bodies = new Map<number, number>(); // body id → copies removed
  for (const uid of uids) {
    const row = c.get(
      `DELETE FROM mail_messages WHERE mailbox_id = ? AND uid = ? RETURNING size, body_id`,
      mailbox.id, uid,
    );
    if (!row) continue;
    bytes += Number(row.size);
    const bodyId = Number(row.body_id);
    bodies.set(bodyId, (bodies.get(bodyId) ?? 0) + 1);
    c.run('INSERT OR REPLACE INTO mail_expunged (mailbox_id, uid, modseq, expunged_at) VALUES (?, ?, ?, ?)', mailbox.id, uid, modseq, Date.now());
  }
  for (const [bodyId, copies] of bodies) {
    const body = c.get('SELECT blob_id, search_text FROM mail_bodies WHERE id = ?', bodyId);
    if (!body) continue;
    refBlob(c, String(body.blob_id), -copies);
    if (!c.get('SELECT 1 AS present FROM mail_messages WHERE body_id = ? LIMIT 1', bodyId)) {
      // External-content FTS5: a delete must repeat the indexed text, and must
      // never be issued for a body that is not indexed (still pending): it
      // would corrupt the index.
      if (c.run('DELETE FROM mail_search_pending WHERE body_id = ?', bodyId) === 0) {
        c.run(`INSERT INTO mail_search (mail_search, rowid, search_text) VALUES ('delete', ?, ${INDEXED_TEXT('?')})`, bodyId, body.search_text);
      }
      c.run('DELETE FROM mail_bodies WHERE id = ?', bodyId);
    }
  }
  const count = [...bodies.values()].reduce((n, k) => n + k, 0);
  if (count > 0) addUsage(c, mailbox.accountId, -bytes, -count);
}
