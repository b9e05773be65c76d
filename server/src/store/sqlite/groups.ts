// Groups and distribution lists. Members are stored as JSON on the row and
// mirrored into group_members so containing() is an index lookup.
import type { Group } from '../../../../shared/src/schemas/directory.ts';
import type { GroupStore } from '../port.ts';
import type { Executor } from './sqlite-executor.ts';
import type { SqliteConnection } from './sqlite-connection.ts';
import { OWNED_IMMUTABLE, ownedStore } from './addresses.ts';
import { LINKED_WHERE } from './directory-connections.ts';
import { decodeRow, updateRow, type TableMap } from './table-mapping.ts';

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
    source: ['source', 'json'],
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
  const groups = ownedStore(x, 'group', GROUPS, {
    table: 'groups',
    sort: { address: 'address', name: 'name COLLATE NOCASE', createdAt: 'created_at' },
    search: ['address', 'name'],
    scopeColumn: 'domain_id',
  });
  return {
    create: (group) => x.write((c) => {
      groups.insert(c, group);
      indexMembers(c, group);
    }),
    get: groups.get,
    getByAddress: groups.getByAddress,
    update: (id, patch) => x.write((c) => {
      const group = updateRow(c, GROUPS, id, patch, OWNED_IMMUTABLE);
      if (patch.members !== undefined) indexMembers(c, group);
      return group;
    }),
    // group_members rows go with the group (ON DELETE CASCADE).
    delete: groups.delete,
    list: (opts) => groups.list(opts),
    containing: (member) => x.read((c) => c.all(
      `SELECT g.* FROM group_members m JOIN groups g ON g.id = m.group_id
       WHERE m.kind = ? AND m.member_id = ? ORDER BY g.address`,
      member.kind, member.id,
    ).map((row) => decodeRow(GROUPS, row))),
    countInDomain: groups.countInDomain,
    listLinked: (connectionId) => x.read((c) => c.all(`SELECT * FROM groups WHERE ${LINKED_WHERE} ORDER BY address`, connectionId)
      .map((row) => decodeRow(GROUPS, row))),
  };
}
