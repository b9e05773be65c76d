import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { blockDelayMs, isStale, retryAfterSeconds, throttleKey } from './throttle-policy.ts';

describe('throttle delays', () => {
  it('are zero for the free failures, then start at the base delay and double', () => {
    const table: [number, number][] = [[0, 0], [1, 0], [5, 0], [6, 1000], [7, 2000], [8, 4000], [9, 8000], [15, 512_000]];
    for (const [failures, delay] of table) assert.equal(blockDelayMs(failures, 5, 1000, 900_000), delay, `failures=${failures}`);
  });
  it('never exceed the maximum, even for enormous counters', () => {
    assert.equal(blockDelayMs(16, 5, 1000, 900_000), 900_000);
    assert.equal(blockDelayMs(10_000, 5, 1000, 900_000), 900_000);
    assert.ok(Number.isFinite(blockDelayMs(Number.MAX_SAFE_INTEGER, 0, 1000, 900_000)));
  });
  it('report whole seconds to wait, rounding up, and nothing once the block is over', () => {
    const state = { key: 'ip:192.0.2.1', failures: 7, lastFailureAt: 1_000, blockedUntil: 3_500 };
    assert.equal(retryAfterSeconds(state, 1_000), 3);
    assert.equal(retryAfterSeconds(state, 3_499), 1);
    assert.equal(retryAfterSeconds(state, 3_500), 0);
    assert.equal(retryAfterSeconds(null, 0), 0);
  });
  it('forget counters whose last failure is outside the window', () => {
    const state = { key: 'acct:a@example.com', failures: 3, lastFailureAt: 0, blockedUntil: 0 };
    assert.equal(isStale(state, 3_600_001, 3_600_000), true);
    assert.equal(isStale(state, 3_600_000, 3_600_000), false);
    assert.equal(isStale({ ...state, blockedUntil: 5_000_000 }, 3_600_001, 3_600_000), false);
  });
  it('keep IP and account counters apart', () => {
    assert.equal(throttleKey('ip', '2001:db8::1'), 'ip:2001:db8::1');
    assert.equal(throttleKey('account', 'alice@example.com'), 'acct:alice@example.com');
  });
});
