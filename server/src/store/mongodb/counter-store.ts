// Named monotonic counters (UIDs, MODSEQs, sync tokens). One atomic
// `$inc` with upsert reserves a block of values; inside atomic() it joins the
// transaction, so a rolled-back transaction also gives its values back.
import type { Collection } from 'mongodb';
import { StoaError } from '../../errors/catalogue.ts';
import type { CounterStore } from '../port.ts';
import { COLLECTIONS } from './collections.ts';
import { guard, sessionOpts, type MongoCtx } from './mongo-context.ts';

export interface CounterDoc {
  _id: string;
  value: number;
}

export function createCounterStore(ctx: MongoCtx): CounterStore {
  const counters: Collection<CounterDoc> = ctx.db.collection<CounterDoc>(COLLECTIONS.counters);

  return {
    async next(name, n = 1) {
      if (!Number.isSafeInteger(n) || n < 1) throw new StoaError('STOA_VALIDATION', `counter step must be a positive integer, got ${n}`);
      return guard(ctx, async () => {
        const doc = await counters.findOneAndUpdate(
          { _id: name },
          { $inc: { value: n } },
          { ...sessionOpts(ctx), upsert: true, returnDocument: 'after' },
        );
        if (doc === null) throw new Error(`upsert of counter ${name} returned no document`);
        return doc.value - n + 1;
      });
    },

    async peek(name) {
      const doc = await guard(ctx, () => counters.findOne({ _id: name }, sessionOpts(ctx)));
      return doc?.value ?? 0;
    },
  };
}
