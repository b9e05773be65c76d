// Maps node:sqlite errors to catalogue codes. node:sqlite throws an Error with
// code ERR_SQLITE_ERROR and `errcode` set to the extended result code
// (https://www.sqlite.org/rescode.html); the primary code is its low byte.
import { StoaError } from '../../errors/catalogue.ts';

const SQLITE_PERM = 3;
const SQLITE_BUSY = 5;
const SQLITE_LOCKED = 6;
const SQLITE_NOMEM = 7;
const SQLITE_READONLY = 8;
const SQLITE_IOERR = 10;
const SQLITE_CORRUPT = 11;
const SQLITE_FULL = 13;
const SQLITE_CANTOPEN = 14;
const SQLITE_NOTADB = 26;
const SQLITE_CONSTRAINT_CHECK = 275;
const SQLITE_CONSTRAINT_FOREIGNKEY = 787;
const SQLITE_CONSTRAINT_PRIMARYKEY = 1555;
const SQLITE_CONSTRAINT_UNIQUE = 2067;

/** Primary result codes that mean the database (or its disk) cannot be used right now. */
const UNAVAILABLE = new Set([SQLITE_PERM, SQLITE_BUSY, SQLITE_LOCKED, SQLITE_NOMEM, SQLITE_READONLY, SQLITE_IOERR, SQLITE_CORRUPT, SQLITE_FULL, SQLITE_CANTOPEN, SQLITE_NOTADB]);

function errcode(err: unknown): number | null {
  if (err instanceof Error && (err as { code?: unknown }).code === 'ERR_SQLITE_ERROR') {
    const code = (err as { errcode?: unknown }).errcode;
    return typeof code === 'number' ? code : null;
  }
  return null;
}

export function isBusy(err: unknown): boolean {
  const code = errcode(err);
  return code !== null && (code & 0xff) === SQLITE_BUSY;
}

export function isUniqueViolation(err: unknown): boolean {
  const code = errcode(err);
  return code === SQLITE_CONSTRAINT_UNIQUE || code === SQLITE_CONSTRAINT_PRIMARYKEY;
}

/** Turns a driver error into a StoaError where the catalogue has a code for it; other errors pass through. */
export function mapSqliteError(err: unknown): unknown {
  if (err instanceof StoaError) return err;
  const code = errcode(err);
  if (code === null) return err;
  const message = err instanceof Error ? err.message : String(err);
  if (code === SQLITE_CONSTRAINT_FOREIGNKEY) return new StoaError('STOA_INVALID_REFERENCE', message, { cause: err });
  if (code === SQLITE_CONSTRAINT_UNIQUE || code === SQLITE_CONSTRAINT_PRIMARYKEY || code === SQLITE_CONSTRAINT_CHECK) {
    return new StoaError('STOA_CONFLICT', message, { cause: err });
  }
  if (UNAVAILABLE.has(code & 0xff)) return new StoaError('STOA_STORE_UNAVAILABLE', message, { cause: err });
  return err;
}
