// The filter's records as services and front ends see them: a stored verdict
// (the admin API's "why"), a quarantine entry, a training class. The store
// port (store/filter-port.ts) keeps them; the admin API renders them.

export type TrainingClass = 'spam' | 'ham';

/** A rule that fired, as stored with a verdict. */
export interface StoredRuleHit { rule: string; score: number; detail?: string }

/** The filter's verdict on one message, kept so the admin API can explain it. */
export interface StoredVerdict {
  id: string;
  at: number;
  direction: 'inbound' | 'outbound';
  ip: string | null;
  helo: string | null;
  sender: string;
  recipients: string[];
  /** Domain ids of the local recipients (inbound) or the submitter (outbound): who may read it. */
  domainIds: string[];
  accountIds: string[];
  messageId: string | null;
  subject: string;
  score: number;
  action: string;
  reason: string;
  rules: StoredRuleHit[];
  /** Per-check timings and failures. */
  checks: Array<{ check: string; stage: string; ms: number; outcome: string; error?: string }>;
}

export type QuarantineStatus = 'held' | 'released' | 'deleted';

export interface QuarantineEntry {
  id: string;
  /** SHA-256 of the held message; the entry holds one reference while status is "held". */
  blobId: string;
  size: number;
  heldAt: number;
  /** Deleted by housekeeping after this. */
  expiresAt: number;
  direction: 'inbound' | 'outbound';
  sender: string;
  /** Envelope recipients the message is held for, with the local account each reaches (null: outside). */
  recipients: Array<{ address: string; accountId: string | null }>;
  domainIds: string[];
  accountIds: string[];
  subject: string;
  from: string;
  /** Why it is held ("antivirus: Stoa.Test.EICAR", "attachments: invoice.exe"). */
  reason: string;
  verdictId: string | null;
  score: number;
  status: QuarantineStatus;
  resolvedAt: number | null;
  resolvedBy: string | null;
  /** Included in a digest already. */
  digested: boolean;
}
