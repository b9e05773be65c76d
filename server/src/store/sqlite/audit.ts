// Append-only audit log of admin actions; before/after snapshots as JSON.
import type { AuditEntry } from '../../../../shared/src/schemas/directory.ts';
import type { AuditStore } from '../port.ts';
import type { Executor } from './sqlite-executor.ts';
import { listRows, mapPage, type Condition } from './listing.ts';
import { decodeRow, insertRow, type TableMap } from './table-mapping.ts';

const AUDIT: TableMap<AuditEntry> = {
  table: 'audit',
  fields: {
    id: ['id', 'value'],
    at: ['at', 'value'],
    actorId: ['actor_id', 'value'],
    actor: ['actor', 'value'],
    ip: ['ip', 'value'],
    action: ['action', 'value'],
    objectType: ['object_type', 'value'],
    objectId: ['object_id', 'value'],
    domainId: ['domain_id', 'value'],
    before: ['before', 'json'],
    after: ['after', 'json'],
  },
};

export function sqliteAuditStore(x: Executor): AuditStore {
  return {
    append: (entry) => x.write((c) => insertRow(c, AUDIT, entry)),
    list: (opts) => x.read((c) => {
      const extra: Condition[] = [];
      if (opts.domainId !== undefined) extra.push({ sql: 'domain_id = ?', params: [opts.domainId] });
      if (opts.objectType !== undefined) extra.push({ sql: 'object_type = ?', params: [opts.objectType] });
      if (opts.objectId !== undefined) extra.push({ sql: 'object_id = ?', params: [opts.objectId] });
      if (opts.actor !== undefined) extra.push({ sql: 'actor = ?', params: [opts.actor] });
      // ISO 8601 UTC strings of one format sort as text in time order.
      if (opts.since !== undefined) extra.push({ sql: 'at >= ?', params: [opts.since] });
      if (opts.until !== undefined) extra.push({ sql: 'at < ?', params: [opts.until] });
      return mapPage(listRows(c, {
        table: 'audit',
        sort: { at: 'at' },
        search: ['actor', 'action', 'object_type', 'object_id'],
        scopeColumn: 'domain_id',
      }, { ...opts, order: opts.order ?? 'desc' }, extra), (row) => decodeRow(AUDIT, row));
    }),
  };
}
