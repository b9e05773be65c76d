// Header heuristics (RFC 5322 §3.6 required fields, §3.6.4 Message-ID,
// §3.6.7 trace fields): what ordinary mail software always gets right and
// spamware often does not. Each is worth little alone; together with the
// content rules and the classifier they tip the balance.
import { parseMailDate } from '../../mail/mime/mail-date.ts';
import { baseDomain, isFreemail } from '../host-names.ts';
import { addressOf, domainOf, type MessageView } from '../message-view.ts';
import { ratwareHits } from './ratware-rules.ts';
import { hit, type ScoreTable } from '../rules.ts';
import type { FilterCheck, FilterContext, RuleHit } from '../pipeline-types.ts';
import type { CheckDeps } from './check-deps.ts';

const HOUR = 3_600_000;
/** Providers whose Message-IDs spamware likes to imitate (SpamAssassin's FORGED_*_RCVD family). */
const FREEMAIL = /(?:^|\.)(?:yahoo\.[a-z.]+|hotmail\.[a-z.]+|gmail\.com|outlook\.com|live\.com|aol\.com|msn\.com|mail\.ru|gmx\.(?:de|net|com))$/;
const MONEY_SUBJECT = /\b(?:free|win(?:ner|ning)?|won|prize|cash|money|\$\d|credit|loan|offer|discount|save \d+%|lottery|million|rich|profit)\b/i;
/** Top-level domains most abused for spam (Spamhaus' and SURBL's published statistics, 2020-2024). */
export const ABUSED_TLDS = /\.(?:cam|top|xyz|work|click|loan|bid|win|review|date|stream|icu|buzz|rest|monster|cyou|gq|tk|ml|cf|ga|sbs|cfd)$/i;
/** RFC 5322 §3.6 (and RFC 2045 §4, §5 for the MIME fields): at most one of each. */
const ONCE = ['from', 'sender', 'to', 'cc', 'subject', 'date', 'message-id', 'reply-to', 'mime-version', 'content-type'];
const REPORT_TYPES = /multipart\/report|message\/delivery-status|message\/disposition-notification/i;


/** The addresses of To: and Cc:, lower case. */
function listedAddresses(m: MessageView): string[] {
  return [...`${m.header('to') ?? ''},${m.header('cc') ?? ''}`.matchAll(/[^\s<>",;:]+@[^\s<>",;:]+/g)].map((x) => x[0].toLowerCase());
}

/** One local part at three or more unrelated domains (webmaster@a, webmaster@b, webmaster@c): addresses made from a list of web sites. */
function sameUserManyDomains(addresses: readonly string[]): string | null {
  const byUser = new Map<string, Set<string>>();
  for (const a of addresses) {
    const at = a.lastIndexOf('@');
    const user = a.slice(0, at);
    const set = byUser.get(user) ?? new Set<string>();
    set.add(baseDomain(a.slice(at + 1)));
    byUser.set(user, set);
  }
  for (const [user, domains] of byUser) if (domains.size >= 3) return `${user}@ at ${domains.size} domains`;
  return null;
}

function related(a: string | null, b: string | null): boolean {
  return a === null || b === null || baseDomain(a) === baseDomain(b);
}

