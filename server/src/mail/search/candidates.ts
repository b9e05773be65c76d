// Sets of messages during one search: one byte per message of the
// mailbox's list, by list position. At 100,000 messages a set is 100 kB and
// AND/OR/NOT are single passes, cheaper than merging sorted UID arrays, and
// the same positions index the list's flag, size and modseq arrays.

/** 1 = member. Treated as immutable once returned. */
export type Candidates = Uint8Array;

export function fullSet(n: number): Candidates {
  return new Uint8Array(n).fill(1);
}

export function count(set: Candidates): number {
  let k = 0;
  for (let i = 0; i < set.length; i++) k += set[i];
  return k;
}

/** Members of `set` for which `test(position)` holds. */
export function keep(set: Candidates, test: (i: number) => boolean): Candidates {
  const out = new Uint8Array(set.length);
  for (let i = 0; i < set.length; i++) if (set[i] && test(i)) out[i] = 1;
  return out;
}

export function minus(a: Candidates, b: Candidates): Candidates {
  const out = new Uint8Array(a.length);
  for (let i = 0; i < a.length; i++) out[i] = a[i] & (b[i] ^ 1);
  return out;
}

export function union(a: Candidates, b: Candidates): Candidates {
  const out = new Uint8Array(a.length);
  for (let i = 0; i < a.length; i++) out[i] = a[i] | b[i];
  return out;
}

/**
 * Members of `set` whose UID is in `sortedUids` (ascending, as every store
 * query returns them): one merge walk over both lists. UIDs the list does
 * not know (appended after it was read) are ignored.
 */
export function keepUids(set: Candidates, listUids: Uint32Array, sortedUids: readonly number[]): Candidates {
  const out = new Uint8Array(set.length);
  let j = 0;
  for (let i = 0; i < listUids.length && j < sortedUids.length; i++) {
    const uid = listUids[i];
    while (j < sortedUids.length && sortedUids[j] < uid) j++;
    if (sortedUids[j] === uid && set[i]) out[i] = 1;
  }
  return out;
}

/** Positions of the members, ascending. */
export function positions(set: Candidates): number[] {
  const out: number[] = [];
  for (let i = 0; i < set.length; i++) if (set[i]) out.push(i);
  return out;
}
