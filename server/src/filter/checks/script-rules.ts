// The writing system of a message against the ones its readers use
// (filter.expectedScripts, SpamAssassin's ok_locales idea): mail written
// entirely in a script nobody on the server reads is often spam. A weak
// signal — people do get mail in other languages — and off by default.
import type { FilterConfig } from '../../config/types.ts';

export type Script = FilterConfig['expectedScripts'][number];

const SCRIPTS: ReadonlyArray<[Script, RegExp]> = [
  ['Latin', /\p{Script=Latin}/gu],
  ['Cyrillic', /\p{Script=Cyrillic}/gu],
  ['Greek', /\p{Script=Greek}/gu],
  ['Arabic', /\p{Script=Arabic}/gu],
  ['Hebrew', /\p{Script=Hebrew}/gu],
  ['Han', /\p{Script=Han}/gu],
  ['Japanese', /[\p{Script=Hiragana}\p{Script=Katakana}]/gu],
  ['Hangul', /\p{Script=Hangul}/gu],
  ['Thai', /\p{Script=Thai}/gu],
  ['Devanagari', /\p{Script=Devanagari}/gu],
];
/** Letters looked at: enough to know the language of a message. */
const SAMPLE_CHARS = 16 * 1024;
const MIN_LETTERS = 20;

/**
 * The main unexpected writing system of `text`, or null: fires when at least
 * 60 % of its letters are in scripts outside `expected`. Japanese text mixes
 * Han with kana, so a Japanese reader's "Japanese" also expects Han.
 */
export function unexpectedScript(text: string, expected: readonly Script[]): string | null {
  if (expected.length === 0) return null;
  const sample = text.slice(0, SAMPLE_CHARS);
  const allowed = new Set<Script>(expected.includes('Japanese') ? [...expected, 'Han'] : expected);
  let total = 0;
  let outside = 0;
  let main: [Script, number] | null = null;
  for (const [script, re] of SCRIPTS) {
    const n = sample.match(re)?.length ?? 0;
    total += n;
    if (!allowed.has(script)) {
      outside += n;
      if (n > (main?.[1] ?? 0)) main = [script, n];
    }
  }
  return total >= MIN_LETTERS && outside >= total * 0.6 && main ? `${main[0]}: ${Math.round((100 * outside) / total)} % of the letters` : null;
}
