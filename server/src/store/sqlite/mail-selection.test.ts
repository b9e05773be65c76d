import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isStoaError } from '../../errors/catalogue.ts';
import { parseUidList } from './mail-selection.ts';

describe('parseUidList', () => {
  const cases: Array<[string, number, number[]]> = [
    ['1', 1, [1]],
    ['1,2,3', 3, [1, 2, 3]],
    ['7,100000,4294967295', 3, [7, 100000, 4294967295]],
    ['9,3,5', 3, [3, 5, 9]],
  ];
  for (const [text, count, expected] of cases) {
    it(`reads "${text}" as ascending UIDs`, () => assert.deepEqual([...parseUidList(text, count)], expected));
  }
  it('refuses a list whose length disagrees with the count', () => {
    assert.throws(() => parseUidList('1,2', 3), (e) => isStoaError(e, 'STOA_INTERNAL'));
    assert.throws(() => parseUidList('1,2,3', 2), (e) => isStoaError(e, 'STOA_INTERNAL'));
  });
});
