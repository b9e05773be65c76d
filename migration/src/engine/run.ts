// A whole migration: users in parallel within the overall and per-source
// limits, each user's account found or created through the directory, the
// source opened (wrong credentials fail that user alone), every folder
// mapped and imported, and one report at the end.
import { createHash } from 'node:crypto';
import { KIND_OF_COLLECTION, type ItemKind } from '../model.ts';
import type { ImportSink, TargetAccount, TargetDirectory } from '../sink/import-sink.ts';
import { SourceError, type MigrationSource, type SourceSession, type SourceUser } from '../sources/source.ts';
import type { CheckpointStore } from './checkpoints.ts';
import { FolderMapper, type FolderRule } from './folder-map.ts';
import { FolderFailure, importFolder, type FolderOptions } from './import-folder.ts';
import { KeyedSemaphores, Paces, Semaphore } from './limits.ts';
import { newFolderReport, newReport, newUserReport, summarize, type MigrationReport, type UserReport } from './report.ts';
import { DEFAULT_RETRY, withRetry } from './retry.ts';
import { Spool } from './spool.ts';

export interface UserMapping {
  source: SourceUser;
  /** Stoa account address. */
  target: string;
  /** Create the account when it does not exist. */
  create: boolean;
  displayName?: string;
  password?: string;
  quotaBytes?: number;
}

export interface RunOptions extends FolderOptions {
  /** Users imported at once. */
  concurrency: number;
  /** Users imported at once from one source host. */
  perSourceConcurrency: number;
  /** Items per second per source host; 0: as fast as the source answers. */
  maxRate: number;
  folderRules: readonly FolderRule[];
  /** Non-special folders go below this target folder. */
  prefix: string | null;
  /** Messages above this many bytes go to a spool file instead of memory. */
  memoryThreshold: number;
  /** Messages larger than this fail with "too-large"; 0: no limit. */
  maxMessageSize: number;
  spoolDir?: string;
}

export const DEFAULT_OPTIONS: RunOptions = {
  dryRun: false,
  kinds: new Set<ItemKind>(['message', 'event', 'task', 'contact']),
  batchItems: 100,
  batchBytes: 8 * 1024 * 1024,
  sampleSize: 20,
  retry: DEFAULT_RETRY,
  concurrency: 4,
  perSourceConcurrency: 2,
  maxRate: 0,
  folderRules: [],
  prefix: null,
  memoryThreshold: 1024 * 1024,
  maxMessageSize: 0,
};

export interface RunDeps {
  source: MigrationSource;
  sink: ImportSink;
  directory: TargetDirectory;
  checkpoints: CheckpointStore;
  signal?: AbortSignal;
  /** Called whenever the live report changed (callers throttle). */
  onProgress?: (report: MigrationReport) => void;
  now?: () => Date;
}

/** The checkpoint scope: one source mailbox into one Stoa account, the same in every run. */
export function checkpointScope(source: MigrationSource, user: SourceUser, account: TargetAccount | null, target: string): string {
  return createHash('sha256').update(`${source.kind}\n${source.identity(user)}\n${account?.id ?? `new:${target}`}`).digest('hex').slice(0, 32);
}

function describe(err: unknown): string {
  if (err instanceof SourceError && err.kind === 'auth') return `the source refused the credentials: ${err.message}`;
  if (err instanceof Error) {
    const code = (err as { code?: unknown }).code;
    return typeof code === 'string' && code.startsWith('STOA_') ? `${err.message} (${code})` : err.message;
  }
  return String(err);
}

async function resolveAccount(deps: RunDeps, user: UserMapping, report: UserReport, dryRun: boolean): Promise<TargetAccount | null> {
  const found = await deps.directory.find(user.target);
  if (found) return found;
  if (!user.create) throw new Error(`no Stoa account ${user.target} (set create=yes in the users CSV or pass --create-accounts)`);
  report.accountCreated = true;
  if (dryRun) return null;
  return deps.directory.create(user.target, { displayName: user.displayName, password: user.password, quotaBytes: user.quotaBytes });
}

