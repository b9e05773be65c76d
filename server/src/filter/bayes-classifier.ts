// The statistical classifier: Paul Graham's "A Plan for Spam" as refined by
// Gary Robinson (a smoothed per-token probability, f(w)) and combined with
// Fisher's chi-square method, as SpamBayes and SpamAssassin's Bayes do.
// Tokens are words of the subject and the text, plus a few features (sender
// domain, linked hosts, attachment types), each hashed: the store never
// holds readable words of anyone's mail.
//
// Counts live per scope ("global", "domain:<id>", "user:<id>"); a message is
// classified with the sum of the scopes that apply to it, so a user's own
// training counts on top of the domain's and the admin-fed global corpus.
import { createHash, hash } from 'node:crypto';
import type { BayesStore, BayesTotals, TrainingClass } from '../store/filter-port.ts';
import { addressOf, domainOf, urlHost, type MessageView } from './message-view.ts';

/** Robinson's s and x: how strongly an unseen token is pulled to 0.5 (SpamBayes defaults). */
const STRENGTH = 0.45;
const UNKNOWN = 0.5;
/** Tokens closer than this to 0.5 carry no evidence and are left out. */
const MIN_DISTANCE = 0.1;
/** Distinct tokens taken from one message. */
const MAX_MESSAGE_TOKENS = 3000;
const WORD = /[\p{L}\p{N}][\p{L}\p{N}'’$€£-]*[\p{L}\p{N}$€£]/gu;
/**
 * Chinese and Japanese write without spaces: a "word" of WORD is a whole
 * sentence, which no other message repeats. Runs of Han and kana become
 * overlapping pairs of characters instead (the bigrams CJK search engines
 * index). Korean separates its words with spaces and keeps them. Kana,
 * CJK ideographs (with extension A and compatibility ideographs) and
 * half-width katakana, by code point: a Unicode property class is slower.
 */
const CJK = '\u3040-\u30ff\u31f0-\u31ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff66-\uff9f';
const CJK_RUN = new RegExp(`[${CJK}]`);
const CJK_SPLIT = new RegExp(`([${CJK}]+)`);

/** SHA-1 in one call (crypto.hash): no Hash object per token, the same digest as before. */
function hashToken(token: string): string {
  return hash('sha1', token, 'base64url').slice(0, 12);
}

/** Words and features of a message, unhashed (for tests and debugging). */
export function rawTokens(view: MessageView): string[] {
  const out = new Set<string>();
  const add = (t: string): void => {
    if (out.size < MAX_MESSAGE_TOKENS) out.add(t);
  };
  const words = (prefix: string, text: string): void => {
    const cjk = CJK_RUN.test(text);
    for (const m of text.matchAll(WORD)) {
      const w = m[0].toLowerCase();
      if (cjk && CJK_RUN.test(w)) {
        for (const piece of w.split(CJK_SPLIT)) {
          if (!CJK_RUN.test(piece)) {
            if (piece.length >= 3 && piece.length <= 20) add(prefix + piece);
            continue;
          }
          if (piece.length === 1) add(prefix + piece);
          for (let i = 0; i + 1 < piece.length && out.size < MAX_MESSAGE_TOKENS; i++) add(prefix + piece.slice(i, i + 2));
        }
        continue;
      }
      if (w.length < 3) continue;
      // Long tokens are mostly encoded junk; keep their shape, not their bytes.
      if (w.length > 20) add(`${prefix}long:${w.slice(0, 6)}`);
      else if (/^\d+$/.test(w) && w.length > 4) add(`${prefix}num:${w.length}`);
      else add(prefix + w);
    }
  };
  words('s:', view.header('subject') ?? '');
  words('', view.text());
  const from = addressOf(view.header('from'));
  if (from) add(`from-domain:${domainOf(from)}`);
  const display = /^\s*"?([^"<]*)"?\s*</.exec(view.header('from') ?? '')?.[1]?.trim();
  if (display) words('fn:', display);
  for (const url of view.urls().slice(0, 100)) {
    const host = urlHost(url);
    if (host) add(`url:${host.split('.').slice(-2).join('.')}`);
  }
  const root = view.root();
  if (root) add(`ct:${root.contentType.type}/${root.contentType.subtype}`.toLowerCase());
  for (const a of view.attachments().slice(0, 20)) {
    add(`att-type:${a.contentType}`);
    const ext = /\.([a-z0-9]{1,8})$/i.exec(a.filename)?.[1];
    if (ext) add(`att-ext:${ext.toLowerCase()}`);
  }
  const mailer = view.header('x-mailer') ?? view.header('user-agent');
  if (mailer) add(`mailer:${mailer.split(/[\s/(]/)[0].toLowerCase().slice(0, 30)}`);
  return [...out];
}