async function messageIdRules(m: MessageView, ctx: FilterContext, deps: CheckDeps, s: ScoreTable, hits: RuleHit[]): Promise<void> {
  const mid = m.header('message-id');
  if (mid === null || mid.trim() === '') {
    hits.push(hit(s, 'MISSING_MID'));
    return;
  }
  const parsed = /^<([^<>@\s]+)@([^<>@\s]+)>$/.exec(mid.trim());
  if (!parsed) {
    hits.push(hit(s, 'MID_INVALID', mid.slice(0, 80)));
    return;
  }
  const midDomain = parsed[2].toLowerCase().replace(/^\[|\]$/g, '');
  if (!midDomain.includes('.') && !/^\[/.test(parsed[2])) hits.push(hit(s, 'MID_NO_FQDN', midDomain));
  // Postfix, Sendmail and many MUAs start the id with the time: one copied onto another message shows.
  const stamp = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})/.exec(parsed[1]);
  const date = stamp ? Date.parse(parseMailDate(m.header('date')) ?? '') : NaN;
  if (stamp && Number.isFinite(date)) {
    const at = Date.UTC(+stamp[1], +stamp[2] - 1, +stamp[3], +stamp[4], +stamp[5], +stamp[6]);
    if (Number.isFinite(at) && Math.abs(at - date) > 90 * 24 * HOUR) hits.push(hit(s, 'MID_DATE_MISMATCH', `${stamp[1]}-${stamp[2]}-${stamp[3]}`));
  }
  if (ctx.direction === 'inbound' && await deps.isLocalDomain(midDomain)) {
    hits.push(hit(s, 'MID_FORGED_OURS', midDomain));
    return;
  }
  const fromDomain = domainOf(addressOf(m.header('from')));
  const envDomain = domainOf(ctx.sender || null);
  if (FREEMAIL.test(midDomain) && !related(midDomain, fromDomain) && !related(midDomain, envDomain)) {
    hits.push(hit(s, 'MID_FORGED_FROM', `${midDomain} for From ${fromDomain ?? '?'}`));
  }
}

function dateRules(m: MessageView, ctx: FilterContext, s: ScoreTable, hits: RuleHit[]): void {
  const date = m.header('date');
  if (date === null) {
    hits.push(hit(s, 'MISSING_DATE'));
    return;
  }
  // A date without a zone reads as UTC (mail-date.ts), on every server alike.
  const at = Date.parse(parseMailDate(date) ?? '');
  if (Number.isFinite(at) && at - ctx.now() > 12 * HOUR) hits.push(hit(s, 'DATE_IN_FUTURE', date.slice(0, 60)));
}

