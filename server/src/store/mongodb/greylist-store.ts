// Greylisting triplets and rate counters (filter-port.ts): single-document
// atomic updates, no transactions, since a burst from one client hits one key.
import type { Collection } from 'mongodb';
import type { GreylistEntry, GreylistStore, RateCounterStore } from '../filter-port.ts';
import { FILTER_COLLECTIONS } from './filter-collections.ts';
import { guard, type MongoCtx } from './mongo-context.ts';

type GreylistDoc = Omit<GreylistEntry, 'key'> & { _id: string };
interface RateCounterDoc { _id: string; key: string; windowStart: number; count: number }

export function createGreylistStore(ctx: MongoCtx): GreylistStore {
  const greylist: Collection<GreylistDoc> = ctx.db.collection<GreylistDoc>(FILTER_COLLECTIONS.greylist);
  return {
    async seen(key, network, now) {
      const doc = await guard(ctx, () => greylist.findOneAndUpdate(
        { _id: key },
        { $set: { lastSeenAt: now }, $setOnInsert: { network, firstSeenAt: now, passedAt: null } },
        { upsert: true, returnDocument: 'after' },
      ));
      if (doc === null) throw new Error(`upsert of greylist key ${key} returned no document`);
      const { _id, ...rest } = doc;
      return { key: _id, ...rest };
    },
    async pass(key, now) {
      await guard(ctx, async () => {
        await greylist.updateOne({ _id: key, passedAt: null }, { $set: { passedAt: now } });
        await greylist.updateOne({ _id: key }, { $set: { lastSeenAt: now } });
      });
    },
    passedFromNetwork: (network, since) => guard(ctx, () => greylist.countDocuments({ network, passedAt: { $ne: null }, lastSeenAt: { $gte: since } })),
    async prune(pendingBefore, passedBefore) {
      return guard(ctx, async () => {
        const pending = await greylist.deleteMany({ passedAt: null, firstSeenAt: { $lt: pendingBefore } });
        const passed = await greylist.deleteMany({ passedAt: { $ne: null }, lastSeenAt: { $lt: passedBefore } });
        return pending.deletedCount + passed.deletedCount;
      });
    },
  };
}

export function createRateCounterStore(ctx: MongoCtx): RateCounterStore {
  const counters: Collection<RateCounterDoc> = ctx.db.collection<RateCounterDoc>(FILTER_COLLECTIONS.rateCounters);
  return {
    async add(key, windowStart, n = 1) {
      const doc = await guard(ctx, () => counters.findOneAndUpdate(
        { _id: `${windowStart}:${key}` },
        { $inc: { count: n }, $setOnInsert: { key, windowStart } },
        { upsert: true, returnDocument: 'after' },
      ));
      return doc?.count ?? n;
    },
    async get(key, windowStart) {
      const doc = await guard(ctx, () => counters.findOne({ _id: `${windowStart}:${key}` }));
      return doc?.count ?? 0;
    },
    async prune(before) {
      const result = await guard(ctx, () => counters.deleteMany({ windowStart: { $lt: before } }));
      return result.deletedCount;
    },
  };
}
