// Several regular expressions run over one text in one pass, each finding
// exactly what text.matchAll(pattern) finds. Running each phrase family as
// its own /\b…|\b…/g costs a try of every alternative at every word of the
// text (a 100 KiB message: several milliseconds); here the starts of every
// pattern are known in advance (regex-starts.ts: the first three
// characters, and whether a match starts a word), one native search visits
// only the positions where some pattern can start, a table of those three
// characters says which patterns can, and only those are tried there, as
// sticky expressions (y flag). A start that fits almost any word (a digit:
// /\b\d+ ?million/) is tried only when the text holds one of the literals
// its matches need ("million"). Rspamd's multipattern and SpamAssassin's
// Rule2XSBody pre-filter body rules by their literals the same way.
//
// The matches are the same as matchAll's: a pattern's matches in text
// order, none overlapping, each the one the pattern itself would pick at
// its position. Patterns whose starts cannot be bounded are simply run over
// the whole text.
import { regexStarts, type CharSet, type Start } from './regex-starts.ts';

/** Table index of a UTF-16 code unit: ASCII folded to lower case, everything else one slot. */
const SLOTS = 129;
const slot = (c: number): number => (c < 0x80 ? (c >= 0x41 && c <= 0x5a ? c | 0x20 : c) : 0x80);
const ALL_SLOTS = Array.from({ length: SLOTS }, (_, i) => i);

function slots(s: CharSet | undefined): number[] {
  if (s === undefined || s.any) return ALL_SLOTS;
  const out = new Set<number>();
  for (const [lo, hi] of s.ranges) {
    for (let c = lo; c <= Math.min(hi, 0x7f); c++) out.add(slot(c));
    if (hi >= 0x80) out.add(0x80);
  }
  return [...out];
}

const isWord = (c: number): boolean => (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || (c >= 0x30 && c <= 0x39) || c === 0x5f;

/**
 * A character class of exactly these characters (ranges merged) for the
 * search; the analysis already gave both cases under the i flag.
 */
function classOf(ranges: Array<readonly [number, number]>): string {
  const all = ranges.map(([lo, hi]): [number, number] => [lo, hi]).sort((a, b) => a[0] - b[0]);
  const merged: Array<[number, number]> = [];
  for (const [lo, hi] of all) {
    const last = merged.at(-1);
    if (last && lo <= last[1] + 1) last[1] = Math.max(last[1], hi);
    else merged.push([lo, hi]);
  }
  const hex = (c: number): string => `\\u${c.toString(16).padStart(4, '0')}`;
  return `[${merged.map(([lo, hi]) => (lo === hi ? hex(lo) : `${hex(lo)}-${hex(hi)}`)).join('')}]`;
}

/**
 * Which patterns may start with which three characters, for one kind of
 * position (a word start, or anywhere): the first two characters select a
 * row (or none), the third a bit mask in it. Column SLOTS of a row is for a
 * position two characters before the end of the text (no third character),
 * and `last` for the text's last character.
 */
class StartTable {
  readonly rows = new Int32Array(SLOTS * SLOTS).fill(-1);
  masks = new Uint32Array(0);
  readonly last = new Uint32Array(SLOTS);
  #count = 0;

  add(chars: readonly CharSet[], bit: number): void {
    const thirds = slots(chars[2]);
    for (const a of slots(chars[0])) {
      if (chars.length === 1) this.last[a] |= bit;
      for (const b of slots(chars[1])) {
        const row = this.#row(a * SLOTS + b);
        for (const c of thirds) this.masks[row + c] |= bit;
        if (chars.length <= 2) this.masks[row + SLOTS] |= bit;
      }
    }
  }

  #row(pair: number): number {
    if (this.rows[pair] < 0) {
      const offset = this.#count++ * (SLOTS + 1);
      if (offset + SLOTS + 1 > this.masks.length) {
        const grown = new Uint32Array(Math.max(64 * (SLOTS + 1), 2 * this.masks.length));
        grown.set(this.masks);
        this.masks = grown;
      }
      this.rows[pair] = offset;
    }
    return this.rows[pair];
  }

  /** The patterns that may start at `p` (which has a character). */
  lookup(text: string, p: number, a: number): number {
    if (p + 1 >= text.length) return this.last[a];
    const row = this.rows[a * SLOTS + slot(text.charCodeAt(p + 1))];
    if (row < 0) return 0;
    return this.masks[row + (p + 2 < text.length ? slot(text.charCodeAt(p + 2)) : SLOTS)];
  }
}

export type MatchHandler = (pattern: number, match: RegExpExecArray) => boolean;

/**
 * A start whose first character is one of this many or more (a digit, \w)
 * is tried only in texts that contain one of its branch's literals: a line
 * of digits is no candidate for /\b\d+ ?million/ in a text without "million".
 */
const BROAD = 10;

/**
 * The literals to look for: a text that contains " million " contains
 * "million", so "million" alone tells as much for "million", " million " and
 * " million us "; spaces at the ends go, and so does any literal another one
 * is part of (each search is a pass over the text).
 */
function fewest(literals: Iterable<string>): string[] {
  const trimmed = [...new Set([...literals].map((l) => l.trim() || l))].sort((a, b) => a.length - b.length);
  const out: string[] = [];
  for (const l of trimmed) if (!out.some((kept) => l.includes(kept))) out.push(l);
  return out;
}

/** A gate searches the text once per literal (or once for all): more literals than this cost more than they save. */
const MAX_GATE_LITERALS = 8;

