// Migration jobs as the admin API, the console and `stoa migrate` see them
// (issue 15): who may start one (a server admin, or a domain admin for
// accounts of their domains), their live report, cancelling, and the
// checkpoints and ledger the import engine keeps through them. A job's
// record never holds a secret: source passwords and tokens stay in the
// memory of the process that runs it.
import { randomBytes } from 'node:crypto';
import { domainToASCII } from 'node:url';
import { writeAudit } from '../audit/audit-log.ts';
import type { Actor } from '../directory/api.ts';
import { StoaError } from '../errors/catalogue.ts';
import type { MigrationJobPatch, MigrationJobRecord, MigrationJobStatus, MigrationLedgerRecord } from '../model/migration.ts';
import type { Page } from '../model/listing.ts';
import type { Store } from '../store/port.ts';

/** A running job that has not reported for this long is taken as dead (its process stopped). */
export const HEARTBEAT_STALE_MS = 120_000;

export interface JobCheckpoints {
  getFolder(scope: string, folderKey: string): Promise<{ validity: string; complete: boolean; updatedAt: string } | null>;
  putFolder(scope: string, folderKey: string, cp: { validity: string; complete: boolean; updatedAt: string }): Promise<void>;
  lookup(scope: string, folderKey: string, keys: readonly string[]): Promise<Map<string, { key: string } & Omit<MigrationLedgerRecord, 'itemKey'>>>;
  record(scope: string, folderKey: string, entries: readonly ({ key: string } & Omit<MigrationLedgerRecord, 'itemKey'>)[]): Promise<void>;
  forgetFolder(scope: string, folderKey: string): Promise<void>;
}

export interface MigrationJobService {
  /** Records a new job for these target accounts; refused (as missing) outside the actor's domains. */
  create(actor: Actor, input: { origin: 'api' | 'cli'; spec: unknown; targets: readonly string[]; status?: 'queued' | 'running'; runner?: string; readsServerFiles?: boolean }): Promise<MigrationJobRecord>;
  get(actor: Actor, id: string): Promise<MigrationJobRecord>;
  list(actor: Actor, params: { offset?: number; limit?: number; status?: MigrationJobStatus }): Promise<Page<MigrationJobRecord>>;
  /** Stops a queued or running job; its runner sees it at its next heartbeat. */
  cancel(actor: Actor, id: string): Promise<MigrationJobRecord>;

  // The runner's side: the process that owns the job, acting as the server (systemActor; the CLI's actor is one too).
  /** Takes a queued job; null when another runner took it first or it was cancelled. */
  claim(actor: Actor, id: string, runner: string): Promise<MigrationJobRecord | null>;
  /** Saves the live report; tells the runner whether the job was cancelled meanwhile. */
  heartbeat(actor: Actor, id: string, report: unknown): Promise<{ cancelled: boolean }>;
  finish(actor: Actor, id: string, outcome: { status: 'done' | 'failed' | 'interrupted' | 'cancelled'; report: unknown; error?: string | null }): Promise<void>;
  /**
   * API jobs whose runner on this host is a process that no longer exists
   * (the server restarted): they cannot continue without their secrets.
   */
  abandon(actor: Actor, host: string, alive: (pid: number) => boolean, reason: string): Promise<number>;
  /** Deletes the records of jobs that finished before `before` (ISO 8601; housekeeping); checkpoints and ledger stay, so a later run still resumes. How many. */
  prune(actor: Actor, before: string): Promise<number>;
  /** The checkpoints and item ledger the import engine keeps (server only: they steer what is imported). */
  checkpoints(actor: Actor): JobCheckpoints;
}

export interface MigrationJobServiceDeps {
  store: Store;
  now?: () => Date;
}

const LIST_MAX = 500;

