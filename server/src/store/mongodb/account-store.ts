// Accounts, with their password hash. `displayNameKey` is the lower-cased
// display name: sorting by it is case-insensitive and served by an index
// without per-query collations (see migrations.ts).
import type { Collection, Document } from 'mongodb';
import type { AccountFilter, AccountRecord, AccountStore } from '../port.ts';
import {
  countInDomain, deleteAddressed, findByAddress, findById, insertAddressed, updateById,
} from './addressed-entity.ts';
import { COLLECTIONS } from './collections.ts';
import { allOf, findPage, scopeFilter, sortBy, sortField, textFilter } from './listing.ts';
import { guard, sessionOpts, type MongoCtx } from './mongo-context.ts';

export interface AccountDoc extends Omit<AccountRecord, 'id'> {
  _id: string;
  displayNameKey: string;
}

function toDoc(account: AccountRecord): AccountDoc {
  const { id, ...rest } = account;
  return { _id: id, ...rest, displayNameKey: account.displayName.toLowerCase() };
}

function fromDoc(doc: AccountDoc): AccountRecord {
  const { _id, displayNameKey: _key, ...rest } = doc;
  return { id: _id, ...rest };
}

const SORT_FIELDS: Record<string, string> = {
  address: 'address',
  displayName: 'displayNameKey',
  createdAt: 'createdAt',
  quotaBytes: 'quotaBytes',
};

function filterOf(opts: AccountFilter & { q?: string }): Document {
  return allOf(
    scopeFilter(opts.scope),
    opts.domainId === undefined ? {} : { domainId: opts.domainId },
    opts.enabled === undefined ? {} : { enabled: opts.enabled },
    opts.role === undefined ? {} : { role: opts.role },
    textFilter(opts.q, ['address', 'displayName']),
  );
}

export function createAccountStore(ctx: MongoCtx): AccountStore {
  const accounts: Collection<AccountDoc> = ctx.db.collection<AccountDoc>(COLLECTIONS.accounts);

  return {
    async create(account) {
      await insertAddressed(ctx, 'account', accounts, [toDoc(account)]);
    },

    async createMany(records) {
      await insertAddressed(ctx, 'account', accounts, records.map(toDoc));
    },

    async get(id) {
      const doc = await findById(ctx, accounts, id);
      return doc ? fromDoc(doc) : null;
    },

    async getByAddress(address) {
      const doc = await findByAddress(ctx, accounts, address);
      return doc ? fromDoc(doc) : null;
    },

    async update(id, patch) {
      const set: Record<string, unknown> = { ...patch };
      if (typeof patch.displayName === 'string') set.displayNameKey = patch.displayName.toLowerCase();
      return fromDoc(await updateById(ctx, accounts, id, set));
    },

    async delete(id) {
      await deleteAddressed(ctx, 'account', accounts, id);
    },

    async list(opts) {
      const unique = opts.sort === 'address';
      return findPage(ctx, accounts, filterOf(opts), sortBy(sortField(SORT_FIELDS, opts.sort), opts.order, unique), opts, fromDoc);
    },

    async countByRole(role, enabledOnly) {
      const filter = enabledOnly ? { role, enabled: true } : { role };
      return guard(ctx, () => accounts.countDocuments(filter, sessionOpts(ctx)));
    },

    async countInDomain(domainId) {
      return countInDomain(ctx, accounts, domainId);
    },
  };
}
