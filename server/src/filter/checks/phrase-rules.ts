// Phrase families of the content check: each family is a set of phrases
// typical of one kind of spam (SpamAssassin keeps the same families in its
// 20_phrases, 20_drugs, 20_advance_fee and 20_porn rule files), and fires
// once however many of its phrases appear — a newsletter that says
// "unsubscribe" five times is not five times as suspicious. Families whose
// phrases also occur in ordinary mail fire only from two different phrases
// on. The patterns are compiled once, written in lower case and matched
// against phraseText() together, in one pass (pattern-set.ts); the text is
// capped by the message view.
import type { RuleName } from '../rules.ts';
import { PatternSet } from './pattern-set.ts';

interface Family { rule: RuleName; re: RegExp; min: number }

export const FAMILIES: readonly Family[] = [
  { rule: 'CONTENT_ADULT', min: 1, re: /\b(?:porn\w*|xxx|sex(?:y|ual)?|nude|naked|horny|erotic|f\*ck\w*|hardcore|adult (?:site|content|videos?))\b/g },
  { rule: 'CONTENT_ADVERT', min: 1, re: /\bif you (?:do not|don'?t|no longer) (?:wish|want) to receive\b|\bpermanently removed\b|\bfree shipping\b|\blow price\b|\bspecial (?:package|deal|discount|price)\b|\ball natural\b|\bclick (?:here|below)\b|\bremove (?:me|you|yourself)\b|\bto be removed\b|\b(?:removed?|unsubscribe) (?:from )?(?:this|our|the) (?:mailing )?list\b|\bopt[- ]?(?:out|in) (?:list|below|here)\b|\bthis is not (?:a )?spam\b|\byou (?:are )?receiv(?:ed|ing) this (?:e-?mail|message|offer) because\b|\b100% (?:free|guaranteed|satisfaction)\b|\bfree (?:offer|gift|trial|bonus|shipping|sample)\b|\bspecial (?:offer|promotion)\b|\bbest (?:price|deal)s?\b|\bbuy (?:now|direct)\b|\bno obligation\b/g },
  { rule: 'CONTENT_MONEY', min: 1, re: /\$\s?\d{1,3}(?:,\d{3})+|\b\d+(?:\.\d+)? ?(?:million|billion) (?:dollars|usd|euros?|pounds)\b|\byou(?:'ve| have)? (?:won|been selected)\b|\bwinn(?:er|ing)s?\b|\blottery\b|\bcash (?:prize|bonus|back)\b|\bno credit check\b|\bmake (?:lots of |big |easy |fast |more )?money\b|\bnigerian?\b|\bearn (?:\$|extra|up to|money)\b|\bextra income\b|\bwork (?:from|at) home\b|\bfinancial freedom\b|\bdouble your\b|\bbank account (?:details|number)\b|\bwire transfer\b/g },
  { rule: 'CONTENT_PHARMA', min: 1, re: /\bv[i1!|]a[gq]ra\b|\bvia\.?gra\b|\bcialis\b|\blevitra\b|\bonline pharmacy\b|\bwithout (?:a )?prescription\b|\bherbal\b|\bweight loss\b|\blose weight\b|\benlarge(?:ment)?\b|\bxanax\b|\bvalium\b|\bphentermine\b|\banti[- ]?aging\b|\bteeth whitening\b|\b(?:cheap|discount(?:ed)?|generic|canadian|quality) (?:drugs|meds|medications?|pills|pharmacy)\b|\bno (?:doctor|dr|prescription)s? (?:needed|required)\b/g },
  { rule: 'CONTENT_URGENCY', min: 1, re: /\bact now\b|\blimited[- ]time\b|\border (?:now|today)\b|\bdon'?t (?:delay|wait|miss)\b|\bwhile supplies last\b|\bexpires? (?:soon|today|tonight|tomorrow|at midnight)\b|\bhurry\b|\bonce in a lifetime\b|\bcall (?:now|today|toll[- ]free)\b|\burgent(?:ly)?\b/g },
  { rule: 'CONTENT_MARKETING', min: 1, re: /\b(?:increase|generate|boost|drive|more) (?:[\w-]+ ){0,4}traffic\b|\bsearch engine (?:ranking|placement|optimi[sz]ation|submission|positioning)s?\b|\blink exchange\b|\binsider secrets?\b|\bmarketing (?:list|campaign) of\b|\bmillions? of (?:e-?mail )?(?:addresses|customers|buyers)\b/g },
  { rule: 'CONTENT_PHISH', min: 1, re: /\bverify your (?:account|identity|e-?mail|password)\b|\baccount (?:has been |will be |is )?(?:suspended|locked|limited|deactivated|closed)\b|\bconfirm your (?:identity|password|account|billing)\b|\bupdate your (?:billing|payment|account) (?:information|details)\b|\bunusual (?:sign-?in|activity)\b|\bpassword (?:will )?expires?\b/g },
  // Advance-fee fraud and lottery scams ("419"): the prize or inheritance, and the procedure to release it.
  { rule: 'CONTENT_ADVANCE_FEE', min: 2, re: /\b(?:lottery|lotto|sweepstakes?|jackpot|online draw)s? (?:program(?:me)?|award|winners?|board|department|co-?ordinator|agent|commission|promotion)\b|\b(?:winning|lucky) (?:numbers?|tickets?|e-?mail|fund|funds|prize|sum)\b|\bclaims? (?:agent|officer|department|processing)\b|\brelease (?:of )?(?:your|the) (?:fund|funds|winnings?|winning fund|prize|payment|consignment)\b|\bnext of kin\b|\b(?:late|deceased) (?:client|husband|father|president|customer)\b|\b(?:transfer|claim) (?:of )?(?:the |this )?(?:sum|fund|funds|inheritance)\b|\b(?:\d+(?:[.,]\d+)?|one|two|three|four|five|ten|fifteen|twenty|fifty) million (?:united states |u\.?s\.? )?(?:dollars|usd|euros?|pounds)\b|\bus ?\$ ?\d{1,3}(?:,\d{3}){2,}|\bdiplomatic (?:courier|bag|pouch)\b|\bconsignment box(?:es)?\b|\b(?:i am|my name is) (?:mrs?|barrister|prince|princess|engr)\.? [a-z]|\bcompensation (?:fund|payment)\b|\batm (?:visa )?card\b|\b(?:hello|greetings|attention),? (?:my )?dear(?:est)?\b|\bdear (?:friend|beloved|beneficiary|winner)\b|\b(?:has|have) (?:won|been awarded) (?:the sum of|us|usd|\$)/g },
  // Romance and dating scams: the stranger who "found your address" and sends pictures.
  { rule: 'CONTENT_ROMANCE', min: 2, re: /\bseeking (?:for )?(?:a )?(?:serious|long[- ]term|honest|sincere|true) (?:relationship|partner|love|man)\b|\b(?:got|have|had|found|saw|picked) your (?:e-?mail|contact|address|profile)(?: address)? (?:from|on|in|through|at|via|while)\b|\b(?:send|show) you (?:some |more )?(?:of )?(?:my )?(?:pictures|photos|pics)\b|\b(?:lonely|single) (?:woman|girl|lady|women|girls|ladies)\b|\blooking for (?:a )?(?:man|husband|soul ?mate|life partner)\b|\bi am a (?:woman|girl|lady|widow) (?:seeking|looking|of)\b|\btell you more about (?:me|myself)\b|\b(?:hello|hi),? (?:my )?dear(?:est)?\b/g },
  // Pirated and "OEM" software sold by mail.
  { rule: 'CONTENT_SOFTWARE', min: 1, re: /\boem (?:software|versions?|programs?|licen[cs]es?)\b|\b(?:cheap|cheapest|discount(?:ed)?|low[- ]cost|low[- ]priced) (?:soft(?:ware)?s?|programs|licen[cs]es)\b|\b(?:photoshop|autocad|corel ?draw|office (?:xp|20\d\d)|windows (?:xp|vista|7|8|10|11)|3ds? (?:max|studio)|acrobat|dreamweaver)\b[^\n$€]{0,40}?(?:\$ ?\d+|\d+ ?\$)/g },
];

/** Prices and discounts: "$29.99", "40$", "€15", "15 EUR", "£5", "50% off". */
export const PRICES = /\$\s?\d+(?:[.,]\d\d)?\b|\b\d+(?:[.,]\d\d)?\s?\$|€\s?\d+|\b\d+(?:[.,]\d\d)?\s?(?:€|eur\b|euros?\b|usd\b)|£\s?\d+|\b\d{1,2}\s?% (?:off|discount|savings?)\b/gi;
const PRICE_SET = new PatternSet([PRICES]);

/** Whether `text` names at least `n` prices: matches of PRICES, counted as text.match(PRICES) counts them. */
export function hasPrices(text: string, n: number): boolean {
  let found = 0;
  PRICE_SET.scan(text, () => ++found < n);
  return found >= n;
}

/**
 * The text the families read: white space folded to one space (phrases
 * broken across lines are still phrases) and lower case, once per message,
 * so the patterns need not be case-insensitive.
 */
export function phraseText(text: string): string {
  return text.replace(/\s+/g, ' ').toLowerCase();
}

/** Distinct phrases of one scam family that make CONTENT_SCAM_MANY (SpamAssassin's ADVANCE_FEE_4_NEW counts the same way). */
export const SCAM_MANY = 4;
/** The families whose phrases are a fraud's script, not advertising: many of them at once leave no doubt. */
export const SCAM_FAMILIES: readonly RuleName[] = ['CONTENT_ADVANCE_FEE', 'CONTENT_ROMANCE', 'CONTENT_PHISH'];

const FAMILY_SET = new PatternSet(FAMILIES.map((f) => f.re));

/** The distinct phrases of each family found in `flat` (phraseText; at most SCAM_MANY each), for the families that fire. */
export function familyHits(flat: string): Array<{ rule: RuleName; found: string[] }> {
  const found = FAMILIES.map(() => new Set<string>());
  FAMILY_SET.scan(flat, (i, m) => found[i].add(m[0]).size < SCAM_MANY);
  return FAMILIES.flatMap(({ rule, min }, i) => (found[i].size >= min ? [{ rule, found: [...found[i]] }] : []));
}

/**
 * Personal-data forms ("1. Full Names....... 4. Marital Status........"):
 * advance-fee and phishing mail asks the reader to fill in who they are.
 * Counted are field labels at the start of a line, followed by ":", "...",
 * "___" or "="; the rule needs four kinds of data, one of them of a kind
 * no shop or newsletter asks for by mail (birth date, marital status,
 * occupation, nationality, bank account…).
 */
const LABELS: ReadonlyArray<[string, RegExp, boolean]> = [
  ['name', /^(?:full |first |last |sur|your |complete )?names?$/, false],
  ['address', /^(?:home |postal |residential |contact |full )?address$/, false],
  ['country', /^(?:country|city|state)(?: of (?:origin|residence))?$/, false],
  ['phone', /^(?:(?:tele)?phone|tel|mobile|cell(?: ?phone)?)(?: (?:number|no))?$/, false],
  ['fax', /^fax(?: (?:number|no))?$/, false],
  ['age', /^age$/, true],
  ['birth', /^(?:date of birth|dob|birth ?date)$/, true],
  ['occupation', /^(?:occupation|profession|job(?: title)?)$/, true],
  ['marital', /^marital status$/, true],
  ['sex', /^(?:sex|gender)$/, true],
  ['nationality', /^nationality$/, true],
  ['bank', /^(?:bank(?: name)?|(?:bank )?account (?:number|no|holder)|iban|swift(?: code)?)$/, true],
  ['amount', /^amount(?: won| claimed)?$/, true],
];
const FORM_LINE = /^\s*(?:\(?\d{1,2}[.)]|[-*•])?\s*([a-z][a-z /&'-]{1,40}?)\s*(?::|\.{3,}|_{3,}|=)/i;
/** Any of the sensitive labels at all: most messages stop here. */
const ANY_SENSITIVE = /\b(?:age|date of birth|dob|birth ?date|occupation|profession|job|marital|sex|gender|nationality|bank|account|iban|swift|amount)\b/i;

export function personalDataForm(text: string): string | null {
  if (!ANY_SENSITIVE.test(text)) return null;
  const kinds = new Set<string>();
  let sensitive = false;
  let lines = 0;
  for (const line of text.split('\n')) {
    if (++lines > 5000) break;
    const m = FORM_LINE.exec(line);
    if (!m) continue;
    for (const piece of m[1].toLowerCase().split(/\s*(?:\/|&|\band\b)\s*/)) {
      for (const [kind, re, isSensitive] of LABELS) {
        if (re.test(piece.trim())) {
          kinds.add(kind);
          sensitive ||= isSensitive;
        }
      }
    }
  }
  return kinds.size >= 4 && sensitive ? [...kinds].join(', ') : null;
}
