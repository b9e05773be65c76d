// The SMTP front end's view of the filter and mail-authentication modules:
// which check runs at which stage and on which listener, and how a
// FilterDecision becomes an SMTP reply. Every decision is logged with its
// reason by logDecision (filter/decision.ts).
import type { FilterDecision } from '../../filter/decision.ts';
import { logDecision } from '../../filter/decision.ts';
import type { Dnsbl } from '../../filter/dnsbl.ts';
import type { Greylist } from '../../filter/greylist.ts';
import type { IpLists } from '../../filter/ip-lists.ts';
import type { RateLimiter } from '../../filter/rate-limit.ts';
import type { Logger } from '../../log/logger.ts';
import type { DkimSigner } from '../../mail-auth/dkim-sign.ts';
import type { InboundAuthenticator } from '../../mail-auth/inbound.ts';
import type { Account } from '../../../../shared/src/schemas/directory.ts';
import type { Readable } from 'node:stream';
import type { ListenerKind } from './smtp-metrics.ts';
import { SmtpReply, type RejectReason } from './smtp-reply.ts';

export interface FilterComponents {
  ipLists: IpLists;
  dnsbl: Dnsbl;
  greylist: Greylist;
  rateLimiter: RateLimiter;
  inbound: InboundAuthenticator;
  dkim: DkimSigner;
}

interface Stage { ip: string; listener: ListenerKind; log: Logger }

export interface InboundVerdict {
  action: 'accept' | 'junk' | 'reject';
  reason: string;
  /** Authentication-Results (and Received-SPF) fields, CRLF-terminated. */
  headers: string;
}

export interface SmtpFilter {
  /** IP allow/deny for every listener, DNSBL for MX; `trusted` skips later MX checks. */
  checkConnection(s: Stage): Promise<{ trusted: boolean; reason: string }>;
  checkSender(s: Stage & { sender: string; helo: string }): Promise<void>;
  /** Submission rate limit per account (counts the message when allowed). */
  checkSubmission(s: Stage & { account: Account; sender: string }): Promise<void>;
  /** Greylisting of unauthenticated MX traffic. */
  checkRecipient(s: Stage & { sender: string; recipient: string; authenticated: boolean }): Promise<void>;
  /** SPF, DKIM, DMARC, ARC on the received message (MX). */
  inbound(s: Omit<Stage, 'listener'> & { helo: string; sender: string; message: () => Readable; size: number }): Promise<InboundVerdict>;
  /** DKIM-Signature fields for a submitted message, '' when the sender domain has no key. */
  sign(s: { fromDomain: string; message: Buffer; log: Logger }): Promise<string>;
}

const REASON_BY_CHECK: Record<string, RejectReason> = {
  'ip-deny': 'policy', dnsbl: 'policy', greylist: 'greylisted', 'rate-limit': 'rate-limited', dmarc: 'policy',
};

/** A refusing decision as the reply smtp-server sends; accept and junk pass. */
function enforce(decision: FilterDecision): void {
  if (decision.action === 'accept' || decision.action === 'junk') return;
  throw new SmtpReply(decision.smtpCode, decision.enhancedCode, decision.reason, REASON_BY_CHECK[decision.check] ?? 'policy');
}

export function createSmtpFilter(c: FilterComponents): SmtpFilter {
  return {
    async checkConnection({ ip, listener, log }) {
      const listed = logDecision(log, c.ipLists.checkConnection(ip), { ip, listener });
      enforce(listed);
      if (c.ipLists.allowed(ip)) return { trusted: true, reason: listed.reason };
      // Blocklists judge MX clients; submission clients prove themselves with AUTH.
      if (listener === 'smtp') enforce(logDecision(log, await c.dnsbl.check(ip), { ip, listener }));
      return { trusted: false, reason: 'not listed' };
    },

    async checkSender() {
      // SPF needs the message's From for DMARC alignment, so it runs with the rest in inbound().
    },

    async checkSubmission({ ip, listener, log, account, sender }) {
      enforce(logDecision(log, await c.rateLimiter.checkSubmission(account.id), { ip, listener, account: account.address, sender }));
    },

    async checkRecipient({ ip, listener, log, sender, recipient, authenticated }) {
      if (listener !== 'smtp' || authenticated || c.ipLists.allowed(ip)) return;
      enforce(logDecision(log, await c.greylist.check({ ip, mailFrom: sender, recipient }), { ip, sender, recipient }));
    },

    async inbound({ ip, log, helo, sender, message }) {
      const result = await c.inbound.authenticateInbound({ message: message(), ip, helo, mailFrom: sender });
      const decision = logDecision(log, result.decision, { ip, sender, spf: result.spf.result, dmarc: result.dmarc?.result ?? 'none' });
      if (decision.action === 'defer') enforce(decision);
      return {
        action: decision.action === 'reject' ? 'reject' : decision.action === 'junk' ? 'junk' : 'accept',
        reason: decision.reason,
        headers: result.headers,
      };
    },

    async sign({ fromDomain, message, log }) {
      const signed = await c.dkim.signMessage(message, fromDomain);
      if (signed === message || signed.length === message.length) return '';
      log.debug({ fromDomain }, 'dkim signed');
      // signMessage prepends its fields: the difference is exactly the new header lines.
      return signed.subarray(0, signed.length - message.length).toString('utf8');
    },
  };
}
