// Storage for migration jobs (issue 15): the jobs the admin API and
// `stoa migrate` run, with their live report, and the checkpoints and item
// ledger that make an import resumable and a re-run free of duplicates
// (migration/src/engine/checkpoints.ts says how they are used). Shared by
// every node and by CLI processes next to a running server.

import type { MigrationCheckpointRecord, MigrationJobPatch, MigrationJobRecord, MigrationJobStatus, MigrationLedgerRecord } from '../model/migration.ts';

// The adapters and the contract suite name the model types through this port.
export type { MigrationCheckpointRecord, MigrationJobPatch, MigrationJobRecord, MigrationJobStatus, MigrationLedgerRecord };

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
