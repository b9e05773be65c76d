// Comparators (RFC 4790 §9, RFC 5051) and match types (RFC 5228 §2.7.1,
// RFC 5231 relational, regex draft): one function answers "does any value
// match any key", sets the match variables of RFC 5229 §3.2 on success, and
// charges every comparison to the run's budget so that a hostile script on
// a large message stops instead of spinning.
import { SieveRuntimeError } from './errors.ts';
import type { Comparator, MatchSpec, Relation, Str } from './ir.ts';
import { regexOf } from './regex.ts';
import { expand, type VariableScope } from './variables.ts';

/** Work left in one run: commands and tests executed, and character steps spent matching. */
export class Budget {
  instructions: number;
  work: number;

  constructor(instructions: number, work: number) {
    this.instructions = instructions;
    this.work = work;
  }

  step(n = 1): void {
    this.instructions -= n;
    if (this.instructions < 0) throw new SieveRuntimeError('budget', 'the script ran more steps than allowed');
  }

  spend(n: number): void {
    this.work -= n;
    if (this.work < 0) throw new SieveRuntimeError('budget', 'the script spent more matching work than allowed');
  }
}

/** The comparator's canonical form for equality and substring tests. */
export function fold(s: string, comparator: Comparator): string {
  // ASCII-only text (nearly every header) folds with the engine's fast path; other text folds A-Z alone.
  if (comparator === 'i;ascii-casemap') return /[^\x00-\x7f]/.test(s) ? s.replace(/[A-Z]+/g, (m) => m.toLowerCase()) : s.toLowerCase();
  if (comparator === 'i;unicode-casemap') return s.normalize('NFKD').toLowerCase();
  return s;
}

/** RFC 4790 §9.1.1: the number at the start of the string; no leading digit = positive infinity. */
function numericKey(s: string): string | null {
  const m = /^[0-9]+/.exec(s);
  if (m === null) return null;
  return m[0].replace(/^0+(?=.)/, '');
}

function compare(a: string, b: string, comparator: Comparator): number {
  if (comparator === 'i;ascii-numeric') {
    const x = numericKey(a);
    const y = numericKey(b);
    if (x === null || y === null) return x === y ? 0 : x === null ? 1 : -1;
    return x.length !== y.length ? x.length - y.length : x < y ? -1 : x > y ? 1 : 0;
  }
  const x = fold(a, comparator);
  const y = fold(b, comparator);
  return x < y ? -1 : x > y ? 1 : 0;
}

function relationHolds(c: number, r: Relation): boolean {
  switch (r) {
    case 'gt': return c > 0;
    case 'ge': return c >= 0;
    case 'lt': return c < 0;
    case 'le': return c <= 0;
    case 'eq': return c === 0;
    case 'ne': return c !== 0;
  }
}

type GlobToken = { kind: 'char'; c: string } | { kind: '?' | '*'; n: number };

function globTokens(pattern: string): GlobToken[] {
  const out: GlobToken[] = [];
  let n = 0;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '\\' && i + 1 < pattern.length) out.push({ kind: 'char', c: pattern[++i] });
    else if (c === '*' || c === '?') out.push({ kind: c, n: n++ });
    else out.push({ kind: 'char', c });
  }
  return out;
}

/**
 * RFC 5228 §2.7.1 :matches. The classic wildcard scan that backtracks only
 * to the last "*": O(value × pattern) at worst, no recursion, and each
 * wildcard takes the shortest text that still lets the rest match, which is
 * what RFC 5229 §3.2 asks of match variables.
 */
