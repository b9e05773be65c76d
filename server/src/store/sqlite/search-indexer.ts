// Full-text indexing off the delivery's commit. A transaction that inserts a
// body records its id in mail_search_pending (one small row); this indexer
// moves pending bodies into the FTS5 trigram index in large batches, each in
// its own write unit (group-commit.ts), so the index takes one segment, and
// its merges, per batch instead of per message. SEARCH scans the stored text
// of the pending bodies of the mailbox exactly (mail-search.ts), so results
// never depend on how far the indexer has got. docs/mail-store.md.
import type { SqliteConnection } from './sqlite-connection.ts';
import { INDEXED_TEXT } from './mail-rows.ts';

/** Bodies indexed per write unit: large enough for one segment per batch, small enough to keep the unit short. */
export const INDEX_BATCH = 500;
/** How often the indexer looks for pending bodies. */
export const INDEX_INTERVAL_MS = 200;

/** Indexes up to `limit` pending bodies, oldest first; runs inside the caller's write transaction. */
export function indexPendingBodies(c: SqliteConnection, limit = INDEX_BATCH): number {
  const ids = c.all('SELECT body_id FROM mail_search_pending ORDER BY body_id LIMIT ?', limit).map((r) => Number(r.body_id));
  if (ids.length === 0) return 0;
  const list = JSON.stringify(ids);
  c.run(
    `INSERT INTO mail_search (rowid, search_text)
     SELECT id, ${INDEXED_TEXT('search_text')} FROM mail_bodies WHERE id IN (SELECT value FROM json_each(?))`,
    list,
  );
  c.run('DELETE FROM mail_search_pending WHERE body_id IN (SELECT value FROM json_each(?))', list);
  return ids.length;
}

export interface SearchIndexerHost {
  /** Any pending body? Read on the reader connection (committed state). */
  hasPending(): Promise<boolean>;
  /** One write unit that indexes a batch (indexPendingBodies); resolves once committed. */
  indexBatch(): Promise<number>;
  onError(err: unknown): void;
}

/** Runs indexing batches every `intervalMs` (0: only when drained) until stopped. */
export class SearchIndexer {
  readonly #host: SearchIndexerHost;
  #timer: NodeJS.Timeout | null = null;
  #running: Promise<number> | null = null;
  #stopped = false;

  constructor(host: SearchIndexerHost, intervalMs: number) {
    this.#host = host;
    if (intervalMs > 0) {
      this.#timer = setInterval(() => {
        if (this.#running) return;
        void this.#host.hasPending().then((any) => (any && !this.#stopped ? this.drain() : 0)).catch((err: unknown) => {
          if (!this.#stopped) this.#host.onError(err);
        });
      }, intervalMs);
      this.#timer.unref();
    }
  }

  /** Indexes every body pending now, batch after batch; resolves with how many were indexed. */
  async drain(): Promise<number> {
    // A batch already under way may have read the pending rows before the caller's commit.
    while (this.#running) await this.#running.catch(() => 0);
    const run = (async () => {
      let total = 0;
      for (;;) {
        if (this.#stopped) return total;
        const n = await this.#host.indexBatch();
        total += n;
        if (n < INDEX_BATCH) return total;
      }
    })();
    this.#running = run;
    try {
      return await run;
    } finally {
      if (this.#running === run) this.#running = null;
    }
  }

  /** No new batch starts; the one under way (a queued write unit) still commits with the rest. */
  stop(): void {
    this.#stopped = true;
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
  }
}
