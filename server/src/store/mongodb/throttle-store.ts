// Authentication failure counters shared by every node.
//
// recordFailure() is two single-document updates rather than a transaction:
// under a password-guessing burst many failures hit the same key at once,
// and transactions would turn that into a storm of write conflicts and
// retries. `$inc` makes the count exact. The block time is then written only
// if the count is still the one it was computed from, so when failures race,
// the block computed from the highest count is the one that stays — the same
// end state as running them one after another.
import type { Collection } from 'mongodb';
import type { ThrottleState, ThrottleStore } from '../port.ts';
import { COLLECTIONS } from './collections.ts';
import { guard, type MongoCtx } from './mongo-context.ts';

export interface ThrottleDoc {
  _id: string;
  failures: number;
  lastFailureAt: number;
  blockedUntil: number;
}

function fromDoc(doc: ThrottleDoc): ThrottleState {
  return { key: doc._id, failures: doc.failures, lastFailureAt: doc.lastFailureAt, blockedUntil: doc.blockedUntil };
}

export function createThrottleStore(ctx: MongoCtx): ThrottleStore {
  const throttle: Collection<ThrottleDoc> = ctx.db.collection<ThrottleDoc>(COLLECTIONS.throttle);

  return {
    async get(key) {
      const doc = await guard(ctx, () => throttle.findOne({ _id: key }));
      return doc ? fromDoc(doc) : null;
    },

    async recordFailure(key, now, blockFor) {
      return guard(ctx, async () => {
        const counted = await throttle.findOneAndUpdate(
          { _id: key },
          { $inc: { failures: 1 }, $set: { lastFailureAt: now }, $setOnInsert: { blockedUntil: now } },
          { upsert: true, returnDocument: 'after' },
        );
        if (counted === null) throw new Error(`upsert of throttle key ${key} returned no document`);
        const blockedUntil = now + Math.max(0, blockFor(counted.failures));
        await throttle.updateOne({ _id: key, failures: counted.failures }, { $set: { blockedUntil } });
        return { key, failures: counted.failures, lastFailureAt: now, blockedUntil };
      });
    },

    async clear(key) {
      await guard(ctx, () => throttle.deleteOne({ _id: key }));
    },

    async prune(before) {
      const result = await guard(ctx, () => throttle.deleteMany({ lastFailureAt: { $lt: before } }));
      return result.deletedCount;
    },
  };
}
