// How entity stores reach the database. The same entity code runs either on
// its own (each call a short transaction) or bound to an atomic() transaction.
import type { AsyncLocalStorage } from 'node:async_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { StoaError } from '../../errors/catalogue.ts';
import { memoRead } from '../read-memo.ts';
import { isBusy, mapSqliteError } from './sqlite-errors.ts';
import type { SqliteConnection } from './sqlite-connection.ts';
import type { GroupCommit } from './group-commit.ts';

export interface Executor {
  /** Runs a read: on the reader connection outside transactions (WAL: sees committed data only). */
  read<T>(fn: (c: SqliteConnection) => T): Promise<T>;
  /**
   * A directory row read by `key`: outside atomic() it may come from the SMTP
   * transaction's read memo (read-memo.ts); inside, it is always read afresh.
   */
  readRow<T extends object>(key: string, fn: (c: SqliteConnection) => T | null): Promise<T | null>;
  /** Runs a write: as its own transaction, or inside the enclosing atomic(). */
  write<T>(fn: (c: SqliteConnection) => T): Promise<T>;
}

export interface Connections {
  reader: SqliteConnection;
  writer: SqliteConnection;
  /** Queues write units for the writer and commits them in groups (group-commit.ts). */
  writes: GroupCommit;
  busyTimeoutMs: number;
  /** Set while an atomic() callback runs, to catch store calls that bypass its tx handle. */
  txContext: AsyncLocalStorage<true>;
  /** Throws STOA_STORE_UNAVAILABLE when the database file is gone or the store closed. */
  assertAvailable(): void;
  /** The same for reads: the file check at most every 20 ms (sqlite-store.ts). */
  assertReadable(): void;
}

function wrap<T>(fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    throw mapSqliteError(err);
  }
}

/**
 * BEGIN IMMEDIATE takes the database write lock up front, so a transaction
 * never fails half-way on a lock upgrade. The writer connection has a zero
 * busy timeout and waits here instead, asynchronously: a synchronous busy wait
 * would block the event loop, and with it the other connection (same process)
 * that holds the lock and needs the loop to finish its transaction.
 */
export async function beginImmediate(c: Connections): Promise<void> {
  const deadline = Date.now() + c.busyTimeoutMs;
  for (let delay = 1; ; delay = Math.min(delay * 2, 25)) {
    c.assertAvailable();
    try {
      c.writer.exec('BEGIN IMMEDIATE');
      return;
    } catch (err) {
      if (!isBusy(err) || Date.now() >= deadline) throw mapSqliteError(err);
    }
    await sleep(delay);
  }
}

/**
 * Runs `fn` as one all-or-nothing write unit on the writer, possibly sharing
 * its BEGIN IMMEDIATE … COMMIT with other waiting units (group-commit.ts);
 * resolves only once that COMMIT is on disk.
 */
export function inTransaction<T>(c: Connections, fn: () => Promise<T> | T): Promise<T> {
  return c.writes.transaction(fn);
}

export function standaloneExecutor(c: Connections): Executor {
  const read = async <T>(fn: (c: SqliteConnection) => T): Promise<T> => {
    c.assertReadable();
    return wrap(() => fn(c.reader));
  };
  return {
    read,
    readRow: (key, fn) => memoRead(key, () => read(fn)),
    write(fn) {
      // Waiting for the writer held by our own atomic() would never end.
      if (c.txContext.getStore()) {
        return Promise.reject(new StoaError('STOA_INTERNAL', 'store write inside atomic(): use the transaction handle passed to fn'));
      }
      return inTransaction(c, () => fn(c.writer));
    },
  };
}

/** Bound to one atomic() call; refuses use after that transaction ended. */
export function transactionExecutor(c: Connections, isOpen: () => boolean): Executor {
  const check = (): void => {
    if (!isOpen()) throw new StoaError('STOA_INTERNAL', 'transaction handle used after its atomic() call ended');
  };
  const read = async <T>(fn: (c: SqliteConnection) => T): Promise<T> => {
    check();
    return wrap(() => fn(c.writer));
  };
  return {
    read,
    readRow: (_key, fn) => read(fn),
    async write(fn) {
      check();
      // After SQLite rolled the transaction back by itself (disk full, I/O
      // error), SAVEPOINT would open a new one and RELEASE commit it on its own.
      if (!c.writer.db.isTransaction) throw new StoaError('STOA_STORE_UNAVAILABLE', 'the database aborted this transaction');
      // A savepoint makes each call all-or-nothing even inside the transaction:
      // if fn catches a failed create and carries on, no address stays claimed.
      c.writer.run('SAVEPOINT store_call');
      try {
        const result = wrap(() => fn(c.writer));
        c.writer.run('RELEASE store_call');
        return result;
      } catch (err) {
        try {
          c.writer.exec('ROLLBACK TO store_call');
          c.writer.exec('RELEASE store_call');
        } catch {
          // The enclosing atomic() rolls everything back.
        }
        throw err;
      }
    },
  };
}
