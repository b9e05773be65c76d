// Storage for migration jobs (issue 15): the jobs the admin API and
// `stoa migrate` run, with their live report, and the checkpoints and item
// ledger that make an import resumable and a re-run free of duplicates
// (migration/src/engine/checkpoints.ts says how they are used). Shared by
// every node and by CLI processes next to a running server.

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

export interface MigrationStore {
  createJob(job: MigrationJobRecord): Promise<void>;
  getJob(id: string): Promise<MigrationJobRecord | null>;
  /** Newest first. */
  listJobs(params: { offset: number; limit: number; status?: MigrationJobStatus }): Promise<{ items: MigrationJobRecord[]; total: number }>;
  /**
   * Applies `patch` if the job's status is one of `from` (all statuses when
   * omitted); returns the job after the change, or null when it is missing or
   * in another status (a claim or a cancel that lost a race).
   */
  updateJob(id: string, patch: MigrationJobPatch, from?: readonly MigrationJobStatus[]): Promise<MigrationJobRecord | null>;
  /** Removes finished jobs that finished before `before` (ISO), with nothing else. */
  pruneJobs(before: string): Promise<number>;

  getCheckpoint(scope: string, folderKey: string): Promise<MigrationCheckpointRecord | null>;
  putCheckpoint(scope: string, folderKey: string, checkpoint: MigrationCheckpointRecord): Promise<void>;
  /** Ledger rows of these item keys. */
  lookupLedger(scope: string, folderKey: string, itemKeys: readonly string[]): Promise<MigrationLedgerRecord[]>;
  /** Inserts or replaces rows by item key, in one write. */
  recordLedger(scope: string, folderKey: string, rows: readonly MigrationLedgerRecord[]): Promise<void>;
  /** Drops the folder's checkpoint and every ledger row of it. */
  forgetFolder(scope: string, folderKey: string): Promise<void>;
}
