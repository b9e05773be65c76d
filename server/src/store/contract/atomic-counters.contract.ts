// atomic() all-or-nothing semantics and counter allocation, including two
// stores and two processes racing for the same counter.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { isStoaError } from '../../errors/catalogue.ts';
import { accountFixture, auditFixture, domainFixture, useHarness, type StoreFactory } from './harness.ts';
import { spawnCounterWorker } from './spawn-worker.ts';

function assertContiguous(values: number[], from: number, count: number): void {
  assert.equal(new Set(values).size, values.length, 'values are unique');
  assert.deepEqual([...values].sort((a, b) => a - b), Array.from({ length: count }, (_, i) => from + i));
}

export function atomicCounterContract(factory: StoreFactory): void {
  describe('atomic()', () => {
    const h = useHarness(factory, { before, after });
    const d = domainFixture('atomic.example');
    before(async () => { await h().store.domains.create(d); });

    it('commits every write of the callback together and returns its result', async () => {
      const s = h().store;
      const a = accountFixture(d, 'committed');
      const result = await s.atomic(async (tx) => {
        await tx.accounts.create(a);
        await tx.audit.append(auditFixture({ objectId: a.id }));
        const first = await tx.counters.next('atomic-ok', 3);
        assert.deepEqual(await tx.accounts.get(a.id), a, 'reads inside see the transaction');
        return first;
      });
      assert.equal(result, 1);
      assert.deepEqual(await s.accounts.get(a.id), a);
      assert.equal(await s.counters.peek('atomic-ok'), 3);
      assert.equal((await s.audit.list({ offset: 0, limit: 1, sort: 'at', order: 'desc', scope: null, objectId: a.id })).total, 1);
    });

    it('keeps nothing when the callback throws', async () => {
      const s = h().store;
      const a = accountFixture(d, 'rolled-back');
      const victim = accountFixture(d, 'victim');
      await s.accounts.create(victim);
      const boom = new Error('boom');
      await assert.rejects(s.atomic(async (tx) => {
        await tx.accounts.create(a);
        await tx.accounts.update(victim.id, { displayName: 'changed' });
        await tx.accounts.delete(victim.id);
        await tx.counters.next('atomic-fail');
        await tx.domains.update(d.id, { description: 'changed' });
        throw boom;
      }), (e) => e === boom);
      assert.equal(await s.accounts.get(a.id), null);
      assert.equal(await s.addresses.resolve(a.address), null);
      assert.deepEqual(await s.accounts.get(victim.id), victim);
      assert.equal(await s.counters.peek('atomic-fail'), 0);
      assert.equal((await s.domains.get(d.id))?.description, '');
    });

    it('rolls back when a store call fails inside and the error propagates', async () => {
      const s = h().store;
      const a = accountFixture(d, 'first-of-two');
      await assert.rejects(s.atomic(async (tx) => {
        await tx.accounts.create(a);
        await tx.accounts.create(accountFixture(d, 'first-of-two'));
      }), (e) => isStoaError(e, 'STOA_ADDRESS_TAKEN'));
      assert.equal(await s.accounts.get(a.id), null);
    });

    it('hides uncommitted writes from readers outside the transaction', async () => {
      const s = h().store;
      const a = accountFixture(d, 'invisible');
      let release!: () => void;
      const gate = new Promise<void>((resolve) => { release = resolve; });
      let inside!: () => void;
      const written = new Promise<void>((resolve) => { inside = resolve; });
      const tx = s.atomic(async (t) => {
        await t.accounts.create(a);
        inside();
        await gate;
      });
      await written;
      assert.equal(await s.accounts.get(a.id), null);
      release();
      await tx;
      assert.deepEqual(await s.accounts.get(a.id), a);
    });

    it('serialises single writes behind an open transaction', async () => {
      const s = h().store;
      const order: string[] = [];
      let release!: () => void;
      const gate = new Promise<void>((resolve) => { release = resolve; });
      const tx = s.atomic(async (t) => {
        await t.counters.next('serial');
        order.push('tx');
        await gate;
      });
      const single = s.counters.next('serial').then((v) => { order.push(`single:${v}`); });
      await new Promise((resolve) => setTimeout(resolve, 20));
      release();
      await Promise.all([tx, single]);
      assert.deepEqual(order, ['tx', 'single:2']);
    });
  });

  describe('counters', () => {
    const h = useHarness(factory, { before, after });

    it('starts at 1, reserves ranges and peeks at the last value', async () => {
      const c = h().store.counters;
      assert.equal(await c.peek('uid'), 0);
      assert.equal(await c.next('uid'), 1);
      assert.equal(await c.next('uid', 10), 2);
      assert.equal(await c.next('uid'), 12);
      assert.equal(await c.peek('uid'), 12);
      assert.equal(await c.peek('other'), 0);
      await assert.rejects(c.next('uid', 0), (e) => isStoaError(e, 'STOA_VALIDATION'));
    });

    it('hands out unique, contiguous values to concurrent callers', async () => {
      const c = h().store.counters;
      const values = await Promise.all(Array.from({ length: 200 }, () => c.next('concurrent')));
      assertContiguous(values, 1, 200);
    });

    it('two stores on the same database racing for one counter get unique, contiguous values', async (t) => {
      const sibling = await h().openSibling?.();
      if (!sibling) return t.skip('this adapter offers no second store on the same database');
      try {
        // Every other allocation holds its transaction open across an await,
        // so the other store really has to wait for the database lock.
        const race = async (s: typeof sibling) => {
          const out: number[] = [];
          for (let i = 0; i < 500; i++) {
            out.push(i % 2 ? await s.counters.next('two-stores') : await s.atomic(async (tx) => {
              const v = await tx.counters.next('two-stores');
              await new Promise((resolve) => setImmediate(resolve));
              return v;
            }));
          }
          return out;
        };
        const [a, b] = await Promise.all([race(h().store), race(sibling)]);
        assertContiguous([...a, ...b], 1, 1000);
        assert.equal(await sibling.counters.peek('two-stores'), 1000);
      } finally {
        await sibling.close();
      }
    });

    it('a second process racing for one counter gets unique, contiguous values', { timeout: 30_000 }, async (t) => {
      const config = h().childConfig;
      if (!config) return t.skip('this adapter offers no configuration for a child process');
      const worker = await spawnCounterWorker(config, 'two-processes', 500);
      const mine = (async () => {
        const out: number[] = [];
        for (let i = 0; i < 500; i++) out.push(await h().store.counters.next('two-processes'));
        return out;
      });
      const [theirs, ours] = await Promise.all([worker.go(), mine()]);
      assertContiguous([...theirs, ...ours], 1, 1000);
      assert.equal(await h().store.counters.peek('two-processes'), 1000);
    });
  });
}
