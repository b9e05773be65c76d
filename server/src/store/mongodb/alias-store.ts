// Aliases and catch-alls (`*@domain`); the address is claimed like any other.
import type { Collection } from 'mongodb';
import type { Alias } from '../../../../shared/src/schemas/directory.ts';
import type { AliasStore } from '../port.ts';
import {
  countInDomain, deleteAddressed, findByAddress, findById, insertAddressed, updateById,
} from './addressed-entity.ts';
import { COLLECTIONS } from './collections.ts';
import { allOf, findPage, scopeFilter, sortBy, sortField, textFilter } from './listing.ts';
import type { MongoCtx } from './mongo-context.ts';

export interface AliasDoc extends Omit<Alias, 'id'> {
  _id: string;
}

function toDoc(alias: Alias): AliasDoc {
  const { id, ...rest } = alias;
  return { _id: id, ...rest };
}

function fromDoc(doc: AliasDoc): Alias {
  const { _id, ...rest } = doc;
  return { id: _id, ...rest };
}

const SORT_FIELDS: Record<string, string> = { address: 'address', createdAt: 'createdAt' };

export function createAliasStore(ctx: MongoCtx): AliasStore {
  const aliases: Collection<AliasDoc> = ctx.db.collection<AliasDoc>(COLLECTIONS.aliases);

  return {
    async create(alias) {
      await insertAddressed(ctx, 'alias', aliases, [toDoc(alias)]);
    },

    async get(id) {
      const doc = await findById(ctx, aliases, id);
      return doc ? fromDoc(doc) : null;
    },

    async getByAddress(address) {
      const doc = await findByAddress(ctx, aliases, address);
      return doc ? fromDoc(doc) : null;
    },

    async update(id, patch) {
      return fromDoc(await updateById(ctx, aliases, id, patch));
    },

    async delete(id) {
      await deleteAddressed(ctx, 'alias', aliases, id);
    },

    async list(opts) {
      const filter = allOf(
        scopeFilter(opts.scope),
        opts.domainId === undefined ? {} : { domainId: opts.domainId },
        // Aliases have no name: q also matches the description (as in the SQLite adapter).
        textFilter(opts.q, ['address', 'description']),
      );
      const sort = sortBy(sortField(SORT_FIELDS, opts.sort), opts.order, opts.sort === 'address');
      return findPage(ctx, aliases, filter, sort, opts, fromDoc);
    },

    async countInDomain(domainId) {
      return countInDomain(ctx, aliases, domainId);
    },
  };
}
