// What every filter and policy check answers: one decision the SMTP front end
// maps to a reply without knowing why it was taken. smtpCode and
// enhancedCode follow RFC 5321 §4.2 and RFC 3463.
import type { Logger } from '../log/logger.ts';

export type FilterAction = 'accept' | 'reject' | 'defer' | 'junk';

export interface FilterDecision {
  action: FilterAction;
  /** Reply code: 250 for accept/junk, 4xx for defer, 5xx for reject. */
  smtpCode: number;
  /** RFC 3463 enhanced status code, e.g. "5.7.1". */
  enhancedCode: string;
  /** Human-readable reason, safe to send to the client. */
  reason: string;
  /** Which check decided (for logs and metrics): "ip-deny", "dnsbl", "greylist", "rate-limit", "dmarc"… */
  check: string;
}

export function accept(check: string, reason = 'OK'): FilterDecision {
  return { action: 'accept', smtpCode: 250, enhancedCode: '2.0.0', reason, check };
}

export function junk(check: string, reason: string): FilterDecision {
  return { action: 'junk', smtpCode: 250, enhancedCode: '2.0.0', reason, check };
}

export function reject(check: string, smtpCode: number, enhancedCode: string, reason: string): FilterDecision {
  return { action: 'reject', smtpCode, enhancedCode, reason, check };
}

export function defer(check: string, smtpCode: number, enhancedCode: string, reason: string): FilterDecision {
  return { action: 'defer', smtpCode, enhancedCode, reason, check };
}

/** Logs every decision other than a plain accept, with its reason and context (client IP, sender…). */
export function logDecision(logger: Logger, decision: FilterDecision, context: Record<string, unknown>): FilterDecision {
  if (decision.action === 'accept') logger.debug({ ...context, check: decision.check }, decision.reason);
  else logger.info({ ...context, check: decision.check, action: decision.action, smtp: `${decision.smtpCode} ${decision.enhancedCode}` }, decision.reason);
  return decision;
}

/**
 * A refusing decision (reject or defer) thrown out of the service that
 * applied it; front ends map it to their reply (SMTP: the decision's codes).
 */
export class FilterRefusal extends Error {
  readonly decision: FilterDecision;
  constructor(decision: FilterDecision) {
    super(decision.reason);
    this.name = 'FilterRefusal';
    this.decision = decision;
  }
}

/** Throws a refusing decision; accept and junk pass. */
export function enforce(decision: FilterDecision): void {
  if (decision.action === 'accept' || decision.action === 'junk') return;
  throw new FilterRefusal(decision);
}
