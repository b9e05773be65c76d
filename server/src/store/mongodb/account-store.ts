// Accounts, with their password hash. `displayNameKey` is the lower-cased
// display name: sorting by it is case-insensitive and served by an index
// without per-query collations (see migrations.ts).
import type { AccountRecord, AccountStore } from '../port.ts';
import { addressedEntityStore } from './addressed-entity.ts';
import { COLLECTIONS } from './collections.ts';
import { guard, sessionOpts, type MongoCtx } from './mongo-context.ts';

export interface AccountDoc extends Omit<AccountRecord, 'id'> {
  _id: string;
  displayNameKey: string;
}

export function createAccountStore(ctx: MongoCtx): AccountStore {
  const accounts = addressedEntityStore<AccountRecord, AccountDoc>(ctx, {
    kind: 'account',
    collection: COLLECTIONS.accounts,
    sortFields: {
      address: 'address',
      displayName: 'displayNameKey',
      createdAt: 'createdAt',
      quotaBytes: 'quotaBytes',
    },
    textFields: ['address', 'displayName'],
    lowerKey: { field: 'displayName', key: 'displayNameKey' },
  });

  return {
    create: accounts.create,
    createMany: accounts.createMany,
    get: accounts.get,
    getByAddress: accounts.getByAddress,
    update: accounts.update,
    delete: accounts.delete,

    list: (opts) => accounts.list(
      opts,
      opts.enabled === undefined ? {} : { enabled: opts.enabled },
      opts.role === undefined ? {} : { role: opts.role },
    ),

    async countByRole(role, enabledOnly) {
      const filter = enabledOnly ? { role, enabled: true } : { role };
      return guard(ctx, () => accounts.collection.countDocuments(filter, sessionOpts(ctx)));
    },

    countInDomain: accounts.countInDomain,

    async listLinked(connectionId) {
      const docs = await guard(ctx, () => accounts.collection.find({ 'source.connectionId': connectionId }, { ...sessionOpts(ctx), sort: { address: 1 } }).toArray());
      return docs.map(accounts.fromDoc);
    },

    async getBySource(connectionId, externalId) {
      const doc = await guard(ctx, () => accounts.collection.findOne({ 'source.connectionId': connectionId, 'source.externalId': externalId }, sessionOpts(ctx)));
      return doc ? accounts.fromDoc(doc) : null;
    },
  };
}
