// Named leases shared by every node (port.ts LockStore). One document per
// key; acquire is a conditional upsert on `_id`, so when two nodes race for a
// held lock the loser's upsert hits the unique `_id` and reports "held".
import type { Collection } from 'mongodb';
import type { LockStore } from '../port.ts';
import { COLLECTIONS } from './collections.ts';
import { isDuplicateKey } from './errors.ts';
import { guard, type MongoCtx } from './mongo-context.ts';

interface LockDoc {
  _id: string;
  owner: string;
  /** ms since epoch: compared as a plain number, like the queue leases. */
  expiresAt: number;
}

export function createLockStore(ctx: MongoCtx): LockStore {
  const locks: Collection<LockDoc> = ctx.db.collection<LockDoc>(COLLECTIONS.locks);
  return {
    acquire: (key, owner, ttlMs, now = Date.now()) => guard(ctx, async () => {
      try {
        const doc = await locks.findOneAndUpdate(
          { _id: key, $or: [{ owner }, { expiresAt: { $lte: now } }] },
          { $set: { owner, expiresAt: now + ttlMs } },
          { upsert: true, returnDocument: 'after' },
        );
        return doc?.owner === owner;
      } catch (err) {
        if (isDuplicateKey(err)) return false;
        throw err;
      }
    }),
    renew: (key, owner, ttlMs, now = Date.now()) => guard(ctx, async () => {
      const result = await locks.updateOne({ _id: key, owner }, { $set: { expiresAt: now + ttlMs } });
      return result.matchedCount === 1;
    }),
    release: (key, owner) => guard(ctx, async () => {
      await locks.deleteOne({ _id: key, owner });
    }),
  };
}
