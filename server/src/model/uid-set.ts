// UID sets as inclusive ranges (RFC 9051 §9 sequence-set, already resolved
// to numbers by the caller: "*" is the mailbox's largest UID).
import type { UidSet } from './mail.ts';

/** Compresses UIDs (any order, duplicates allowed) to ascending disjoint ranges. */
export function uidSetOf(uids: Iterable<number>): UidSet {
  const sorted = [...new Set(uids)].sort((a, b) => a - b);
  const out: [number, number][] = [];
  for (const uid of sorted) {
    const last = out[out.length - 1];
    if (last && uid === last[1] + 1) last[1] = uid;
    else out.push([uid, uid]);
  }
  return out;
}

/** Sorts and merges ranges given in any order, with start > end swapped (RFC 9051: 4:2 means 2:4). */
export function normaliseUidSet(ranges: Iterable<readonly [number, number]>): UidSet {
  const list = [...ranges].map(([a, b]) => (a <= b ? [a, b] : [b, a]) as [number, number]).sort((x, y) => x[0] - y[0]);
  const out: [number, number][] = [];
  for (const [a, b] of list) {
    const last = out[out.length - 1];
    if (last && a <= last[1] + 1) last[1] = Math.max(last[1], b);
    else out.push([a, b]);
  }
  return out;
}

/**
 * Ranges of a normalised set joined across gaps of at most `maxGap` UIDs: one
 * query per span instead of one per range. A mailbox with expunges turns
 * "1:*" into as many ranges as it has holes, and the holes hold no rows, so
 * a span reads what the ranges would have read plus at most `maxGap` rows per
 * gap; callers drop those with uidSetHas when `exact` is false.
 */
export function uidSpans(set: UidSet, maxGap = 64): { spans: UidSet; exact: boolean } {
  if (set.length <= 1) return { spans: set, exact: true };
  const spans: [number, number][] = [];
  for (const [a, b] of set) {
    const last = spans[spans.length - 1];
    if (last && a - last[1] - 1 <= maxGap) last[1] = b;
    else spans.push([a, b]);
  }
  return { spans, exact: spans.length === set.length };
}

export function uidSetHas(set: UidSet, uid: number): boolean {
  let lo = 0;
  let hi = set.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (uid < set[mid][0]) hi = mid - 1;
    else if (uid > set[mid][1]) lo = mid + 1;
    else return true;
  }
  return false;
}

export function uidSetSize(set: UidSet): number {
  let n = 0;
  for (const [a, b] of set) n += b - a + 1;
  return n;
}

/** The ranges common to two normalised sets. */
export function intersectUidSets(a: UidSet, b: UidSet): UidSet {
  const out: [number, number][] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const lo = Math.max(a[i][0], b[j][0]);
    const hi = Math.min(a[i][1], b[j][1]);
    if (lo <= hi) out.push([lo, hi]);
    if (a[i][1] < b[j][1]) i++;
    else j++;
  }
  return out;
}

/**
 * The UIDs in 1..uidNext-1 absent from `present` (ascending), as ranges:
 * what a mailbox has lost since its creation. One range per gap, so a mailbox
 * that expunged 100k messages in a few runs answers in a few ranges.
 */
export function missingUids(present: ArrayLike<number>, uidNext: number): UidSet {
  const out: [number, number][] = [];
  let next = 1;
  for (let i = 0; i < present.length; i++) {
    const uid = present[i];
    if (uid >= uidNext) break;
    if (uid > next) out.push([next, uid - 1]);
    if (uid >= next) next = uid + 1;
  }
  if (next <= uidNext - 1) out.push([next, uidNext - 1]);
  return out;
}
