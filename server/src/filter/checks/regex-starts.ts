// Where a regular expression's matches can begin: the first three characters
// of every match, whether the first one follows a \b (a word start), and a
// few literals of which every match of that branch contains one. The
// pattern scanner (pattern-set.ts) looks at a text's candidate positions
// only, instead of running every pattern at every position: a family of
// phrases like /\bclick (?:here|below)\b|\bfree shipping\b/ can only match
// where a word starting "cli" or "fre" does, and /\b\d+ ?million\b/ only in a
// text that says "million" somewhere.
//
// The analysis is conservative: every set it returns contains at least the
// characters a match can start with, every literal list at least one
// literal of every match (wider sets cost time, never a match). Assertions
// it does not model (regex-syntax.ts) match anywhere; a pattern that may
// match the empty string, or start with any character ([^…], ., \W, \p{…}),
// or is case-insensitive Unicode, makes it answer null, and the scanner then
// runs that pattern over the whole text as before.
import { parseRegex, type CharSet, type Node } from './regex-syntax.ts';

export type { CharSet } from './regex-syntax.ts';

const WORD_RANGES = [[0x30, 0x39], [0x41, 0x5a], [0x5f, 0x5f], [0x61, 0x7a]] as const;

function isWordOnly(s: CharSet): boolean {
  return !s.any && s.ranges.every(([lo, hi]) => WORD_RANGES.some(([a, b]) => lo >= a && hi <= b));
}

/** Characters of a start the analysis follows. */
const DEPTH = 3;

/** The first characters of one way through the pattern: at most DEPTH, with what precedes them. */
interface Prefix {
  sets: CharSet[];
  /** A \b before any character (only while `sets` is empty). */
  boundary: boolean;
  /** The first character follows a \b and is a word character: the match starts a word. */
  wordStart: boolean;
}

const MAX_PREFIXES = 4000;
const NOTHING: Prefix = { sets: [], boundary: false, wordStart: false };

class TooMany extends Error {}

function concat(a: Prefix[], b: Prefix[]): Prefix[] {
  const out: Prefix[] = [];
  for (const x of a) {
    if (x.sets.length >= DEPTH) {
      out.push(x);
      continue;
    }
    for (const y of b) {
      if (x.sets.length === 0) {
        if (y.sets.length === 0) out.push({ sets: [], boundary: x.boundary || y.boundary, wordStart: false });
        else out.push({ sets: y.sets, boundary: false, wordStart: y.wordStart || (x.boundary && isWordOnly(y.sets[0])) });
      } else {
        out.push({ sets: [...x.sets, ...y.sets].slice(0, DEPTH), boundary: false, wordStart: x.wordStart });
      }
    }
    if (out.length > MAX_PREFIXES) throw new TooMany();
  }
  return out;
}

function prefixes(node: Node): Prefix[] {
  switch (node.t) {
    case 'chars': return [{ sets: [node.set], boundary: false, wordStart: false }];
    case 'boundary': return [{ sets: [], boundary: true, wordStart: false }];
    case 'empty': return [NOTHING];
    case 'seq': return node.items.reduce((acc, item) => concat(acc, prefixes(item)), [NOTHING]);
    case 'alt': return node.options.flatMap(prefixes);
    case 'repeat': {
      // DEPTH characters are known after at most DEPTH repetitions: more add nothing new.
      const once = prefixes(node.node);
      const out: Prefix[] = [];
      let power: Prefix[] = [NOTHING];
      for (let r = 0; r <= Math.min(node.max, DEPTH); r++) {
        if (r >= Math.min(node.min, DEPTH)) out.push(...power);
        power = concat(power, once);
      }
      return out;
    }
  }
}

/**
 * Literals in a node's matches: `exact`, every string it can match (when
 * few), or `needs`, strings one of which every match contains (RE2's
 * prefilter and Hyperscan's literal factoring reason the same way).
 */
interface Literals { exact: string[] | null; needs: string[] | null }

const MAX_EXACT = 16;
const MAX_LITERAL = 32;
const MAX_NEEDS = 64;
const UNKNOWN: Literals = { exact: null, needs: null };
const EMPTY: Literals = { exact: [''], needs: null };

function needsOf(l: Literals): string[] | null {
  if (l.exact === null) return l.needs;
  return l.exact.includes('') ? null : l.exact;
}

/** The more selective of two literal lists: longer shortest literal, then fewer literals. */
function better(a: string[] | null, b: string[] | null): string[] | null {
  if (a === null || b === null) return a ?? b;
  const shortest = (l: string[]): number => Math.min(...l.map((s) => s.length));
  if (shortest(a) !== shortest(b)) return shortest(a) > shortest(b) ? a : b;
  return a.length <= b.length ? a : b;
}

