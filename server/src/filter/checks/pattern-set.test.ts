import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { PatternSet } from './pattern-set.ts';
import { FAMILIES, PRICES } from './phrase-rules.ts';
import { regexStarts } from './regex-starts.ts';

/** What the scanner must reproduce: each pattern's matches as matchAll finds them. */
function expected(patterns: readonly RegExp[], text: string, stopAfter = Infinity): string[][] {
  return patterns.map((re) => [...text.matchAll(new RegExp(re.source, re.flags.includes('g') ? re.flags : `${re.flags}g`))].slice(0, stopAfter).map((m) => `${m.index}:${m[0]}`));
}

function scanned(set: PatternSet, count: number, text: string, stopAfter = Infinity): string[][] {
  const out: string[][] = Array.from({ length: count }, () => []);
  set.scan(text, (i, m) => {
    out[i].push(`${m.index}:${m[0]}`);
    return out[i].length < stopAfter;
  });
  return out;
}

/** A small deterministic generator (mulberry32): the same texts on every run. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The words the phrase families are made of, and the characters around words that matter to \b, case and Unicode. */
const WORDS = [...new Set(FAMILIES.flatMap((f) => f.re.source.match(/[a-z]{2,}/g) ?? []))];
const PIECES = [' ', ' ', ' ', '\n', '\t', '\u00a0', '-', "'", '.', ',', '!', '?', '$', '€', '£', '%', '*', '|', '_', '0', '1', '5', '20', '100', '1,000,000', '3d', 'US$', 'é', 'É', 'ß', 'İ', '\u212a', 'ſ', '中文', '😀', '\ud800'];

function text(next: () => number, length: number): string {
  let out = '';
  while (out.length < length) {
    const r = next();
    if (r < 0.55) {
      const w = WORDS[Math.floor(next() * WORDS.length)];
      out += next() < 0.15 ? w.toUpperCase() : next() < 0.1 ? w[0].toUpperCase() + w.slice(1) : w;
    } else {
      out += PIECES[Math.floor(next() * PIECES.length)];
    }
  }
  return out;
}

/** Patterns that exercise the analysis: assertions, optional and repeated starts, classes, flags, empty matches. */
const FEATURES: RegExp[] = [
  /\bfree\b|\$\s?\d+/g, /(?<=\s)offer|(?<!\w)cash/g, /\Bing\b/g, /^click|here$/gm, /x?y?z/g, /(?:ab|a)(?:c|)d?/g, /[a-c][^x]{0,2}e/g,
  /\d{2,}(?:\.\d+)?/g, /(?:\b)?me/g, /\bthe\s+(?:best|lowest)/gi, /price|PRICE|Pri[cs]e/gi, /\u20ac\s?\d+|\xa3\d/g, /[\d-x]+/g, /(a)\1/g,
  /.ab/g, /\b[\w.+-]+@[a-z]+\.[a-z]{2,}/gi, /\bwinn(?:er|ing)s?\b/giu, /\p{L}ab/gu, /😀|中文/gu, /\bcash|中文|\u{20ac}\d/gu, /(?:)/g, /a*/g, /é/gi,
];

