// The outbound queue's storage port (Postfix's "active/deferred" queues as
// rows): one message row per accepted message, one row per recipient with its
// own delivery state, and an attempt log. Times are ms since the epoch so a
// lease comparison is a plain integer comparison on every backend.
//
// Leasing is what keeps two nodes from sending the same message twice: a
// worker claims due recipients by setting leaseOwner/leaseUntil only where the
// lease is free or expired, in one atomic step, and only the lease owner can
// record an outcome. A dead worker's lease simply runs out.

export type RecipientStatus = 'queued' | 'deferred' | 'delivered' | 'failed';
export type AttemptResult = 'delivered' | 'deferred' | 'failed';
/** RFC 3461 §4.3 RET. */
export type DsnRet = 'FULL' | 'HDRS';
/** RFC 3461 §4.1 NOTIFY keywords; NEVER stands alone. */
export type DsnNotify = 'NEVER' | 'SUCCESS' | 'FAILURE' | 'DELAY';

/** A remote (or locally generated) SMTP answer: code, RFC 3463 enhanced code, text. */
export interface SmtpAnswer { code: number; enhanced: string | null; text: string }

export interface QueuedMessage {
  id: string;
  /** SHA-256 of the final message bytes; the queue holds one reference while any recipient is pending. */
  blobId: string;
  /** Envelope sender; '' is the null sender `<>` (bounces), which never gets a DSN. */
  sender: string;
  createdAt: number;
  expiresAt: number;
  ret: DsnRet | null;
  envId: string | null;
  /** Account that submitted it, null for relayed or system mail. */
  accountId: string | null;
  size: number;
  /** Set when every recipient is final and the blob reference was dropped. */
  completedAt: number | null;
}

export interface QueuedRecipient {
  messageId: string;
  /** As given in RCPT TO (the local part may be UTF-8, RFC 6531). */
  address: string;
  /** ASCII (A-label) form of the domain, the unit of MX lookup and leasing. */
  domain: string;
  status: RecipientStatus;
  attempts: number;
  nextAttemptAt: number;
  lastResponse: SmtpAnswer | null;
  leaseOwner: string | null;
  leaseUntil: number | null;
  /** null when the client gave no NOTIFY (RFC 3461 §4.1: then FAILURE, and DELAY at our discretion). */
  notify: DsnNotify[] | null;
  /** RFC 3461 §4.2 ORCPT as "addr-type;address", decoded. */
  orcpt: string | null;
  delayNoticeSent: boolean;
  /**
   * A failure ('failed') or relay ('relayed') notice that could not be handed
   * over yet. The recipient is final but stays open — claimable at
   * nextAttemptAt, keeping the message and its blob — until the notice goes out.
   */
  noticePending: PendingNotice | null;
  /**
   * For a local recipient deferred after acceptance (docs/smtp.md "Local
   * failures after 250"): the folder the local transport delivers it to.
   * null for a remote recipient, or a row queued before the field existed: INBOX.
   */
  localFolder: LocalFolder | null;
  updatedAt: number;
}

/** The folder a local recipient's retry is filed in: the spam/DMARC filter's choice at DATA time. */
export type LocalFolder = 'INBOX' | 'Junk';

/** The notices kept for a retry (a delay notice is simply sent again at the next attempt). */
export type PendingNotice = 'failed' | 'relayed';

export interface DeliveryAttempt {
  messageId: string;
  address: string;
  at: number;
  mxHost: string | null;
  ip: string | null;
  tls: boolean;
  response: SmtpAnswer | null;
  result: AttemptResult;
}

export interface NewQueuedMessage {
  message: Omit<QueuedMessage, 'completedAt'>;
  /** localFolder absent = null. */
  recipients: Array<Pick<QueuedRecipient, 'address' | 'domain' | 'notify' | 'orcpt'> & { localFolder?: LocalFolder | null }>;
}

/** What one claim hands a worker: one message's due recipients in one domain. */
export interface QueueLease {
  message: QueuedMessage;
  domain: string;
  recipients: QueuedRecipient[];
  leaseUntil: number;
}

export interface ClaimOptions {
  owner: string;
  now: number;
  leaseMs: number;
  /** Most (message, domain) groups to claim at once. */
  maxGroups: number;
  /** Domains not to claim (their connection limit is full). */
  skipDomains?: readonly string[];
}

export interface RecipientOutcome {
  address: string;
  status: RecipientStatus;
  nextAttemptAt: number;
  response: SmtpAnswer | null;
  /** Counted as an attempt (false for "not tried": lease released by a stopping worker). */
  attempted: boolean;
  delayNoticeSent?: boolean;
  /** Notice still to send (kept open for a later pass); null = nothing (any earlier one went out); absent = unchanged. */
  noticePending?: PendingNotice | null;
  attempt: Omit<DeliveryAttempt, 'messageId' | 'address'> | null;
}

export interface QueueFilter {
  status?: RecipientStatus;
  domain?: string;
  sender?: string;
  /** Include messages whose recipients are all final (default: only pending). */
  includeCompleted?: boolean;
}

export interface QueueSummary extends QueuedMessage {
  recipientCount: number;
  /** Recipients with work left: not yet final, or final with a notice pending. */
  pendingCount: number;
  nextAttemptAt: number | null;
}

export interface QueueStore {
  /** Inserts the message and its recipients and takes one reference on the blob, atomically. */
  enqueue(entry: NewQueuedMessage): Promise<void>;
  /** Leases due open recipients (pending, or final with a notice pending), grouped by (message, domain), whose lease is free or expired. */
  claim(opts: ClaimOptions): Promise<QueueLease[]>;
  /** Extends a lease still held by `owner`; false if it was lost (expired and taken). */
  renew(owner: string, messageId: string, domain: string, until: number): Promise<boolean>;
  /**
   * Applies outcomes for recipients leased by `owner` (others are ignored),
   * appends attempts, clears the lease, sets or clears noticePending, and when no recipient is left open
   * marks the message complete and drops its blob reference.
   * Returns the recipients that were updated and whether the message completed.
   */
  record(owner: string, messageId: string, outcomes: RecipientOutcome[], now: number): Promise<{ updated: string[]; completed: boolean }>;
  /** Frees every lease of `owner` (graceful stop) without counting an attempt. */
  releaseAll(owner: string): Promise<number>;
  get(id: string): Promise<{ message: QueuedMessage; recipients: QueuedRecipient[] } | null>;
  attempts(id: string): Promise<DeliveryAttempt[]>;
  /** Newest first. */
  list(filter: QueueFilter, offset: number, limit: number): Promise<{ items: QueueSummary[]; total: number }>;
  /** Makes every open recipient due at `now` (leases are left alone). */
  retryNow(id: string, now: number): Promise<number>;
  /** Removes the message, its recipients and attempts; drops the blob reference if still held. */
  delete(id: string): Promise<boolean>;
  /** Earliest nextAttemptAt of an open, unleased-or-expired recipient (for the worker's sleep). */
  nextDue(): Promise<number | null>;
  /** Forgets completed messages older than `before`. */
  purgeCompleted(before: number): Promise<number>;
}
