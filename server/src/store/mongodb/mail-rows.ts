// Document-level building blocks of the MongoDB mail store. Every function
// takes a context inside a transaction (inTransaction / atomic()): the
// mailbox document's $inc of uidNext/highestModSeq and the copies written
// with those values commit together, and two writers on one mailbox conflict
// on that document, so one of them retries with fresh values.
import type { Collection } from 'mongodb';
import { StoaError } from '../../errors/catalogue.ts';
import type { IndexedHeaders, MessageIndex } from '../../../../shared/src/schemas/message-index.ts';
import { decodeFlags } from '../../model/mail-flags.ts';
import { foldForSearch, newThreadId, threadKeys } from '../../model/mail-ids.ts';
import type { Mailbox, MessageRecord } from '../mail-port.ts';
import { COLLECTIONS } from './collections.ts';
import type { CounterDoc } from './counter-store.ts';
import type { BlobDoc } from './gridfs-blob-store.ts';
import {
  MAIL_COLLECTIONS, messageKey, pairKey, type BodyDoc, type ExpungedDoc, type MailboxDoc, type MessageDoc, type SubscriptionDoc,
  type ThreadDoc, type UsageDoc,
} from './mail-collections.ts';
import { sessionOpts, type MongoCtx } from './mongo-context.ts';

export function mailCollections(ctx: MongoCtx) {
  return {
    mailboxes: ctx.db.collection<MailboxDoc>(MAIL_COLLECTIONS.mailboxes),
    bodies: ctx.db.collection<BodyDoc>(MAIL_COLLECTIONS.bodies),
    messages: ctx.db.collection<MessageDoc>(MAIL_COLLECTIONS.messages),
    expunged: ctx.db.collection<ExpungedDoc>(MAIL_COLLECTIONS.expunged),
    usage: ctx.db.collection<UsageDoc>(MAIL_COLLECTIONS.usage),
    subscriptions: ctx.db.collection<SubscriptionDoc>(MAIL_COLLECTIONS.subscriptions),
    threads: ctx.db.collection<ThreadDoc>(MAIL_COLLECTIONS.threads),
    blobs: ctx.db.collection<BlobDoc>(COLLECTIONS.blobs) as Collection<BlobDoc>,
    counters: ctx.db.collection<CounterDoc>(COLLECTIONS.counters),
  };
}

export async function toMailbox(ctx: MongoCtx, doc: MailboxDoc): Promise<Mailbox> {
  const sub = await mailCollections(ctx).subscriptions.findOne({ _id: pairKey(doc.accountId, doc.name) }, sessionOpts(ctx));
  return {
    id: doc._id, accountId: doc.accountId, name: doc.name, specialUse: doc.specialUse, subscribed: sub !== null,
    uidValidity: doc.uidValidity, uidNext: doc.uidNext, highestModSeq: doc.highestModSeq, recentUid: doc.recentUid ?? doc.uidNext,
    createdAt: doc.createdAt,
  };
}

export async function requireMailboxDoc(ctx: MongoCtx, id: string): Promise<MailboxDoc> {
  const doc = await mailCollections(ctx).mailboxes.findOne({ _id: id }, sessionOpts(ctx));
  if (!doc) throw new StoaError('STOA_NOT_FOUND', `mailbox ${id}`);
  return doc;
}

/** `wireSize` is the body's (BodyDoc.wireSize), read beside the copy. */
export function toMessage(doc: MessageDoc, wireSize: number | null): MessageRecord {
  return {
    mailboxId: doc.mailboxId, uid: doc.uid, modseq: doc.modseq, emailId: doc.emailId, threadId: doc.threadId, blobId: doc.blobId,
    size: doc.size, wireSize, internalDate: doc.internalDate.toISOString(), saveDate: doc.saveDate.toISOString(),
    flags: decodeFlags(doc.flags, doc.keywords),
  };
}

/** Reserves `count` UIDs and one MODSEQ (RFC 7162 §3.1). */
export async function allocate(ctx: MongoCtx, mailboxId: string, count: number): Promise<{ firstUid: number; modseq: number; doc: MailboxDoc }> {
  const doc = await mailCollections(ctx).mailboxes.findOneAndUpdate(
    { _id: mailboxId }, { $inc: { uidNext: count, highestModSeq: 1 } }, { ...sessionOpts(ctx), returnDocument: 'after' },
  );
  if (!doc) throw new StoaError('STOA_NOT_FOUND', `mailbox ${mailboxId}`);
  if (doc.uidNext - 1 > 0xffffffff) throw new StoaError('STOA_CONFLICT', `mailbox ${mailboxId} has used every UID`);
  return { firstUid: doc.uidNext - count, modseq: doc.highestModSeq, doc };
}

