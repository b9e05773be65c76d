// Scheduled directory syncs in the server process: every tick, the
// connections whose incremental or full sync is due are synced one after the
// other. Two nodes may both run a scheduler; the lease taken by runSync lets
// only one of them sync a connection at a time (the other gets
// STOA_SYNC_RUNNING and skips it).
import { isStoaError } from '../../errors/catalogue.ts';
import { systemActor } from '../access.ts';
import type { DirectorySyncService } from './connection-service.ts';

export interface SchedulerLog {
  /** A scheduled sync that could not even start a run (runs log themselves). */
  failed(connection: string, err: unknown): void;
}

export interface SyncScheduler {
  /** One pass over the due connections (the timer calls it; tests call it directly). */
  tick(): Promise<void>;
  stop(): Promise<void>;
}

export function startSyncScheduler(opts: { service: DirectorySyncService; tickMs: number; now(): number; log: SchedulerLog; timer?: boolean }): SyncScheduler {
  let running: Promise<void> | null = null;
  let stopped = false;
  const tick = async (): Promise<void> => {
    if (stopped) return;
    for (const { record, mode } of await opts.service.due(systemActor(), opts.now())) {
      if (stopped) return;
      try {
        // The run logs itself (sync-run.ts SyncLog), like an on-demand one.
        await opts.service.sync(systemActor(), record.id, { mode, dryRun: false, trigger: 'schedule' });
      } catch (err) {
        if (isStoaError(err, 'STOA_SYNC_RUNNING')) continue;
        opts.log.failed(record.name, err);
      }
    }
  };
  const run = () => {
    if (running) return;
    running = tick().catch((err: unknown) => opts.log.failed('*', err)).finally(() => { running = null; });
  };
  const timer = opts.timer === false ? null : setInterval(run, opts.tickMs);
  timer?.unref();
  if (timer) setImmediate(run);
  return {
    tick,
    async stop() {
      stopped = true;
      if (timer) clearInterval(timer);
      await running;
    },
  };
}