export function messageTokens(view: MessageView): string[] {
  return rawTokens(view).map(hashToken);
}

/** A stable key of the message's content: the same message trained twice is recognised. */
export function messageKey(tokens: readonly string[]): string {
  return createHash('sha256').update([...tokens].sort().join(' ')).digest('base64url').slice(0, 32);
}

/** Q of the chi-square distribution with v (even) degrees of freedom (SpamBayes chi2Q). */
export function chi2Q(x2: number, v: number): number {
  const m = x2 / 2;
  let term = Math.exp(-m);
  let sum = term;
  for (let i = 1; i < v / 2; i++) {
    term *= m / i;
    sum += term;
  }
  return Math.min(sum, 1);
}

/** Robinson's f(w) for a token seen in `spam` spam and `ham` ham messages out of the totals. */
export function tokenProbability(counts: BayesTotals, totals: BayesTotals): number {
  const spamRatio = totals.spam > 0 ? Math.min(1, counts.spam / totals.spam) : 0;
  const hamRatio = totals.ham > 0 ? Math.min(1, counts.ham / totals.ham) : 0;
  if (spamRatio + hamRatio === 0) return UNKNOWN;
  const p = spamRatio / (spamRatio + hamRatio);
  const n = counts.spam + counts.ham;
  return (STRENGTH * UNKNOWN + n * p) / (STRENGTH + n);
}

/** Fisher/Robinson chi-square combination: 0 = ham, 1 = spam, 0.5 = cannot tell. */
export function combine(probabilities: readonly number[]): number {
  if (probabilities.length === 0) return 0.5;
  let lnSpam = 0;
  let lnHam = 0;
  for (const p of probabilities) {
    const clamped = Math.min(0.99, Math.max(0.01, p));
    lnSpam += Math.log(1 - clamped);
    lnHam += Math.log(clamped);
  }
  const n = probabilities.length;
  const s = 1 - chi2Q(-2 * lnSpam, 2 * n);
  const h = 1 - chi2Q(-2 * lnHam, 2 * n);
  return (s - h + 1) / 2;
}

/**
 * The spam probability of a message's tokens under the trained counts: the
 * `maxTokens` tokens farthest from 0.5 (leaving out those within
 * MIN_DISTANCE of it), combined. Pure, so the classifier report
 * (test/bench/filter/classifier-report.ts) judges exactly what classify does.
 */
export function spamProbability(tokens: readonly string[], counts: ReadonlyMap<string, BayesTotals>, trained: BayesTotals, maxTokens: number): { probability: number; used: number } {
  const evidence = tokens
    .map((t) => tokenProbability(counts.get(t) ?? { spam: 0, ham: 0 }, trained))
    .filter((p) => Math.abs(p - 0.5) >= MIN_DISTANCE)
    .sort((a, b) => Math.abs(b - 0.5) - Math.abs(a - 0.5))
    .slice(0, maxTokens);
  return { probability: combine(evidence), used: evidence.length };
}

export interface Classification {
  /** Spam probability, or null when the scopes are not trained enough. */
  probability: number | null;
  /** Tokens that carried evidence. */
  used: number;
  trained: BayesTotals;
}

export interface BayesClassifier {
  classify(view: MessageView, scopes: readonly string[]): Promise<Classification>;
  learn(scope: string, view: MessageView, cls: TrainingClass, now: number): Promise<'learned' | 'moved' | 'unchanged'>;
  forget(scope: string, view: MessageView): Promise<boolean>;
}

export function createBayesClassifier(store: BayesStore, options: { minMessages: number; maxTokens: number }): BayesClassifier {
  return {
    async classify(view, scopes) {
      const trained = await store.totals(scopes);
      if (trained.spam < options.minMessages || trained.ham < options.minMessages) return { probability: null, used: 0, trained };
      const tokens = messageTokens(view);
      const counts = await store.counts(scopes, tokens);
      return { ...spamProbability(tokens, counts, trained, options.maxTokens), trained };
    },
    learn(scope, view, cls, now) {
      const tokens = messageTokens(view);
      return store.learn(scope, messageKey(tokens), cls, tokens, now);
    },
    forget(scope, view) {
      const tokens = messageTokens(view);
      return store.forget(scope, messageKey(tokens), tokens);
    },
  };
}
