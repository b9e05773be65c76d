// Domains, including alias domains (aliasOf → target domain id).
import type { Domain } from '../../../../shared/src/schemas/directory.ts';
import { StoaError } from '../../errors/catalogue.ts';
import type { DomainStore } from '../port.ts';
import type { Executor } from './sqlite-executor.ts';
import { isUniqueViolation } from './sqlite-errors.ts';
import { listRows, mapPage } from './listing.ts';
import { countWhere, decodeRow, getRow, insertRow, updateRow, type TableMap } from './table-mapping.ts';

export const DOMAINS: TableMap<Domain> = {
  table: 'domains',
  fields: {
    id: ['id', 'value'],
    name: ['name', 'value'],
    unicodeName: ['unicode_name', 'value'],
    aliasOf: ['alias_of', 'value'],
    enabled: ['enabled', 'bool'],
    description: ['description', 'value'],
    defaultQuotaBytes: ['default_quota_bytes', 'value'],
    defaultQuotaMessages: ['default_quota_messages', 'value'],
    createdAt: ['created_at', 'value'],
    updatedAt: ['updated_at', 'value'],
  },
};

const OWNERS = ['accounts', 'groups', 'aliases', 'resources', 'shared_mailboxes', 'public_folder_addresses'] as const;

export function sqliteDomainStore(x: Executor): DomainStore {
  return {
    create: (domain) => x.write((c) => {
      if (c.get('SELECT 1 AS present FROM domains WHERE name = ?', domain.name)) {
        throw new StoaError('STOA_DOMAIN_EXISTS', domain.name);
      }
      try {
        insertRow(c, DOMAINS, domain);
      } catch (err) {
        if (isUniqueViolation(err)) throw new StoaError('STOA_CONFLICT', `domain id ${domain.id} exists`, { cause: err });
        throw err;
      }
    }),
    get: (id) => x.readRow(`domains:${id}`, (c) => getRow(c, DOMAINS, 'id', id)),
    getByName: (name) => x.readRow(`domains.name:${name}`, (c) => getRow(c, DOMAINS, 'name', name)),
    update: (id, patch) => x.write((c) => updateRow(c, DOMAINS, id, patch, ['id', 'name', 'unicodeName', 'createdAt'])),
    delete: (id) => x.write((c) => {
      if (!c.get('SELECT 1 AS present FROM domains WHERE id = ?', id)) throw new StoaError('STOA_NOT_FOUND', `domain ${id}`);
      for (const table of OWNERS) {
        if (c.get(`SELECT 1 AS present FROM ${table} WHERE domain_id = ? LIMIT 1`, id)) {
          throw new StoaError('STOA_DOMAIN_NOT_EMPTY', `${table} remain in domain ${id}`);
        }
      }
      if (countWhere(c, 'domains', 'alias_of', id) > 0) throw new StoaError('STOA_DOMAIN_HAS_ALIASES', `domain ${id}`);
      c.run('DELETE FROM domains WHERE id = ?', id);
    }),
    list: (opts) => x.read((c) => mapPage(listRows(c, {
      table: 'domains',
      sort: { name: 'name', createdAt: 'created_at' },
      search: ['name', 'unicode_name'],
      scopeColumn: 'id',
    }, opts, []), (row) => decodeRow(DOMAINS, row))),
    aliasesOf: (id) => x.read((c) => c.all('SELECT * FROM domains WHERE alias_of = ? ORDER BY name', id).map((row) => decodeRow(DOMAINS, row))),
    count: () => x.read((c) => Number(c.get('SELECT count(*) AS n FROM domains')?.n ?? 0)),
  };
}
