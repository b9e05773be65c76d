import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { VerificationSlots, WAITERS_PER_SLOT } from './verification-slots.ts';

describe('verification slots', () => {
  it('run at most the limit at once per key, hand slots to waiters in order, and refuse beyond the waiting room', async () => {
    const slots = new VerificationSlots(2);
    const running = [await slots.acquire('ip:a'), await slots.acquire('ip:a')];
    assert.ok(running.every((r) => r !== null));
    const order: number[] = [];
    const waiting = Array.from({ length: 2 * WAITERS_PER_SLOT }, (_, i) => slots.acquire('ip:a').then((release) => {
      order.push(i);
      return release;
    }));
    assert.equal(await slots.acquire('ip:a'), null, 'the waiting room is full');
    assert.ok(await slots.acquire('ip:b'), 'another key is not affected');
    running[0]!();
    running[0]!(); // a second call releases nothing more
    await new Promise((r) => setImmediate(r));
    assert.deepEqual(order, [0]);
    running[1]!();
    // Each waiter gets a slot when one before it lets go.
    for (const waiter of waiting) (await waiter)!();
    assert.deepEqual(order, Array.from({ length: 2 * WAITERS_PER_SLOT }, (_, i) => i));
  });

  it('hold nothing for a key once its attempts are over', async () => {
    const slots = new VerificationSlots(1);
    const releases = await Promise.all(Array.from({ length: 200 }, (_, i) => slots.acquire(`ip:${i}`)));
    assert.equal(slots.keys, 200);
    releases.forEach((r) => r!());
    assert.equal(slots.keys, 0);
    const first = await slots.acquire('acct:x');
    const second = slots.acquire('acct:x');
    first!();
    (await second)!();
    assert.equal(slots.keys, 0);
  });
});
