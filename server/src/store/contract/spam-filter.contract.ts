// The spam filter's state (filter-port.ts): classifier counts per scope,
// stored verdicts and the quarantine, the same on every adapter.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { QuarantineEntry, StoredVerdict } from '../filter-port.ts';
import { newId, useHarness, type StoreFactory } from './harness.ts';

function verdict(extra: Partial<StoredVerdict> = {}): StoredVerdict {
  return {
    id: newId(), at: 1000, direction: 'inbound', ip: '192.0.2.1', helo: 'mx.example.org', sender: 'a@example.org', recipients: ['b@local.test'],
    domainIds: ['d1'], accountIds: ['acc1'], messageId: '<m1@example.org>', subject: 'Hi', score: 7.5, action: 'junk', reason: 'spam',
    rules: [{ rule: 'GTUBE', score: 1000, detail: 'x' }], checks: [{ check: 'gtube', stage: 'data', ms: 0.2, outcome: 'ok' }], ...extra,
  };
}

function entry(blobId: string, extra: Partial<QuarantineEntry> = {}): QuarantineEntry {
  return {
    id: newId(), blobId, size: 10, heldAt: 1000, expiresAt: 5000, direction: 'inbound', sender: 'a@example.org',
    recipients: [{ address: 'b@local.test', accountId: 'acc1' }], domainIds: ['d1'], accountIds: ['acc1'], subject: 'Invoice', from: 'a@example.org',
    reason: 'antivirus: Test.EICAR', verdictId: null, score: 0, status: 'held', resolvedAt: null, resolvedBy: null, digested: false, ...extra,
  };
}

