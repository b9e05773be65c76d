// Inbound message authentication: SPF (RFC 7208), DKIM (RFC 6376), DMARC
// (RFC 7489) and ARC (RFC 8617) through mailauth, DNS through the configured
// resolvers, and the Authentication-Results field (RFC 8601) with this
// server's hostname as authserv-id. The SMTP front end prepends `headers`
// and maps `decision`.
import type { Readable } from 'node:stream';
import type { authenticate as AuthenticateFn } from 'mailauth';
import type { StoaConfig } from '../config/types.ts';
import { logDecision, type FilterDecision } from '../filter/decision.ts';
import type { Logger } from '../log/logger.ts';
import { decideDmarc } from './dmarc-policy.ts';
import { createDnsResolver, mailauthResolver, type MailauthResolver } from './dns-resolver.ts';

export interface InboundAuthInput {
  /** The message as received (headers and body), or a stream of it. */
  message: Buffer | Readable;
  /** Client IP address of the SMTP connection. */
  ip: string;
  /** EHLO/HELO argument. */
  helo: string;
  /** MAIL FROM address; empty for the null reverse-path (bounces, RFC 5321 §4.5.5). */
  mailFrom: string;
}

export interface DkimSignatureResult { domain: string; selector: string; algorithm: string; result: string; comment: string | null }

export interface InboundAuthResult {
  spf: { result: string; domain: string | null; comment: string | null };
  dkim: DkimSignatureResult[];
  dmarc: { result: string; policy: string; fromDomain: string | null; comment: string | null } | null;
  arc: { result: string; instance: number | null } | null;
  /** Received-SPF and Authentication-Results fields, CRLF-terminated, to prepend to the message. */
  headers: string;
  /** deliver (accept) / junk / reject for the DMARC outcome. */
  decision: FilterDecision;
}

export interface InboundAuthenticator {
  authenticateInbound(input: InboundAuthInput): Promise<InboundAuthResult>;
}

/**
 * One message's lookups share a budget: SPF alone may take ten queries (RFC
 * 7208 §4.6.4), and even with every query bounded by dns.timeoutMs a slow
 * resolver must not hold a message for minutes. Past the budget, queries
 * fail at once as timeouts (temperror, RFC 7208 §2.6.6).
 */
function withBudget(resolver: MailauthResolver, budgetMs: number): MailauthResolver {
  const deadline = Date.now() + budgetMs;
  return (name, rrtype) => {
    if (Date.now() >= deadline) {
      const err: NodeJS.ErrnoException = new Error(`query${rrtype} ETIMEOUT ${name} (message DNS budget of ${budgetMs} ms spent)`);
      err.code = 'ETIMEOUT';
      return Promise.reject(err);
    }
    return resolver(name, rrtype);
  };
}

// Loaded at the first message, not when the services are built (see dkim-sign.ts).
let mailauth: Promise<typeof AuthenticateFn> | null = null;
const loadAuthenticate = (): Promise<typeof AuthenticateFn> => (mailauth ??= import('mailauth').then((m) => m.authenticate));

export function createInboundAuthenticator(config: Pick<StoaConfig, 'dns' | 'hostname' | 'mailAuth'>, logger: Logger, resolver: MailauthResolver = mailauthResolver(createDnsResolver(config))): InboundAuthenticator {
  return {
    async authenticateInbound(input) {
      const authenticate = await loadAuthenticate();
      const res = await authenticate(input.message, {
        ip: input.ip,
        helo: input.helo,
        // mailauth falls back to Return-Path when sender is undefined; a null
        // reverse-path must stay null, so SPF checks the HELO identity (RFC 7208 §2.4).
        sender: input.mailFrom === '' ? `postmaster@${input.helo}` : input.mailFrom,
        mta: config.hostname,
        resolver: withBudget(resolver, 2 * config.dns.timeoutMs),
        disableBimi: true,
      });
      const spf = res.spf
        ? { result: res.spf.status.result, domain: res.spf.domain ?? null, comment: res.spf.status.comment ?? null }
        : { result: 'none', domain: null, comment: null };
      const dkim = res.dkim.results.map((r) => ({
        domain: String(r.signingDomain ?? ''), selector: String(r.selector ?? ''), algorithm: String(r.algo ?? ''),
        result: r.status.result, comment: r.status.comment ?? null,
      }));
      const dmarc = res.dmarc
        ? { result: res.dmarc.status.result, policy: res.dmarc.policy ?? 'none', fromDomain: res.dmarc.status.header?.from ?? null, comment: res.dmarc.status.comment ?? null }
        : null;
      const arc = res.arc ? { result: res.arc.status.result, instance: typeof res.arc.i === 'number' ? res.arc.i : null } : null;
      const decision = logDecision(logger, decideDmarc(dmarc, config), {
        ip: input.ip, helo: input.helo, mailFrom: input.mailFrom, spf: spf.result, dkim: dkim.map((d) => `${d.domain}:${d.result}`), dmarc: dmarc?.result ?? null,
      });
      return { spf, dkim, dmarc, arc, headers: res.headers.replace(/\r?\n/g, '\r\n'), decision };
    },
  };
}
