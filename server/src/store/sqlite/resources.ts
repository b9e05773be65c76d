// Bookable resources (rooms, equipment); each has a mailbox address.
import type { Resource } from '../../../../shared/src/schemas/directory.ts';
import type { ResourceStore } from '../port.ts';
import type { Executor } from './sqlite-executor.ts';
import { deleteOwned, insertOwned } from './addresses.ts';
import { listRows, mapPage, type Condition } from './listing.ts';
import { countWhere, decodeRow, getRow, insertRow, updateRow, type TableMap } from './table-mapping.ts';

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
  return {
    create: (resource) => x.write((c) => insertOwned(c, resource.address, 'resource', resource.id, () => insertRow(c, RESOURCES, resource))),
    get: (id) => x.read((c) => getRow(c, RESOURCES, 'id', id)),
    getByAddress: (address) => x.read((c) => getRow(c, RESOURCES, 'address', address)),
    update: (id, patch) => x.write((c) => updateRow(c, RESOURCES, id, patch, ['id', 'address', 'domainId', 'createdAt'])),
    delete: (id) => x.write((c) => deleteOwned(c, 'resources', 'resource', id)),
    list: (opts) => x.read((c) => {
      const extra: Condition[] = opts.domainId !== undefined ? [{ sql: 'domain_id = ?', params: [opts.domainId] }] : [];
      return mapPage(listRows(c, {
        table: 'resources',
        sort: { address: 'address', name: 'name COLLATE NOCASE', createdAt: 'created_at' },
        search: ['address', 'name'],
        scopeColumn: 'domain_id',
      }, opts, extra), (row) => decodeRow(RESOURCES, row));
    }),
    countInDomain: (domainId) => x.read((c) => countWhere(c, 'resources', 'domain_id', domainId)),
  };
}