function product(a: string[], b: string[]): string[] | null {
  if (a.length * b.length > MAX_EXACT) return null;
  const out = new Set<string>();
  for (const x of a) for (const y of b) out.add(x + y);
  return [...out].every((s) => s.length <= MAX_LITERAL) ? [...out] : null;
}

function literals(node: Node, fold: (s: string) => string): Literals {
  switch (node.t) {
    case 'chars': {
      if (node.set.any) return UNKNOWN;
      const chars = new Set<string>();
      for (const [lo, hi] of node.set.ranges) {
        if (hi - lo >= 8) return UNKNOWN;
        for (let c = lo; c <= hi; c++) chars.add(fold(String.fromCodePoint(c)));
      }
      return chars.size <= 8 ? { exact: [...chars], needs: null } : UNKNOWN;
    }
    case 'boundary': case 'empty': return EMPTY;
    case 'seq': {
      // `run`: the strings of the exact items since the last inexact one ("\d+ million" → " million").
      let run: string[] = [''];
      let needs: string[] | null = null;
      let whole = true;
      for (const item of node.items) {
        const next = literals(item, fold);
        if (next.exact === null) {
          needs = better(needs, better(needsOf({ exact: run, needs: null }), next.needs));
          run = [''];
          whole = false;
          continue;
        }
        const joined = product(run, next.exact);
        if (joined) {
          run = joined;
        } else {
          needs = better(needs, needsOf({ exact: run, needs: null }));
          run = next.exact;
          whole = false;
        }
      }
      return whole ? { exact: run, needs: null } : { exact: null, needs: better(needs, needsOf({ exact: run, needs: null })) };
    }
    case 'alt': {
      const options = node.options.map((o) => literals(o, fold));
      const exact = options.every((o) => o.exact !== null) ? [...new Set(options.flatMap((o) => o.exact!))] : null;
      if (exact && exact.length <= MAX_EXACT) return { exact, needs: null };
      const needs = options.map(needsOf);
      if (needs.some((n) => n === null)) return UNKNOWN;
      const all = [...new Set(needs.flatMap((n) => n!))];
      return all.length <= MAX_NEEDS ? { exact: null, needs: all } : UNKNOWN;
    }
    case 'repeat': {
      if (node.max === 0) return EMPTY;
      const once = literals(node.node, fold);
      if (node.min === 0) return node.max === 1 && once.exact ? { exact: [...new Set(['', ...once.exact])], needs: null } : UNKNOWN;
      if (node.min === node.max && once.exact) {
        let power: string[] | null = once.exact;
        for (let r = 1; r < node.min && power; r++) power = product(power, once.exact);
        if (power) return { exact: power, needs: null };
      }
      return { exact: null, needs: needsOf(once) };
    }
  }
}

export interface Start {
  /**
   * The first characters of a match: three, or fewer when the match may end
   * there (a one-letter match has one). The first is never "any".
   */
  chars: readonly CharSet[];
  /** The match starts a word (a \b before a word character). */
  wordStart: boolean;
  /**
   * Literals one of which every match through this start contains (lower
   * case when the pattern ignores case), or null when none is known.
   */
  needs: readonly string[] | null;
}

/**
 * The ways a match of `re` can start, or null when they cannot be bounded
 * (the pattern then has to be run over the whole text).
 */
export function regexStarts(re: RegExp): Start[] | null {
  const ignoreCase = re.flags.includes('i');
  const unicode = re.flags.includes('u');
  if (ignoreCase && unicode) return null;
  const root = parseRegex(re);
  if (root === null) return null;
  // Case-insensitive literals are compared in lower case (ASCII only: regex-syntax.ts gives up on other cased letters).
  const fold = ignoreCase ? (s: string): string => s.replace(/[A-Z]/g, (c) => c.toLowerCase()) : (s: string): string => s;
  const starts: Start[] = [];
  // Each top-level branch has its own literals: /\$\d+|\b\d+ ?eur\b/ needs "$" or "eur", by branch.
  for (const branch of root.t === 'alt' ? root.options : [root]) {
    let found: Prefix[];
    try {
      found = prefixes(branch);
    } catch (err) {
      if (err instanceof TooMany) return null;
      throw err;
    }
    const needs = needsOf(literals(branch, fold));
    for (const p of found) {
      // A pattern that may match nothing, or may start with anything, can start anywhere.
      if (p.sets.length === 0 || p.sets[0].any) return null;
      // Beyond the BMP, or a surrogate under the u flag: a sticky try could land inside a pair.
      if (p.sets[0].ranges.some(([lo, hi]) => hi > 0xffff || (unicode && lo <= 0xdfff && hi >= 0xd800))) return null;
      starts.push({ chars: p.sets, wordStart: p.wordStart, needs });
    }
  }
  return starts;
}
