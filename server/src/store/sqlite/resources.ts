// Bookable resources (rooms, equipment); each has a mailbox address.
import type { Resource } from '../../../../shared/src/schemas/directory.ts';
import type { ResourceStore } from '../port.ts';
import type { Executor } from './sqlite-executor.ts';
import { ownedStore } from './addresses.ts';
import type { TableMap } from './table-mapping.ts';

export const RESOURCES: TableMap<Resource> = {
  table: 'resources',
  fields: {
    id: ['id', 'value'],
    domainId: ['domain_id', 'value'],
    address: ['address', 'value'],
    name: ['name', 'value'],
    kind: ['kind', 'value'],
    capacity: ['capacity', 'value'],
    location: ['location', 'value'],
    bookingPolicy: ['booking_policy', 'value'],
    managerIds: ['manager_ids', 'json'],
    enabled: ['enabled', 'bool'],
    createdAt: ['created_at', 'value'],
    updatedAt: ['updated_at', 'value'],
  },
};

export function sqliteResourceStore(x: Executor): ResourceStore {
  const resources = ownedStore(x, 'resource', RESOURCES, {
    table: 'resources',
    sort: { address: 'address', name: 'name COLLATE NOCASE', createdAt: 'created_at' },
    search: ['address', 'name'],
    scopeColumn: 'domain_id',
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
