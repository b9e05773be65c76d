// What a sync did, or would do in a dry run: counts per kind of change and
// the first changes in detail (the history keeps runs, not every row of a
// 100,000-user import).
import type { SyncChange, SyncCounts } from '../../../../shared/src/schemas/directory-sync.ts';
import { isStoaError } from '../../errors/catalogue.ts';

export const MAX_REPORTED_CHANGES = 1000;

export class SyncReport {
  readonly counts: SyncCounts = { create: 0, change: 0, disable: 0, enable: 0, missing: 0, return: 0, skip: 0, error: 0 };
  readonly changes: SyncChange[] = [];

  add(change: SyncChange): void {
    this.counts[change.kind] += 1;
    if (this.changes.length < MAX_REPORTED_CHANGES) this.changes.push(change);
  }

  /** A change the services refused: the run goes on, and ends "partial". */
  error(object: SyncChange['object'], address: string, dn: string, err: unknown): void {
    const detail = isStoaError(err) ? `${err.code}: ${err.detail ?? err.message}` : String((err as Error)?.message ?? err);
    this.add({ kind: 'error', object, address, dn, detail });
  }
}

/** Runs `fn` over `items` with at most `limit` at a time (so the store's group commit can batch them). */
export async function forEachLimited<T>(items: readonly T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const workers = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const item = items[next++];
      await fn(item);
    }
  });
  await Promise.all(workers);
}
