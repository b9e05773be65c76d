// Periodic clean-up that every node runs on its own schedule: each task is
// idempotent and safe to run on several nodes at once. Blob garbage
// collection honours the grace period, so a delivery that has written its
// body but not yet committed the message (DESIGN.md: blob first, then
// metadata) never loses it.
import type { StoaConfig } from '../config/types.ts';
import type { Directory } from '../directory/api.ts';
import type { Logger } from '../log/logger.ts';
import type { Store } from '../store/port.ts';

export interface Housekeeping {
  /** Runs every task once now; used at start-up, by the timer and by tests. */
  runOnce(): Promise<HousekeepingReport>;
  stop(): Promise<void>;
}

export interface HousekeepingReport {
  throttleEntriesPruned: number;
  credentialsExpired: number;
  blobsRemoved: number;
  blobBytesRemoved: number;
  /** Rows removed by each extra task (greylist, rate counters …), by name. */
  pruned: Record<string, number>;
}

/** A clean-up another module owns (greylist triplets, rate-limit windows): returns what it removed. */
export interface HousekeepingTask { name: string; run(): Promise<number> }

const HOUR_MS = 3_600_000;

export function startHousekeeping(
  deps: { config: Pick<StoaConfig, 'store'>; store: Store; directory: Directory; logger: Logger; tasks?: readonly HousekeepingTask[] },
  intervalMs = 15 * 60_000,
): Housekeeping {
  const { config, store, directory, logger, tasks = [] } = deps;
  let running: Promise<HousekeepingReport> | null = null;

  async function work(): Promise<HousekeepingReport> {
    const { throttleEntriesPruned, credentialsExpired } = await directory.housekeeping();
    const gc = await store.blobs.gc(config.store.blobs.gcGraceHours * HOUR_MS);
    const pruned: Record<string, number> = {};
    for (const task of tasks) pruned[task.name] = await task.run();
    const report = { throttleEntriesPruned, credentialsExpired, blobsRemoved: gc.removed, blobBytesRemoved: gc.bytes, pruned };
    if (throttleEntriesPruned + credentialsExpired + gc.removed + Object.values(pruned).reduce((a, b) => a + b, 0) > 0) logger.info(report, 'housekeeping');
    return report;
  }

  function runOnce(): Promise<HousekeepingReport> {
    // One pass at a time: a slow gc on a large blob store must not pile up.
    running ??= work().finally(() => { running = null; });
    return running;
  }

  const timer = setInterval(() => {
    runOnce().catch((err: unknown) => logger.warn({ err }, 'housekeeping failed; it will run again'));
  }, intervalMs);
  timer.unref();

  return {
    runOnce,
    async stop() {
      clearInterval(timer);
      await running?.catch(() => undefined);
    },
  };
}
