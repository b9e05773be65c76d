// Aliases, including the catch-all (*@domain), which claims that literal
// address in the shared address space.
import type { Alias } from '../../../../shared/src/schemas/directory.ts';
import type { AliasStore } from '../port.ts';
import type { Executor } from './sqlite-executor.ts';
import { deleteOwned, insertOwned } from './addresses.ts';
import { listRows, mapPage, type Condition } from './listing.ts';
import { countWhere, decodeRow, getRow, insertRow, updateRow, type TableMap } from './table-mapping.ts';

export const ALIASES: TableMap<Alias> = {
  table: 'aliases',
  fields: {
    id: ['id', 'value'],
    domainId: ['domain_id', 'value'],
    address: ['address', 'value'],
    targets: ['targets', 'json'],
    description: ['description', 'value'],
    createdAt: ['created_at', 'value'],
    updatedAt: ['updated_at', 'value'],
  },
};

export function sqliteAliasStore(x: Executor): AliasStore {
  return {
    create: (alias) => x.write((c) => insertOwned(c, alias.address, 'alias', alias.id, () => insertRow(c, ALIASES, alias))),
    get: (id) => x.read((c) => getRow(c, ALIASES, 'id', id)),
    getByAddress: (address) => x.read((c) => getRow(c, ALIASES, 'address', address)),
    update: (id, patch) => x.write((c) => updateRow(c, ALIASES, id, patch, ['id', 'address', 'domainId', 'createdAt'])),
    delete: (id) => x.write((c) => deleteOwned(c, 'aliases', 'alias', id)),
    list: (opts) => x.read((c) => {
      const extra: Condition[] = opts.domainId !== undefined ? [{ sql: 'domain_id = ?', params: [opts.domainId] }] : [];
      // Aliases have no name: q also matches the description.
      return mapPage(listRows(c, {
        table: 'aliases',
        sort: { address: 'address', createdAt: 'created_at' },
        search: ['address', 'description'],
        scopeColumn: 'domain_id',
      }, opts, extra), (row) => decodeRow(ALIASES, row));
    }),
    countInDomain: (domainId) => x.read((c) => countWhere(c, 'aliases', 'domain_id', domainId)),
  };
}
