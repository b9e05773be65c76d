import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { normaliseUidSet, uidSetHas, uidSetOf, uidSetSize } from './uid-set.ts';

describe('UID sets', () => {
  const compress: [number[], [number, number][]][] = [
    [[], []],
    [[5], [[5, 5]]],
    [[3, 1, 2, 2, 7, 9, 8], [[1, 3], [7, 9]]],
    [[10, 12], [[10, 10], [12, 12]]],
  ];
  for (const [uids, ranges] of compress) {
    it(`compresses ${JSON.stringify(uids)} to ${JSON.stringify(ranges)}`, () => assert.deepEqual(uidSetOf(uids), ranges));
  }

  it('sorts, swaps and merges ranges as RFC 9051 sequence sets allow (4:2 = 2:4)', () => {
    assert.deepEqual(normaliseUidSet([[9, 7], [1, 1], [2, 4], [5, 5], [20, 30], [25, 26]]), [[1, 5], [7, 9], [20, 30]]);
  });

  it('answers membership and size', () => {
    const set = uidSetOf([1, 2, 3, 10, 20, 21]);
    assert.deepEqual([0, 1, 3, 4, 10, 19, 21, 22].map((u) => uidSetHas(set, u)), [false, true, true, false, true, false, true, false]);
    assert.equal(uidSetSize(set), 6);
  });
});
