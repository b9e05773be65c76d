// Named leases (port.ts LockStore). Each call is one BEGIN IMMEDIATE
// transaction, which holds SQLite's single write lock, so two processes on
// the same database never both win an acquire.
import type { LockStore } from '../port.ts';
import type { Executor } from './sqlite-executor.ts';

export const LOCKS_SQL = `
  -- Leases such as the POP3 maildrop lock; expires_at in ms since epoch.
  CREATE TABLE locks (
    key TEXT PRIMARY KEY,
    owner TEXT NOT NULL,
    expires_at INTEGER NOT NULL
  ) WITHOUT ROWID;
`;

export function sqliteLockStore(x: Executor): LockStore {
  return {
    acquire: (key, owner, ttlMs, now = Date.now()) => x.write((c) => {
      const row = c.get(
        `INSERT INTO locks (key, owner, expires_at) VALUES (?, ?, ?)
         ON CONFLICT (key) DO UPDATE SET owner = excluded.owner, expires_at = excluded.expires_at
           WHERE locks.owner = excluded.owner OR locks.expires_at <= ?
         RETURNING owner`,
        key, owner, now + ttlMs, now,
      );
      return row !== undefined && String(row.owner) === owner;
    }),
    renew: (key, owner, ttlMs, now = Date.now()) => x.write((c) => {
      const row = c.get(
        // Still ours even if it ran out meanwhile, as long as nobody took it.
        'UPDATE locks SET expires_at = ? WHERE key = ? AND owner = ? RETURNING key',
        now + ttlMs, key, owner,
      );
      return row !== undefined;
    }),
    release: (key, owner) => x.write((c) => { c.run('DELETE FROM locks WHERE key = ? AND owner = ?', key, owner); }),
  };
}