export function globMatch(pattern: string, value: string, comparator: Comparator, budget: Budget, captures: string[] | null): boolean {
  const tokens = globTokens(fold(pattern, comparator));
  const s = fold(value, comparator);
  // Captures come from the original text when folding kept the length (ASCII case mapping does).
  const source = s.length === value.length ? value : s;
  const start: number[] = [];
  const end: number[] = [];
  let pi = 0;
  let si = 0;
  let starPi = -1;
  let starSi = -1;
  let steps = 0;
  while (si < s.length) {
    if (++steps === 4096) {
      budget.spend(steps);
      steps = 0;
    }
    const t = tokens[pi];
    if (t !== undefined && t.kind === '?') {
      start[t.n] = si;
      end[t.n] = si + 1;
      pi++;
      si++;
    } else if (t !== undefined && t.kind === 'char' && t.c === s[si]) {
      pi++;
      si++;
    } else if (t !== undefined && t.kind === '*') {
      starPi = pi;
      starSi = si;
      start[t.n] = si;
      end[t.n] = si;
      pi++;
    } else if (starPi >= 0) {
      const star = tokens[starPi] as { n: number };
      pi = starPi + 1;
      si = ++starSi;
      end[star.n] = si;
    } else {
      budget.spend(steps);
      return false;
    }
  }
  budget.spend(steps);
  while (pi < tokens.length && tokens[pi].kind === '*') {
    const t = tokens[pi] as { n: number };
    start[t.n] = s.length;
    end[t.n] = s.length;
    pi++;
  }
  if (pi !== tokens.length) return false;
  if (captures !== null) {
    captures.length = 0;
    captures.push(value);
    for (let i = 0; i < start.length; i++) captures.push(source.slice(start[i], end[i]));
  }
  return true;
}

export interface MatchEnv {
  budget: Budget;
  /** Null when the script does not use variables: no expansion, no match variables. */
  scope: VariableScope | null;
}

/**
 * True when any value matches any key. `values` are what the test extracted
 * (header values, addresses, body texts …); :count compares their number.
 */
export function matchAny(values: readonly string[], keys: readonly Str[], spec: MatchSpec, env: MatchEnv): boolean {
  const { budget, scope } = env;
  if (spec.type === 'count') {
    budget.step();
    const count = String(values.length);
    return keys.some((k) => relationHolds(compare(count, expand(k, scope), spec.comparator), spec.relation!));
  }
  // :is and :contains compare folded text: fold every value once, not once per key.
  const folding = (spec.type === 'is' || spec.type === 'contains') && spec.comparator !== 'i;ascii-numeric';
  const folded = folding ? values.map((v) => fold(v, spec.comparator)) : values;
  for (const key of keys) {
    const k = folding ? foldedKey(key, expand(key, scope), spec.comparator) : expand(key, scope);
    for (let i = 0; i < values.length; i++) {
      budget.step();
      if (matchOne(folding ? folded[i] : values[i], key, k, spec, env)) return true;
    }
  }
  return false;
}

const foldedKeys = new WeakMap<Str, { comparator: Comparator; text: string }>();

/** Constant keys are folded once per script, not once per message. */
function foldedKey(key: Str, text: string, comparator: Comparator): string {
  if (key.vars) return fold(text, comparator);
  const cached = foldedKeys.get(key);
  if (cached !== undefined && cached.comparator === comparator) return cached.text;
  const f = fold(text, comparator);
  foldedKeys.set(key, { comparator, text: f });
  return f;
}

/** `value` and `k` arrive folded for :is and :contains (matchAny does it once). */
function matchOne(value: string, key: Str, k: string, spec: MatchSpec, env: MatchEnv): boolean {
  const { budget, scope } = env;
  switch (spec.type) {
    case 'is':
      if (spec.comparator === 'i;ascii-numeric') return compare(value, k, spec.comparator) === 0;
      return value === k;
    case 'contains':
      budget.spend(value.length);
      return value.includes(k);
    case 'value':
      return relationHolds(compare(value, k, spec.comparator), spec.relation!);
    case 'matches': {
      const captures: string[] | null = scope === null ? null : [];
      if (!globMatch(k, value, spec.comparator, budget, captures)) return false;
      if (scope !== null && captures !== null) scope.matches = captures.slice(0, 10);
      return true;
    }
    case 'regex': {
      budget.spend(value.length);
      const re = regexOf(key, k, spec.comparator);
      if (re === null) return false;
      const m = re.exec(value);
      if (m === null) return false;
      if (scope !== null) scope.matches = Array.from(m, (x) => x ?? '').slice(0, 10);
      return true;
    }
    case 'count':
      return false;
  }
}

