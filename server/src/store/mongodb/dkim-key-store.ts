// DKIM signing keys per domain (filter-port.ts). insertActive swaps the active
// key in a transaction; the partial unique index keeps one active key per
// domain and algorithm even if two nodes rotate at once.
import type { Collection } from 'mongodb';
import { StoaError } from '../../errors/catalogue.ts';
import type { DkimKey, DkimKeyStore } from '../filter-port.ts';
import { isDuplicateKey } from './errors.ts';
import { FILTER_COLLECTIONS } from './filter-collections.ts';
import { guard, inTransaction, sessionOpts, type MongoCtx } from './mongo-context.ts';

type DkimKeyDoc = Omit<DkimKey, 'id'> & { _id: string };

const fromDoc = ({ _id, ...rest }: DkimKeyDoc): DkimKey => ({ id: _id, ...rest });

export function createDkimKeyStore(ctx: MongoCtx): DkimKeyStore {
  const keys = (c: MongoCtx): Collection<DkimKeyDoc> => c.db.collection<DkimKeyDoc>(FILTER_COLLECTIONS.dkimKeys);

  return {
    async insertActive(key) {
      const { id, ...rest } = key;
      try {
        await inTransaction(ctx, (tx) => guard(tx, async () => {
          await keys(tx).updateMany({ domainId: key.domainId, algorithm: key.algorithm, active: true }, { $set: { active: false } }, sessionOpts(tx));
          await keys(tx).insertOne({ _id: id, ...rest, active: true }, sessionOpts(tx));
        }));
      } catch (err) {
        const cause = err instanceof StoaError ? err.cause : err;
        if (isDuplicateKey(cause) || isDuplicateKey(err)) {
          throw new StoaError('STOA_CONFLICT', `DKIM selector ${key.selector} is already used in this domain, or another node rotated at the same time`, { cause: err });
        }
        throw err;
      }
    },
    async active(domainId) {
      const docs = await guard(ctx, () => keys(ctx).find({ domainId, active: true }, { ...sessionOpts(ctx), sort: { algorithm: 1 } }).toArray());
      return docs.map(fromDoc);
    },
    async listForDomain(domainId) {
      const docs = await guard(ctx, () => keys(ctx).find({ domainId }, { ...sessionOpts(ctx), sort: { createdAt: -1, _id: -1 } }).toArray());
      return docs.map(fromDoc);
    },
    async deleteForDomain(domainId) {
      const result = await guard(ctx, () => keys(ctx).deleteMany({ domainId }, sessionOpts(ctx)));
      return result.deletedCount;
    },
  };
}
