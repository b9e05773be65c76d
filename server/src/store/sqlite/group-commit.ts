// Group commit for the writer connection. With synchronous=FULL every COMMIT
// waits for an fsync, so one transaction per write caps durable throughput at
// about 1/fsync-latency. Write units (atomic() callbacks, single writes) that
// queue up while the writer is busy therefore run back to back inside one
// BEGIN IMMEDIATE … COMMIT, each in its own SAVEPOINT
// (https://www.sqlite.org/lang_savepoint.html):
// - a unit that throws is rolled back to its savepoint and rejected at once;
//   the units after it never see its writes;
// - every other unit settles only after the shared COMMIT returned, so no
//   caller is told "done" for data that is not on disk; if the COMMIT fails,
//   all of them are rejected and none of their writes is visible;
// - a batch takes whatever is waiting when the writer gets to it; it waits
//   for more only by one macrotask (setImmediate), and only when the host
//   knows of writes on their way (blob writes whose transaction will follow),
//   so a lone writer commits at once;
// - durability off the event loop (host.syncWal): node:sqlite runs COMMIT on
//   the JavaScript thread, and with synchronous=FULL its fsync of the WAL
//   would stop every connection for its duration. The writer therefore runs
//   with synchronous=NORMAL, which in WAL mode makes COMMIT write the WAL
//   frames without syncing them (still atomic and consistent, see
//   https://www.sqlite.org/pragma.html#pragma_synchronous), and the units are
//   settled only after an fdatasync of the WAL file, on the libuv threadpool,
//   that started after their COMMIT returned: the same guarantee as FULL (a
//   settled unit is on disk). A unit that arrives while a WAL fsync runs could
//   not be settled before the next one anyway, so no batch opens until that
//   fsync is done: everything queued meanwhile then shares one transaction
//   (one BEGIN, one COMMIT, each page written to the WAL once) and the next
//   fsync, instead of each unit committing alone as soon as it arrives and
//   only its fsync being shared. A failed WAL fsync fails its units and every
//   later one: what the kernel dropped cannot be known (the store must be
//   reopened). Other connections may read a committed batch before its fsync
//   finishes; nothing is reported done to a caller before it.
// Units run strictly one after another, so the writer connection is only ever
// used by one unit at a time.
import { AsyncResource } from 'node:async_hooks';
import { StoaError } from '../../errors/catalogue.ts';
import type { SqliteConnection } from './sqlite-connection.ts';
import { mapSqliteError } from './sqlite-errors.ts';

/** A batch closes at this many units, or once its units have run this long, to keep commit latency low. */
export const MAX_BATCH_UNITS = 64;
export const MAX_BATCH_MS = 10;

export interface GroupCommitHost {
  writer: SqliteConnection;
  /** Opens the write transaction (BEGIN IMMEDIATE), waiting for writers in other processes. */
  begin(): Promise<void>;
  /** Throws when a COMMIT now could not make the data durable (database file gone, store closed). */
  beforeCommit(): void;
  /** Makes every COMMIT returned so far durable; without it COMMIT itself must be (synchronous=FULL). */
  syncWal?(): Promise<void>;
  /** Writes under way that will each turn into a unit soon (blob writes of deliveries). */
  arriving?(): number;
  /**
   * How long a batch's units may run before it closes (default MAX_BATCH_MS).
   * Tests that need units to share one batch set it high, so that a slow
   * machine does not split the batch (issue 16, tests that depend on the machine).
   */
  maxBatchMs?: number;
}

interface Entry {
  run(): Promise<unknown>;
  resolve(value: unknown): void;
  reject(err: unknown): void;
  /** Runs alone, after the batch before it has settled, with no transaction open. */
  exclusive: boolean;
}

// Run as cached prepared statements: they are executed for every unit.
const UNIT_SAVEPOINT = 'write_unit';

export class GroupCommit {
  readonly #host: GroupCommitHost;
  readonly #queue: Entry[] = [];
  #draining = false;
  /** Committed, waiting for a WAL fsync that started after their COMMIT. */
  #committed: Array<{ entry: Entry; value: unknown }> = [];
  #syncing: Promise<void> | null = null;
  #syncFailure: StoaError | null = null;
  /** Batches committed, units in them and WAL fsyncs: how well commits are grouped (tests, benchmarks). */
  readonly stats = { batches: 0, units: 0, walSyncs: 0 };

  constructor(host: GroupCommitHost) {
    this.#host = host;
  }

  /** Runs `fn` as one all-or-nothing write unit; settles once its transaction has committed (or failed). */
  transaction<T>(fn: () => Promise<T> | T): Promise<T> {
    return this.#enqueue(fn, false);
  }

  /** Runs `fn` once every unit queued before it has settled, outside any transaction (closing the store). */
  exclusive<T>(fn: () => Promise<T> | T): Promise<T> {
    return this.#enqueue(fn, true);
  }

