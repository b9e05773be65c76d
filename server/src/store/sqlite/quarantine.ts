// Quarantined messages (filter-port.ts QuarantineStore); the body is a blob
// whose reference the entry holds while it is held.
import type { QuarantineEntry, QuarantineStore } from '../filter-port.ts';
import type { Row } from './sqlite-connection.ts';
import type { Executor } from './sqlite-executor.ts';

export const QUARANTINE_SQL = `
  CREATE TABLE quarantine (
    id TEXT PRIMARY KEY,
    blob_id TEXT NOT NULL,
    held_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('held', 'released', 'deleted')),
    digested INTEGER NOT NULL DEFAULT 0,
    domain_ids TEXT NOT NULL,
    account_ids TEXT NOT NULL,
    data TEXT NOT NULL
  );
  CREATE INDEX quarantine_held_at ON quarantine (held_at);
  CREATE INDEX quarantine_expiry ON quarantine (expires_at) WHERE status = 'held';
  CREATE INDEX quarantine_undigested ON quarantine (held_at) WHERE status = 'held' AND digested = 0;
`;

function decode(row: Row): QuarantineEntry {
  const entry = JSON.parse(String(row.data)) as QuarantineEntry;
  return { ...entry, status: String(row.status) as QuarantineEntry['status'], digested: Number(row.digested) === 1 };
}

export function sqliteQuarantineStore(x: Executor): QuarantineStore {
  return {
    insert: (e) => x.write((c) => {
      c.run(
        'INSERT INTO quarantine (id, blob_id, held_at, expires_at, status, digested, domain_ids, account_ids, data) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
        e.id, e.blobId, e.heldAt, e.expiresAt, e.status, e.digested ? 1 : 0, JSON.stringify(e.domainIds), JSON.stringify(e.accountIds), JSON.stringify(e),
      );
    }),
    get: (id) => x.read((c) => {
      const row = c.get('SELECT status, digested, data FROM quarantine WHERE id = ?', id);
      return row ? decode(row) : null;
    }),
    list: (f, offset, limit) => x.read((c) => {
      const where: string[] = [];
      const params: Array<string | number> = [];
      if (f.domainIds !== null) {
        where.push('EXISTS (SELECT 1 FROM json_each(domain_ids) d WHERE d.value IN (SELECT value FROM json_each(?)))');
        params.push(JSON.stringify(f.domainIds));
      }
      if (f.accountId !== undefined) {
        where.push('EXISTS (SELECT 1 FROM json_each(account_ids) a WHERE a.value = ?)');
        params.push(f.accountId);
      }
      if (f.status !== undefined) { where.push('status = ?'); params.push(f.status); }
      const clause = where.length > 0 ? `WHERE ${where.join(' AND ')}` : '';
      const total = Number(c.get(`SELECT count(*) AS n FROM quarantine ${clause}`, ...params)?.n ?? 0);
      const items = c.all(`SELECT status, digested, data FROM quarantine ${clause} ORDER BY held_at DESC, id LIMIT ? OFFSET ?`, ...params, limit, offset).map(decode);
      return { items, total };
    }),
    resolve: (id, status, at, by) => x.write((c) => {
      const row = c.get('SELECT status, digested, data FROM quarantine WHERE id = ?', id);
      if (!row || String(row.status) !== 'held') return null;
      const entry = { ...decode(row), status, resolvedAt: at, resolvedBy: by };
      c.run('UPDATE quarantine SET status = ?, data = ? WHERE id = ? AND status = \'held\'', status, JSON.stringify(entry), id);
      return entry;
    }),
    expired: (now, limit) => x.read((c) => c.all("SELECT status, digested, data FROM quarantine WHERE status = 'held' AND expires_at <= ? ORDER BY expires_at LIMIT ?", now, limit).map(decode)),
    undigested: (limit) => x.read((c) => c.all("SELECT status, digested, data FROM quarantine WHERE status = 'held' AND digested = 0 ORDER BY held_at LIMIT ?", limit).map(decode)),
    markDigested: (ids) => x.write((c) => { c.run('UPDATE quarantine SET digested = 1 WHERE id IN (SELECT value FROM json_each(?))', JSON.stringify(ids)); }),
  };
}
