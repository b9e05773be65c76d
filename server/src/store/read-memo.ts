// A memo of directory rows read during one SMTP mail transaction (MAIL FROM
// to the end of DATA). One message asks for the same rows several times:
// the recipient's domain (its address resolution, then whether the domain
// is ours), its account (the expansion, the quota at RCPT, the Sieve script
// at DATA). Each of those reads costs 15-20 µs on the reader connection,
// whose page cache every commit in between has dropped.
//
// Only committed rows read outside a transaction are memoised (the store's
// standalone reads through Executor.readRow, never a read inside atomic():
// the quota check that decides is made there, on fresh rows), and only while
// the transaction's scope is entered (intake/filter-session.ts, from MAIL to
// the end of DATA): the memo is dropped with the transaction (closed at the
// end of DATA, at the next MAIL, and at the latest a minute after it was
// made: work started in its scope that goes on afterwards reads the store
// again), so no change needs to invalidate it. What it can show is a row as
// it was when the transaction first read it, milliseconds earlier: the same
// view the recipient plan made at RCPT already gives DATA.
import { AsyncLocalStorage } from 'node:async_hooks';

/** Rows memoised per transaction at most (a transaction names at most smtp.maxRecipients recipients). */
export const READ_MEMO_MAX = 256;

/** Past this age a memo reads through, whoever still holds it (work started in its scope that outlives the transaction). */
export const READ_MEMO_MAX_AGE_MS = 60_000;

export class ReadMemo {
  readonly #reads = new Map<string, Promise<unknown>>();
  readonly #now: () => number;
  readonly #until: number;
  #closed = false;

  constructor(now: () => number = Date.now) {
    this.#now = now;
    this.#until = now() + READ_MEMO_MAX_AGE_MS;
  }

  /** The transaction is over: every later read goes to the store. */
  close(): void {
    this.#closed = true;
    this.#reads.clear();
  }

  /** The memoised answer for `key`, or `read()`'s (kept unless it fails), as a copy the caller may change. */
  get<T extends object>(key: string, read: () => Promise<T | null>): Promise<T | null> {
    if (this.#closed || this.#now() > this.#until) return read();
    let pending = this.#reads.get(key) as Promise<T | null> | undefined;
    if (!pending) {
      pending = read();
      if (this.#reads.size < READ_MEMO_MAX) {
        this.#reads.set(key, pending);
        pending.catch(() => this.#reads.delete(key));
      }
    }
    return pending.then((row) => (row === null ? null : { ...row }));
  }

  get size(): number {
    return this.#reads.size;
  }
}

const scope = new AsyncLocalStorage<ReadMemo>();

/** Runs `fn` with `memo` as the memo of the store's standalone reads it makes. */
export function withReadMemo<T>(memo: ReadMemo, fn: () => T): T {
  return scope.run(memo, fn);
}

/** `read()`, or its memoised answer inside a transaction's scope. */
export function memoRead<T extends object>(key: string, read: () => Promise<T | null>): Promise<T | null> {
  const memo = scope.getStore();
  return memo ? memo.get(key, read) : read();
}
