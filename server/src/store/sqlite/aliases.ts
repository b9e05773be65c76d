// Aliases, including the catch-all (*@domain), which claims that literal
// address in the shared address space.
import type { Alias } from '../../../../shared/src/schemas/directory.ts';
import type { AliasStore } from '../port.ts';
import type { Executor } from './sqlite-executor.ts';
import { ownedStore } from './addresses.ts';
import { LINKED_WHERE } from './directory-connections.ts';
import { decodeRow, type TableMap } from './table-mapping.ts';

export const ALIASES: TableMap<Alias> = {
  table: 'aliases',
  fields: {
    id: ['id', 'value'],
    domainId: ['domain_id', 'value'],
    address: ['address', 'value'],
    targets: ['targets', 'json'],
    description: ['description', 'value'],
    source: ['source', 'json'],
    createdAt: ['created_at', 'value'],
    updatedAt: ['updated_at', 'value'],
  },
};

export function sqliteAliasStore(x: Executor): AliasStore {
  const aliases = ownedStore(x, 'alias', ALIASES, {
    table: 'aliases',
    sort: { address: 'address', createdAt: 'created_at' },
    // Aliases have no name: q also matches the description.
    search: ['address', 'description'],
    scopeColumn: 'domain_id',
  });
  return {
    create: aliases.create,
    get: aliases.get,
    getByAddress: aliases.getByAddress,
    update: aliases.update,
    delete: aliases.delete,
    list: (opts) => aliases.list(opts),
    countInDomain: aliases.countInDomain,
    listLinked: (connectionId) => x.read((c) => c.all(`SELECT * FROM aliases WHERE ${LINKED_WHERE} ORDER BY address`, connectionId)
      .map((row) => decodeRow(ALIASES, row))),
  };
}
