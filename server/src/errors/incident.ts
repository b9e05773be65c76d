// Faults on the server's side (the store down, a disk full, a bug) are told
// to the client without their detail: the detail names files, directories
// and internals an outsider has no business seeing (issue 16 item 13). The
// client gets the catalogue's title and a reference id; the log line with
// the detail carries the same id, so an operator finds it from a user's
// screenshot. Every front end (IMAP, POP3, SMTP, ManageSieve, HTTP) uses this.
import { randomBytes } from 'node:crypto';
import { isStoaError, type ErrorCode } from './catalogue.ts';

/** Catalogue codes that are the server's fault: nothing the client sent explains them. */
const SERVER_FAULTS: ReadonlySet<ErrorCode> = new Set<ErrorCode>([
  'STOA_INTERNAL', 'STOA_STORE_UNAVAILABLE', 'STOA_BLOB_CORRUPT', 'STOA_DATA_DIR', 'STOA_CONFIG_INVALID',
]);

/** True for a server-side fault: a StoaError of those codes, or anything that is not a StoaError at all. */
export function isServerFault(err: unknown): boolean {
  return !isStoaError(err) || SERVER_FAULTS.has(err.code);
}

/** A short id for one fault: 40 random bits as 10 hex digits, unique enough to find one log line. */
export function newReference(): string {
  return randomBytes(5).toString('hex');
}

/** The text a client sees for a server fault: what kind of fault, and the reference. */
export function faultText(title: string, ref: string): string {
  return `${title} (ref ${ref})`;
}
