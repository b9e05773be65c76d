// External directory connections and their sync history. A connection's
// settings are one JSON document (they are read whole and there are few);
// sync runs are kept per connection, newest first, and pruned by count.
import type { SyncRun } from '../../../../shared/src/schemas/directory-sync.ts';
import { StoaError } from '../../errors/catalogue.ts';
import type { DirectoryConnectionRecord, DirectoryConnectionStore, SyncRunStore } from '../directory-sync-port.ts';
import type { Executor } from './sqlite-executor.ts';
import type { Row } from './sqlite-connection.ts';
import { isUniqueViolation } from './sqlite-errors.ts';

export const DIRECTORY_SYNC_SQL = `
  ALTER TABLE accounts ADD COLUMN source TEXT;
  ALTER TABLE groups ADD COLUMN source TEXT;
  ALTER TABLE aliases ADD COLUMN source TEXT;
  -- The sync loads a connection's objects at once and finds accounts by their directory id at login.
  CREATE INDEX accounts_source ON accounts (json_extract(source, '$.connectionId'), json_extract(source, '$.externalId')) WHERE source IS NOT NULL;
  CREATE INDEX groups_source ON groups (json_extract(source, '$.connectionId')) WHERE source IS NOT NULL;
  CREATE INDEX aliases_source ON aliases (json_extract(source, '$.connectionId')) WHERE source IS NOT NULL;
  CREATE TABLE directory_connections (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    data TEXT NOT NULL
  );
  CREATE TABLE directory_sync_runs (
    id TEXT PRIMARY KEY,
    connection_id TEXT NOT NULL,
    started_at TEXT NOT NULL,
    data TEXT NOT NULL
  );
  CREATE INDEX directory_sync_runs_connection ON directory_sync_runs (connection_id, started_at, id);
`;

const decode = (row: Row): DirectoryConnectionRecord => JSON.parse(String(row.data)) as DirectoryConnectionRecord;

export function sqliteDirectoryConnectionStore(x: Executor): DirectoryConnectionStore {
  return {
    create: (record) => x.write((c) => {
      try {
        c.run('INSERT INTO directory_connections (id, name, data) VALUES (?, ?, ?)', record.id, record.name, JSON.stringify(record));
      } catch (err) {
        if (isUniqueViolation(err)) throw new StoaError('STOA_CONFLICT', `a directory connection named "${record.name}" exists`, { cause: err });
        throw err;
      }
    }),
    get: (id) => x.read((c) => {
      const row = c.get('SELECT data FROM directory_connections WHERE id = ?', id);
      return row ? decode(row) : null;
    }),
    getByName: (name) => x.read((c) => {
      const row = c.get('SELECT data FROM directory_connections WHERE name = ?', name);
      return row ? decode(row) : null;
    }),
    list: () => x.read((c) => c.all('SELECT data FROM directory_connections ORDER BY name').map(decode)),
    update: (id, patch) => x.write((c) => {
      const row = c.get('SELECT data FROM directory_connections WHERE id = ?', id);
      if (!row) throw new StoaError('STOA_NOT_FOUND', `directory connection ${id}`);
      const defined = Object.fromEntries(Object.entries(patch).filter(([k, v]) => v !== undefined && k !== 'id' && k !== 'name' && k !== 'createdAt'));
      const next = { ...decode(row), ...defined };
      c.run('UPDATE directory_connections SET data = ? WHERE id = ?', JSON.stringify(next), id);
      return next;
    }),
    delete: (id) => x.write((c) => {
      if (c.run('DELETE FROM directory_connections WHERE id = ?', id) === 0) throw new StoaError('STOA_NOT_FOUND', `directory connection ${id}`);
      c.run('DELETE FROM directory_sync_runs WHERE connection_id = ?', id);
    }),
  };
}

export function sqliteSyncRunStore(x: Executor): SyncRunStore {
  return {
    append: (run) => x.write((c) => {
      c.run('INSERT INTO directory_sync_runs (id, connection_id, started_at, data) VALUES (?, ?, ?, ?)', run.id, run.connectionId, run.startedAt, JSON.stringify(run));
    }),
    list: (connectionId, offset, limit) => x.read((c) => {
      const total = Number(c.get('SELECT count(*) AS n FROM directory_sync_runs WHERE connection_id = ?', connectionId)?.n ?? 0);
      const items = c.all(
        'SELECT data FROM directory_sync_runs WHERE connection_id = ? ORDER BY started_at DESC, id DESC LIMIT ? OFFSET ?',
        connectionId, limit, offset,
      ).map((row) => JSON.parse(String(row.data)) as SyncRun);
      return { items, total, offset, limit };
    }),
    prune: (connectionId, keep) => x.write((c) => c.run(
      `DELETE FROM directory_sync_runs WHERE connection_id = ? AND id NOT IN (
         SELECT id FROM directory_sync_runs WHERE connection_id = ? ORDER BY started_at DESC, id DESC LIMIT ?)`,
      connectionId, connectionId, keep,
    )),
  };
}

/** `source IS NOT NULL` lets SQLite use the partial indexes above. */
export const LINKED_WHERE = "source IS NOT NULL AND json_extract(source, '$.connectionId') = ?";
