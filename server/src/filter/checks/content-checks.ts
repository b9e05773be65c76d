// Content rules: GTUBE, phrases that mark advertising, money, pharmacy,
// urgency and phishing mail, shouting, and HTML tricks (links whose text
// names another site, hidden text, image-only mail). Phrase families fire once
// each, whatever the number of matches: a newsletter that says "unsubscribe"
// five times is not five times as suspicious.
import { urlHost } from '../message-view.ts';
import { ABUSED_TLDS } from './header-checks.ts';
import { hit } from '../rules.ts';
import type { FilterCheck, RuleHit } from '../pipeline-types.ts';
import type { RuleName } from '../rules.ts';
import type { CheckDeps } from './check-deps.ts';

/** SpamAssassin's Generic Test for Unsolicited Bulk Email (spamassassin.apache.org/gtube). */
export const GTUBE = 'XJS*C4JDBQADN1.NSBN3*2IDNEN*GTUBE-STANDARD-ANTI-UBE-TEST-EMAIL*C.34X';

// Written in lower case and matched against the lower-cased text: V8 runs a
// case-insensitive alternation several times slower than a plain one (10 ms
// per 100 K characters of mail text with /i, issue 8's SMTP profile).
const PHRASES: Array<[RuleName, RegExp]> = [
  ['CONTENT_ADULT', /\b(?:porn\w*|xxx|sex(?:y|ual)?|nude|naked|horny|erotic|f\*ck\w*|hardcore|adult (?:site|content|videos?))\b/g],
  ['CONTENT_ADVERT', /\bif you (?:do not|don'?t|no longer) wish to receive\b|\bpermanently removed\b|\bfree shipping\b|\blow price\b|\bspecial (?:package|deal|discount|price)\b|\ball natural\b|\bclick (?:here|below)\b|\bremove (?:me|you|yourself)\b|\bto be removed\b|\b(?:removed?|unsubscribe) (?:from )?(?:this|our|the) (?:mailing )?list\b|\bopt[- ]?(?:out|in) (?:list|below|here)\b|\bthis is not (?:a )?spam\b|\byou (?:are )?receiv(?:ed|ing) this (?:e-?mail|message|offer) because\b|\b100% (?:free|guaranteed|satisfaction)\b|\bfree (?:offer|gift|trial|bonus|shipping|sample)\b|\bspecial (?:offer|promotion)\b|\bbest (?:price|deal)s?\b|\bbuy (?:now|direct)\b|\bno obligation\b/g],
  ['CONTENT_MONEY', /\$\s?\d{1,3}(?:,\d{3})+|\b\d+(?:\.\d+)? ?(?:million|billion) (?:dollars|usd|euros?|pounds)\b|\byou(?:'ve| have)? (?:won|been selected)\b|\bwinn(?:er|ing)s?\b|\blottery\b|\bcash (?:prize|bonus|back)\b|\bno credit check\b|\bmake (?:lots of |big |easy |fast |more )?money\b|\bnigerian?\b|\bearn (?:\$|extra|up to|money)\b|\bextra income\b|\bwork (?:from|at) home\b|\bfinancial freedom\b|\bdouble your\b|\bbank account (?:details|number)\b|\bwire transfer\b/g],
  ['CONTENT_PHARMA', /\bv[i1!|]a[gq]ra\b|\bvia\.?gra\b|\bcialis\b|\blevitra\b|\bonline pharmacy\b|\bwithout (?:a )?prescription\b|\bherbal\b|\bweight loss\b|\blose weight\b|\benlarge(?:ment)?\b|\bxanax\b|\bvalium\b|\bphentermine\b|\banti[- ]?aging\b|\bteeth whitening\b/g],
  ['CONTENT_URGENCY', /\bact now\b|\blimited time\b|\border (?:now|today)\b|\bdon'?t (?:delay|wait|miss)\b|\bwhile supplies last\b|\bexpires? (?:soon|today|tonight|tomorrow|at midnight)\b|\bhurry\b|\bonce in a lifetime\b|\bcall (?:now|today|toll[- ]free)\b|\burgent(?:ly)?\b/g],
  ['CONTENT_MARKETING', /\b(?:increase|generate|boost|drive|more) (?:[\w-]+ ){0,4}traffic\b|\bsearch engine (?:ranking|placement|optimi[sz]ation|submission|positioning)s?\b|\blink exchange\b|\binsider secrets?\b|\bmarketing (?:list|campaign) of\b|\bmillions? of (?:e-?mail )?(?:addresses|customers|buyers)\b/g],
  ['CONTENT_PHISH', /\bverify your (?:account|identity|e-?mail|password)\b|\baccount (?:has been |will be |is )?(?:suspended|locked|limited|deactivated|closed)\b|\bconfirm your (?:identity|password|account|billing)\b|\bupdate your (?:billing|payment|account) (?:information|details)\b|\bunusual (?:sign-?in|activity)\b|\bpassword (?:will )?expires?\b/g],
];

const PRICES = /\$\s?\d+(?:[.,]\d\d)?\b|\b\d{1,2}\s?% (?:off|discount|savings?)\b/gi;
/** A log-in or verification script on a site that is not the bank's: the classic phishing kit on a hacked WordPress. */
const PHISH_PATH = /\/wp-(?:content|includes|admin)\/[^?#]*\.(?:php|html?)\b|\/(?:sign-?in|log-?in|logon|verify|webscr)[\w-]*\.php\b/i;
const SHORTENERS = /^(?:bit\.ly|tinyurl\.com|goo\.gl|t\.co|ow\.ly|is\.gd|buff\.ly|rebrand\.ly|cutt\.ly|shorturl\.at|tiny\.cc|rb\.gy)$/;
const IP_HOST = /^(?:\d{1,3}\.){3}\d{1,3}$|^\[[0-9a-f:]+\]$/i;
const HIDDEN = /display\s*:\s*none|visibility\s*:\s*hidden|font-size\s*:\s*[01](?:px|pt)?\s*[;"']|color\s*:\s*#?(?:fff(?:fff)?|white)\b[^>]*background(?:-color)?\s*:\s*#?(?:fff(?:fff)?|white)/i;

function phraseHits(deps: CheckDeps, text: string): RuleHit[] {
  const hits: RuleHit[] = [];
  const lower = text.toLowerCase();
  for (const [rule, re] of PHRASES) {
    const found = new Set<string>();
    for (const m of lower.matchAll(re)) {
      found.add(m[0]);
      if (found.size >= 3) break;
    }
    if (found.size > 0) hits.push(hit(deps.scores, rule, [...found].join(', ')));
  }
  // SpamAssassin-style meta rule: several independent families in one message.
  if (hits.filter((h) => h.rule !== 'CONTENT_EXCLAIM').length >= 3) hits.push(hit(deps.scores, 'CONTENT_SPAMMY_MIX', hits.map((h) => h.rule).join(' ')));
  // ASCII letters and the capitals among them, counted in one pass (no copies of a 100 K text).
  let letters = 0;
  let capitals = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i) | 0x20;
    if (c >= 0x61 && c <= 0x7a) {
      letters++;
      if ((text.charCodeAt(i) & 0x20) === 0) capitals++;
    }
  }
  if (letters >= 200 && capitals / letters > 0.4) hits.push(hit(deps.scores, 'CONTENT_SHOUTING'));
  if ((text.match(/!{2,}|!\s/g) ?? []).length >= 6) hits.push(hit(deps.scores, 'CONTENT_EXCLAIM'));
  return hits;
}

function htmlHits(deps: CheckDeps, html: string, text: string): RuleHit[] {
  const hits: RuleHit[] = [];
  if (html === '') return hits;
  // <a href="https://evil.example/">https://bank.example/</a>: the text shows one site, the link goes to another.
  for (const m of html.matchAll(/<a\b[^>]*href\s*=\s*["']?(https?:\/\/[^"'\s>]+)[^>]*>([^<]{4,200})<\/a>/gi)) {
    const shown = /(?:https?:\/\/)?((?:[a-z0-9-]+\.)+[a-z]{2,})/i.exec(m[2].trim());
    const target = urlHost(m[1]);
    if (shown && target && /^(?:https?:\/\/|www\.)/i.test(m[2].trim()) && !target.endsWith(shown[1].toLowerCase().replace(/^www\./, ''))) {
      hits.push(hit(deps.scores, 'HTML_LINK_MISMATCH', `${shown[1]} → ${target}`));
      break;
    }
  }
  if (HIDDEN.test(html)) hits.push(hit(deps.scores, 'HTML_HIDDEN_TEXT'));
  if (/<img\b/i.test(html) && text.replace(/\s+/g, ' ').trim().length < 200) hits.push(hit(deps.scores, 'HTML_SHORT_IMAGE'));
  return hits;
}

export function contentCheck(deps: CheckDeps): FilterCheck {
  return {
    name: 'content', stage: 'data', directions: ['inbound', 'outbound'], timeoutMs: 5000, onError: 'skip',
    async run(ctx) {
      const m = ctx.message;
      if (!m) return {};
      const text = `${m.header('subject') ?? ''}\n${m.text()}`;
      const html = m.html();
      const hits = [...phraseHits(deps, text), ...htmlHits(deps, html, m.text())];
      const root = m.root();
      if (root && root.contentType.type === 'text' && root.contentType.subtype === 'html') hits.push(hit(deps.scores, 'MIME_HTML_ONLY'));
      if (!root || (root.contentType.type === 'multipart' && root.children.length === 0)) hits.push(hit(deps.scores, 'MIME_MALFORMED'));
      const declared = m.header('content-type');
      if (declared !== null && !/^\s*[!#$%&'*+.^\w`|~-]+\/[!#$%&'*+.^\w`|~-]+\s*(?:;|$)/.test(declared)) hits.push(hit(deps.scores, 'MIME_BAD_CONTENT_TYPE', declared.slice(0, 60)));
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
      if ((text.match(PRICES) ?? []).length >= 2) hits.push(hit(deps.scores, 'CONTENT_PRICES'));
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
