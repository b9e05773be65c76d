// One node:sqlite connection with its prepared statements cached by SQL text:
// preparing is the expensive part of a small query, and the list queries are
// built from a bounded set of shapes.
import { DatabaseSync, type StatementSync, type SQLInputValue } from 'node:sqlite';

export type Row = Record<string, SQLInputValue>;
export type Param = SQLInputValue;

export interface ConnectionOptions {
  path: string;
  busyTimeoutMs: number;
  readOnly: boolean;
  /**
   * NORMAL only for a connection whose owner fsyncs the WAL itself before it
   * reports a commit done (group-commit.ts); FULL otherwise.
   */
  synchronous?: 'FULL' | 'NORMAL';
}

export class SqliteConnection {
  readonly db: DatabaseSync;
  readonly #statements = new Map<string, StatementSync>();
  /** Work deferred to the end of the open transaction, by key (see pending()). */
  readonly #pending = new Map<string, { state: unknown; flush: (state: unknown) => void }>();

  constructor(options: ConnectionOptions) {
    this.db = new DatabaseSync(options.path, {
      readOnly: options.readOnly,
      timeout: options.busyTimeoutMs,
      enableForeignKeyConstraints: true,
    });
    // synchronous=FULL: a commit is on disk before it returns, so SMTP may answer
    // 250 right after (WAL with NORMAL could lose the last commits on power loss).
    this.db.exec(`PRAGMA synchronous = ${options.synchronous === 'NORMAL' ? 'NORMAL' : 'FULL'}`);
    // Statement journals of SAVEPOINTs (one per write unit and store call) stay
    // in memory instead of a temp file created and unlinked on every commit.
    // They only matter while the transaction is open; durability is the WAL's.
    if (!options.readOnly) this.db.exec('PRAGMA temp_store = MEMORY');
  }

  statement(sql: string): StatementSync {
    let stmt = this.#statements.get(sql);
    if (!stmt) {
      stmt = this.db.prepare(sql);
      this.#statements.set(sql, stmt);
    }
    return stmt;
  }

  all(sql: string, ...params: Param[]): Row[] {
    return this.statement(sql).all(...params) as Row[];
  }

  get(sql: string, ...params: Param[]): Row | undefined {
    return this.statement(sql).get(...params) as Row | undefined;
  }

  run(sql: string, ...params: Param[]): number {
    return Number(this.statement(sql).run(...params).changes);
  }

  exec(sql: string): void {
    this.db.exec(sql);
  }

  /**
   * State of work that the open transaction defers to its end, under `key`:
   * made by `create` on first use; `flush` runs inside the transaction just
   * before its COMMIT (group-commit.ts calls flushPending), and the state is
   * dropped by that COMMIT or by a ROLLBACK (dropPending). Lets the units of
   * one group commit share a step that costs per statement rather than per
   * row, such as an FTS5 flush (mail-rows.ts).
   */
  pending<T>(key: string, create: () => T, flush: (state: T) => void): T {
    let entry = this.#pending.get(key);
    if (!entry) {
      entry = { state: create(), flush: flush as (state: unknown) => void };
      this.#pending.set(key, entry);
    }
    return entry.state as T;
  }

  /** The deferred state under `key`, if the open transaction has any. */
  peekPending<T>(key: string): T | undefined {
    return this.#pending.get(key)?.state as T | undefined;
  }

  /** Runs the deferred work, in the order it was first deferred; a failure leaves the transaction to be rolled back. */
  flushPending(): void {
    for (const [key, entry] of this.#pending) {
      this.#pending.delete(key);
      entry.flush(entry.state);
    }
  }

  /** Forgets the deferred work of a transaction that was rolled back. */
  dropPending(): void {
    this.#pending.clear();
  }

  close(): void {
    this.#statements.clear();
    if (this.db.isOpen) this.db.close();
  }
}