  #enqueue<T>(fn: () => Promise<T> | T, exclusive: boolean): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      // The drain loop calls the unit: bind it to the caller's async context so
      // AsyncLocalStorage values (request ids, the atomic() marker) stay the caller's.
      const run = AsyncResource.bind(async () => fn());
      this.#queue.push({ run, resolve: resolve as (value: unknown) => void, reject, exclusive });
      if (!this.#draining) void this.#drain();
    });
  }

  async #drain(): Promise<void> {
    this.#draining = true;
    try {
      while (this.#queue.length > 0) {
        const head = this.#queue[0]!;
        if (head.exclusive) {
          this.#queue.shift();
          // Exclusive work (closing) comes after every durable settlement.
          while (this.#syncing) await this.#syncing;
          try {
            head.resolve(await head.run());
          } catch (err) {
            head.reject(err);
          }
        } else {
          // Units queued while the WAL fsync runs wait for it together (see the top of this file).
          while (this.#syncing) await this.#syncing;
          await this.#batch();
        }
      }
    } finally {
      this.#draining = false;
    }
  }

  /** Runs the waiting units in one transaction and settles them. */
  async #batch(): Promise<void> {
    const writer = this.#host.writer;
    if (this.#syncFailure) {
      this.#queue.shift()!.reject(this.#syncFailure);
      return;
    }
    // Deliveries whose blob is still being written are about to queue: one
    // macrotask lets the finished ones join this batch.
    if (this.#queue.length < MAX_BATCH_UNITS && (this.#host.arriving?.() ?? 0) > 0) {
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
    try {
      await this.#host.begin();
    } catch (err) {
      // As with one transaction per unit: the unit that could not start fails,
      // the next one makes its own attempt (and waits its own busy timeout).
      this.#queue.shift()!.reject(mapSqliteError(err));
      return;
    }
    const started = performance.now();
    const done: Array<{ entry: Entry; value: unknown }> = [];
    let ran = 0;
    let aborted: unknown = null;
    while (this.#queue.length > 0 && !this.#queue[0]!.exclusive && ran < MAX_BATCH_UNITS
      && (ran === 0 || performance.now() - started < (this.#host.maxBatchMs ?? MAX_BATCH_MS))) {
      const entry = this.#queue.shift()!;
      ran++;
      try {
        // Outside a transaction SAVEPOINT would open a new one, and its RELEASE commit it.
        if (!writer.db.isTransaction) throw new StoaError('STOA_STORE_UNAVAILABLE', 'the database aborted the write transaction');
        writer.run(`SAVEPOINT ${UNIT_SAVEPOINT}`);
      } catch (err) {
        // Not started: it goes first into the next batch, unless nothing
        // succeeded in this one (a fresh transaction failed the same way).
        if (done.length > 0) this.#queue.unshift(entry);
        else entry.reject(mapSqliteError(err));
        aborted = err;
        break;
      }
      try {
        const value = await entry.run();
        // SQLite rolls the whole transaction back by itself on some errors
        // (disk full, I/O error) even when the unit caught them and went on.
        if (!writer.db.isTransaction) throw new StoaError('STOA_STORE_UNAVAILABLE', 'the database aborted the write transaction');
        writer.run(`RELEASE ${UNIT_SAVEPOINT}`);
        done.push({ entry, value });
      } catch (err) {
        const undone = this.#undoUnit();
        entry.reject(mapSqliteError(err));
        if (!undone) {
          aborted = err;
          break;
        }
      }
    }

    if (aborted !== null) {
      this.#rollback();
      const lost = new StoaError('STOA_STORE_UNAVAILABLE', `the database aborted the write transaction: ${messageOf(aborted)}`, { cause: aborted });
      for (const { entry } of done) entry.reject(lost);
      return;
    }
    if (done.length === 0) {
      this.#rollback();
      return;
    }
    try {
      this.#host.beforeCommit();
      writer.exec('COMMIT');
    } catch (err) {
      this.#rollback();
      const mapped = mapSqliteError(err);
      for (const { entry } of done) entry.reject(mapped);
      return;
    }
    this.stats.batches += 1;
    this.stats.units += done.length;
    if (!this.#host.syncWal) {
      for (const { entry, value } of done) entry.resolve(value);
      return;
    }
    for (const unit of done) this.#committed.push(unit);
    this.#startSync();
  }

  /** One WAL fsync at a time; units committed while it runs wait for the next. */
  #startSync(): void {
    if (this.#syncing || this.#committed.length === 0) return;
    const units = this.#committed;
    this.#committed = [];
    this.stats.walSyncs += 1;
    this.#syncing = this.#host.syncWal!().then(
      () => {
        for (const { entry, value } of units) entry.resolve(value);
      },
      (err: unknown) => {
        this.#syncFailure ??= new StoaError('STOA_STORE_UNAVAILABLE', `fsync of the write-ahead log failed: ${messageOf(err)}`, { cause: err });
        for (const { entry } of units) entry.reject(this.#syncFailure);
      },
    ).finally(() => {
      this.#syncing = null;
      this.#startSync();
    });
  }

  /** Discards the current unit's writes; false when the transaction itself is gone. */
  #undoUnit(): boolean {
    const writer = this.#host.writer;
    try {
      if (!writer.db.isTransaction) return false;
      writer.exec(`ROLLBACK TO ${UNIT_SAVEPOINT}`);
      writer.run(`RELEASE ${UNIT_SAVEPOINT}`);
      return true;
    } catch {
      return false;
    }
  }

  #rollback(): void {
    const writer = this.#host.writer;
    try {
      if (writer.db.isTransaction) writer.exec('ROLLBACK');
    } catch {
      // The connection is already broken; SQLite discards the uncommitted pages.
    }
  }
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
