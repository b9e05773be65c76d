// What every entity store closes over: the client, the database and, inside
// atomic(), the session of the running transaction. Stores built with a
// session pass it to every operation, so they join that transaction; stores
// built without one open their own short transaction where a single call
// touches several documents.
import type { ClientSession, Db, MongoClient, TransactionOptions } from 'mongodb';
import { mapMongoError } from './errors.ts';

export interface MongoCtx {
  readonly client: MongoClient;
  readonly db: Db;
  readonly session: ClientSession | undefined;
}

/** Options fragment for every driver call: joins the transaction when there is one. */
export function sessionOpts(ctx: MongoCtx): { session?: ClientSession } {
  return ctx.session ? { session: ctx.session } : {};
}

// Snapshot reads and majority writes: a committed transaction survives a
// failover, and the reads inside it see one consistent point in time.
const TX_OPTIONS: TransactionOptions = {
  readConcern: { level: 'snapshot' },
  writeConcern: { w: 'majority' },
  readPreference: 'primary',
};

/** Runs one driver call (or a few) and translates its failures. */
export async function guard<T>(ctx: MongoCtx, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    throw mapMongoError(err, ctx.session !== undefined);
  }
}

/**
 * Runs `fn` in a transaction: the caller's when inside atomic(), otherwise a
 * new one. withTransaction retries `fn` on transient conflicts (two writers
 * touching the same document), so `fn` only talks to the database.
 */
export async function inTransaction<T>(ctx: MongoCtx, fn: (tx: MongoCtx) => Promise<T>): Promise<T> {
  if (ctx.session) return fn(ctx);
  return runTransaction(ctx.client, ctx.db, fn);
}

export async function runTransaction<T>(
  client: MongoClient, db: Db, fn: (tx: MongoCtx) => Promise<T>,
): Promise<T> {
  let session: ClientSession;
  try {
    session = client.startSession();
  } catch (err) {
    throw mapMongoError(err, false);
  }
  try {
    return await session.withTransaction(() => fn({ client, db, session }), TX_OPTIONS);
  } catch (err) {
    throw mapMongoError(err, false);
  } finally {
    // Ending a session only returns it to the pool; a failure there (client
    // already closed) must not replace the transaction's own outcome.
    await session.endSession().catch(() => undefined);
  }
}
