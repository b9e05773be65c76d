// The outbound queue on MongoDB. Claims, outcomes, enqueue and delete run in
// a transaction (inTransaction joins the caller's atomic()), so a (message,
// domain) group is leased whole or not at all; two nodes racing for it write
// the same recipient documents, and MongoDB aborts one with a write conflict,
// which withTransaction retries against the new state (then already leased).
import type { Filter } from 'mongodb';
import { StoaError } from '../../errors/catalogue.ts';
import type { QueueLease, QueueStore, QueueSummary, QueuedMessage, QueuedRecipient } from '../queue-port.ts';
import { COLLECTIONS } from './collections.ts';
import { guard, inTransaction, sessionOpts, type MongoCtx } from './mongo-context.ts';
import {
  QUEUE_COLLECTIONS, recipientDocId, type QueueAttemptDoc, type QueueMessageDoc, type QueueRecipientDoc,
} from './queue-collections.ts';

const PENDING = { $in: ['queued', 'deferred'] as QueuedRecipient['status'][] };
/** Work left: not final yet, or final with a notice still to send (same `$type` as the partial index). */
const OPEN: Filter<QueueRecipientDoc> = { $or: [{ status: PENDING }, { noticePending: { $type: 'string' } }] };

function collections(ctx: MongoCtx) {
  return {
    messages: ctx.db.collection<QueueMessageDoc>(QUEUE_COLLECTIONS.messages),
    recipients: ctx.db.collection<QueueRecipientDoc>(QUEUE_COLLECTIONS.recipients),
    attempts: ctx.db.collection<QueueAttemptDoc>(QUEUE_COLLECTIONS.attempts),
    blobs: ctx.db.collection<{ _id: string; refs: number }>(COLLECTIONS.blobs),
  };
}

function toMessage(doc: QueueMessageDoc): QueuedMessage {
  const { _id, ...rest } = doc;
  return { id: _id, ...rest };
}

function toRecipient(doc: QueueRecipientDoc): QueuedRecipient {
  const { _id: _ignored, noticePending, localFolder, ...rest } = doc;
  return { ...rest, noticePending: noticePending ?? null, localFolder: localFolder ?? null };
}

function freeLease(now: number): Filter<QueueRecipientDoc> {
  return { $or: [{ leaseUntil: null }, { leaseUntil: { $lte: now } }] };
}

