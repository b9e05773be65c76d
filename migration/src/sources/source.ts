// What every source (IMAP, CalDAV/CardDAV, EWS, PST, mbox, Maildir, files)
// offers the engine: a session per user that lists folders, lists the items
// of a folder and fetches them in batches. Sources never write anywhere.
import type { FetchedItem, ItemRef, SourceFolder } from '../model.ts';

export type SourceKind = 'imap' | 'dav' | 'ews' | 'pst' | 'mbox' | 'maildir' | 'eml' | 'ics' | 'vcf' | 'csv';

/** One user's identity at the source, from the command line or a line of the users CSV. */
export interface SourceUser {
  /** Login, mailbox address (EWS impersonation) or file path, as the source expects it. */
  identity: string;
  /** Per-user password or token; null when the source uses admin credentials or needs none. */
  secret: string | null;
}

export type FetchResult =
  | { ref: ItemRef; item: FetchedItem }
  | { ref: ItemRef; error: Error };

export interface SourceSession {
  /** Every folder to consider, parents before children. */
  folders(): Promise<SourceFolder[]>;
  /** The items of a folder in the source's order (oldest first where it has one). */
  items(folder: SourceFolder): AsyncIterable<ItemRef>;
  /**
   * The items, in the order given. A failure of one item is a result with
   * `error`; a failure of the whole source (connection lost) throws a
   * SourceError so the engine can reconnect and go on.
   */
  fetch(folder: SourceFolder, refs: readonly ItemRef[]): AsyncIterable<FetchResult>;
  close(): Promise<void>;
}

export interface MigrationSource {
  readonly kind: SourceKind;
  /** Hosts share a concurrency limit (--per-source-concurrency): the server's host, or the file for file sources. */
  limitKey(user: SourceUser): string;
  /** Names the user's data at the source the same way in every run: the checkpoint scope. */
  identity(user: SourceUser): string;
  open(user: SourceUser, signal: AbortSignal): Promise<SourceSession>;
}

export type SourceErrorKind = 'auth' | 'busy' | 'transient' | 'fatal';

/**
 * A failure of the source itself. `busy` (EWS ErrorServerBusy, IMAP
 * [UNAVAILABLE], HTTP 429/503) and `transient` (dropped connection, timeout)
 * are retried with back-off; `auth` and `fatal` end the user's run.
 */
export class SourceError extends Error {
  readonly kind: SourceErrorKind;
  /** What the source asked us to wait (EWS BackOffMilliseconds, Retry-After). */
  readonly retryAfterMs: number | null;

  constructor(kind: SourceErrorKind, message: string, options: { cause?: unknown; retryAfterMs?: number | null } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'SourceError';
    this.kind = kind;
    this.retryAfterMs = options.retryAfterMs ?? null;
  }
}

export function isRetryable(err: unknown): err is SourceError {
  return err instanceof SourceError && (err.kind === 'busy' || err.kind === 'transient');
}

/** Network errors that mean "the connection went away", worth a reconnect. */
export function isConnectionError(err: unknown): boolean {
  const code = (err as NodeJS.ErrnoException | null)?.code;
  return typeof code === 'string' && ['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETIMEDOUT', 'ENOTCONN', 'ECONNABORTED', 'EHOSTUNREACH', 'NoConnection', 'ETIMEOUT', 'UND_ERR_SOCKET', 'UND_ERR_CONNECT_TIMEOUT'].includes(code);
}
