// SPF (RFC 7208), DKIM (RFC 6376), DMARC (RFC 7489) and ARC (RFC 8617) as
// scored rules, through mail-auth/inbound.ts. The Authentication-Results
// field (RFC 8601) is added to the message. DMARC failures under an enforced
// p=reject are refused and p=quarantine goes to Junk (mail-auth/dmarc-policy.ts,
// tempered by mailAuth.dmarcPolicy and its per-domain overrides).
// This check runs for every MX message, allow-listed client or not: the allow
// list skips blocklists and greylisting only.
import type { Readable } from 'node:stream';
import { domainOf, addressOf, type MessageView } from '../message-view.ts';
import { hit } from '../rules.ts';
import type { FilterCheck, RuleHit } from '../pipeline-types.ts';
import type { CheckDeps } from './check-deps.ts';

const CR = 0x0d;
const LF = 0x0a;

/**
 * The end of the header section as mailauth finds it (its message parser,
 * after turning bare LFs into CRLF): just past the first empty line. -1 when
 * the scanned bytes hold none, or the message starts with one.
 */
export function headerSectionEnd(raw: Buffer): number {
  if (raw[0] === LF || (raw[0] === CR && raw[1] === LF)) return -1;
  // CRLF first (what SMTP delivers), then a bare-LF empty line before it: neither search runs on into the body.
  const crlf = raw.indexOf('\n\r\n');
  const bare = (crlf < 0 ? raw : raw.subarray(0, crlf + 1)).indexOf('\n\n');
  if (bare >= 0) return bare + 2;
  return crlf >= 0 ? crlf + 3 : -1;
}

/**
 * What mailauth reads. Without a DKIM-Signature or an ARC set in the header
 * (RFC 6376, RFC 8617) no body hash is computed, yet mailauth's parser still
 * walks every byte of the body (its line-ending pass, a JavaScript loop per
 * byte): such a message gets the header section alone, which gives the same
 * results. Signed mail gets all of it, as a Buffer when the scanned bytes
 * are the whole message (no stream to pipe), else the stream.
 */
export function authInput(m: MessageView): Buffer | Readable {
  const end = headerSectionEnd(m.raw);
  // Any mention of either field name keeps the body: a wider test is only slower.
  if (end > 0 && !/dkim-signature|arc-/i.test(m.raw.toString('latin1', 0, end))) return m.raw.subarray(0, end);
  return m.truncated ? m.stream() : m.raw;
}

export function mailAuthCheck(deps: CheckDeps): FilterCheck {
  const s = deps.scores;
  return {
    name: 'mail-auth', stage: 'data', directions: ['inbound'], timeoutMs: 2 * deps.config.dns.timeoutMs + 10_000, onError: 'defer',
    async run(ctx) {
      const message = ctx.message;
      if (!message) return {};
      const r = await deps.inbound.authenticateInbound({ message: authInput(message), ip: ctx.ip, helo: ctx.helo, mailFrom: ctx.sender ?? '' });
      ctx.addHeaders.push(r.headers);
      ctx.facts.auth = r;
      const hits: RuleHit[] = [];
      const spf = r.spf.result;
      if (spf === 'pass') hits.push(hit(s, 'SPF_PASS', r.spf.domain ?? undefined));
      else if (spf === 'fail') hits.push(hit(s, 'SPF_FAIL', r.spf.domain ?? undefined));
      else if (spf === 'softfail') hits.push(hit(s, 'SPF_SOFTFAIL', r.spf.domain ?? undefined));
      else if (spf === 'permerror') hits.push(hit(s, 'SPF_PERMERROR', r.spf.domain ?? undefined));
      const fromDomain = r.dmarc?.fromDomain ?? domainOf(addressOf(message.header('from')));
      const valid = r.dkim.filter((d) => d.result === 'pass');
      if (valid.length > 0) {
        hits.push(hit(s, 'DKIM_VALID', valid.map((d) => d.domain).join(' ')));
        if (fromDomain && valid.some((d) => d.domain.toLowerCase() === fromDomain || fromDomain.endsWith(`.${d.domain.toLowerCase()}`))) hits.push(hit(s, 'DKIM_VALID_AU', fromDomain));
      }
      if (r.dkim.some((d) => d.result === 'fail' || d.result === 'neutral')) hits.push(hit(s, 'DKIM_INVALID', r.dkim.filter((d) => d.result !== 'pass').map((d) => d.domain).join(' ')));
      const dmarc = r.dmarc;
      if (dmarc?.result === 'pass') hits.push(hit(s, 'DMARC_PASS', dmarc.fromDomain ?? undefined));
      else if (dmarc?.result === 'fail') {
        const rule = dmarc.policy === 'reject' ? 'DMARC_FAIL_REJECT' : dmarc.policy === 'quarantine' ? 'DMARC_FAIL_QUARANTINE' : 'DMARC_FAIL_NONE';
        hits.push(hit(s, rule, dmarc.fromDomain ?? undefined));
      }
      if (r.arc?.result === 'pass') hits.push(hit(s, 'ARC_PASS'));
      else if (r.arc && r.arc.result === 'fail') hits.push(hit(s, 'ARC_FAIL'));
      // Our own domains in From: from outside, unauthenticated: the classic CEO-fraud forgery.
      if (fromDomain && dmarc?.result !== 'pass' && await deps.isLocalDomain(fromDomain)) hits.push(hit(s, 'FROM_OURS_UNAUTH', fromDomain));
      const d = r.decision;
      if (d.action === 'reject') return { hits, decision: { action: 'reject', reason: d.reason, smtpCode: d.smtpCode, enhancedCode: d.enhancedCode } };
      if (d.action === 'junk') return { hits, decision: { action: 'junk', reason: d.reason } };
      return { hits };
    },
  };
}
