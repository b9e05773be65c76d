// Many writers at once (an adapter may commit them in groups): every atomic()
// that resolved is committed and durable, a failing one is undone alone, and a
// process killed while writing loses none of the units it reported committed.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { isStoaError } from '../../errors/catalogue.ts';
import type { Store } from '../port.ts';
import { accountFixture, auditFixture, domainFixture, useHarness, type StoreFactory } from './harness.ts';
import { spawnKilledUnitWriter } from './spawn-worker.ts';

async function auditCount(s: Store, objectId: string): Promise<number> {
  return (await s.audit.list({ offset: 0, limit: 1, sort: 'at', order: 'desc', scope: null, objectId })).total;
}

export function concurrentWriteContract(factory: StoreFactory): void {
  describe('concurrent writes', () => {
    const h = useHarness(factory, { before, after });

    it('commits every one of many concurrent atomic() calls and single writes, visible to a fresh store', async () => {
      const s = h().store;
      const d = domainFixture('many.example');
      await s.domains.create(d);
      const accounts = Array.from({ length: 400 }, (_, i) => accountFixture(d, `many-${i}`));
      const values: number[] = [];
      let next = 0;
      await Promise.all(Array.from({ length: 16 }, async () => {
        for (let i = next++; i < accounts.length; i = next++) {
          const a = accounts[i]!;
          values.push(await s.atomic(async (tx) => {
            await tx.accounts.create(a);
            await tx.audit.append(auditFixture({ objectId: a.id }));
            return tx.counters.next('many');
          }));
          await s.counters.next('many-single');
        }
      }));
      assert.deepEqual([...values].sort((a, b) => a - b), Array.from({ length: accounts.length }, (_, i) => i + 1));
      const sibling = await h().openSibling?.();
      const fresh = sibling ?? s;
      try {
        assert.equal(await fresh.accounts.countInDomain(d.id), accounts.length);
        for (const a of accounts) {
          assert.deepEqual(await fresh.accounts.get(a.id), a);
          assert.equal(await auditCount(fresh, a.id), 1);
        }
        assert.equal(await fresh.counters.peek('many'), accounts.length);
        assert.equal(await fresh.counters.peek('many-single'), accounts.length);
      } finally {
        await sibling?.close();
      }
    });

    it('undoes a failing atomic() among concurrent ones alone, and the others never see its writes', async () => {
      const s = h().store;
      const d = domainFixture('isolated.example');
      await s.domains.create(d);
      const taken = accountFixture(d, 'taken');
      await s.accounts.create(taken);
      const doomed = accountFixture(d, 'doomed');
      const boom = new Error('boom');
      const ok = Array.from({ length: 8 }, (_, i) => accountFixture(d, `ok-${i}`));
      const seen: unknown[] = [];
      const calls = Array.from({ length: ok.length + 1 }, (_, i) => i === 3
        ? s.atomic(async (tx) => {
          await tx.accounts.create(doomed);
          await tx.counters.next('isolated');
          throw boom;
        })
        : s.atomic(async (tx) => {
          const a = ok[i < 3 ? i : i - 1]!;
          seen.push(await tx.accounts.get(doomed.id));
          await tx.accounts.create(a);
          // A store call failing inside is undone by itself; the callback goes on.
          if (i === 5) await assert.rejects(tx.accounts.create(accountFixture(d, 'taken')), (e) => isStoaError(e, 'STOA_ADDRESS_TAKEN'));
          await tx.counters.next('isolated');
          return a.id;
        }));
      const outcomes = await Promise.allSettled(calls);
      assert.deepEqual(outcomes[3], { status: 'rejected', reason: boom });
      assert.deepEqual(outcomes.filter((o) => o.status === 'fulfilled').map((o) => o.value), ok.map((a) => a.id));
      assert.deepEqual(seen, ok.map(() => null));
      assert.equal(await s.accounts.get(doomed.id), null);
      assert.equal(await s.addresses.resolve(doomed.address), null);
      for (const a of ok) assert.deepEqual(await s.accounts.get(a.id), a);
      assert.deepEqual(await s.accounts.get(taken.id), taken);
      assert.equal(await s.counters.peek('isolated'), ok.length);
    });

    it('keeps every unit a killed process reported committed, and no half of any unit', { timeout: 60_000 }, async (t) => {
      const config = h().childConfig;
      if (!config) return t.skip('this adapter offers no configuration for a child process');
      const d = domainFixture('killed.example');
      await h().store.domains.create(d);
      const { started, resolved } = await spawnKilledUnitWriter(config, d, 16, 300);
      assert.ok(resolved.length >= 300);
      const sibling = await h().openSibling?.();
      const fresh = sibling ?? h().store;
      try {
        const present = new Set<string>();
        for (const id of started) {
          const account = await fresh.accounts.get(id);
          const audits = await auditCount(fresh, id);
          assert.equal(audits, account ? 1 : 0, `unit ${id} is all or nothing`);
          if (account) present.add(id);
        }
        const lost = resolved.filter((id) => !present.has(id));
        assert.deepEqual(lost, [], 'units reported committed are all present');
        assert.equal(await fresh.accounts.countInDomain(d.id), present.size);
      } finally {
        await sibling?.close();
      }
    });
  });
}
