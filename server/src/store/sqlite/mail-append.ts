// APPEND, delivery and COPY/MOVE on SQLite: every new copy takes its UID from
// the mailbox row, one reference on its blob, and its bytes in the account's
// usage, all in the caller's transaction.
import { StoaError } from '../../errors/catalogue.ts';
import type { IndexedHeaders } from '../../../../shared/src/schemas/message-index.ts';
import { encodeFlags } from '../../model/mail-flags.ts';
import { emailIdFor } from '../../model/mail-ids.ts';
import { uidSetHas, uidSpans } from '../../model/uid-set.ts';
import type { AppendResult, CopyResult, Delivered, DeliveryTarget, NewMessage, UidSet } from '../mail-port.ts';
import type { SqliteConnection } from './sqlite-connection.ts';
import {
  addUsage, allocate, bumpModseq, encodeKeywords, ensureBody, refBlob, removeCopies, requireMailbox, resolveThread,
} from './mail-rows.ts';

const INSERT_COPY = `INSERT INTO mail_messages
  (mailbox_id, uid, modseq, body_id, email_id, thread_id, size, internal_date, save_date, flags, keywords)
  VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`;

function millis(iso: string, what: string): number {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) throw new StoaError('STOA_VALIDATION', `${what} is not a valid date: ${iso}`);
  return ms;
}

export function appendMessages(c: SqliteConnection, mailboxId: string, items: readonly NewMessage[], now: string): AppendResult {
  if (items.length === 0) throw new StoaError('STOA_VALIDATION', 'nothing to append');
  const saveDate = millis(now, 'save date');
  const encoded = items.map((item) => ({ flags: encodeFlags(item.flags), internal: millis(item.internalDate, 'internal date') }));
  const alloc = allocate(c, mailboxId, items.length);
  let bytes = 0;
  const uids: number[] = [];
  for (let i = 0; i < items.length; i++) {
    const item = items[i];
    const body = ensureBody(c, item.blobId, item.index);
    refBlob(c, item.blobId, 1);
    const uid = alloc.firstUid + i;
    c.run(
      INSERT_COPY, mailboxId, uid, alloc.modseq, body.id, emailIdFor(alloc.accountId, item.blobId),
      resolveThread(c, alloc.accountId, item.index.headers), body.size, encoded[i].internal, saveDate,
      encoded[i].flags.bits, encodeKeywords(encoded[i].flags.keywords),
    );
    bytes += body.size;
    uids.push(uid);
  }
  addUsage(c, alloc.accountId, bytes, items.length);
  return { uidValidity: alloc.uidValidity, uids, modseq: alloc.modseq };
}

export function deliverMessage(c: SqliteConnection, targets: readonly DeliveryTarget[], item: NewMessage, now: string): Delivered[] {
  if (targets.length === 0) throw new StoaError('STOA_VALIDATION', 'no delivery targets');
  const saveDate = millis(now, 'save date');
  const internal = millis(item.internalDate, 'internal date');
  const body = ensureBody(c, item.blobId, item.index);
  refBlob(c, item.blobId, targets.length);
  const threads = new Map<string, string>();
  const out: Delivered[] = [];
  for (const target of targets) {
    const flags = encodeFlags(target.flags ?? item.flags);
    const alloc = allocate(c, target.mailboxId, 1);
    let threadId = threads.get(alloc.accountId);
    if (threadId === undefined) {
      threadId = resolveThread(c, alloc.accountId, item.index.headers);
      threads.set(alloc.accountId, threadId);
    }
    c.run(
      INSERT_COPY, target.mailboxId, alloc.firstUid, alloc.modseq, body.id, emailIdFor(alloc.accountId, item.blobId),
      threadId, body.size, internal, saveDate, flags.bits, encodeKeywords(flags.keywords),
    );
    addUsage(c, alloc.accountId, body.size, 1);
    out.push({ mailboxId: target.mailboxId, accountId: alloc.accountId, uid: alloc.firstUid, modseq: alloc.modseq });
  }
  return out;
}

/** Source rows in UID order. */
export function rowsInSet(c: SqliteConnection, mailboxId: string, uids: UidSet, columns: string): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  const { spans, exact } = uidSpans(uids);
  const cols = exact || /(^|,)\s*uid\s*(,|$)/.test(columns) ? columns : `uid, ${columns}`;
  for (const [start, end] of spans) {
    for (const row of c.all(`SELECT ${cols} FROM mail_messages WHERE mailbox_id = ? AND uid BETWEEN ? AND ? ORDER BY uid`, mailboxId, start, end)) {
      if (exact || uidSetHas(uids, Number(row.uid))) out.push(row);
    }
  }
  return out;
}

export function copyMessages(c: SqliteConnection, fromId: string, uids: UidSet, toId: string, now: string, move: boolean): CopyResult {
  const source = requireMailbox(c, fromId);
  const target = requireMailbox(c, toId);
  const saveDate = millis(now, 'save date');
  const rows = rowsInSet(c, fromId, uids, 'uid, body_id, email_id, thread_id, size, internal_date, flags, keywords');
  if (rows.length === 0) return { uidValidity: target.uidValidity, sourceUids: [], destUids: [], modseq: target.highestModSeq };
  const alloc = allocate(c, toId, rows.length);
  const sameAccount = source.accountId === target.accountId;
  const destUids: number[] = [];
  let bytes = 0;
  rows.forEach((row, i) => {
    const bodyId = Number(row.body_id);
    const body = c.get('SELECT blob_id, headers FROM mail_bodies WHERE id = ?', bodyId)!;
    const blobId = String(body.blob_id);
    refBlob(c, blobId, 1);
    const threadId = sameAccount ? String(row.thread_id) : resolveThread(c, target.accountId, JSON.parse(String(body.headers)) as IndexedHeaders);
    const uid = alloc.firstUid + i;
    // RFC 8514 SAVEDATE is the time of this copy; INTERNALDATE and flags travel (RFC 9051 §6.4.7).
    c.run(
      INSERT_COPY, toId, uid, alloc.modseq, bodyId, sameAccount ? String(row.email_id) : emailIdFor(target.accountId, blobId),
      threadId, Number(row.size), Number(row.internal_date), saveDate, Number(row.flags), row.keywords as string | null,
    );
    bytes += Number(row.size);
    destUids.push(uid);
  });
  addUsage(c, target.accountId, bytes, rows.length);
  const sourceUids = rows.map((r) => Number(r.uid));
  const result: CopyResult = { uidValidity: alloc.uidValidity, sourceUids, destUids, modseq: alloc.modseq };
  if (move) {
    const modseq = bumpModseq(c, fromId);
    removeCopies(c, source, sourceUids, modseq);
    result.expunged = { uids: sourceUids, modseq };
  }
  return result;
}
