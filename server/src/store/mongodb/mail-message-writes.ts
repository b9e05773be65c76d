// APPEND, delivery and COPY/MOVE on MongoDB (mirrors sqlite/mail-append.ts).
// Each runs in one transaction; a write conflict on the mailbox document
// (two appenders) makes withTransaction retry the whole function.
import { StoaError } from '../../errors/catalogue.ts';
import { encodeFlags } from '../../model/mail-flags.ts';
import { emailIdFor } from '../../model/mail-ids.ts';
import type { AppendResult, CopyResult, Delivered, DeliveryTarget, NewMessage, UidSet } from '../mail-port.ts';
import { messageKey, type MessageDoc } from './mail-collections.ts';
import { addUsage, allocate, bumpModseq, ensureBody, mailCollections, refBlob, removeCopies, requireMailboxDoc, resolveThread } from './mail-rows.ts';
import { sessionOpts, type MongoCtx } from './mongo-context.ts';

function date(iso: string, what: string): Date {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) throw new StoaError('STOA_VALIDATION', `${what} is not a valid date: ${iso}`);
  return d;
}

export function uidFilter(mailboxId: string, uids: UidSet): object {
  return { mailboxId, $or: uids.map(([a, b]) => ({ uid: { $gte: a, $lte: b } })) };
}

export async function appendMessages(t: MongoCtx, mailboxId: string, items: readonly NewMessage[], now: string): Promise<AppendResult> {
  if (items.length === 0) throw new StoaError('STOA_VALIDATION', 'nothing to append');
  const saveDate = date(now, 'save date');
  const encoded = items.map((item) => ({ flags: encodeFlags(item.flags), internal: date(item.internalDate, 'internal date') }));
  const { firstUid, modseq, doc: mailbox } = await allocate(t, mailboxId, items.length);
  const docs: MessageDoc[] = [];
  const refs = new Map<string, number>();
  for (let i = 0; i < items.length; i++) {
    const item = items[i];
    const body = await ensureBody(t, item.blobId, item.index);
    refs.set(item.blobId, (refs.get(item.blobId) ?? 0) + 1);
    const uid = firstUid + i;
    docs.push({
      _id: messageKey(mailboxId, uid), mailboxId, uid, modseq, blobId: item.blobId, emailId: emailIdFor(mailbox.accountId, item.blobId),
      threadId: await resolveThread(t, mailbox.accountId, item.index.headers), size: body.size, internalDate: encoded[i].internal,
      saveDate, flags: encoded[i].flags.bits, keywords: encoded[i].flags.keywords.length ? encoded[i].flags.keywords : null,
    });
  }
  for (const [blobId, n] of refs) await refBlob(t, blobId, n);
  await mailCollections(t).messages.insertMany(docs, sessionOpts(t));
  await addUsage(t, mailbox.accountId, docs.reduce((n, d) => n + d.size, 0), docs.length);
  return { uidValidity: mailbox.uidValidity, uids: docs.map((d) => d.uid), modseq };
}

export async function deliverMessage(t: MongoCtx, targets: readonly DeliveryTarget[], item: NewMessage, now: string): Promise<Delivered[]> {
  if (targets.length === 0) throw new StoaError('STOA_VALIDATION', 'no delivery targets');
  const saveDate = date(now, 'save date');
  const internal = date(item.internalDate, 'internal date');
  const body = await ensureBody(t, item.blobId, item.index);
  await refBlob(t, item.blobId, targets.length);
  const threads = new Map<string, string>();
  const out: Delivered[] = [];
  for (const target of targets) {
    const flags = encodeFlags(target.flags ?? item.flags);
    const { firstUid, modseq, doc: mailbox } = await allocate(t, target.mailboxId, 1);
    let threadId = threads.get(mailbox.accountId);
    if (threadId === undefined) {
      threadId = await resolveThread(t, mailbox.accountId, item.index.headers);
      threads.set(mailbox.accountId, threadId);
    }
    await mailCollections(t).messages.insertOne({
      _id: messageKey(target.mailboxId, firstUid), mailboxId: target.mailboxId, uid: firstUid, modseq, blobId: item.blobId,
      emailId: emailIdFor(mailbox.accountId, item.blobId), threadId, size: body.size, internalDate: internal, saveDate,
      flags: flags.bits, keywords: flags.keywords.length ? flags.keywords : null,
    }, sessionOpts(t));
    await addUsage(t, mailbox.accountId, body.size, 1);
    out.push({ mailboxId: target.mailboxId, accountId: mailbox.accountId, uid: firstUid, modseq });
  }
  return out;
}

export async function copyMessages(t: MongoCtx, fromId: string, uids: UidSet, toId: string, now: string, move: boolean): Promise<CopyResult> {
  const c = mailCollections(t);
  const source = await requireMailboxDoc(t, fromId);
  const target = await requireMailboxDoc(t, toId);
  const saveDate = date(now, 'save date');
  const rows = uids.length === 0 ? [] : await c.messages.find(uidFilter(fromId, uids), { ...sessionOpts(t), sort: { uid: 1 } }).toArray();
  if (rows.length === 0) return { uidValidity: target.uidValidity, sourceUids: [], destUids: [], modseq: target.highestModSeq };
  const { firstUid, modseq } = await allocate(t, toId, rows.length);
  const same = source.accountId === target.accountId;
  const docs: MessageDoc[] = [];
  for (const [i, row] of rows.entries()) {
    await refBlob(t, row.blobId, 1);
    let threadId = row.threadId;
    if (!same) {
      const body = await c.bodies.findOne({ _id: row.blobId }, { ...sessionOpts(t), projection: { headers: 1 } });
      if (!body) throw new StoaError('STOA_INTERNAL', `message body ${row.blobId} is missing`);
      threadId = await resolveThread(t, target.accountId, body.headers);
    }
    const uid = firstUid + i;
    // RFC 8514 SAVEDATE is the time of this copy; INTERNALDATE and flags travel (RFC 9051 §6.4.7).
    docs.push({
      ...row, _id: messageKey(toId, uid), mailboxId: toId, uid, modseq, threadId, saveDate,
      emailId: same ? row.emailId : emailIdFor(target.accountId, row.blobId),
    });
  }
  await c.messages.insertMany(docs, sessionOpts(t));
  await addUsage(t, target.accountId, docs.reduce((n, d) => n + d.size, 0), docs.length);
  const sourceUids = rows.map((r) => r.uid);
  const result: CopyResult = { uidValidity: target.uidValidity, sourceUids, destUids: docs.map((d) => d.uid), modseq };
  if (move) {
    const expungeModseq = await bumpModseq(t, fromId);
    await removeCopies(t, source, sourceUids, expungeModseq);
    result.expunged = { uids: sourceUids, modseq: expungeModseq };
  }
  return result;
}
