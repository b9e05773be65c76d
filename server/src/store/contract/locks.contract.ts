// Leases (LockStore): one holder at a time across store handles (as across
// nodes), expiry hands a dead holder's lock over, only the holder renews or
// releases.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { newId, useHarness, type StoreFactory } from './harness.ts';

export function lockContract(factory: StoreFactory): void {
  describe('locks', () => {
    const h = useHarness(factory, { before, after });
    const T = 1_800_000_000_000;

    it('gives a free lock to the first owner and refuses a second one', async () => {
      const { locks } = h().store;
      const key = `lock-${newId()}`;
      assert.equal(await locks.acquire(key, 'a', 60_000, T), true);
      assert.equal(await locks.acquire(key, 'b', 60_000, T + 1), false);
      // Re-acquiring your own lock extends it.
      assert.equal(await locks.acquire(key, 'a', 60_000, T + 2), true);
    });

    it('hands an expired lock to the next owner, and the old owner can no longer renew it', async () => {
      const { locks } = h().store;
      const key = `lock-${newId()}`;
      assert.equal(await locks.acquire(key, 'a', 1000, T), true);
      assert.equal(await locks.acquire(key, 'b', 1000, T + 999), false);
      assert.equal(await locks.acquire(key, 'b', 1000, T + 1000), true);
      assert.equal(await locks.renew(key, 'a', 1000, T + 1001), false);
      assert.equal(await locks.renew(key, 'b', 1000, T + 1001), true);
      assert.equal(await locks.acquire(key, 'a', 1000, T + 1500), false, 'the renewal moved the expiry');
    });

    it('releases only for the holder', async () => {
      const { locks } = h().store;
      const key = `lock-${newId()}`;
      assert.equal(await locks.acquire(key, 'a', 60_000, T), true);
      await locks.release(key, 'b');
      assert.equal(await locks.acquire(key, 'b', 60_000, T), false);
      await locks.release(key, 'a');
      assert.equal(await locks.renew(key, 'a', 60_000, T), false);
      assert.equal(await locks.acquire(key, 'b', 60_000, T), true);
    });

    it('lets exactly one of many racing owners win', async () => {
      const { locks } = h().store;
      const key = `lock-${newId()}`;
      const wins = await Promise.all(Array.from({ length: 12 }, (_, i) => locks.acquire(key, `owner-${i}`, 60_000, T)));
      assert.equal(wins.filter(Boolean).length, 1);
    });

    it('is shared by a second store handle on the same data (another node)', async (t) => {
      const harness = h();
      if (!harness.openSibling) return t.skip('this adapter cannot open a second handle');
      const other = await harness.openSibling();
      try {
        const key = `lock-${newId()}`;
        assert.equal(await harness.store.locks.acquire(key, 'node-1', 60_000, T), true);
        assert.equal(await other.locks.acquire(key, 'node-2', 60_000, T), false);
      } finally {
        await other.close();
      }
    });
  });
}
