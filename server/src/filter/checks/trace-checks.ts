// Rules on the Received: trace (received-trace.ts), the way SpamAssassin's
// RDNS_*, HELO_DYNAMIC_*, RCVD_NUMERIC_HELO, FORGED_*_RCVD and DATE_IN_PAST/
// DATE_IN_FUTURE families read it: spamware runs on hijacked home machines
// (dynamic addresses without proper reverse names), names itself with a bare
// address or a big provider's domain, and dates its mail carelessly.
//
// Only hops of unauthenticated clients on public addresses count: a user
// submitting from home with a password (ESMTPA, RFC 3848) and relays inside
// a private network say nothing about spam. The reverse-name rules look at
// the newest such hop only — the relay that handed the message to the
// servers on our side, as SpamAssassin's "last external relay"; the
// connecting client itself is judged by the rdns and helo checks.
// MUA_DIRECT_TO_MX looks at the other end, where the message started: a
// desktop program's mail that no submission server ever saw.
import { isIPv4 } from 'node:net';
import { parseMailDate } from '../../mail/mime/mail-date.ts';
import { claimsOtherProvider, isDynamicName, isPrivateAddress } from '../host-names.ts';
import { hopTime, receivedTrace, type Hop } from '../received-trace.ts';
import { hit, type ScoreTable } from '../rules.ts';
import type { FilterCheck, RuleHit } from '../pipeline-types.ts';
import type { CheckDeps } from './check-deps.ts';
import { desktopMailer } from './mail-programs.ts';

const HOUR = 3_600_000;
/**
 * SpamAssassin's DATE_IN_FUTURE_03_06 bound. Its DATE_IN_PAST_* rules are
 * left out: list archives, bug trackers and digests resend old mail with its
 * old Date: (RFC 5322 §3.6.1 dates the writing, not the sending).
 */
const FUTURE_LIMIT = 3 * HOUR;
/** A queue id short enough to occur by chance is no evidence. */
const MIN_QUEUE_ID = 6;

/** Hops of clients that did not log in, from public addresses: the ones that say something about the sender. */
function external(hops: readonly Hop[]): Hop[] {
  return hops.filter((h) => h.ip !== null && !h.authenticated && !isPrivateAddress(h.ip));
}

/** The rules on the hops alone (exported for the table tests). */
export function traceHits(s: ScoreTable, hops: readonly Hop[], messageId: string | null, date: string | null): RuleHit[] {
  const hits: RuleHit[] = [];
  const outside = external(hops);
  const last = outside[0];
  if (last !== undefined) {
    if (last.rdns === '') hits.push(hit(s, 'RCVD_NO_RDNS', `${last.ip} (HELO ${last.helo ?? '?'}) had no reverse name at ${last.by ?? '?'}`));
    const dynamic = last.rdns && isDynamicName(last.rdns) ? last.rdns : last.rdns === '' && last.helo && isDynamicName(last.helo) ? last.helo : null;
    if (dynamic !== null) hits.push(hit(s, 'RCVD_DYNAMIC', `${dynamic} [${last.ip}]`));
  }
  // RFC 5321 §4.1.1.1: a client names itself with its domain, or an address literal ([192.0.2.1]) — never a bare address or a single word.
  const word = outside.find((h) => h.helo !== null && /^[a-z0-9_-]+$/i.test(h.helo) && !/^(?:localhost|\d+)$/i.test(h.helo));
  if (word) hits.push(hit(s, 'RCVD_HELO_NO_DOT', `HELO ${word.helo} at ${word.by ?? '?'}`));
  const numeric = outside.find((h) => h.helo !== null && isIPv4(h.helo) && !isPrivateAddress(h.helo));
  if (numeric) hits.push(hit(s, 'RCVD_NUMERIC_HELO', `HELO ${numeric.helo} at ${numeric.by ?? '?'}`));
  const forged = outside.find((h) => h.helo !== null && h.rdns && claimsOtherProvider(h.helo, h.rdns));
  if (forged) hits.push(hit(s, 'RCVD_FORGED_HELO', `HELO ${forged.helo} from ${forged.rdns} [${forged.ip}]`));
  // Dates: the Date: field against the newest time stamp of the trace (RFC 5322 §3.6.1: the time the author sent it).
  const sent = date === null ? null : parseMailDate(date);
  let received: number | null = null;
  for (const h of hops) if ((received = hopTime(h)) !== null) break;
  if (sent !== null && received !== null) {
    const shift = Date.parse(sent) - received;
    if (shift > FUTURE_LIMIT) hits.push(hit(s, 'DATE_RECEIVED_FUTURE', `${Math.round(shift / HOUR)} hours after it was received`));
  }
  // A Message-ID made of a relay's queue id: the message came without one and a server added it (RFC 5322 §3.6.4 makes it the originator's job).
  const mid = messageId?.trim() ?? '';
  const queued = hops.find((h) => h.id !== null && h.id.length >= MIN_QUEUE_ID && mid.includes(h.id));
  if (queued && /^<[^<>@\s]+@[^<>@\s]+>$/.test(mid)) hits.push(hit(s, 'MID_ADDED_BY_RELAY', `${mid.slice(0, 60)} is ${queued.by ?? 'a relay'}'s queue id`));
  return hits;
}

/**
 * Where a message started, when it started the way spamware sends and no
 * person's mail program does: a client that did not log in (no hop of the
 * trace authenticated, RFC 3848), from a public address without a reverse
 * name. The start is the oldest hop that records a client address; a
 * message with no such hop started at the client connected to us. A desktop
 * program's mail always passes its provider's submission server (RFC 6409)
 * or its company's server first, and those log the login or sit in a private
 * network; a bot sending straight to the recipients' MX does neither.
 */
export function directFromClient(hops: readonly Hop[], client: { ip: string; hostname: string | null }): string | null {
  if (hops.some((h) => h.authenticated)) return null;
  let first: Hop | undefined;
  for (const h of hops) if (h.ip !== null) first = h;
  if (first === undefined) return client.hostname === null && !isPrivateAddress(client.ip) ? `${client.ip} connected to us itself, without a reverse name` : null;
  if (first.rdns !== '' || isPrivateAddress(first.ip!)) return null;
  return `${first.ip} (HELO ${first.helo ?? '?'}) without a reverse name at ${first.by ?? '?'}`;
}

export function traceCheck(deps: CheckDeps): FilterCheck {
  return {
    name: 'received', stage: 'data', directions: ['inbound'], timeoutMs: 2000, onError: 'skip',
    async run(ctx) {
      const m = ctx.message;
      if (!m) return {};
      const hops = receivedTrace(m.headers('received'));
      const hits = traceHits(deps.scores, hops, m.header('message-id'), m.header('date'));
      // SpamAssassin's DOS_OE_TO_MX leaves list mail alone: a list server sends it on, with the author's X-Mailer.
      const program = m.header('list-id') === null && m.header('list-unsubscribe') === null ? desktopMailer(m) : null;
      const start = program === null ? null : directFromClient(hops, { ip: ctx.ip, hostname: ctx.clientHostname });
      if (start !== null) hits.push(hit(deps.scores, 'MUA_DIRECT_TO_MX', `${program}: ${start}`));
      return { hits };
    },
  };
}
