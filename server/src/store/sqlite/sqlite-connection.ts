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

  close(): void {
    this.#statements.clear();
    if (this.db.isOpen) this.db.close();
  }
}