export function createMigrationJobService({ store, now = () => new Date() }: MigrationJobServiceDeps): MigrationJobService {
  const iso = () => now().toISOString();

  async function domainIdsOf(targets: readonly string[]): Promise<string[]> {
    const ids = new Set<string>();
    for (const address of targets) {
      const at = address.lastIndexOf('@');
      const name = at > 0 ? domainToASCII(address.slice(at + 1).toLowerCase()) : '';
      const domain = name ? await store.domains.getByName(name) : null;
      if (!domain) throw new StoaError('STOA_UNKNOWN_DOMAIN', `${address}: the domain is not served by this server`);
      ids.add(domain.aliasOf ?? domain.id);
    }
    return [...ids].sort();
  }

  const visible = (actor: Actor, job: MigrationJobRecord) =>
    actor.role === 'server-admin' || (actor.role === 'domain-admin' && job.domainIds.length > 0 && job.domainIds.every((d) => actor.adminDomainIds.includes(d)));

  /** A running job whose process stopped reporting is shown (and kept) as interrupted. */
  async function settle(job: MigrationJobRecord): Promise<MigrationJobRecord> {
    if (job.status !== 'running' || !job.heartbeatAt) return job;
    if (now().getTime() - Date.parse(job.heartbeatAt) < HEARTBEAT_STALE_MS) return job;
    const error = `the process running it (${job.runner ?? 'unknown'}) stopped reporting at ${job.heartbeatAt}; run it again to resume: nothing is imported twice`;
    return (await store.migrations.updateJob(job.id, { status: 'interrupted', error, finishedAt: iso() }, ['running'])) ?? job;
  }

  async function getVisible(actor: Actor, id: string): Promise<MigrationJobRecord> {
    const job = await store.migrations.getJob(id);
    if (!job || !visible(actor, job)) throw new StoaError('STOA_NOT_FOUND', `migration job ${id}`);
    return settle(job);
  }

  const checkpoints: JobCheckpoints = {
    getFolder: (scope, folderKey) => store.migrations.getCheckpoint(scope, folderKey),
    putFolder: (scope, folderKey, cp) => store.migrations.putCheckpoint(scope, folderKey, cp),
    async lookup(scope, folderKey, keys) {
      const rows = await store.migrations.lookupLedger(scope, folderKey, keys);
      return new Map(rows.map(({ itemKey, ...rest }) => [itemKey, { key: itemKey, ...rest }]));
    },
    record: (scope, folderKey, entries) => store.migrations.recordLedger(scope, folderKey, entries.map(({ key, ...rest }) => ({ itemKey: key, ...rest }))),
    forgetFolder: (scope, folderKey) => store.migrations.forgetFolder(scope, folderKey),
  };

  return {
    async create(actor, input) {
      if (actor.role !== 'server-admin' && actor.role !== 'domain-admin') throw new StoaError('STOA_FORBIDDEN', 'only administrators start migrations');
      if (input.targets.length === 0) throw new StoaError('STOA_VALIDATION', 'a migration needs at least one user');
      // A file source reads paths on the server's own disk: only whoever administers the server may name them.
      if (input.readsServerFiles && actor.role !== 'server-admin') throw new StoaError('STOA_FORBIDDEN', 'file sources read the server\'s disk: server admins only');
      const domainIds = await domainIdsOf(input.targets);
      if (actor.role === 'domain-admin' && !domainIds.every((d) => actor.adminDomainIds.includes(d))) {
        // Outside the actor's scope the accounts answer as missing (CONTRACTS.md "Principal").
        throw new StoaError('STOA_NOT_FOUND', 'one of the target accounts is not in your domains');
      }
      const at = iso();
      const job: MigrationJobRecord = {
        id: randomBytes(12).toString('base64url'), origin: input.origin, status: input.status ?? 'queued', createdBy: actor.login, domainIds,
        spec: input.spec, report: null, error: null, createdAt: at,
        startedAt: input.status === 'running' ? at : null, finishedAt: null,
        heartbeatAt: input.status === 'running' ? at : null, runner: input.runner ?? null,
      };
      await store.atomic(async (tx) => {
        await tx.migrations.createJob(job);
        await writeAudit(tx, actor, at, { action: 'create', objectType: 'migration-job', objectId: job.id, domainId: domainIds.length === 1 ? domainIds[0] : null, before: null, after: { origin: job.origin, spec: job.spec } });
      });
      return job;
    },

    get: getVisible,

    async list(actor, params) {
      const offset = Math.max(0, params.offset ?? 0);
      const limit = Math.min(LIST_MAX, Math.max(1, params.limit ?? 50));
      if (actor.role === 'server-admin') {
        const page = await store.migrations.listJobs({ offset, limit, status: params.status });
        return { items: await Promise.all(page.items.map(settle)), total: page.total, offset, limit };
      }
      if (actor.role !== 'domain-admin') throw new StoaError('STOA_FORBIDDEN', 'only administrators see migrations');
      // Jobs are few; a domain admin's view is filtered here rather than in every adapter.
      const all = await store.migrations.listJobs({ offset: 0, limit: 10_000, status: params.status });
      const mine = all.items.filter((j) => visible(actor, j));
      return { items: await Promise.all(mine.slice(offset, offset + limit).map(settle)), total: mine.length, offset, limit };
    },

    async cancel(actor, id) {
      const job = await getVisible(actor, id);
      const at = iso();
      const patch: MigrationJobPatch = job.status === 'queued' ? { status: 'cancelled', finishedAt: at } : { status: 'cancelled' };
      const updated = await store.atomic(async (tx) => {
        const changed = await tx.migrations.updateJob(id, patch, ['queued', 'running']);
        if (!changed) throw new StoaError('STOA_CONFLICT', `migration job ${id} has already ended (${job.status})`);
        await writeAudit(tx, actor, at, { action: 'cancel', objectType: 'migration-job', objectId: id, domainId: job.domainIds.length === 1 ? job.domainIds[0] : null, before: { status: job.status }, after: { status: 'cancelled' } });
        return changed;
      });
      return updated;
    },

    async claim(actor, id, runner) {
      requireServer(actor, 'run migration jobs');
      return store.migrations.updateJob(id, { status: 'running', runner, startedAt: iso(), heartbeatAt: iso() }, ['queued']);
    },

    async heartbeat(actor, id, report) {
      requireServer(actor, 'report on migration jobs');
      const updated = await store.migrations.updateJob(id, { report, heartbeatAt: iso() }, ['running']);
      return { cancelled: updated === null };
    },

    async finish(actor, id, outcome) {
      requireServer(actor, 'finish migration jobs');
      const patch: MigrationJobPatch = { report: outcome.report, error: outcome.error ?? null, finishedAt: iso(), heartbeatAt: iso() };
      // A cancelled job keeps its status; anything else gets the outcome.
      const done = await store.migrations.updateJob(id, { ...patch, status: outcome.status }, ['running', 'queued']);
      if (!done) await store.migrations.updateJob(id, patch);
    },

    async abandon(actor, host, alive, reason) {
      requireServer(actor, 'abandon migration jobs');
      let n = 0;
      for (const status of ['queued', 'running'] as const) {
        const page = await store.migrations.listJobs({ offset: 0, limit: 10_000, status });
        for (const job of page.items) {
          // "server:HOST:PID": only this host's runners can be checked; another node's jobs are its own business.
          const m = /^server:(.*):(\d+)$/.exec(job.runner ?? '');
          if (job.origin !== 'api' || !m || m[1] !== host || alive(Number(m[2]))) continue;
          if (await store.migrations.updateJob(job.id, { status: 'interrupted', error: reason, finishedAt: iso() }, [status])) n++;
        }
      }
      return n;
    },

    async prune(actor, before) {
      requireServer(actor, 'prune migration jobs');
      return store.migrations.pruneJobs(before);
    },

    checkpoints(actor) {
      requireServer(actor, 'keep migration checkpoints');
      return checkpoints;
    },
  };
}

/** The runner's side is the server's own work (systemActor, the CLI): no admin or user holds it. */
function requireServer(actor: Actor, action: string): void {
  if (actor.id !== null) throw new StoaError('STOA_FORBIDDEN', `only the server may ${action}`);
}
