// Sieve scripts and vacation memory (sieve-port.ts): one active script per
// owner, renames and deletes, owners kept apart, atomic vacation claims.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { isStoaError } from '../../errors/catalogue.ts';
import { domainScriptOwner } from '../sieve-port.ts';
import { at, newId, useHarness, type StoreFactory } from './harness.ts';

export function sieveContract(factory: StoreFactory): void {
  describe('Sieve scripts', () => {
    const h = useHarness(factory, { before, after });

    it('stores scripts per owner, replaces content and keeps the active flag', async () => {
      const s = h().store.sieveScripts;
      const owner = newId();
      const created = await s.put(owner, 'rules', 'keep;', at(1));
      assert.deepEqual(created, { ownerId: owner, name: 'rules', content: 'keep;', active: false, createdAt: at(1), updatedAt: at(1) });
      await s.setActive(owner, 'rules', at(2));
      const replaced = await s.put(owner, 'rules', 'discard;', at(3));
      assert.equal(replaced.content, 'discard;');
      assert.equal(replaced.active, true);
      assert.equal(replaced.createdAt, at(1));
      assert.equal(replaced.updatedAt, at(3));
      // Names are compared octet for octet (RFC 5804 §1.6).
      await s.put(owner, 'Rules', 'keep;', at(4));
      assert.deepEqual((await s.list(owner)).map((r) => r.name), ['Rules', 'rules']);
      assert.equal(await s.count(owner), 2);
      assert.deepEqual(await s.list(newId()), []);
      assert.equal(await s.get(owner, 'missing'), null);
    });

    it('keeps exactly one active script, or none', async () => {
      const s = h().store.sieveScripts;
      const owner = newId();
      await s.put(owner, 'a', 'keep;', at(1));
      await s.put(owner, 'b', 'keep;', at(1));
      assert.equal(await s.getActive(owner), null);
      await s.setActive(owner, 'a', at(2));
      await s.setActive(owner, 'b', at(3));
      assert.equal((await s.getActive(owner))?.name, 'b');
      assert.deepEqual((await s.list(owner)).map((r) => r.active), [false, true]);
      await assert.rejects(s.setActive(owner, 'missing', at(4)), (e) => isStoaError(e, 'STOA_NOT_FOUND'));
      assert.equal((await s.getActive(owner))?.name, 'b', 'a failed activation changes nothing');
      await s.setActive(owner, null, at(5));
      assert.equal(await s.getActive(owner), null);
    });

    it('renames with the active flag, refusing a taken name', async () => {
      const s = h().store.sieveScripts;
      const owner = newId();
      await s.put(owner, 'a', 'keep;', at(1));
      await s.put(owner, 'b', 'discard;', at(1));
      await s.setActive(owner, 'a', at(2));
      await assert.rejects(s.rename(owner, 'a', 'b', at(3)), (e) => isStoaError(e, 'STOA_CONFLICT'));
      await assert.rejects(s.rename(owner, 'zzz', 'c', at(3)), (e) => isStoaError(e, 'STOA_NOT_FOUND'));
      await s.rename(owner, 'a', 'c', at(4));
      assert.equal((await s.getActive(owner))?.name, 'c');
      assert.equal((await s.get(owner, 'c'))?.content, 'keep;');
    });

    it('deletes one script or all of an owner, leaving other owners alone', async () => {
      const s = h().store.sieveScripts;
      const owner = newId();
      const domain = domainScriptOwner(newId());
      await s.put(owner, 'a', 'keep;', at(1));
      await s.put(owner, 'b', 'keep;', at(1));
      await s.put(domain, 'a', 'stop;', at(1));
      assert.equal(await s.delete(owner, 'a'), true);
      assert.equal(await s.delete(owner, 'a'), false);
      assert.equal(await s.deleteOwner(owner), 1);
      assert.equal(await s.count(owner), 0);
      assert.equal((await s.get(domain, 'a'))?.content, 'stop;');
    });

    it('keeps a domain\'s policy until the domain goes', async () => {
      const s = h().store.sieveScripts;
      const domainId = newId();
      assert.deepEqual(await s.getDomainSettings(domainId), { allowExternalRedirect: null });
      await s.setDomainSettings(domainId, { allowExternalRedirect: false }, at(1));
      assert.deepEqual(await s.getDomainSettings(domainId), { allowExternalRedirect: false });
      await s.setDomainSettings(domainId, { allowExternalRedirect: true }, at(2));
      assert.deepEqual(await s.getDomainSettings(domainId), { allowExternalRedirect: true });
      await s.deleteOwner(domainScriptOwner(domainId));
      assert.deepEqual(await s.getDomainSettings(domainId), { allowExternalRedirect: null });
    });

    it('rolls a script change back with the transaction around it', async () => {
      const store = h().store;
      const owner = newId();
      await assert.rejects(store.atomic(async (tx) => {
        await tx.sieveScripts.put(owner, 'a', 'keep;', at(1));
        await tx.sieveScripts.setActive(owner, 'a', at(1));
        throw new Error('abort');
      }), /abort/);
      assert.equal(await store.sieveScripts.count(owner), 0);
    });
  });

  describe('vacation memory', () => {
    const h = useHarness(factory, { before, after });
    const DAY = 86_400_000;
    const T = 1_800_000_000_000;

    it('answers once per period and again after it', async () => {
      const m = h().store.sieveVacation;
      const key = `k-${newId()}`;
      assert.equal(await m.claim(key, T, 7 * DAY), true);
      assert.equal(await m.claim(key, T + DAY, 7 * DAY), false);
      assert.equal(await m.claim(key, T + 7 * DAY - 1, 7 * DAY), false);
      assert.equal(await m.claim(key, T + 7 * DAY, 7 * DAY), true);
      assert.equal(await m.claim(key, T + 8 * DAY, 7 * DAY), false, 'the period restarts at the last reply');
      assert.equal(await m.claim(`other-${newId()}`, T + DAY, 7 * DAY), true, 'other senders are independent');
    });

    it('lets one of many racing claims win', async () => {
      const m = h().store.sieveVacation;
      const key = `race-${newId()}`;
      const results = await Promise.all(Array.from({ length: 8 }, () => m.claim(key, T, DAY)));
      assert.equal(results.filter(Boolean).length, 1);
    });

    it('prunes entries whose period is over', async () => {
      const m = h().store.sieveVacation;
      const key = `prune-${newId()}`;
      await m.claim(key, T, DAY);
      assert.ok(await m.prune(T + 2 * DAY) >= 1);
      assert.equal(await m.claim(key, T + 2 * DAY - 1000, 7 * DAY), true, 'a pruned entry no longer blocks');
    });
  });
}
