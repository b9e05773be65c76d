// The proof of a run (issue 15 "Progress and proof"): per user and folder,
// items at the source, imported, skipped and failed with their reasons,
// bytes, and a content-hash check of a sample read back from Stoa. The same
// object is live while the run goes on: the terminal bars and the admin API
// read it, and the run ends with it.
import type { CollectionKind, ItemStatus, ReasonCode } from '../model.ts';

export interface ItemProblem {
  /** The item's key at the source (IMAP UID, EWS ItemId …) and a human label when there is one. */
  key: string;
  label: string | null;
  status: Exclude<ItemStatus, 'imported'>;
  code: ReasonCode;
  detail: string;
}

export interface SampleCheck {
  /** Items read back from Stoa and hashed again. */
  checked: number;
  matched: number;
  /** Keys of items whose stored content differs from the source's. */
  mismatched: string[];
}

export type FolderState = 'waiting' | 'running' | 'done' | 'skipped' | 'failed' | 'interrupted';

export interface FolderReport {
  source: string;
  target: string | null;
  kind: CollectionKind;
  state: FolderState;
  /** Why the whole folder was left out or failed. */
  reason: string | null;
  /** Renamings and mapping decisions. */
  notes: string[];
  created: boolean;
  atSource: number;
  imported: number;
  skipped: number;
  failed: number;
  /** Bytes imported in this run. */
  bytes: number;
  skippedBy: Partial<Record<ReasonCode, number>>;
  failedBy: Partial<Record<ReasonCode, number>>;
  sample: SampleCheck;
  /** Skipped (except already-imported) and failed items with reasons, at most PROBLEMS_PER_FOLDER. */
  problems: ItemProblem[];
  problemsOmitted: number;
}

export type UserState = 'waiting' | 'running' | 'done' | 'failed' | 'interrupted';

export interface Totals {
  atSource: number;
  imported: number;
  skipped: number;
  failed: number;
  bytes: number;
}

export interface UserReport {
  source: string;
  target: string;
  state: UserState;
  /** Why the user's run failed as a whole (wrong credentials, unknown account). */
  error: string | null;
  accountCreated: boolean;
  startedAt: string | null;
  finishedAt: string | null;
  folders: FolderReport[];
  totals: Totals;
}

export interface MigrationReport {
  source: string;
  dryRun: boolean;
  startedAt: string;
  finishedAt: string | null;
  users: UserReport[];
  totals: Totals;
  /** True when nothing failed: no failed item, folder or user and no sample mismatch. */
  ok: boolean;
}

export const PROBLEMS_PER_FOLDER = 200;

const zero = (): Totals => ({ atSource: 0, imported: 0, skipped: 0, failed: 0, bytes: 0 });

export function newReport(source: string, dryRun: boolean, startedAt: string): MigrationReport {
  return { source, dryRun, startedAt, finishedAt: null, users: [], totals: zero(), ok: true };
}

export function newUserReport(source: string, target: string): UserReport {
  return { source, target, state: 'waiting', error: null, accountCreated: false, startedAt: null, finishedAt: null, folders: [], totals: zero() };
}

export function newFolderReport(source: string, kind: CollectionKind): FolderReport {
  return {
    source, target: null, kind, state: 'waiting', reason: null, notes: [], created: false,
    atSource: 0, imported: 0, skipped: 0, failed: 0, bytes: 0, skippedBy: {}, failedBy: {},
    sample: { checked: 0, matched: 0, mismatched: [] }, problems: [], problemsOmitted: 0,
  };
}

/** Counts one item's outcome in its folder (and keeps the reason of anything not imported). */
export function countItem(
  folder: FolderReport,
  outcome: { status: ItemStatus; bytes?: number; code?: ReasonCode; detail?: string; key?: string; label?: string | null },
): void {
  if (outcome.status === 'imported') {
    folder.imported++;
    folder.bytes += outcome.bytes ?? 0;
    return;
  }
  const code = outcome.code ?? (outcome.status === 'failed' ? 'target-error' : 'filtered');
  const by = outcome.status === 'failed' ? folder.failedBy : folder.skippedBy;
  by[code] = (by[code] ?? 0) + 1;
  if (outcome.status === 'failed') folder.failed++;
  else folder.skipped++;
  if (code === 'already-imported') return;
  if (folder.problems.length >= PROBLEMS_PER_FOLDER) {
    folder.problemsOmitted++;
    return;
  }
  folder.problems.push({ key: outcome.key ?? '', label: outcome.label ?? null, status: outcome.status, code, detail: outcome.detail ?? '' });
}

function addTotals(into: Totals, t: Totals): void {
  into.atSource += t.atSource;
  into.imported += t.imported;
  into.skipped += t.skipped;
  into.failed += t.failed;
  into.bytes += t.bytes;
}

/** Recomputes the totals and the verdict from the folders. */
export function summarize(report: MigrationReport): MigrationReport {
  report.totals = zero();
  let ok = true;
  for (const user of report.users) {
    user.totals = zero();
    for (const f of user.folders) {
      addTotals(user.totals, f);
      if (f.state === 'failed' || f.state === 'interrupted' || f.sample.mismatched.length > 0) ok = false;
    }
    addTotals(report.totals, user.totals);
    if (user.state === 'failed' || user.state === 'interrupted') ok = false;
  }
  report.ok = ok && report.totals.failed === 0;
  return report;
}
