// Sieve scripts and vacation memory (sieve-port.ts) on SQLite. One active
// script per owner is enforced by a partial unique index; setActive swaps it
// inside one write transaction.
import { StoaError } from '../../errors/catalogue.ts';
import type { SieveScriptRecord, SieveScriptStore, VacationMemoryStore } from '../sieve-port.ts';
import type { Row } from './sqlite-connection.ts';
import { isUniqueViolation } from './sqlite-errors.ts';
import type { Executor } from './sqlite-executor.ts';

export const SIEVE_SQL = `
  CREATE TABLE sieve_scripts (
    owner_id TEXT NOT NULL,
    name TEXT NOT NULL,
    content TEXT NOT NULL,
    active INTEGER NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (owner_id, name)
  ) WITHOUT ROWID;
  CREATE UNIQUE INDEX sieve_scripts_active ON sieve_scripts (owner_id) WHERE active = 1;

  CREATE TABLE sieve_domain_settings (
    domain_id TEXT PRIMARY KEY,
    allow_external_redirect INTEGER,
    updated_at TEXT NOT NULL
  ) WITHOUT ROWID;

  -- RFC 5230 §4.2: last reply per (user, handle, sender), hashed; times in ms since epoch.
  CREATE TABLE sieve_vacation (
    key TEXT PRIMARY KEY,
    replied_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL
  ) WITHOUT ROWID;
  CREATE INDEX sieve_vacation_expires ON sieve_vacation (expires_at);
`;

function decode(row: Row): SieveScriptRecord {
  return {
    ownerId: String(row.owner_id),
    name: String(row.name),
    content: String(row.content),
    active: Number(row.active) === 1,
    createdAt: String(row.created_at),
    updatedAt: String(row.updated_at),
  };
}

export function sqliteSieveScriptStore(x: Executor): SieveScriptStore {
  return {
    list: (ownerId) => x.read((c) => c.all('SELECT * FROM sieve_scripts WHERE owner_id = ? ORDER BY name', ownerId).map(decode)),
    get: (ownerId, name) => x.read((c) => {
      const row = c.get('SELECT * FROM sieve_scripts WHERE owner_id = ? AND name = ?', ownerId, name);
      return row ? decode(row) : null;
    }),
    getActive: (ownerId) => x.read((c) => {
      const row = c.get('SELECT * FROM sieve_scripts WHERE owner_id = ? AND active = 1', ownerId);
      return row ? decode(row) : null;
    }),
    put: (ownerId, name, content, at) => x.write((c) => decode(c.get(
      `INSERT INTO sieve_scripts (owner_id, name, content, active, created_at, updated_at) VALUES (?, ?, ?, 0, ?, ?)
       ON CONFLICT (owner_id, name) DO UPDATE SET content = excluded.content, updated_at = excluded.updated_at
       RETURNING *`,
      ownerId, name, content, at, at,
    )!)),
    rename: (ownerId, from, to, at) => x.write((c) => {
      try {
        const changed = c.run('UPDATE sieve_scripts SET name = ?, updated_at = ? WHERE owner_id = ? AND name = ?', to, at, ownerId, from);
        if (changed === 0) throw new StoaError('STOA_NOT_FOUND', `script "${from}" does not exist`);
      } catch (err) {
        if (isUniqueViolation(err)) throw new StoaError('STOA_CONFLICT', `a script named "${to}" already exists`, { cause: err });
        throw err;
      }
    }),
    delete: (ownerId, name) => x.write((c) => c.run('DELETE FROM sieve_scripts WHERE owner_id = ? AND name = ?', ownerId, name) > 0),
    setActive: (ownerId, name, at) => x.write((c) => {
      if (name !== null && !c.get('SELECT 1 AS present FROM sieve_scripts WHERE owner_id = ? AND name = ?', ownerId, name)) {
        throw new StoaError('STOA_NOT_FOUND', `script "${name}" does not exist`);
      }
      c.run('UPDATE sieve_scripts SET active = 0, updated_at = ? WHERE owner_id = ? AND active = 1 AND name IS NOT ?', at, ownerId, name);
      if (name !== null) c.run('UPDATE sieve_scripts SET active = 1, updated_at = ? WHERE owner_id = ? AND name = ? AND active = 0', at, ownerId, name);
    }),
    count: (ownerId) => x.read((c) => Number(c.get('SELECT count(*) AS n FROM sieve_scripts WHERE owner_id = ?', ownerId)?.n ?? 0)),
    deleteOwner: (ownerId) => x.write((c) => {
      if (ownerId.startsWith('domain:')) c.run('DELETE FROM sieve_domain_settings WHERE domain_id = ?', ownerId.slice(7));
      return c.run('DELETE FROM sieve_scripts WHERE owner_id = ?', ownerId);
    }),
    getDomainSettings: (domainId) => x.read((c) => {
      const v = c.get('SELECT allow_external_redirect AS v FROM sieve_domain_settings WHERE domain_id = ?', domainId)?.v;
      return { allowExternalRedirect: v === undefined || v === null ? null : Number(v) === 1 };
    }),
    setDomainSettings: (domainId, settings, at) => x.write((c) => {
      const v = settings.allowExternalRedirect === null ? null : settings.allowExternalRedirect ? 1 : 0;
      c.run(`INSERT INTO sieve_domain_settings (domain_id, allow_external_redirect, updated_at) VALUES (?, ?, ?)
        ON CONFLICT (domain_id) DO UPDATE SET allow_external_redirect = excluded.allow_external_redirect, updated_at = excluded.updated_at`, domainId, v, at);
    }),
  };
}

export function sqliteVacationMemoryStore(x: Executor): VacationMemoryStore {
  return {
    // One statement: the upsert takes the row only when the old reply is older than the period.
    claim: (key, now, periodMs) => x.write((c) => c.get(
      `INSERT INTO sieve_vacation (key, replied_at, expires_at) VALUES (?, ?, ?)
       ON CONFLICT (key) DO UPDATE SET replied_at = excluded.replied_at, expires_at = excluded.expires_at
         WHERE sieve_vacation.replied_at <= ?
       RETURNING key`,
      key, now, now + periodMs, now - periodMs,
    ) !== undefined),
    prune: (before) => x.write((c) => c.run('DELETE FROM sieve_vacation WHERE expires_at < ?', before)),
  };
}
