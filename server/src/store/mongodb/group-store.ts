// Groups and distribution lists. Members are embedded; a multikey index on
// `members.id` answers "which groups contain X" (group expansion, deletes).
import type { Collection } from 'mongodb';
import type { Group } from '../../../../shared/src/schemas/directory.ts';
import type { GroupStore } from '../port.ts';
import {
  countInDomain, deleteAddressed, findByAddress, findById, insertAddressed, updateById,
} from './addressed-entity.ts';
import { COLLECTIONS } from './collections.ts';
import { allOf, findPage, scopeFilter, sortBy, sortField, textFilter } from './listing.ts';
import { guard, sessionOpts, type MongoCtx } from './mongo-context.ts';

export interface GroupDoc extends Omit<Group, 'id'> {
  _id: string;
  /** Lower-cased name, for case-insensitive sorting from an index. */
  nameKey: string;
}

function toDoc(group: Group): GroupDoc {
  const { id, ...rest } = group;
  return { _id: id, ...rest, nameKey: group.name.toLowerCase() };
}

function fromDoc(doc: GroupDoc): Group {
  const { _id, nameKey: _key, ...rest } = doc;
  return { id: _id, ...rest };
}

const SORT_FIELDS: Record<string, string> = { address: 'address', name: 'nameKey', createdAt: 'createdAt' };

export function createGroupStore(ctx: MongoCtx): GroupStore {
  const groups: Collection<GroupDoc> = ctx.db.collection<GroupDoc>(COLLECTIONS.groups);

  return {
    async create(group) {
      await insertAddressed(ctx, 'group', groups, [toDoc(group)]);
    },

    async get(id) {
      const doc = await findById(ctx, groups, id);
      return doc ? fromDoc(doc) : null;
    },

    async getByAddress(address) {
      const doc = await findByAddress(ctx, groups, address);
      return doc ? fromDoc(doc) : null;
    },

    async update(id, patch) {
      const set: Record<string, unknown> = { ...patch };
      if (typeof patch.name === 'string') set.nameKey = patch.name.toLowerCase();
      return fromDoc(await updateById(ctx, groups, id, set));
    },

    async delete(id) {
      await deleteAddressed(ctx, 'group', groups, id);
    },

    async list(opts) {
      const filter = allOf(
        scopeFilter(opts.scope),
        opts.domainId === undefined ? {} : { domainId: opts.domainId },
        textFilter(opts.q, ['address', 'name']),
      );
      const sort = sortBy(sortField(SORT_FIELDS, opts.sort), opts.order, opts.sort === 'address');
      return findPage(ctx, groups, filter, sort, opts, fromDoc);
    },

    async containing(member) {
      const docs = await guard(ctx, () => groups.find(
        { members: { $elemMatch: { kind: member.kind, id: member.id } } },
        { ...sessionOpts(ctx), sort: { address: 1 } },
      ).toArray());
      return docs.map(fromDoc);
    },

    async countInDomain(domainId) {
      return countInDomain(ctx, groups, domainId);
    },
  };
}
