// Runs migration jobs submitted through the admin API inside the server
// process, a few at a time, and keeps their record alive: the live report
// every few seconds, cancellation seen at the next heartbeat, the outcome at
// the end. The import itself is the migration engine's (migration/), given
// to the runner by the composition root as `execute`; this module knows
// nothing of sources or sinks. `stoa migrate` uses the same heartbeat.
import { hostname } from 'node:os';
import { systemActor } from '../directory/access.ts';
import type { Actor } from '../directory/api.ts';
import type { Logger } from '../log/logger.ts';
import type { MigrationJobRecord } from '../model/migration.ts';
import type { MigrationJobService } from './job-service.ts';

export interface JobContext {
  /** Who submitted the job: accounts are created, and mail imported, with their rights (directory, import policy). */
  actor: Actor;
  signal: AbortSignal;
  /** The live report; the runner saves the latest one at each heartbeat. */
  progress(report: unknown): void;
}

/** Runs one job to its end; `ok` false when anything failed (the report says what). */
export type JobExecutor = (job: MigrationJobRecord, secrets: unknown, ctx: JobContext) => Promise<{ report: unknown; ok: boolean }>;

export interface MigrationRunner {
  readonly runnerId: string;
  /** Records the job (rights checked by the job service) and queues it; the secrets stay in this process. */
  submit(actor: Actor, request: { spec: unknown; secrets: unknown; targets: readonly string[]; readsServerFiles?: boolean }): Promise<MigrationJobRecord>;
  /** Cancels running jobs (they end as interrupted and resume on a new submission) and waits for them. */
  stop(): Promise<void>;
}

export interface Heartbeat {
  /** Saves the last report one more time and stops the timer. */
  stop(): Promise<void>;
}

/** Saves `report()` every `intervalMs` and aborts `controller` when the job was cancelled; `actor` is the server (the runner, the CLI). */
export function keepAlive(jobs: MigrationJobService, actor: Actor, id: string, report: () => unknown, controller: AbortController, intervalMs: number, logger?: Logger): Heartbeat {
  let busy = false;
  const beat = async () => {
    if (busy) return;
    busy = true;
    try {
      const { cancelled } = await jobs.heartbeat(actor, id, report());
      if (cancelled && !controller.signal.aborted) controller.abort(new Error('the job was cancelled'));
    } catch (err) {
      logger?.warn({ err, job: id }, 'migration heartbeat failed');
    } finally {
      busy = false;
    }
  };
  const timer = setInterval(() => void beat(), intervalMs);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      await beat();
    },
  };
}

export function startMigrationRunner(deps: {
  jobs: MigrationJobService;
  execute: JobExecutor;
  logger: Logger;
  /** Jobs run at once by this process. */
  maxJobs?: number;
  heartbeatMs?: number;
}): MigrationRunner {
  const { jobs, execute, logger } = deps;
  const maxJobs = deps.maxJobs ?? 1;
  const heartbeatMs = deps.heartbeatMs ?? 5000;
  const runnerId = `server:${hostname()}:${process.pid}`;
  // The runner is the server's own work; each job's import acts as whoever submitted it (JobContext.actor).
  const server = systemActor();
  const waiting: { id: string; secrets: unknown; actor: Actor }[] = [];
  const running = new Map<string, { controller: AbortController; done: Promise<void> }>();
  let stopping = false;

  // Jobs a previous server process on this host accepted lost their secrets with it.
  const alive = (pid: number) => {
    if (pid === process.pid) return true;
    try {
      process.kill(pid, 0);
      return true;
    } catch (err) {
      return (err as NodeJS.ErrnoException).code === 'EPERM';
    }
  };
  void jobs.abandon(server, hostname(), alive, 'the server restarted before the job finished; submit it again to resume (nothing is imported twice)')
    .catch((err: unknown) => logger.warn({ err }, 'could not mark interrupted migration jobs'));

  async function run(id: string, secrets: unknown, actor: Actor, controller: AbortController): Promise<void> {
    const job = await jobs.claim(server, id, runnerId);
    if (!job) return;
    let latest: unknown = null;
    const heartbeat = keepAlive(jobs, server, id, () => latest, controller, heartbeatMs, logger);
    let outcome: { status: 'done' | 'failed' | 'interrupted'; report: unknown; error?: string };
    try {
      const result = await execute(job, secrets, { actor, signal: controller.signal, progress: (r) => { latest = r; } });
      latest = result.report;
      outcome = { status: controller.signal.aborted ? 'interrupted' : result.ok ? 'done' : 'failed', report: result.report };
    } catch (err) {
      logger.error({ err, job: id }, 'migration job failed');
      outcome = { status: 'failed', report: latest, error: err instanceof Error ? err.message : String(err) };
    }
    await heartbeat.stop();
    await jobs.finish(server, id, outcome);
    logger.info({ job: id, status: outcome.status }, 'migration job ended');
  }

  function schedule(): void {
    while (!stopping && running.size < maxJobs && waiting.length > 0) {
      const next = waiting.shift()!;
      const controller = new AbortController();
      const done = run(next.id, next.secrets, next.actor, controller)
        .catch((err: unknown) => logger.error({ err, job: next.id }, 'migration runner error'))
        .finally(() => {
          running.delete(next.id);
          schedule();
        });
      running.set(next.id, { controller, done });
    }
  }

  return {
    runnerId,
    async submit(actor, request) {
      const job = await jobs.create(actor, { origin: 'api', spec: request.spec, targets: request.targets, runner: runnerId, readsServerFiles: request.readsServerFiles });
      waiting.push({ id: job.id, secrets: request.secrets, actor });
      schedule();
      return job;
    },
    async stop() {
      stopping = true;
      for (const w of waiting.splice(0)) await jobs.finish(server, w.id, { status: 'interrupted', report: null, error: 'the server stopped before the job started' }).catch(() => undefined);
      for (const r of running.values()) r.controller.abort();
      await Promise.all([...running.values()].map((r) => r.done));
    },
  };
}