/** Whether a text holds one of the literals: one plain search, or one expression searching for all (or any case) at once. */
function presence(literals: readonly string[], ignoreCase: boolean): (text: string) => boolean {
  if (literals.length === 1 && !ignoreCase) return (text) => text.includes(literals[0]);
  const any = new RegExp(literals.map((l) => l.replace(/[\\^$.*+?()[\]{}|/-]/g, '\\$&')).join('|'), ignoreCase ? 'i' : '');
  return (text) => any.test(text);
}

const width = (s: CharSet): number => (s.any ? Infinity : s.ranges.reduce((n, [lo, hi]) => n + hi - lo + 1, 0));

export class PatternSet {
  /** Indexes of the patterns run over the whole text (their starts could not be bounded). */
  readonly fullScan: readonly number[];
  readonly #global: RegExp[];
  readonly #sticky: RegExp[];
  readonly #anywhere = new StartTable();
  readonly #wordStart = new StartTable();
  /** Starts tried only when their pattern's literals are in the text. */
  readonly #gatedAnywhere = new StartTable();
  readonly #gatedWordStart = new StartTable();
  readonly #gates: Array<{ bit: number; present: (text: string) => boolean }> = [];
  readonly #indexed: number;
  /** Finds the candidate positions: a word start with a possible first character, or a possible first character anywhere. */
  readonly #search: RegExp | null;
  /** The same with the first characters of the gated starts. */
  readonly #searchAll: RegExp | null;

  constructor(patterns: readonly RegExp[]) {
    if (patterns.length > 32) throw new Error('a pattern set holds at most 32 patterns');
    this.#global = patterns.map((re) => new RegExp(re.source, re.flags.includes('g') ? re.flags : `${re.flags}g`));
    this.#sticky = patterns.map((re) => new RegExp(re.source, `${re.flags.replace(/[gy]/g, '')}y`));
    const fullScan: number[] = [];
    const firsts = { word: [] as Array<readonly [number, number]>, any: [] as Array<readonly [number, number]>, gatedWord: [] as Array<readonly [number, number]>, gatedAny: [] as Array<readonly [number, number]> };
    let indexed = 0;
    patterns.forEach((re, i) => {
      const starts = regexStarts(re);
      if (starts === null) {
        fullScan.push(i);
        return;
      }
      const bit = 1 << i;
      indexed |= bit;
      // Broad starts are gated by their branches' literals, unless those are too many to look for.
      const broad = (start: Start): boolean => start.needs !== null && width(start.chars[0]) >= BROAD;
      const literals = fewest(starts.filter(broad).flatMap((start) => start.needs!));
      const gating = literals.length > 0 && literals.length <= MAX_GATE_LITERALS;
      for (const start of starts) {
        const first = start.chars[0];
        const gated = gating && broad(start);
        const table = gated ? (start.wordStart ? this.#gatedWordStart : this.#gatedAnywhere) : start.wordStart ? this.#wordStart : this.#anywhere;
        table.add(start.chars, bit);
        if (!first.any) (gated ? (start.wordStart ? firsts.gatedWord : firsts.gatedAny) : start.wordStart ? firsts.word : firsts.any).push(...first.ranges);
      }
      if (gating) this.#gates.push({ bit, present: presence(literals, re.flags.includes('i')) });
    });
    this.fullScan = fullScan;
    this.#indexed = indexed;
    const search = (word: Array<readonly [number, number]>, any: Array<readonly [number, number]>): RegExp | null => {
      const alternatives = [word.length > 0 ? `\\b${classOf(word)}` : '', any.length > 0 ? classOf(any) : ''].filter((s) => s !== '');
      return alternatives.length > 0 ? new RegExp(alternatives.join('|'), 'g') : null;
    };
    this.#search = search(firsts.word, firsts.any);
    this.#searchAll = search([...firsts.word, ...firsts.gatedWord], [...firsts.any, ...firsts.gatedAny]);
  }

  /**
   * Calls `onMatch(pattern, match)` for every match of every pattern, each
   * pattern's in text order as text.matchAll(pattern) gives them (patterns
   * interleave); returning false stops that pattern.
   */
  scan(text: string, onMatch: MatchHandler): void {
    for (const i of this.fullScan) {
      for (const m of text.matchAll(this.#global[i])) if (!onMatch(i, m as RegExpExecArray)) break;
    }
    let open = 0;
    for (const gate of this.#gates) if (gate.present(text)) open |= gate.bit;
    const search = open !== 0 ? this.#searchAll : this.#search;
    let active = this.#indexed;
    if (search === null || active === 0) return;
    const next: number[] = this.#sticky.map(() => 0);
    search.lastIndex = 0;
    while (active !== 0 && search.test(text)) {
      const p = search.lastIndex - 1;
      const c = text.charCodeAt(p);
      const a = slot(c);
      const startsWord = isWord(c) && (p === 0 || !isWord(text.charCodeAt(p - 1)));
      let mask = this.#anywhere.lookup(text, p, a);
      if (startsWord) mask |= this.#wordStart.lookup(text, p, a);
      if (open !== 0) mask |= (this.#gatedAnywhere.lookup(text, p, a) | (startsWord ? this.#gatedWordStart.lookup(text, p, a) : 0)) & open;
      mask &= active;
      while (mask !== 0) {
        const bit = mask & -mask;
        mask ^= bit;
        const i = 31 - Math.clz32(bit);
        if (next[i] > p) continue;
        const re = this.#sticky[i];
        re.lastIndex = p;
        const m = re.exec(text);
        if (m === null) continue;
        next[i] = m[0].length > 0 ? p + m[0].length : p + 1;
        if (!onMatch(i, m)) active &= ~bit;
      }
    }
  }
}