export async function bumpModseq(ctx: MongoCtx, mailboxId: string): Promise<number> {
  return (await allocate(ctx, mailboxId, 0)).modseq;
}

/** Never below the clock in seconds, always above every earlier value. */
export async function nextUidValidity(ctx: MongoCtx): Promise<number> {
  const now = Math.floor(Date.now() / 1000);
  const doc = await mailCollections(ctx).counters.findOneAndUpdate(
    { _id: 'mail.uidvalidity' },
    [{ $set: { value: { $max: [{ $add: [{ $ifNull: ['$value', 0] }, 1] }, now] } } }],
    { ...sessionOpts(ctx), upsert: true, returnDocument: 'after' },
  );
  if (!doc) throw new StoaError('STOA_INTERNAL', 'uidvalidity counter upsert returned nothing');
  return doc.value;
}

export async function refBlob(ctx: MongoCtx, blobId: string, n: number): Promise<void> {
  const r = await mailCollections(ctx).blobs.updateOne({ _id: blobId }, { $inc: { refs: n } }, sessionOpts(ctx));
  if (r.matchedCount === 0) throw new StoaError('STOA_NOT_FOUND', `blob ${blobId} (store it with blobs.put first)`);
}

export async function addUsage(ctx: MongoCtx, accountId: string, bytes: number, messages: number): Promise<void> {
  await mailCollections(ctx).usage.updateOne({ _id: accountId }, { $inc: { bytes, messages } }, { ...sessionOpts(ctx), upsert: true });
}

export async function ensureBody(ctx: MongoCtx, blobId: string, index: MessageIndex): Promise<{ size: number; headers: IndexedHeaders }> {
  const bodies = mailCollections(ctx).bodies;
  const existing = await bodies.findOne({ _id: blobId }, { ...sessionOpts(ctx), projection: { size: 1, headers: 1 } });
  if (existing) return { size: existing.size, headers: existing.headers };
  await bodies.insertOne({
    _id: blobId, size: index.size, wireSize: index.wireSize ?? null, envelope: index.envelope, root: index.root, headers: index.headers,
    hasAttachments: index.hasAttachments, searchText: foldForSearch(index.searchText),
  }, sessionOpts(ctx));
  return { size: index.size, headers: index.headers };
}

/** RFC 8474 THREADID: the thread of a referenced message of the account, or a new one. */
export async function resolveThread(ctx: MongoCtx, accountId: string, headers: IndexedHeaders): Promise<string> {
  const threads = mailCollections(ctx).threads;
  const keys = [...threadKeys(headers).reverse(), ...(headers.messageId ? [headers.messageId] : [])];
  let threadId: string | null = null;
  for (const key of keys) {
    const doc = await threads.findOne({ _id: pairKey(accountId, key) }, sessionOpts(ctx));
    if (doc) { threadId = doc.threadId; break; }
  }
  threadId ??= newThreadId();
  if (headers.messageId) {
    await threads.updateOne({ _id: pairKey(accountId, headers.messageId) }, { $setOnInsert: { threadId } }, { ...sessionOpts(ctx), upsert: true });
  }
  return threadId;
}

/** Deletes copies, logs them expunged at `modseq`, drops refs and usage, and bodies left without copies. */
export async function removeCopies(ctx: MongoCtx, mailbox: { _id: string; accountId: string }, uids: readonly number[], modseq: number): Promise<void> {
  if (uids.length === 0) return;
  const c = mailCollections(ctx);
  const keys = uids.map((uid) => messageKey(mailbox._id, uid));
  const docs = await c.messages.find({ _id: { $in: keys } }, { ...sessionOpts(ctx), projection: { uid: 1, size: 1, blobId: 1 } }).toArray();
  if (docs.length === 0) return;
  await c.messages.deleteMany({ _id: { $in: docs.map((d) => d._id) } }, sessionOpts(ctx));
  await c.expunged.bulkWrite(docs.map((d) => ({
    replaceOne: { filter: { _id: d._id }, replacement: { mailboxId: mailbox._id, uid: d.uid, modseq, expungedAt: new Date() }, upsert: true },
  })), sessionOpts(ctx));
  const perBlob = new Map<string, number>();
  for (const d of docs) perBlob.set(d.blobId, (perBlob.get(d.blobId) ?? 0) + 1);
  for (const [blobId, copies] of perBlob) {
    await refBlob(ctx, blobId, -copies);
    if (!await c.messages.findOne({ blobId }, { ...sessionOpts(ctx), projection: { _id: 1 } })) await c.bodies.deleteOne({ _id: blobId }, sessionOpts(ctx));
  }
  await addUsage(ctx, mailbox.accountId, -docs.reduce((n, d) => n + d.size, 0), -docs.length);
}
