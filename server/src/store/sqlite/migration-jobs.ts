// Migration jobs, checkpoints and the item ledger (migration-port.ts).
// The ledger is keyed by (scope, folder, item) without rowid: lookups and
// upserts of a batch of item keys touch one index.
import type { MigrationJobRecord, MigrationJobStatus, MigrationLedgerRecord, MigrationStore } from '../migration-port.ts';
import type { Row } from './sqlite-connection.ts';
import type { Executor } from './sqlite-executor.ts';

export const MIGRATION_JOBS_SQL = `
  CREATE TABLE migration_jobs (
    id TEXT PRIMARY KEY,
    origin TEXT NOT NULL,
    status TEXT NOT NULL,
    created_by TEXT NOT NULL,
    domain_ids TEXT NOT NULL,
    spec TEXT NOT NULL,
    report TEXT,
    error TEXT,
    created_at TEXT NOT NULL,
    started_at TEXT,
    finished_at TEXT,
    heartbeat_at TEXT,
    runner TEXT
  );
  CREATE INDEX migration_jobs_created ON migration_jobs (created_at);
  CREATE INDEX migration_jobs_status ON migration_jobs (status, created_at);

  CREATE TABLE migration_checkpoints (
    scope TEXT NOT NULL,
    folder_key TEXT NOT NULL,
    validity TEXT NOT NULL,
    complete INTEGER NOT NULL,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (scope, folder_key)
  ) WITHOUT ROWID;

  CREATE TABLE migration_ledger (
    scope TEXT NOT NULL,
    folder_key TEXT NOT NULL,
    item_key TEXT NOT NULL,
    status TEXT NOT NULL,
    sha256 TEXT,
    message_id TEXT,
    reason TEXT,
    PRIMARY KEY (scope, folder_key, item_key)
  ) WITHOUT ROWID;
`;

const str = (v: unknown): string | null => (v === null || v === undefined ? null : String(v));

function decodeJob(row: Row): MigrationJobRecord {
  return {
    id: String(row.id),
    origin: String(row.origin) as MigrationJobRecord['origin'],
    status: String(row.status) as MigrationJobStatus,
    createdBy: String(row.created_by),
    domainIds: JSON.parse(String(row.domain_ids)) as string[],
    spec: JSON.parse(String(row.spec)),
    report: row.report === null ? null : JSON.parse(String(row.report)),
    error: str(row.error),
    createdAt: String(row.created_at),
    startedAt: str(row.started_at),
    finishedAt: str(row.finished_at),
    heartbeatAt: str(row.heartbeat_at),
    runner: str(row.runner),
  };
}

const COLUMNS: Record<string, string> = {
  status: 'status', report: 'report', error: 'error', startedAt: 'started_at', finishedAt: 'finished_at', heartbeatAt: 'heartbeat_at', runner: 'runner',
};

/** Item keys per statement (SQLite's default limit on host parameters is 32766). */
const CHUNK = 500;

