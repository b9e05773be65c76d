// Meta rules: rules that fire on a combination of other rules, evaluated
// once every check of the DATA stage has answered (the checks run
// concurrently and cannot see each other's results). SpamAssassin writes
// the same kind with its "meta" rule type.
import type { RuleHit } from './pipeline-types.ts';
import { hit, type RuleName, type ScoreTable } from './rules.ts';

/**
 * Signs that a message was sent in bulk to people who did not ask for it:
 * advertising, and the frauds and spam trades that write to strangers by
 * the million (pharmacy, software, adult, search-engine marketing, advance
 * fee, romance, phishing, disguised words), or a harvested recipient list.
 */
const BULK_SIGNS: readonly RuleName[] = [
  'CONTENT_ADVERT', 'CONTENT_MONEY', 'CONTENT_PHARMA', 'CONTENT_SOFTWARE', 'CONTENT_ADULT', 'CONTENT_MARKETING',
  'CONTENT_ADVANCE_FEE', 'CONTENT_ROMANCE', 'CONTENT_PHISH', 'CONTENT_OBFUSCATED', 'RCPT_MANY_DOMAINS',
];

export function metaHits(hits: readonly RuleHit[], scores: ScoreTable): RuleHit[] {
  const fired = new Set(hits.map((h) => h.rule));
  const out: RuleHit[] = [];
  // RFC 5322 §3.6.4: the originator's software writes the Message-ID. Mailing software always does;
  // bulk mail without one was sent by a script straight into the mail system.
  const noMid = fired.has('MISSING_MID') || fired.has('MID_ADDED_BY_RELAY');
  const bulk = BULK_SIGNS.filter((r) => fired.has(r));
  if (noMid && bulk.length > 0) out.push(hit(scores, 'BULK_NO_MID', `no Message-ID from the sender, and ${bulk.join(', ')}`));
  return out;
}
