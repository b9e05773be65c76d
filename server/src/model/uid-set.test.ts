import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { intersectUidSets, missingUids, normaliseUidSet, uidSetHas, uidSetOf, uidSetSize, uidSpans } from './uid-set.ts';

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

  it('lists the gaps below uidNext as ranges', () => {
    assert.deepEqual(missingUids(new Uint32Array([]), 1), []);
    assert.deepEqual(missingUids(new Uint32Array([]), 5), [[1, 4]]);
    assert.deepEqual(missingUids(new Uint32Array([1, 2, 3]), 4), []);
    assert.deepEqual(missingUids(new Uint32Array([2, 5, 6, 9]), 12), [[1, 1], [3, 4], [7, 8], [10, 11]]);
    assert.deepEqual(missingUids([3, 7], 5), [[1, 2], [4, 4]], 'UIDs at or above uidNext are ignored');
  });

  it('intersects two sets', () => {
    assert.deepEqual(intersectUidSets([[1, 10], [20, 30]], [[5, 22], [29, 40]]), [[5, 10], [20, 22], [29, 30]]);
    assert.deepEqual(intersectUidSets([[1, 3]], [[4, 9]]), []);
    assert.deepEqual(intersectUidSets([], [[1, 9]]), []);
  });

  it('joins ranges across small gaps into query spans, and says when a span reads more than the set', () => {
    assert.deepEqual(uidSpans([]), { spans: [], exact: true });
    assert.deepEqual(uidSpans([[1, 9]]), { spans: [[1, 9]], exact: true });
    assert.deepEqual(uidSpans([[1, 3], [5, 5], [71, 80]], 64), { spans: [[1, 5], [71, 80]], exact: false });
    assert.deepEqual(uidSpans([[1, 3], [5, 5], [70, 80]], 64), { spans: [[1, 80]], exact: false });
    assert.deepEqual(uidSpans([[1, 3], [100, 200]], 64), { spans: [[1, 3], [100, 200]], exact: true });
    assert.deepEqual(uidSpans([[1, 1], [3, 3], [5, 5]], 0), { spans: [[1, 1], [3, 3], [5, 5]], exact: true });
  });
});