async function importUser(deps: RunDeps, options: RunOptions, user: UserMapping, report: UserReport, spool: Spool, paces: Paces, touch: () => void): Promise<void> {
  const now = deps.now ?? (() => new Date());
  const signal = deps.signal ?? new AbortController().signal;
  report.state = 'running';
  report.startedAt = now().toISOString();
  touch();
  let session: SourceSession | null = null;
  try {
    const account = await resolveAccount(deps, user, report, options.dryRun);
    const pace = paces.for(deps.source.limitKey(user.source));
    const open = () => withRetry(() => deps.source.open(user.source, signal), options.retry, { signal, pace });
    session = await open();
    const folders = await withRetry(() => session!.folders(), options.retry, {
      signal, pace, beforeRetry: async () => { await session?.close().catch(() => undefined); session = await open(); },
    });
    const mapper = new FolderMapper({ rules: options.folderRules, prefix: options.prefix });
    const scope = checkpointScope(deps.source, user.source, account, user.target);
    for (const folder of folders) {
      if (signal.aborted) break;
      const fr = newFolderReport(folder.path.join('/'), folder.kind);
      report.folders.push(fr);
      const mapped = mapper.map(folder);
      fr.notes.push(...mapped.notes);
      if (mapped.path === null) {
        fr.state = 'skipped';
        fr.reason = mapped.skip;
        fr.atSource = folder.count ?? 0;
        continue;
      }
      const kind = KIND_OF_COLLECTION[folder.kind];
      if (!options.kinds.has(kind)) {
        fr.state = 'skipped';
        fr.reason = `--kinds leaves out ${kind} items`;
        fr.atSource = folder.count ?? 0;
        continue;
      }
      try {
        await importFolder({
          session: () => session!,
          reconnect: async () => { await session?.close().catch(() => undefined); session = await open(); },
          sink: deps.sink, account, checkpoints: deps.checkpoints, scope, spool, pace, signal, options, touch,
          now: () => now().toISOString(),
        }, folder, mapped.path, mapped.specialUse, fr);
      } catch (err) {
        fr.state = 'failed';
        fr.reason = describe(err instanceof FolderFailure ? err.cause : err);
        // The source itself is gone or refuses us: the other folders would fail the same way.
        const cause = err instanceof FolderFailure ? err.cause : err;
        if (cause instanceof SourceError && (cause.kind === 'auth' || cause.kind === 'fatal')) throw cause;
      }
      touch();
    }
    report.state = signal.aborted ? 'interrupted' : 'done';
  } catch (err) {
    report.state = signal.aborted ? 'interrupted' : 'failed';
    report.error = describe(err);
  } finally {
    await session?.close().catch(() => undefined);
    report.finishedAt = now().toISOString();
    touch();
  }
}

/** Runs the migration of every user and returns the final report; never throws for a user's failure. */
export async function runMigration(deps: RunDeps, users: readonly UserMapping[], options: RunOptions, sourceLabel: string): Promise<MigrationReport> {
  const now = deps.now ?? (() => new Date());
  const report = newReport(sourceLabel, options.dryRun, now().toISOString());
  const touch = () => deps.onProgress?.(report);
  const spool = new Spool({ parent: options.spoolDir, memoryThreshold: options.memoryThreshold, maxSize: options.maxMessageSize });
  const overall = new Semaphore(options.concurrency);
  const perHost = new KeyedSemaphores(options.perSourceConcurrency);
  const paces = new Paces(options.maxRate);
  try {
    const reports = users.map((u) => newUserReport(deps.source.identity(u.source), u.target));
    report.users.push(...reports);
    touch();
    await Promise.all(users.map(async (user, i) => {
      // The host's slot first: a user waiting for a busy host holds no overall slot.
      await perHost.for(deps.source.limitKey(user.source)).run(() => overall.run(async () => {
        if (deps.signal?.aborted) {
          reports[i].state = 'interrupted';
          return;
        }
        await importUser(deps, options, user, reports[i], spool, paces, touch);
      }));
    }));
  } finally {
    spool.close();
  }
  report.finishedAt = now().toISOString();
  summarize(report);
  touch();
  return report;
}