export function sqliteMigrationStore(x: Executor): MigrationStore {
  return {
    createJob: (job) => x.write((c) => {
      c.run(
        `INSERT INTO migration_jobs (id, origin, status, created_by, domain_ids, spec, report, error, created_at, started_at, finished_at, heartbeat_at, runner)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        job.id, job.origin, job.status, job.createdBy, JSON.stringify(job.domainIds), JSON.stringify(job.spec ?? null),
        job.report === null || job.report === undefined ? null : JSON.stringify(job.report), job.error, job.createdAt, job.startedAt, job.finishedAt, job.heartbeatAt, job.runner,
      );
    }),
    getJob: (id) => x.read((c) => {
      const row = c.get('SELECT * FROM migration_jobs WHERE id = ?', id);
      return row ? decodeJob(row) : null;
    }),
    listJobs: ({ offset, limit, status }) => x.read((c) => {
      const where = status ? 'WHERE status = ?' : '';
      const args = status ? [status] : [];
      const total = Number(c.get(`SELECT count(*) AS n FROM migration_jobs ${where}`, ...args)?.n ?? 0);
      const items = c.all(`SELECT * FROM migration_jobs ${where} ORDER BY created_at DESC, id DESC LIMIT ? OFFSET ?`, ...args, limit, offset).map(decodeJob);
      return { items, total };
    }),
    updateJob: (id, patch, from) => x.write((c) => {
      const sets: string[] = [];
      const args: (string | null)[] = [];
      for (const [key, value] of Object.entries(patch)) {
        const column = COLUMNS[key];
        if (!column || value === undefined) continue;
        sets.push(`${column} = ?`);
        args.push(key === 'report' ? (value === null ? null : JSON.stringify(value)) : (value as string | null));
      }
      const guard = from && from.length > 0 ? ` AND status IN (${from.map(() => '?').join(', ')})` : '';
      const changed = sets.length === 0
        ? Number(c.get(`SELECT count(*) AS n FROM migration_jobs WHERE id = ?${guard}`, id, ...(from ?? []))?.n ?? 0)
        : c.run(`UPDATE migration_jobs SET ${sets.join(', ')} WHERE id = ?${guard}`, ...args, id, ...(from ?? []));
      if (changed === 0) return null;
      const row = c.get('SELECT * FROM migration_jobs WHERE id = ?', id);
      return row ? decodeJob(row) : null;
    }),
    pruneJobs: (before) => x.write((c) => c.run(
      "DELETE FROM migration_jobs WHERE status IN ('done', 'failed', 'interrupted', 'cancelled') AND coalesce(finished_at, created_at) < ?", before,
    )),

    getCheckpoint: (scope, folderKey) => x.read((c) => {
      const row = c.get('SELECT * FROM migration_checkpoints WHERE scope = ? AND folder_key = ?', scope, folderKey);
      return row ? { validity: String(row.validity), complete: Number(row.complete) === 1, updatedAt: String(row.updated_at) } : null;
    }),
    putCheckpoint: (scope, folderKey, cp) => x.write((c) => {
      c.run(
        `INSERT INTO migration_checkpoints (scope, folder_key, validity, complete, updated_at) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (scope, folder_key) DO UPDATE SET validity = excluded.validity, complete = excluded.complete, updated_at = excluded.updated_at`,
        scope, folderKey, cp.validity, cp.complete ? 1 : 0, cp.updatedAt,
      );
    }),
    lookupLedger: (scope, folderKey, itemKeys) => x.read((c) => {
      const out: MigrationLedgerRecord[] = [];
      for (let i = 0; i < itemKeys.length; i += CHUNK) {
        const keys = itemKeys.slice(i, i + CHUNK);
        const rows = c.all(
          `SELECT * FROM migration_ledger WHERE scope = ? AND folder_key = ? AND item_key IN (${keys.map(() => '?').join(', ')})`,
          scope, folderKey, ...keys,
        );
        for (const r of rows) {
          out.push({ itemKey: String(r.item_key), status: String(r.status) as MigrationLedgerRecord['status'], sha256: str(r.sha256), messageId: str(r.message_id), reason: str(r.reason) });
        }
      }
      return out;
    }),
    recordLedger: (scope, folderKey, rows) => x.write((c) => {
      for (const r of rows) {
        c.run(
          `INSERT INTO migration_ledger (scope, folder_key, item_key, status, sha256, message_id, reason) VALUES (?, ?, ?, ?, ?, ?, ?)
           ON CONFLICT (scope, folder_key, item_key) DO UPDATE SET status = excluded.status, sha256 = excluded.sha256, message_id = excluded.message_id, reason = excluded.reason`,
          scope, folderKey, r.itemKey, r.status, r.sha256, r.messageId, r.reason,
        );
      }
    }),
    forgetFolder: (scope, folderKey) => x.write((c) => {
      c.run('DELETE FROM migration_checkpoints WHERE scope = ? AND folder_key = ?', scope, folderKey);
      c.run('DELETE FROM migration_ledger WHERE scope = ? AND folder_key = ?', scope, folderKey);
    }),
  };
}
