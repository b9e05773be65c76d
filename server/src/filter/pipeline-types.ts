// The shapes of the one filter pipeline (DESIGN.md "One filter pipeline"):
// ordered checks per SMTP stage, each with a timeout and a failure policy,
// whose results are rules that fired (with scores) or a hard decision.
// After Haraka's hook chain (a hook per stage, each plugin answering
// CONT/DENY/DENYSOFT/OK) and Stalwart's spam filter (tags with scores summed
// against thresholds), written from their documentation, not their code.
import type { Logger } from '../log/logger.ts';
import type { MessageView } from './message-view.ts';

/** The SMTP stage a check belongs to (RFC 5321 §3: connection, HELO, MAIL, RCPT, DATA). */
export type Stage = 'connect' | 'helo' | 'mail' | 'rcpt' | 'data';
export const STAGES: readonly Stage[] = ['connect', 'helo', 'mail', 'rcpt', 'data'];

/** Mail from outside to our users (MX), or from our users out (submission). */
export type Direction = 'inbound' | 'outbound';

/** One rule that fired: its name (upper case, like SpamAssassin's), its score, and why. */
export interface RuleHit {
  rule: string;
  score: number;
  /** Short human-readable explanation, safe to show to the admin. */
  detail?: string;
}

/**
 * What a check may decide outright. accept ends the stage as accepted (an
 * allow rule); junk, quarantine and reject apply whatever the score; defer
 * asks the client to retry (4xx).
 */
export type HardAction = 'accept' | 'junk' | 'quarantine' | 'reject' | 'defer';

export interface HardDecision {
  action: HardAction;
  /** The check that decided (filled in by the pipeline). */
  check: string;
  /** Shown to the SMTP client for reject/defer; kept for the admin otherwise. */
  reason: string;
  /** RFC 5321 §4.2 basic code and RFC 3463 enhanced code for reject/defer. */
  smtpCode?: number;
  enhancedCode?: string;
}

export interface CheckResult {
  hits?: RuleHit[];
  decision?: Omit<HardDecision, 'check'>;
}

export type OnError = 'defer' | 'skip';

export interface FilterCheck {
  name: string;
  stage: Stage;
  /** Which traffic the check applies to. */
  directions: readonly Direction[];
  timeoutMs: number;
  /** A check that throws or times out: defer the message (fail closed) or go on without it (fail open). */
  onError: OnError;
  run(ctx: FilterContext, signal: AbortSignal): Promise<CheckResult>;
}

export interface FilterRecipient {
  /** As given in RCPT TO. */
  address: string;
  /** The local account it reaches (after aliases), null for an outside recipient. */
  accountId: string | null;
  /** The ASCII domain of the local account (or of the address). */
  domain: string;
}

/**
 * Everything the checks may look at, built by the front end at connect and
 * filled in as the transaction goes on. One per SMTP transaction (the
 * connection facts are copied into the next transaction's context).
 */
export interface FilterContext {
  direction: Direction;
  /** Client address of the connection. */
  ip: string;
  /** HELO/EHLO argument ('' before it). */
  helo: string;
  /** Verified reverse name of the client, when the front end looked it up (smtp-server does). */
  clientHostname: string | null;
  /** The authenticated submitter (outbound), null on MX. */
  account: { id: string; address: string } | null;
  /** MAIL FROM ('' for the null sender), null before MAIL. */
  sender: string | null;
  /** Accepted recipients so far. */
  recipients: FilterRecipient[];
  /** The recipient being checked at the rcpt stage. */
  recipient: FilterRecipient | null;
  /** Set by the ip-allow check: skip blocklists and greylisting, never mail authentication. */
  allowListed: boolean;
  /** Rules fired at earlier stages; the data stage adds its own and scores the sum. */
  hits: RuleHit[];
  /** The message at the data stage. */
  message: MessageView | null;
  /** Headers the data stage adds to the message (Authentication-Results …), CRLF-terminated. */
  addHeaders: string[];
  /** Facts checks leave for each other (mail-auth results for the DMARC-aware rules, antivirus name …). */
  facts: Record<string, unknown>;
  log: Logger;
  now: () => number;
}

/** Which checks ran, which failed and how, for logs and the stored verdict. */
export interface CheckReport {
  check: string;
  stage: Stage;
  ms: number;
  outcome: 'ok' | 'decided' | 'error' | 'timeout' | 'skipped';
  error?: string;
}

export interface StageOutcome {
  /** The decision that ends the stage, or null to go on. */
  decision: HardDecision | null;
  reports: CheckReport[];
}