export function spamFilterContract(factory: StoreFactory): void {
  describe('classifier counts', () => {
    const h = useHarness(factory, { before, after });

    it('counts tokens per scope, sums scopes, ignores a repeated training and moves a retrained message', async () => {
      const s = h().store;
      const user = `user:${newId()}`;
      const domain = `domain:${newId()}`;
      assert.equal(await s.bayes.learn(user, 'k1', 'spam', ['t1', 't2', 't2'], 1), 'learned');
      assert.equal(await s.bayes.learn(user, 'k1', 'spam', ['t1', 't2'], 2), 'unchanged');
      assert.equal(await s.bayes.learn(domain, 'k2', 'ham', ['t2', 't3'], 3), 'learned');
      assert.deepEqual(await s.bayes.totals([user]), { spam: 1, ham: 0 });
      assert.deepEqual(await s.bayes.totals([user, domain]), { spam: 1, ham: 1 });
      const counts = await s.bayes.counts([user, domain], ['t1', 't2', 't3', 'never']);
      assert.deepEqual(Object.fromEntries(counts), { t1: { spam: 1, ham: 0 }, t2: { spam: 1, ham: 1 }, t3: { spam: 0, ham: 1 } });
      // Taken out of Junk: the spam counts move to ham.
      assert.equal(await s.bayes.learn(user, 'k1', 'ham', ['t1', 't2'], 4), 'moved');
      assert.deepEqual(await s.bayes.totals([user]), { spam: 0, ham: 1 });
      assert.deepEqual((await s.bayes.counts([user], ['t1'])).get('t1'), { spam: 0, ham: 1 });
      assert.equal(await s.bayes.forget(user, 'k1', ['t1', 't2']), true);
      assert.equal(await s.bayes.forget(user, 'k1', ['t1', 't2']), false);
      assert.deepEqual(await s.bayes.totals([user]), { spam: 0, ham: 0 });
      assert.equal((await s.bayes.counts([user], ['t1', 't2'])).size, 0);
    });

    it('trains concurrently without losing counts', async () => {
      const s = h().store;
      const scope = `global-${newId()}`;
      await Promise.all(Array.from({ length: 20 }, (_, i) => s.bayes.learn(scope, `k${i}`, i % 2 ? 'spam' : 'ham', ['shared', `own${i}`], i)));
      assert.deepEqual(await s.bayes.totals([scope]), { spam: 10, ham: 10 });
      assert.deepEqual((await s.bayes.counts([scope], ['shared'])).get('shared'), { spam: 10, ham: 10 });
    });
  });

  describe('stored verdicts', () => {
    const h = useHarness(factory, { before, after });

    it('stores several at once, finds by Message-ID and scope, newest first, and prunes old ones', async () => {
      const s = h().store;
      const mine = verdict({ at: 2000, domainIds: ['dA'], accountIds: ['u1'], messageId: '<x@y>' });
      const theirs = verdict({ at: 3000, domainIds: ['dB'], accountIds: ['u2'], sender: 'z@example.org' });
      const old = verdict({ at: 10, domainIds: ['dA'], accountIds: ['u1'] });
      await s.verdicts.insert([]);
      await s.verdicts.insert([mine, theirs]);
      // One already stored does not cost the others of its batch.
      await s.verdicts.insert([{ ...mine, score: 0 }, old]);
      assert.deepEqual(await s.verdicts.get(theirs.id), theirs);
      assert.equal((await s.verdicts.get(mine.id))?.score, mine.score, 'the stored one is kept');
      assert.deepEqual(await s.verdicts.get(mine.id), mine);
      assert.equal(await s.verdicts.get(newId()), null);
      assert.deepEqual((await s.verdicts.list({ domainIds: ['dA'] }, 0, 10)).items.map((v) => v.id), [mine.id, old.id]);
      assert.deepEqual((await s.verdicts.list({ domainIds: null, messageId: '<x@y>' }, 0, 10)).items.map((v) => v.id), [mine.id]);
      assert.deepEqual((await s.verdicts.list({ domainIds: null, accountId: 'u2' }, 0, 10)).items.map((v) => v.id), [theirs.id]);
      assert.equal((await s.verdicts.list({ domainIds: [] }, 0, 10)).total, 0);
      assert.ok(await s.verdicts.prune(100) >= 1);
      assert.equal(await s.verdicts.get(old.id), null);
    });
  });

  describe('quarantine', () => {
    const h = useHarness(factory, { before, after });

    it('holds entries with their blob reference, lists them by scope, and resolves each once', async () => {
      const s = h().store;
      const blob = await s.blobs.write(Buffer.from(`held message ${newId()}`));
      const a = entry(blob.id, { heldAt: 1000, domainIds: ['dA'], accountIds: ['u1'] });
      const b = entry(blob.id, { heldAt: 2000, domainIds: ['dB'], accountIds: ['u2'], expiresAt: 100 });
      await s.atomic(async (tx) => {
        await tx.blobRefs.register(blob, 2);
        await tx.quarantine.insert(a);
        await tx.quarantine.insert(b);
      });
      assert.equal((await s.blobs.stat(blob.id))?.refs, 2);
      assert.deepEqual(await s.quarantine.get(a.id), a);
      assert.deepEqual((await s.quarantine.list({ domainIds: ['dA', 'dB'] }, 0, 10)).items.map((e) => e.id), [b.id, a.id]);
      assert.deepEqual((await s.quarantine.list({ domainIds: null, accountId: 'u1' }, 0, 10)).items.map((e) => e.id), [a.id]);
      assert.deepEqual((await s.quarantine.expired(1000, 10)).map((e) => e.id), [b.id]);
      assert.deepEqual((await s.quarantine.undigested(10)).map((e) => e.id).sort(), [a.id, b.id].sort());
      await s.quarantine.markDigested([a.id]);
      assert.deepEqual((await s.quarantine.undigested(10)).map((e) => e.id), [b.id]);
      const released = await s.atomic(async (tx) => {
        const r = await tx.quarantine.resolve(a.id, 'released', 5000, 'admin@x');
        await tx.blobRefs.ref(blob.id, -1);
        return r;
      });
      assert.deepEqual([released?.status, released?.resolvedAt, released?.resolvedBy], ['released', 5000, 'admin@x']);
      assert.equal(await s.quarantine.resolve(a.id, 'deleted', 6000, 'other'), null, 'already resolved');
      assert.equal((await s.quarantine.list({ domainIds: null, status: 'held' }, 0, 10)).items.some((e) => e.id === a.id), false);
      assert.equal((await s.blobs.stat(blob.id))?.refs, 1);
    });

    it('a failed transaction leaves no entry and no reference', async () => {
      const s = h().store;
      const blob = await s.blobs.write(Buffer.from(`rolled back ${newId()}`));
      const e = entry(blob.id);
      await assert.rejects(s.atomic(async (tx) => {
        await tx.blobRefs.register(blob, 1);
        await tx.quarantine.insert(e);
        throw new Error('crash before commit');
      }));
      assert.equal(await s.quarantine.get(e.id), null);
      assert.equal((await s.blobs.stat(blob.id))?.refs ?? 0, 0);
    });
  });
}
