import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { throttleDelayMs } from './throttle-port.ts';

describe('throttle delays', () => {
  const rule = { freeFailures: 5, baseDelayMs: 1000, maxDelayMs: 900_000, windowMs: 3_600_000 };
  it('are zero for the free failures, then start at the base delay and double', () => {
    const table: [number, number][] = [[0, 0], [1, 0], [5, 0], [6, 1000], [7, 2000], [8, 4000], [9, 8000], [15, 512_000]];
    for (const [failures, delay] of table) assert.equal(throttleDelayMs(rule, failures), delay, `failures=${failures}`);
  });
  it('never exceed the maximum, even for enormous counters', () => {
    assert.equal(throttleDelayMs(rule, 16), 900_000);
    assert.equal(throttleDelayMs(rule, 10_000), 900_000);
    assert.ok(Number.isFinite(throttleDelayMs({ ...rule, freeFailures: 0 }, Number.MAX_SAFE_INTEGER)));
  });
});
