// Groups and distribution lists. Members are embedded; a multikey index on
// `members.id` answers "which groups contain X" (group expansion, deletes).
import type { Group } from '../../../../shared/src/schemas/directory.ts';
import type { GroupStore } from '../port.ts';
import { addressedEntityStore } from './addressed-entity.ts';
import { COLLECTIONS } from './collections.ts';
import { guard, sessionOpts, type MongoCtx } from './mongo-context.ts';

export interface GroupDoc extends Omit<Group, 'id'> {
  _id: string;
  /** Lower-cased name, for case-insensitive sorting from an index. */
  nameKey: string;
}

export function createGroupStore(ctx: MongoCtx): GroupStore {
  const groups = addressedEntityStore<Group, GroupDoc>(ctx, {
    kind: 'group',
    collection: COLLECTIONS.groups,
    sortFields: { address: 'address', name: 'nameKey', createdAt: 'createdAt' },
    textFields: ['address', 'name'],
    lowerKey: { field: 'name', key: 'nameKey' },
  });

  return {
    create: groups.create,
    get: groups.get,
    getByAddress: groups.getByAddress,
    update: groups.update,
    delete: groups.delete,
    list: (opts) => groups.list(opts),
    countInDomain: groups.countInDomain,

    async listLinked(connectionId) {
      const docs = await guard(ctx, () => groups.collection.find({ 'source.connectionId': connectionId }, { ...sessionOpts(ctx), sort: { address: 1 } }).toArray());
      return docs.map(groups.fromDoc);
    },

    async containing(member) {
      const docs = await guard(ctx, () => groups.collection.find(
        { members: { $elemMatch: { kind: member.kind, id: member.id } } },
        { ...sessionOpts(ctx), sort: { address: 1 } },
      ).toArray());
      return docs.map(groups.fromDoc);
    },
  };
}
