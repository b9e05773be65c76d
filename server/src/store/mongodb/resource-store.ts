// Rooms and equipment: addressed like accounts, booked through calendars.
import type { Resource } from '../../../../shared/src/schemas/directory.ts';
import type { ResourceStore } from '../port.ts';
import { addressedEntityStore } from './addressed-entity.ts';
import { COLLECTIONS } from './collections.ts';
import type { MongoCtx } from './mongo-context.ts';

export interface ResourceDoc extends Omit<Resource, 'id'> {
  _id: string;
  /** Lower-cased name, for case-insensitive sorting from an index. */
  nameKey: string;
}

export function createResourceStore(ctx: MongoCtx): ResourceStore {
  const resources = addressedEntityStore<Resource, ResourceDoc>(ctx, {
    kind: 'resource',
    collection: COLLECTIONS.resources,
    sortFields: { address: 'address', name: 'nameKey', createdAt: 'createdAt' },
    textFields: ['address', 'name'],
    lowerKey: { field: 'name', key: 'nameKey' },
  });

  return {
    create: resources.create,
    get: resources.get,
    getByAddress: resources.getByAddress,
    update: resources.update,
    delete: resources.delete,
    list: (opts) => resources.list(opts),
    countInDomain: resources.countInDomain,
  };
}
