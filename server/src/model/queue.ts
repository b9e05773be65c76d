// The outbound queue's model: queued messages and recipients with their
// delivery state, attempts, SMTP answers and DSN parameters (RFC 3461). The
// queue service, its storage port and the front ends (admin API, CLI, SMTP)
// all speak these types.

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
  /** Only messages whose envelope sender is in one of these domains (ASCII, lower case): a domain admin's scope. */
  senderDomains?: readonly string[];
  /** Include messages whose recipients are all final (default: only pending). */
  includeCompleted?: boolean;
}

export interface QueueSummary extends QueuedMessage {
  recipientCount: number;
  /** Recipients with work left: not yet final, or final with a notice pending. */
  pendingCount: number;
  nextAttemptAt: number | null;
}
