// Migration jobs, checkpoints and item ledger as every layer sees them
// (issue 15): the admin API returns job records, the job service and the
// store port (store/migration-port.ts) keep them.

export type MigrationJobStatus = 'queued' | 'running' | 'done' | 'failed' | 'interrupted' | 'cancelled';

export interface MigrationJobRecord {
  id: string;
  /** The server's job runner ("api") or a `stoa migrate` process ("cli"). */
  origin: 'api' | 'cli';
  status: MigrationJobStatus;
  /** Login of whoever started it, as the audit log names it. */
  createdBy: string;
  /** Domains of the target accounts: a domain admin sees the jobs within their domains. */
  domainIds: string[];
  /** What to import, without secrets (JSON). */
  spec: unknown;
  /** The live report (migration/src/engine/report.ts), JSON; null until the run starts. */
  report: unknown;
  error: string | null;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  /** Last sign of life of the process running it; a stale one means that process died. */
  heartbeatAt: string | null;
  /** Which process runs it ("server:host:pid", "cli:host:pid"). */
  runner: string | null;
}

export type MigrationJobPatch = Partial<Pick<MigrationJobRecord, 'status' | 'report' | 'error' | 'startedAt' | 'finishedAt' | 'heartbeatAt' | 'runner'>>;

export interface MigrationCheckpointRecord {
  validity: string;
  complete: boolean;
  updatedAt: string;
}

export interface MigrationLedgerRecord {
  itemKey: string;
  status: 'pending' | 'imported' | 'skipped' | 'failed';
  sha256: string | null;
  messageId: string | null;
  reason: string | null;
}
