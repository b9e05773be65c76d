// Rooms and equipment: addressed like accounts, booked through calendars.
import type { Collection } from 'mongodb';
import type { Resource } from '../../../../shared/src/schemas/directory.ts';
import type { ResourceStore } from '../port.ts';
import {
  countInDomain, deleteAddressed, findByAddress, findById, insertAddressed, updateById,
} from './addressed-entity.ts';
import { COLLECTIONS } from './collections.ts';
import { allOf, findPage, scopeFilter, sortBy, sortField, textFilter } from './listing.ts';
import type { MongoCtx } from './mongo-context.ts';

export interface ResourceDoc extends Omit<Resource, 'id'> {
  _id: string;
  /** Lower-cased name, for case-insensitive sorting from an index. */
  nameKey: string;
}

function toDoc(resource: Resource): ResourceDoc {
  const { id, ...rest } = resource;
  return { _id: id, ...rest, nameKey: resource.name.toLowerCase() };
}

function fromDoc(doc: ResourceDoc): Resource {
  const { _id, nameKey: _key, ...rest } = doc;
  return { id: _id, ...rest };
}

const SORT_FIELDS: Record<string, string> = { address: 'address', name: 'nameKey', createdAt: 'createdAt' };

export function createResourceStore(ctx: MongoCtx): ResourceStore {
  const resources: Collection<ResourceDoc> = ctx.db.collection<ResourceDoc>(COLLECTIONS.resources);

  return {
    async create(resource) {
      await insertAddressed(ctx, 'resource', resources, [toDoc(resource)]);
    },

    async get(id) {
      const doc = await findById(ctx, resources, id);
      return doc ? fromDoc(doc) : null;
    },

    async getByAddress(address) {
      const doc = await findByAddress(ctx, resources, address);
      return doc ? fromDoc(doc) : null;
    },

    async update(id, patch) {
      const set: Record<string, unknown> = { ...patch };
      if (typeof patch.name === 'string') set.nameKey = patch.name.toLowerCase();
      return fromDoc(await updateById(ctx, resources, id, set));
    },

    async delete(id) {
      await deleteAddressed(ctx, 'resource', resources, id);
    },

    async list(opts) {
      const filter = allOf(
        scopeFilter(opts.scope),
        opts.domainId === undefined ? {} : { domainId: opts.domainId },
        textFilter(opts.q, ['address', 'name']),
      );
      const sort = sortBy(sortField(SORT_FIELDS, opts.sort), opts.order, opts.sort === 'address');
      return findPage(ctx, resources, filter, sort, opts, fromDoc);
    },

    async countInDomain(domainId) {
      return countInDomain(ctx, resources, domainId);
    },
  };
}
