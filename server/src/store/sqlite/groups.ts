// Groups and distribution lists. Members are stored as JSON on the row and
// mirrored into group_members so containing() is an index lookup.
import type { Group } from '../../../../shared/src/schemas/directory.ts';
import type { GroupStore } from '../port.ts';
import type { Executor } from './sqlite-executor.ts';
import type { SqliteConnection } from './sqlite-connection.ts';
import { deleteOwned, insertOwned } from './addresses.ts';
import { listRows, mapPage, type Condition } from './listing.ts';
import { countWhere, decodeRow, getRow, insertRow, updateRow, type TableMap } from './table-mapping.ts';

export const GROUPS: TableMap<Group> = {
  table: 'groups',
  fields: {
    id: ['id', 'value'],
    domainId: ['domain_id', 'value'],
    address: ['address', 'value'],
    name: ['name', 'value'],
    kind: ['kind', 'value'],
    description: ['description', 'value'],
    members: ['members', 'json'],
    createdAt: ['created_at', 'value'],
    updatedAt: ['updated_at', 'value'],
  },
};

function indexMembers(c: SqliteConnection, group: Pick<Group, 'id' | 'members'>): void {
  c.run('DELETE FROM group_members WHERE group_id = ?', group.id);
  for (const m of group.members) {
    if (m.kind === 'external') continue;
    c.run('INSERT OR IGNORE INTO group_members (kind, member_id, group_id) VALUES (?, ?, ?)', m.kind, m.id, group.id);
  }
}

export function sqliteGroupStore(x: Executor): GroupStore {
  return {
    create: (group) => x.write((c) => {
      insertOwned(c, group.address, 'group', group.id, () => insertRow(c, GROUPS, group));
      indexMembers(c, group);
    }),
    get: (id) => x.read((c) => getRow(c, GROUPS, 'id', id)),
    getByAddress: (address) => x.read((c) => getRow(c, GROUPS, 'address', address)),
    update: (id, patch) => x.write((c) => {
      const group = updateRow(c, GROUPS, id, patch, ['id', 'address', 'domainId', 'createdAt']);
      if (patch.members !== undefined) indexMembers(c, group);
      return group;
    }),
    // group_members rows go with the group (ON DELETE CASCADE).
    delete: (id) => x.write((c) => deleteOwned(c, 'groups', 'group', id)),
    list: (opts) => x.read((c) => {
      const extra: Condition[] = opts.domainId !== undefined ? [{ sql: 'domain_id = ?', params: [opts.domainId] }] : [];
      return mapPage(listRows(c, {
        table: 'groups',
        sort: { address: 'address', name: 'name COLLATE NOCASE', createdAt: 'created_at' },
        search: ['address', 'name'],
        scopeColumn: 'domain_id',
      }, opts, extra), (row) => decodeRow(GROUPS, row));
    }),
    containing: (member) => x.read((c) => c.all(
      `SELECT g.* FROM group_members m JOIN groups g ON g.id = m.group_id
       WHERE m.kind = ? AND m.member_id = ? ORDER BY g.address`,
      member.kind, member.id,
    ).map((row) => decodeRow(GROUPS, row))),
    countInDomain: (domainId) => x.read((c) => countWhere(c, 'groups', 'domain_id', domainId)),
  };
}