describe('pattern set: the same matches as matchAll, in one pass', () => {
  it('finds every match of every phrase family and of the prices in random text', () => {
    const patterns = [...FAMILIES.map((f) => f.re), PRICES];
    const set = new PatternSet(patterns);
    const next = random(1);
    for (let round = 0; round < 300; round++) {
      const t = text(next, 20 + Math.floor(next() * 600));
      assert.deepEqual(scanned(set, patterns.length, t), expected(patterns, t), t);
    }
  });

  it('finds the same matches with assertions, flags and patterns it cannot index', () => {
    const set = new PatternSet(FEATURES.slice(0, 32));
    const next = random(2);
    for (let round = 0; round < 300; round++) {
      const t = text(next, 1 + Math.floor(next() * 300));
      assert.deepEqual(scanned(set, FEATURES.length, t), expected(FEATURES, t), t);
    }
  });

  it('stops a pattern when the handler says so, and only that pattern', () => {
    const patterns = [/\bfree\b/g, /\bcash\b/g];
    const set = new PatternSet(patterns);
    const t = 'free cash free cash free cash free';
    assert.deepEqual(scanned(set, 2, t, 2), expected(patterns, t, 2));
  });

  it('finds matches at the first and last characters of the text', () => {
    const patterns = [/\$/g, /\bab?/g, /z\b/g];
    const set = new PatternSet(patterns);
    for (const t of ['$', 'a', 'ab', 'z', 'az', '$a', 'x$', 'a z', '']) assert.deepEqual(scanned(set, 3, t), expected(patterns, t), JSON.stringify(t));
  });

  it('tries a start of any digit only where the text has the literal its matches need', () => {
    const patterns = [/\b\d+ ?(?:million|billion) (?:dollars|euros?)\b/g, /\b\d+(?:[.,]\d\d)?\s?(?:€|eur\b|usd\b)/gi, /\$\d+/g];
    const set = new PatternSet(patterns);
    for (const t of ['12 million dollars', '12 millions dollars', '3.5 billion euros and 7 million euro', '15 EUR, 15 Eur, 15.00 usd, 15€', '0123456789abcdef 99 $5', 'million 12', '']) {
      assert.deepEqual(scanned(set, 3, t), expected(patterns, t), t);
    }
  });

  it('reads long and hostile texts: one character repeated, lone surrogates, no candidate at all', () => {
    const patterns = [/\ba+b/g, /\$\d/g, /x|\u{1F600}/gu, /[\ud800-\udbff]q/g];
    const set = new PatternSet(patterns);
    for (const t of ['a'.repeat(5000), `${'a'.repeat(5000)}b`, '$'.repeat(3000) + '1', '\ud800'.repeat(100) + 'q', '😀x😀', '0123456789abcdef '.repeat(500)]) {
      assert.deepEqual(scanned(set, patterns.length, t), expected(patterns, t), t.slice(0, 40));
    }
  });

  it('holds at most 32 patterns', () => {
    assert.throws(() => new PatternSet(Array.from({ length: 33 }, (_, i) => new RegExp(`w${i}`, 'g'))), /at most 32/);
  });
});

describe('where a pattern can start', () => {
  const first = (re: RegExp): string[] | null => regexStarts(re)?.map((s) => `${s.wordStart ? '^' : ''}${s.chars.map((c) => (c.any ? '*' : c.ranges.map(([lo, hi]) => (lo === hi ? String.fromCharCode(lo) : `${String.fromCharCode(lo)}..${String.fromCharCode(hi)}`)).join(''))).join('|')}`) ?? null;
  const table: Array<[string, RegExp, string[] | null]> = [
    ['a word after \\b starts a word', /\bfree\b/, ['^f|r|e']],
    ['a sign after \\b does not (the \\b then needs a word before it)', /\b\$\d/, ['$|0..9']],
    ['the other case under the i flag', /\bab/i, ['^Aa|Bb']],
    ['a match of one character has one', /\$|\bxy/, ['$', '^x|y']],
    ['an optional first character adds the next one', /a?bc/, ['a|b|c', 'b|c']],
    ['a repeated class', /\d{2,}x/, ['0..9|0..9|0..9', '0..9|0..9|x']],
    ['lookarounds are ignored', /(?<=\s)(?=o)of/, ['o|f']],
    ['a pattern that may match nothing cannot be indexed', /a*/, null],
    ['nor one that may start with any character', /[^a]b/, null],
    ['nor a back reference', /(a)\1/, null],
    ['nor a case-insensitive Unicode pattern', /ab/iu, null],
    ['nor a range of a class escape (Annex B)', /[\d-x]/, null],
    ['a cased letter outside ASCII under the i flag', /é/i, null],
    ['a named group and a non-capturing one', /(?<w>ab)(?:c)/, ['a|b|c']],
    ['escapes of characters', /\x41\u0042\t/, ['A|B|\t']],
    ['an escaped dash in a class is a character, not a range', /[a\-c]x/, ['a-c|x']],
    ['braces that are no quantifier are characters', /a{,3}/, ['a|{|,']],
    ['group modifiers are not read', /(?i:ab)/, null],
    ['a character beyond the BMP under the u flag', /😀a/u, null],
    ['a surrogate under the u flag', /[\ud800-\udbff]a/u, null],
    ['the v flag is not read', /[a--b]/v, null],
    ['an unbounded start: a class escape for "not"', /\Wab/, null],
  ];
  for (const [name, re, starts] of table) it(name, () => assert.deepEqual(first(re)?.sort() ?? null, starts));
});
