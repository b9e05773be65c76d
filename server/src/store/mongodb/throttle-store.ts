// Login throttling state shared by every node.
//
// reserve() is a conditional, single-document update per counter rather than
// a transaction: under a password-guessing burst many attempts hit the same
// counter at once, and transactions would turn that into a storm of write
// conflicts and retries. Each counter's check and count are one atomic
// update (an aggregation pipeline that computes the new count and its block
// time from the stored values, filtered on "not blocked now"), so a counter
// can never let more attempts through than its rule allows (issue 16 item
// 3). When a later counter of the same attempt is blocked, the counters
// already taken are given back (release), so a refused attempt counts
// nowhere — at worst a parallel attempt saw them taken for a moment and was
// refused too, which errs on the safe side.
import type { Collection, Document } from 'mongodb';
import type { ThrottleRule, ThrottleState, ThrottleStore } from '../throttle-port.ts';
import { COLLECTIONS } from './collections.ts';
import { isDuplicateKey } from './errors.ts';
import { guard, type MongoCtx } from './mongo-context.ts';

export interface ThrottleDoc {
  _id: string;
  failures: number;
  lastFailureAt: number;
  blockedUntil: number;
}

export interface LoginClientDoc {
  /** "account|client": a client key (an address or IPv6 /64) never holds "|". */
  _id: string;
  account: string;
  client: string;
  lastSuccessAt: number;
}

function fromDoc(doc: ThrottleDoc): ThrottleState {
  return { key: doc._id, failures: doc.failures, lastFailureAt: doc.lastFailureAt, blockedUntil: doc.blockedUntil };
}

/** throttle-port.ts throttleDelayMs as an aggregation expression of `failures`. */
function delayExpr(rule: ThrottleRule, failures: unknown): Document {
  const extra = { $subtract: [failures, rule.freeFailures] };
  return {
    $cond: [
      { $lte: [extra, 0] },
      0,
      { $min: [rule.maxDelayMs, { $multiply: [rule.baseDelayMs, { $pow: [2, { $min: [{ $subtract: [extra, 1] }, 52] }] }] }] },
    ],
  };
}

/** Counts one failure when the counter is not blocked at `now`; past its window it starts from zero. */
function reservePipeline(rule: ThrottleRule, now: number): Document[] {
  const stale = { $and: [{ $lt: ['$lastFailureAt', now - rule.windowMs] }, { $lte: ['$blockedUntil', now] }] };
  return [
    { $set: { failures: { $add: [{ $cond: [{ $or: [{ $eq: [{ $type: '$failures' }, 'missing'] }, stale] }, 0, '$failures'] }, 1] } } },
    { $set: { lastFailureAt: now, blockedUntil: { $add: [now, delayExpr(rule, '$failures')] } } },
  ];
}

/** Takes one failure back; the block is what the rest earned, never longer than the one there is. */
function releasePipeline(rule: ThrottleRule): Document[] {
  return [
    { $set: { failures: { $max: [0, { $subtract: ['$failures', 1] }] } } },
    { $set: { blockedUntil: { $min: ['$blockedUntil', { $add: ['$lastFailureAt', delayExpr(rule, '$failures')] }] } } },
  ];
}

export function createThrottleStore(ctx: MongoCtx): ThrottleStore {
  const throttle: Collection<ThrottleDoc> = ctx.db.collection<ThrottleDoc>(COLLECTIONS.throttle);
  const clients: Collection<LoginClientDoc> = ctx.db.collection<LoginClientDoc>(COLLECTIONS.loginClients);

  async function takeOne(rule: ThrottleRule, now: number): Promise<{ ok: true } | { ok: false; blockedUntil: number }> {
    for (let tries = 0; ; tries++) {
      try {
        const taken = await throttle.findOneAndUpdate(
          { _id: rule.key, blockedUntil: { $not: { $gt: now } } },
          reservePipeline(rule, now),
          { upsert: true, returnDocument: 'after' },
        );
        if (taken !== null) return { ok: true };
      } catch (err) {
        // The upsert's insert hit an existing _id: the counter is blocked, or another attempt created it just now.
        if (!isDuplicateKey(err)) throw err;
      }
      const doc = await throttle.findOne({ _id: rule.key });
      if ((doc && doc.blockedUntil > now) || tries >= 3) return { ok: false, blockedUntil: Math.max(doc?.blockedUntil ?? 0, now + 1) };
    }
  }

  async function giveBack(rules: readonly ThrottleRule[]): Promise<void> {
    for (const rule of rules) await throttle.updateOne({ _id: rule.key }, releasePipeline(rule));
  }

  return {
    async get(key) {
      const doc = await guard(ctx, () => throttle.findOne({ _id: key }));
      return doc ? fromDoc(doc) : null;
    },

    async reserve(rules, now) {
      return guard(ctx, async () => {
        const taken: ThrottleRule[] = [];
        for (const rule of rules) {
          const result = await takeOne(rule, now);
          if (!result.ok) {
            await giveBack(taken);
            return { ok: false as const, key: rule.key, blockedUntil: result.blockedUntil };
          }
          taken.push(rule);
        }
        return { ok: true as const };
      });
    },

    async release(rules) {
      await guard(ctx, () => giveBack(rules));
    },

    async clear(key) {
      await guard(ctx, () => throttle.deleteOne({ _id: key }));
    },

    async prune(before) {
      const result = await guard(ctx, () => throttle.deleteMany({ lastFailureAt: { $lt: before } }));
      return result.deletedCount;
    },

    async rememberClient(account, client, at, keep) {
      await guard(ctx, async () => {
        await clients.updateOne({ _id: `${account}|${client}` }, { $set: { account, client }, $max: { lastSuccessAt: at } }, { upsert: true });
        // Only a new document can take the account past `keep`: the oldest go.
        const extra = await clients.find({ account }, { projection: { _id: 1 }, sort: { lastSuccessAt: -1, _id: 1 }, skip: keep }).toArray();
        if (extra.length > 0) await clients.deleteMany({ _id: { $in: extra.map((d) => d._id) } });
      });
    },

    async knownClient(account, client, since) {
      return (await guard(ctx, () => clients.countDocuments({ _id: `${account}|${client}`, lastSuccessAt: { $gte: since } }, { limit: 1 }))) > 0;
    },

    async pruneClients(before) {
      const result = await guard(ctx, () => clients.deleteMany({ lastSuccessAt: { $lt: before } }));
      return result.deletedCount;
    },
  };
}
