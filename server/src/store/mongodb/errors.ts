// Translates driver failures into catalogue codes. Uniqueness violations
// become the conflict the caller can act on (address taken, domain exists);
// anything that means "the cluster is not reachable or not writable right now"
// becomes STOA_STORE_UNAVAILABLE, whose contract is that nothing was changed
// (every multi-document write runs in a transaction, so that holds). The one
// exception is the filter's verdict records (spam-filter-store.ts): a batch is
// one unordered insertMany outside a transaction, so a batch that fails may
// leave some of its records stored; they only explain past verdicts.
import {
  MongoBulkWriteError, MongoError, MongoNetworkError, MongoNotConnectedError, MongoServerError, MongoServerSelectionError,
  MongoTopologyClosedError, MongoClientClosedError, MongoExpiredSessionError, MongoWriteConcernError,
} from 'mongodb';
import { StoaError } from '../../errors/catalogue.ts';
import { COLLECTIONS, UNIQUE_ADDRESS_INDEX, UNIQUE_DOMAIN_NAME_INDEX } from './collections.ts';

const DUPLICATE_KEY = 11000;
const ILLEGAL_OPERATION = 20;

/** Server codes that mean "no writable primary right now" (elections, shutdown, failover). */
const UNAVAILABLE_CODES: ReadonlySet<number> = new Set([
  6, 7, 89, 91, 133, 189, 9001, 10058, 10107, 11600, 11602, 13435, 13436,
]);

export const REPLICA_SET_REQUIRED =
  'MongoDB transactions need a replica set (a single-node replica set is enough: start mongod with --replSet and run rs.initiate())';

export function isDuplicateKey(err: unknown): err is MongoServerError {
  return err instanceof MongoServerError && err.code === DUPLICATE_KEY;
}

/**
 * An unordered insertMany whose only failures are documents whose key is
 * already stored: every other document went in (and no write concern failed).
 */
export function onlyDuplicateKeys(err: unknown): boolean {
  if (!(err instanceof MongoBulkWriteError)) return isDuplicateKey(err);
  const errors = Array.isArray(err.writeErrors) ? err.writeErrors : [err.writeErrors];
  return errors.length > 0 && errors.every((e) => e.code === DUPLICATE_KEY) && !err.result.getWriteConcernError();
}

/**
 * Errors withTransaction() must see untouched so it can retry the whole
 * callback or the commit: converting them inside a transaction would turn a
 * harmless write conflict into a failure.
 */
export function isTransactionRetryable(err: unknown): boolean {
  return err instanceof MongoError
    && (err.hasErrorLabel('TransientTransactionError') || err.hasErrorLabel('UnknownTransactionCommitResult'));
}

function duplicateKeyError(err: MongoServerError): StoaError {
  // "E11000 duplicate key error collection: <db>.<collection> index: <name> dup key: {…}"
  // insertMany reports the first failed document in writeErrors.
  const writeErrors = err['writeErrors'] as { errmsg?: string }[] | undefined;
  const text = `${err.message} ${writeErrors?.[0]?.errmsg ?? ''}`;
  const match = /collection: [^.\s]+\.(\S+) index: (\S+)/.exec(text);
  const collection = match?.[1];
  const index = match?.[2];
  const key = err['keyValue'] as Record<string, unknown> | undefined;
  const value = key ? Object.values(key)[0] : undefined;
  const detail = typeof value === 'string' ? value : undefined;
  if (collection === COLLECTIONS.addresses || index === UNIQUE_ADDRESS_INDEX) {
    return new StoaError('STOA_ADDRESS_TAKEN', detail, { cause: err });
  }
  if (collection === COLLECTIONS.domains && index === UNIQUE_DOMAIN_NAME_INDEX) {
    return new StoaError('STOA_DOMAIN_EXISTS', detail, { cause: err });
  }
  return new StoaError('STOA_CONFLICT', `duplicate key in ${collection ?? 'a collection'}`, { cause: err });
}

function isUnavailable(err: MongoError): boolean {
  if (err instanceof MongoNetworkError || err instanceof MongoServerSelectionError
    || err instanceof MongoTopologyClosedError || err instanceof MongoNotConnectedError
    || err instanceof MongoClientClosedError || err instanceof MongoExpiredSessionError) {
    return true;
  }
  if (err.hasErrorLabel('RetryableWriteError') || err.hasErrorLabel('TransientTransactionError')) return true;
  // A write concern failure means the write may not survive a failover; the
  // port promises durability, so the caller must treat it as not done.
  if (err instanceof MongoWriteConcernError) return true;
  return typeof err.code === 'number' && UNAVAILABLE_CODES.has(err.code);
}

/**
 * Maps `err` to a StoaError when it has a catalogue meaning; other errors
 * (programming mistakes, validation by the server) pass through unchanged so
 * the HTTP layer reports them as internal errors with their stack.
 * Inside a transaction, retryable errors are left for withTransaction().
 */
export function mapMongoError(err: unknown, inTransaction: boolean): unknown {
  if (err instanceof StoaError) return err;
  if (!(err instanceof MongoError)) return err;
  if (inTransaction && isTransactionRetryable(err)) return err;
  if (isDuplicateKey(err)) return duplicateKeyError(err);
  if (err.code === ILLEGAL_OPERATION && /replica set|Transaction numbers/i.test(err.message)) {
    return new StoaError('STOA_STORE_UNAVAILABLE', REPLICA_SET_REQUIRED, { cause: err });
  }
  if (isUnavailable(err)) return new StoaError('STOA_STORE_UNAVAILABLE', err.message, { cause: err });
  return err;
}
