// Aliases and catch-alls (`*@domain`); the address is claimed like any other.
import type { Alias } from '../../../../shared/src/schemas/directory.ts';
import type { AliasStore } from '../port.ts';
import { addressedEntityStore } from './addressed-entity.ts';
import { COLLECTIONS } from './collections.ts';
import { guard, sessionOpts, type MongoCtx } from './mongo-context.ts';

export interface AliasDoc extends Omit<Alias, 'id'> {
  _id: string;
}

export function createAliasStore(ctx: MongoCtx): AliasStore {
  const aliases = addressedEntityStore<Alias, AliasDoc>(ctx, {
    kind: 'alias',
    collection: COLLECTIONS.aliases,
    sortFields: { address: 'address', createdAt: 'createdAt' },
    // Aliases have no name: q also matches the description (as in the SQLite adapter).
    textFields: ['address', 'description'],
  });

  return {
    create: aliases.create,
    get: aliases.get,
    getByAddress: aliases.getByAddress,
    update: aliases.update,
    delete: aliases.delete,
    list: (opts) => aliases.list(opts),
    countInDomain: aliases.countInDomain,

    async listLinked(connectionId) {
      const docs = await guard(ctx, () => aliases.collection.find({ 'source.connectionId': connectionId }, { ...sessionOpts(ctx), sort: { address: 1 } }).toArray());
      return docs.map(aliases.fromDoc);
    },
  };
}
