// RFC 9051 §9 sequence-set and RFC 5182 "$" (seq-last-command), as parsed
// from the wire and as written in responses (uid-set, known-uids, ALL).
import type { SeqNumber, SeqRange, SequenceSet } from './command-types.ts';
import { type Lexer } from './lexer.ts';

function isSeqChar(b: number): boolean {
  return (b >= 0x30 && b <= 0x39) || b === 0x2a || b === 0x3a || b === 0x2c || b === 0x24;
}

function seqNumber(text: string): SeqNumber | null {
  if (text === '*') return '*';
  if (!/^[0-9]{1,10}$/.test(text)) return null;
  const n = Number(text);
  // seq-number = nz-number / "*": 0 is never a valid message number or UID.
  return n >= 1 && n <= 0xffffffff ? n : null;
}

/** Parses sequence-set text; null when malformed or when it contains 0. */
export function parseSequenceSetText(text: string): SequenceSet | null {
  const ranges: SeqRange[] = [];
  let saved = false;
  for (const part of text.split(',')) {
    if (part === '$') {
      saved = true;
      continue;
    }
    const colon = part.indexOf(':');
    const from = seqNumber(colon < 0 ? part : part.slice(0, colon));
    const to = colon < 0 ? from : seqNumber(part.slice(colon + 1));
    if (from === null || to === null) return null;
    ranges.push({ from, to });
  }
  return { ranges, saved };
}

/** Reads a sequence-set token at the lexer position. */
export function readSequenceSet(lx: Lexer): SequenceSet {
  const text = lx.run(isSeqChar, 'a sequence set');
  const set = parseSequenceSetText(text);
  if (set === null) lx.fail(`Invalid sequence set "${text}"`, 'invalid-sequence-set');
  return set;
}

/**
 * Resolves the explicit ranges (not "$", which the session supplies) against the largest number in use ("*"), returning sorted,
 * merged inclusive ranges. RFC 9051 §9: "*" means the largest number in use,
 * and a range may be written in either order.
 */
export function resolveSequenceSet(set: SequenceSet, largest: number): Array<[number, number]> {
  const value = (n: SeqNumber): number => (n === '*' ? largest : n);
  const ranges = set.ranges
    .map((r): [number, number] => {
      const a = value(r.from);
      const b = value(r.to);
      return a <= b ? [a, b] : [b, a];
    })
    .filter(([a]) => a >= 1)
    .sort((x, y) => x[0] - y[0]);
  const merged: Array<[number, number]> = [];
  for (const r of ranges) {
    const last = merged[merged.length - 1];
    if (last && r[0] <= last[1] + 1) last[1] = Math.max(last[1], r[1]);
    else merged.push([r[0], r[1]]);
  }
  return merged;
}

/** Compresses numbers into "a:b,c" keeping their order (COPYUID pairs source and destination by position, RFC 4315 §3). */
export function formatNumberSet(numbers: readonly number[]): string {
  const parts: string[] = [];
  let i = 0;
  while (i < numbers.length) {
    let j = i;
    while (j + 1 < numbers.length && numbers[j + 1] === numbers[j] + 1) j++;
    parts.push(j === i ? String(numbers[i]) : `${numbers[i]}:${numbers[j]}`);
    i = j + 1;
  }
  return parts.join(',');
}

/** Sorted, de-duplicated compression, for ESEARCH ALL and VANISHED (order carries no meaning there). */
export function formatSortedSet(numbers: readonly number[]): string {
  const sorted = [...new Set(numbers)].sort((a, b) => a - b);
  return formatNumberSet(sorted);
}

export function formatSequenceSet(set: SequenceSet): string {
  const parts = set.ranges.map((r) => (r.from === r.to ? String(r.from) : `${r.from}:${r.to}`));
  if (set.saved) parts.push('$');
  return parts.join(',');
}
