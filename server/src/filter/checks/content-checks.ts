// Content rules: GTUBE, phrase families (phrase-rules.ts) and disguised
// words (obfuscation.ts), shouting, HTML tricks (html-rules.ts: links whose
// text names another site, hidden text, image-only mail, alternatives that
// disagree), links to bare addresses, shorteners and phishing kits, and
// MIME the parser had to repair (message-view.ts, mime-repair.ts).
import { walkParts } from '../../mail/mime/part-walk.ts';
import type { MimePart } from '../../mail/mime/types.ts';
import { urlHost, type MessageView } from '../message-view.ts';
import { ABUSED_TLDS } from './header-checks.ts';
import { hit } from '../rules.ts';
import type { FilterCheck, RuleHit } from '../pipeline-types.ts';
import type { CheckDeps } from './check-deps.ts';
import { alternativesDiffer, hidesText, linkMismatch, titleDiffers } from './html-rules.ts';
import { disguisedWords } from './obfuscation.ts';
import { familyHits, hasPrices, personalDataForm, phraseText, SCAM_FAMILIES, SCAM_MANY } from './phrase-rules.ts';
import { unexpectedScript } from './script-rules.ts';

/** SpamAssassin's Generic Test for Unsolicited Bulk Email (spamassassin.apache.org/gtube). */
export const GTUBE = 'XJS*C4JDBQADN1.NSBN3*2IDNEN*GTUBE-STANDARD-ANTI-UBE-TEST-EMAIL*C.34X';

/** A log-in or verification script on a site that is not the bank's: the classic phishing kit on a hacked WordPress. */
const PHISH_PATH = /\/wp-(?:content|includes|admin)\/[^?#]*\.(?:php|html?)\b|\/(?:sign-?in|log-?in|logon|verify|webscr)[\w-]*\.php\b/i;
const SHORTENERS = /^(?:bit\.ly|tinyurl\.com|goo\.gl|t\.co|ow\.ly|is\.gd|buff\.ly|rebrand\.ly|cutt\.ly|shorturl\.at|tiny\.cc|rb\.gy)$/;
const IP_HOST = /^(?:\d{1,3}\.){3}\d{1,3}$|^\[[0-9a-f:]+\]$/i;

const CAPITAL = /[A-Z]/g;

/**
 * At least 200 letters A–Z, over 40 % of them capitals. Such a text has at
 * least 81 capitals, which a native search rules out at once in most mail;
 * only then are the letters counted, in one pass without building strings.
 */
function shouting(text: string): boolean {
  let capitals = 0;
  CAPITAL.lastIndex = 0;
  while (capitals <= 80 && CAPITAL.test(text)) capitals++;
  if (capitals <= 80) return false;
  let letters = 0;
  capitals = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0x61 && c <= 0x7a) letters++;
    else if (c >= 0x41 && c <= 0x5a) {
      letters++;
      capitals++;
    }
  }
  return letters >= 200 && capitals / letters > 0.4;
}

function phraseHits(deps: CheckDeps, text: string): RuleHit[] {
  const flat = phraseText(text);
  const families = familyHits(flat);
  const hits = families.map((f) => hit(deps.scores, f.rule, f.found.join(', ')));
  const scam = families.find((f) => SCAM_FAMILIES.includes(f.rule) && f.found.length >= SCAM_MANY);
  if (scam) hits.push(hit(deps.scores, 'CONTENT_SCAM_MANY', `${scam.rule}: ${scam.found.length} different phrases`));
  const disguised = disguisedWords(flat);
  if (disguised.length >= 2) hits.push(hit(deps.scores, 'CONTENT_OBFUSCATED', disguised.join('; ')));
  const form = personalDataForm(text);
  if (form !== null) hits.push(hit(deps.scores, 'FORM_PERSONAL_DATA', form));
  // SpamAssassin-style meta rule: several independent families in one message.
  if (families.length + (disguised.length >= 2 ? 1 : 0) + (form !== null ? 1 : 0) >= 3) hits.push(hit(deps.scores, 'CONTENT_SPAMMY_MIX', hits.map((h) => h.rule).join(' ')));
  if (shouting(text)) hits.push(hit(deps.scores, 'CONTENT_SHOUTING'));
  if ((text.match(/!{2,}|!\s/g) ?? []).length >= 6) hits.push(hit(deps.scores, 'CONTENT_EXCLAIM'));
  return hits;
}

function htmlHits(deps: CheckDeps, m: MessageView): RuleHit[] {
  const hits: RuleHit[] = [];
  const html = m.html();
  if (html === '') return hits;
  const mismatch = linkMismatch(html);
  if (mismatch !== null) hits.push(hit(deps.scores, 'HTML_LINK_MISMATCH', mismatch));
  const hidden = hidesText(html);
  if (hidden !== null) hits.push(hit(deps.scores, 'HTML_HIDDEN_TEXT', hidden));
  // Little text in the HTML itself, whatever a text alternative says.
  if (/<img\b/i.test(html) && m.htmlText().replace(/\s+/g, ' ').trim().length < 200) hits.push(hit(deps.scores, 'HTML_SHORT_IMAGE'));
  const root = m.root();
  if (root !== null && hasTextAndHtmlAlternatives(root)) {
    const differ = alternativesDiffer(m.plainText(), m.htmlText());
    if (differ !== null) hits.push(hit(deps.scores, 'MPART_ALT_DIFF', differ));
  }
  const subject = m.header('subject') ?? '';
  // No subject on an HTML message: the advertisement is the whole point.
  if (subject.trim() === '') hits.push(hit(deps.scores, 'SUBJECT_EMPTY_HTML'));
  const title = titleDiffers(html, subject);
  if (title !== null) hits.push(hit(deps.scores, 'HTML_TITLE_SUBJ_DIFF', title));
  return hits;
}

