// DKIM keys, greylisting triplets and rate counters (filter-port.ts).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { isStoaError } from '../../errors/catalogue.ts';
import type { DkimKey } from '../filter-port.ts';
import { at, newId, useHarness, type StoreFactory } from './harness.ts';

function keyFixture(domainId: string, selector: string, minute: number, algorithm: DkimKey['algorithm'] = 'rsa-sha256'): DkimKey {
  return {
    id: newId(), domainId, selector, algorithm, createdAt: at(minute), active: true,
    privateKeyPem: `-----BEGIN PRIVATE KEY-----\n${selector}\n-----END PRIVATE KEY-----\n`, publicKey: `MIIB${selector}`,
  };
}

export function filterContract(factory: StoreFactory): void {
  describe('DKIM keys', () => {
    const h = useHarness(factory, { before, after });

    it('keeps one active key per domain and algorithm, the older ones listed inactive', async () => {
      const s = h().store;
      const domainId = newId();
      const first = keyFixture(domainId, 'stoa202601', 1);
      const ed = keyFixture(domainId, 'stoa202601-ed', 2, 'ed25519-sha256');
      const second = keyFixture(domainId, 'stoa202602', 3);
      await s.dkimKeys.insertActive(first);
      await s.dkimKeys.insertActive(ed);
      assert.deepEqual(await s.dkimKeys.active(domainId), [ed, first].sort((a, b) => a.algorithm.localeCompare(b.algorithm)));
      await s.dkimKeys.insertActive(second);
      assert.deepEqual((await s.dkimKeys.active(domainId)).map((k) => k.selector).sort(), ['stoa202601-ed', 'stoa202602']);
      assert.deepEqual((await s.dkimKeys.listForDomain(domainId)).map((k) => [k.selector, k.active]),
        [['stoa202602', true], ['stoa202601-ed', true], ['stoa202601', false]]);
      assert.deepEqual(await s.dkimKeys.active(newId()), []);
    });

    it('refuses a selector already used in the domain and leaves the active key alone', async () => {
      const s = h().store;
      const domainId = newId();
      const key = keyFixture(domainId, 'stoa202601', 1);
      await s.dkimKeys.insertActive(key);
      await assert.rejects(s.dkimKeys.insertActive(keyFixture(domainId, 'stoa202601', 2)), (e) => isStoaError(e, 'STOA_CONFLICT'));
      assert.deepEqual((await s.dkimKeys.active(domainId)).map((k) => k.id), [key.id]);
      // The same selector in another domain is fine.
      await s.dkimKeys.insertActive(keyFixture(newId(), 'stoa202601', 1));
      assert.equal(await s.dkimKeys.deleteForDomain(domainId), 1);
      assert.deepEqual(await s.dkimKeys.listForDomain(domainId), []);
    });
  });

  describe('greylisting triplets', () => {
    const h = useHarness(factory, { before, after });

    it('records the first sighting, keeps it on retries, and counts passes per network', async () => {
      const s = h().store;
      const net = `192.0.2.${Math.floor(Math.random() * 200)}/32-${newId()}`;
      const a = await s.greylist.seen(`${net}|a`, net, 1000);
      assert.deepEqual(a, { key: `${net}|a`, network: net, firstSeenAt: 1000, lastSeenAt: 1000, passedAt: null });
      const again = await s.greylist.seen(`${net}|a`, net, 5000);
      assert.deepEqual(again, { ...a, lastSeenAt: 5000 });
      await s.greylist.pass(`${net}|a`, 6000);
      await s.greylist.pass(`${net}|a`, 7000);
      assert.equal((await s.greylist.seen(`${net}|a`, net, 8000)).passedAt, 6000);
      await s.greylist.seen(`${net}|b`, net, 8000);
      assert.equal(await s.greylist.passedFromNetwork(net, 0), 1);
      await s.greylist.pass(`${net}|b`, 9000);
      assert.equal(await s.greylist.passedFromNetwork(net, 0), 2);
      assert.equal(await s.greylist.passedFromNetwork(net, 8500), 1);
    });

    it('prunes unretried triplets and old passed ones', async () => {
      const s = h().store;
      const net = `pr-${newId()}`;
      await s.greylist.seen(`${net}|pending`, net, 100);
      await s.greylist.seen(`${net}|passed`, net, 100);
      await s.greylist.pass(`${net}|passed`, 200);
      await s.greylist.seen(`${net}|fresh`, net, 10_000);
      assert.ok(await s.greylist.prune(150, 150) >= 1);
      assert.equal(await s.greylist.passedFromNetwork(net, 0), 1);
      assert.ok(await s.greylist.prune(150, 300) >= 1);
      assert.equal(await s.greylist.passedFromNetwork(net, 0), 0);
      assert.equal((await s.greylist.seen(`${net}|fresh`, net, 10_001)).firstSeenAt, 10_000);
    });
  });

  describe('rate counters', () => {
    const h = useHarness(factory, { before, after });

    it('counts concurrent additions exactly, per key and window, and prunes old windows', async () => {
      const s = h().store;
      const key = `submit:${newId()}`;
      await Promise.all(Array.from({ length: 20 }, () => s.rateCounters.add(key, 3_600_000)));
      assert.equal(await s.rateCounters.get(key, 3_600_000), 20);
      assert.equal(await s.rateCounters.add(key, 3_600_000, 5), 25);
      assert.equal(await s.rateCounters.add(key, 7_200_000), 1);
      assert.equal(await s.rateCounters.get(`${key}x`, 3_600_000), 0);
      assert.ok(await s.rateCounters.prune(7_200_000) >= 1);
      assert.equal(await s.rateCounters.get(key, 3_600_000), 0);
      assert.equal(await s.rateCounters.get(key, 7_200_000), 1);
    });
  });
}