export function createQueueStore(ctx: MongoCtx): QueueStore {
  const c = collections(ctx);

  async function completeIfFinal(tx: MongoCtx, messageId: string, now: number): Promise<boolean> {
    const t = collections(tx);
    const pending = await t.recipients.findOne({ messageId, ...OPEN }, sessionOpts(tx));
    if (pending) return false;
    const msg = await t.messages.findOneAndUpdate(
      { _id: messageId, completedAt: null }, { $set: { completedAt: now } }, { ...sessionOpts(tx), returnDocument: 'after' },
    );
    if (!msg) return false;
    await t.blobs.updateOne({ _id: msg.blobId, refs: { $gt: 0 } }, { $inc: { refs: -1 } }, sessionOpts(tx));
    return true;
  }

  return {
    enqueue: ({ message: m, recipients }) => guard(ctx, () => inTransaction(ctx, async (tx) => {
      if (recipients.length === 0) throw new StoaError('STOA_VALIDATION', 'a queued message needs at least one recipient');
      const t = collections(tx);
      const ref = await t.blobs.findOneAndUpdate({ _id: m.blobId }, { $inc: { refs: 1 } }, sessionOpts(tx));
      if (!ref) throw new StoaError('STOA_NOT_FOUND', `blob ${m.blobId}`);
      const { id, ...rest } = m;
      await t.messages.insertOne({ _id: id, ...rest, completedAt: null }, sessionOpts(tx));
      await t.recipients.insertMany(recipients.map((r) => ({
        _id: recipientDocId(id, r.address), messageId: id, address: r.address, domain: r.domain,
        status: 'queued' as const, attempts: 0, nextAttemptAt: m.createdAt, lastResponse: null,
        leaseOwner: null, leaseUntil: null, notify: r.notify, orcpt: r.orcpt, delayNoticeSent: false, noticePending: null,
        localFolder: r.localFolder ?? null, updatedAt: m.createdAt,
      })), sessionOpts(tx));
    })),

    claim: (opts) => guard(ctx, () => inTransaction(ctx, async (tx) => {
      const t = collections(tx);
      const due: Filter<QueueRecipientDoc> = {
        $and: [OPEN, freeLease(opts.now)], nextAttemptAt: { $lte: opts.now },
        ...(opts.skipDomains?.length ? { domain: { $nin: [...opts.skipDomains] } } : {}),
      };
      const groups = await t.recipients.aggregate<{ _id: { messageId: string; domain: string }; due: number }>([
        { $match: due },
        { $group: { _id: { messageId: '$messageId', domain: '$domain' }, due: { $min: '$nextAttemptAt' } } },
        { $sort: { due: 1, '_id.messageId': 1 } },
        { $limit: opts.maxGroups },
      ], sessionOpts(tx)).toArray();
      const leaseUntil = opts.now + opts.leaseMs;
      const leases: QueueLease[] = [];
      for (const g of groups) {
        const filter = { ...due, messageId: g._id.messageId, domain: g._id.domain };
        const ids = (await t.recipients.find(filter, { ...sessionOpts(tx), projection: { _id: 1 } }).toArray()).map((d) => d._id);
        if (ids.length === 0) continue;
        await t.recipients.updateMany({ ...filter, _id: { $in: ids } }, { $set: { leaseOwner: opts.owner, leaseUntil } }, sessionOpts(tx));
        const rows = await t.recipients.find({ _id: { $in: ids }, leaseOwner: opts.owner, leaseUntil }, sessionOpts(tx)).sort({ address: 1 }).toArray();
        const msg = await t.messages.findOne({ _id: g._id.messageId }, sessionOpts(tx));
        if (!msg || rows.length === 0) continue;
        leases.push({ message: toMessage(msg), domain: g._id.domain, leaseUntil, recipients: rows.map(toRecipient) });
      }
      return leases;
    })),

    renew: (owner, messageId, domain, until) => guard(ctx, async () => {
      const r = await c.recipients.updateMany({ messageId, domain, leaseOwner: owner, ...OPEN }, { $set: { leaseUntil: until } }, sessionOpts(ctx));
      return r.matchedCount > 0;
    }),

    record: (owner, messageId, outcomes, now) => guard(ctx, () => inTransaction(ctx, async (tx) => {
      const t = collections(tx);
      const updated: string[] = [];
      for (const o of outcomes) {
        const set: Partial<QueueRecipientDoc> = {
          status: o.status, nextAttemptAt: o.nextAttemptAt, leaseOwner: null, leaseUntil: null, updatedAt: now,
          ...(o.response ? { lastResponse: o.response } : {}),
          ...(o.delayNoticeSent ? { delayNoticeSent: true } : {}),
          ...(o.noticePending !== undefined ? { noticePending: o.noticePending } : {}),
        };
        const r = await t.recipients.updateOne(
          { _id: recipientDocId(messageId, o.address), leaseOwner: owner, ...OPEN },
          { $set: set, $inc: { attempts: o.attempted ? 1 : 0 } },
          sessionOpts(tx),
        );
        if (r.modifiedCount === 0) continue;
        updated.push(o.address);
        if (o.attempt) await t.attempts.insertOne({ messageId, address: o.address, ...o.attempt }, sessionOpts(tx));
      }
      const completed = updated.length > 0 && await completeIfFinal(tx, messageId, now);
      return { updated, completed };
    })),

    releaseAll: (owner) => guard(ctx, async () => {
      const r = await c.recipients.updateMany({ leaseOwner: owner }, { $set: { leaseOwner: null, leaseUntil: null } }, sessionOpts(ctx));
      return r.modifiedCount;
    }),

    get: (id) => guard(ctx, async () => {
      const msg = await c.messages.findOne({ _id: id }, sessionOpts(ctx));
      if (!msg) return null;
      const recipients = await c.recipients.find({ messageId: id }, sessionOpts(ctx)).sort({ address: 1 }).toArray();
      return { message: toMessage(msg), recipients: recipients.map(toRecipient) };
    }),

    attempts: (id) => guard(ctx, async () => {
      const docs = await c.attempts.find({ messageId: id }, { ...sessionOpts(ctx), projection: { _id: 0 } }).sort({ at: 1, _id: 1 }).toArray();
      return docs;
    }),

    list: (filter, offset, limit) => guard(ctx, async () => {
      const match: Filter<QueueMessageDoc> = {};
      if (!filter.includeCompleted && filter.status !== 'delivered' && filter.status !== 'failed') match.completedAt = null;
      if (filter.sender !== undefined) match.sender = filter.sender;
      if (filter.senderDomains !== undefined) {
        const domains = filter.senderDomains.map((d) => d.toLowerCase().replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
        const bySender: Filter<QueueMessageDoc> = { sender: { $regex: domains.length ? `@(${domains.join('|')})$` : '(?!)', $options: 'i' } };
        match.$and = [...(match.$and ?? []), bySender];
      }
      if (filter.status !== undefined || filter.domain !== undefined) {
        const rf: Filter<QueueRecipientDoc> = {};
        if (filter.status !== undefined) rf.status = filter.status;
        if (filter.domain !== undefined) rf.domain = filter.domain;
        match._id = { $in: await c.recipients.distinct('messageId', rf, sessionOpts(ctx)) };
      }
      const total = await c.messages.countDocuments(match, sessionOpts(ctx));
      const docs = await c.messages.find(match, sessionOpts(ctx)).sort({ createdAt: -1, _id: -1 }).skip(offset).limit(limit).toArray();
      const items: QueueSummary[] = [];
      for (const doc of docs) {
        const rcpts = await c.recipients.find({ messageId: doc._id }, { ...sessionOpts(ctx), projection: { status: 1, nextAttemptAt: 1, noticePending: 1 } }).toArray();
        const pending = rcpts.filter((r) => r.status === 'queued' || r.status === 'deferred' || typeof r.noticePending === 'string');
        items.push({
          ...toMessage(doc), recipientCount: rcpts.length, pendingCount: pending.length,
          nextAttemptAt: pending.length ? Math.min(...pending.map((r) => r.nextAttemptAt)) : null,
        });
      }
      return { items, total };
    }),

    retryNow: (id, now) => guard(ctx, async () => {
      const r = await c.recipients.updateMany({ messageId: id, ...OPEN }, { $set: { nextAttemptAt: now, updatedAt: now } }, sessionOpts(ctx));
      return r.modifiedCount;
    }),

    delete: (id) => guard(ctx, () => inTransaction(ctx, async (tx) => {
      const t = collections(tx);
      const msg = await t.messages.findOneAndDelete({ _id: id }, sessionOpts(tx));
      if (!msg) return false;
      // A completed message already gave its reference back.
      if (msg.completedAt === null) await t.blobs.updateOne({ _id: msg.blobId, refs: { $gt: 0 } }, { $inc: { refs: -1 } }, sessionOpts(tx));
      await t.recipients.deleteMany({ messageId: id }, sessionOpts(tx));
      await t.attempts.deleteMany({ messageId: id }, sessionOpts(tx));
      return true;
    })),

    nextDue: () => guard(ctx, async () => {
      const [row] = await c.recipients.aggregate<{ due: number }>([
        { $match: OPEN },
        { $group: { _id: null, due: { $min: { $max: ['$nextAttemptAt', { $ifNull: ['$leaseUntil', 0] }] } } } },
      ], sessionOpts(ctx)).toArray();
      return row ? row.due : null;
    }),

    purgeCompleted: (before) => guard(ctx, () => inTransaction(ctx, async (tx) => {
      const t = collections(tx);
      const ids = (await t.messages.find({ completedAt: { $ne: null, $lt: before } }, { ...sessionOpts(tx), projection: { _id: 1 } }).toArray()).map((d) => d._id);
      if (ids.length === 0) return 0;
      await t.recipients.deleteMany({ messageId: { $in: ids } }, sessionOpts(tx));
      await t.attempts.deleteMany({ messageId: { $in: ids } }, sessionOpts(tx));
      const r = await t.messages.deleteMany({ _id: { $in: ids } }, sessionOpts(tx));
      return r.deletedCount;
    })),
  };
}