export function headerCheck(deps: CheckDeps): FilterCheck {
  const s = deps.scores;
  return {
    name: 'headers', stage: 'data', directions: ['inbound', 'outbound'], timeoutMs: 2000, onError: 'skip',
    async run(ctx) {
      const m = ctx.message;
      if (!m) return {};
      const hits: RuleHit[] = [];
      const from = m.header('from');
      const fromAddress = addressOf(from);
      if (!fromAddress) hits.push(hit(s, 'MISSING_FROM'));
      // RFC 5322 §3.6: at most one of each (Resent-* blocks are separate fields).
      const twice = ONCE.filter((name) => m.headers(name).length > 1);
      if (twice.length > 0) hits.push(hit(s, 'HEADER_DUPLICATE', twice.join(', ')));
      dateRules(m, ctx, s, hits);
      await messageIdRules(m, ctx, deps, s, hits);
      const received = m.headers('received').length;
      if (received > deps.config.filter.maxReceived) hits.push(hit(s, 'TOO_MANY_RECEIVED', `${received} hops`));
      if (ctx.direction === 'inbound') {
        // RFC 5321 §4.5.5: the null reverse-path is for notifications (DSNs, MDNs, RFC 3834 auto-replies).
        const contentType = m.header('content-type') ?? '';
        const autoReply = (m.header('auto-submitted') ?? 'no').toLowerCase() !== 'no';
        if (ctx.sender === '' && !REPORT_TYPES.test(contentType) && !autoReply) hits.push(hit(s, 'RETURN_PATH_EMPTY_NOT_BOUNCE'));
        const envDomain = domainOf(ctx.sender || null);
        if (envDomain && fromAddress && !related(envDomain, domainOf(fromAddress)) && m.header('list-id') === null && m.header('sender') === null) {
          hits.push(hit(s, 'RETURN_PATH_MISMATCH', `${envDomain} vs ${domainOf(fromAddress)}`));
        }
      }
      // "paypal@paypal.com" <x@elsewhere.example>: the display name claims another address.
      const display = from ? /^\s*"?([^"<]*)"?\s*</.exec(from)?.[1] ?? '' : '';
      const claimed = addressOf(display);
      if (claimed && fromAddress && !related(domainOf(claimed), domainOf(fromAddress))) hits.push(hit(s, 'FROM_DISPLAY_ADDRESS_MISMATCH', `${claimed} / ${fromAddress}`));
      // "you@example.com" <someone@elsewhere>: the message pretends to come from its own recipient (extortion, fake
      // bounces). A list that rewrites From: for DMARC ("you@example.com via List" <list@…>) sends List-Id.
      const recipients = new Set([...listedAddresses(m), ...ctx.recipients.map((r) => r.address.toLowerCase())]);
      if (claimed && fromAddress && claimed !== fromAddress && recipients.has(claimed) && m.header('list-id') === null) hits.push(hit(s, 'FROM_NAME_SPOOFS_RECIPIENT', `${claimed} / ${fromAddress}`));
      const subject = m.header('subject') ?? '';
      const letters = subject.replace(/[^A-Za-z]/g, '');
      if (letters.length >= 10 && letters.replace(/[^A-Z]/g, '').length / letters.length >= 0.7) hits.push(hit(s, 'SUBJECT_ALL_CAPS'));
      if (/!\s*$|!!/.test(subject)) hits.push(hit(s, 'SUBJECT_EXCLAIM'));
      const fromDomain = domainOf(fromAddress);
      if (fromAddress && fromDomain && FREEMAIL.test(fromDomain) && /\d{5,}/.test(fromAddress.slice(0, fromAddress.indexOf('@')))) hits.push(hit(s, 'FROM_LOCAL_DIGITS', fromAddress));
      if (fromDomain && ABUSED_TLDS.test(fromDomain)) hits.push(hit(s, 'FROM_ABUSED_TLD', fromDomain));
      const replyTo = domainOf(addressOf(m.header('reply-to')));
      if (ctx.direction === 'inbound' && replyTo && fromDomain && !related(replyTo, fromDomain) && m.header('list-id') === null) {
        hits.push(hit(s, 'REPLY_TO_OTHER_DOMAIN', replyTo));
        // A company's mail whose answers go to a free-mail box (SpamAssassin's FREEMAIL_FORGED_REPLYTO).
        if (isFreemail(replyTo) && !isFreemail(fromDomain)) hits.push(hit(s, 'FREEMAIL_FORGED_REPLYTO', `${replyTo} for From ${fromDomain}`));
      }
      const listed = listedAddresses(m);
      const domains = listed.map((a) => baseDomain(domainOf(a) ?? ''));
      if (listed.length >= 3 && new Set(domains).size >= 3) hits.push(hit(s, 'RCPT_MANY_DOMAINS', `${listed.length} addresses, ${new Set(domains).size} domains`));
      const harvested = sameUserManyDomains(listed);
      if (harvested !== null) hits.push(hit(s, 'RCPT_SAME_USER_MANY_DOMAINS', harvested));
      if (MONEY_SUBJECT.test(subject)) hits.push(hit(s, 'SUBJECT_MONEY', subject.slice(0, 60)));
      const to = `${m.header('to') ?? ''}${m.header('cc') ?? ''}`;
      if (to.trim() === '' || /undisclosed|recipient list suppressed/i.test(to)) hits.push(hit(s, 'TO_UNDISCLOSED'));
      if (m.header('reply-to') !== null && m.header('to') === null && m.header('cc') === null && m.header('list-id') === null) hits.push(hit(s, 'REPLYTO_WITHOUT_TO_CC'));
      // RFC 2919 List-Id with a list manager's fields: mailing-list traffic.
      if (m.header('list-id') !== null && (m.header('list-post') !== null || m.header('list-help') !== null || m.header('list-archive') !== null)) hits.push(hit(s, 'LIST_HEADERS'));
      hits.push(...ratwareHits(m, s));
      return { hits };
    },
  };
}