/** A multipart/alternative with a text/plain and a text/html part (RFC 2046 §5.1.4). */
function hasTextAndHtmlAlternatives(root: MimePart): boolean {
  for (const { part } of walkParts(root)) {
    if (part.contentType.type !== 'multipart' || part.contentType.subtype !== 'alternative') continue;
    const types = new Set(part.children.map((c) => `${c.contentType.type}/${c.contentType.subtype}`));
    if (types.has('text/plain') && types.has('text/html')) return true;
  }
  return false;
}

/** Whether any body part other than an attachment is text that is not HTML (text/plain, text/enriched …). */
function hasPlainPart(root: MimePart): boolean {
  for (const { part } of walkParts(root)) {
    if (part.contentType.type === 'text' && part.contentType.subtype !== 'html' && part.disposition?.type !== 'attachment') return true;
  }
  return false;
}

export function contentCheck(deps: CheckDeps): FilterCheck {
  return {
    name: 'content', stage: 'data', directions: ['inbound', 'outbound'], timeoutMs: 5000, onError: 'skip',
    async run(ctx) {
      const m = ctx.message;
      if (!m) return {};
      const text = `${m.header('subject') ?? ''}\n${m.text()}`;
      const html = m.html();
      const hits = [...phraseHits(deps, text), ...htmlHits(deps, m)];
      const root = m.root();
      if (root && html !== '' && !hasPlainPart(root)) hits.push(hit(deps.scores, 'MIME_HTML_ONLY', root.contentType.type === 'multipart' ? `in a ${root.contentType.type}/${root.contentType.subtype}` : undefined));
      // RFC 2045 §5.1: type "/" subtype, in the header or in any part ("Content-Type: text plain", "Content-Type: ; name=x").
      const declared = m.header('content-type');
      const badPart = m.defects().some((d) => d.startsWith('invalid Content-Type'));
      const badTop = declared !== null && !/^\s*[!#$%&'*+.^\w`|~-]+\/[!#$%&'*+.^\w`|~-]+\s*(?:;|$)/.test(declared);
      if (badTop || badPart) hits.push(hit(deps.scores, 'MIME_BAD_CONTENT_TYPE', badTop ? declared.slice(0, 60) : 'in a body part'));
      const defects = m.defects().filter((d) => !d.startsWith('invalid Content-Type'));
      if (!root || defects.length > 0) hits.push(hit(deps.scores, 'MIME_MALFORMED', defects.join('; ').slice(0, 160) || 'the MIME parser gave up'));
      const hosts = m.urls().map(urlHost).filter((h): h is string => h !== null);
      const ip = hosts.find((h) => IP_HOST.test(h));
      if (ip) hits.push(hit(deps.scores, 'URI_IP_HOST', ip));
      const short = hosts.find((h) => SHORTENERS.test(h));
      if (short) hits.push(hit(deps.scores, 'URI_SHORTENER', short));
      const abused = hosts.find((h) => ABUSED_TLDS.test(h));
      if (abused) hits.push(hit(deps.scores, 'URI_ABUSED_TLD', abused));
      const phish = m.urls().find((u) => PHISH_PATH.test(u));
      if (phish) hits.push(hit(deps.scores, 'URI_PHISH_PATH', phish.slice(0, 100)));
      const plainText = m.text();
      if (hasPrices(text, 2)) hits.push(hit(deps.scores, 'CONTENT_PRICES'));
      const script = unexpectedScript(text, deps.config.filter.expectedScripts);
      if (script !== null) hits.push(hit(deps.scores, 'TEXT_SCRIPT_UNEXPECTED', script));
      if (html !== '' && m.urls().length > 0 && plainText.replace(/\s+/g, ' ').trim().length < 100) hits.push(hit(deps.scores, 'HTML_SHORT_LINK'));
      if (root && root.contentType.type === 'text' && root.contentType.subtype === 'plain' && /<(?:a\s+href|br|p|font|img|table)\b[^>]*>/i.test(plainText)) hits.push(hit(deps.scores, 'TEXT_HTML_TAGS'));
      if (hits.some((h) => h.rule === 'CONTENT_ADVERT' || h.rule === 'CONTENT_MONEY') && m.header('list-unsubscribe') === null) {
        hits.push(hit(deps.scores, 'BULK_NO_LIST_HEADERS'));
      }
      return { hits };
    },
  };
}

export function gtubeCheck(deps: CheckDeps): FilterCheck {
  return {
    name: 'gtube', stage: 'data', directions: ['inbound', 'outbound'], timeoutMs: 2000, onError: 'skip',
    async run(ctx) {
      const m = ctx.message;
      if (!m) return {};
      // In the raw bytes (a plain body) or the decoded text (base64 / quoted-printable bodies).
      if (m.raw.includes(GTUBE) || m.text().includes(GTUBE)) return { hits: [hit(deps.scores, 'GTUBE')] };
      return {};
    },
  };
}
