// App passwords, API credentials, throttling and the audit log.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { isStoaError } from '../../errors/catalogue.ts';
import type { ApiCredential, AppPasswordRecord } from '../port.ts';
import { at, auditFixture, newId, useHarness, type StoreFactory } from './harness.ts';

export function securityContract(factory: StoreFactory): void {
  describe('app passwords', () => {
    const h = useHarness(factory, { before, after });
    const record = (accountId: string, name: string, minute: number): AppPasswordRecord => ({
      id: newId(), accountId, name, secretHash: '$argon2id$v=19$m=65536,t=3,p=1$c2FsdA$aGFzaA', createdAt: at(minute), lastUsedAt: null, lastUsedIp: null,
    });

    it('creates, lists oldest first, touches and deletes app passwords', async () => {
      const s = h().store;
      const acc = newId();
      const phone = record(acc, 'phone', 2);
      const laptop = record(acc, 'laptop', 1);
      await s.appPasswords.create(phone);
      await s.appPasswords.create(laptop);
      await s.appPasswords.create(record(newId(), 'other', 0));
      assert.deepEqual(await s.appPasswords.get(phone.id), phone);
      assert.deepEqual((await s.appPasswords.listForAccount(acc)).map((p) => p.name), ['laptop', 'phone']);
      await s.appPasswords.touch(phone.id, at(10), '198.51.100.7');
      assert.deepEqual(await s.appPasswords.get(phone.id), { ...phone, lastUsedAt: at(10), lastUsedIp: '198.51.100.7' });
      await s.appPasswords.delete(laptop.id);
      assert.equal(await s.appPasswords.get(laptop.id), null);
      await assert.rejects(s.appPasswords.delete(laptop.id), (e) => isStoaError(e, 'STOA_NOT_FOUND'));
      assert.equal(await s.appPasswords.deleteForAccount(acc), 1);
      assert.deepEqual(await s.appPasswords.listForAccount(acc), []);
    });
  });

  describe('API credentials', () => {
    const h = useHarness(factory, { before, after });
    const cred = (accountId: string, kind: ApiCredential['kind'], expiresAt: string | null, minute = 0): ApiCredential => ({
      id: newId(), kind, accountId, name: `${kind}-${minute}`, createdAt: at(minute), expiresAt, lastUsedAt: null,
    });

    it('creates, reads, touches, lists by kind and deletes credentials', async () => {
      const s = h().store;
      const acc = newId();
      const session = cred(acc, 'session', at(60));
      const token1 = cred(acc, 'token', null, 1);
      const token2 = cred(acc, 'token', at(90), 2);
      for (const c of [session, token2, token1]) await s.credentials.create(c);
      assert.deepEqual(await s.credentials.get(session.id), session);
      assert.equal(await s.credentials.get('missing'), null);
      await s.credentials.touch(session.id, at(5));
      assert.equal((await s.credentials.get(session.id))?.lastUsedAt, at(5));
      assert.deepEqual((await s.credentials.listForAccount(acc, 'token')).map((c) => c.id), [token1.id, token2.id]);
      assert.deepEqual((await s.credentials.listForAccount(acc, 'session')).map((c) => c.id), [session.id]);
      await s.credentials.delete(token1.id);
      await assert.rejects(s.credentials.delete(token1.id), (e) => isStoaError(e, 'STOA_NOT_FOUND'));
      assert.equal(await s.credentials.deleteForAccount(acc), 2);
      assert.equal(await s.credentials.get(session.id), null);
    });

    it('deletes expired credentials only', async () => {
      const s = h().store;
      const acc = newId();
      const expired = cred(acc, 'session', at(10));
      const live = cred(acc, 'session', at(30));
      const forever = cred(acc, 'token', null);
      for (const c of [expired, live, forever]) await s.credentials.create(c);
      assert.equal(await s.credentials.deleteExpired(at(20)), 1);
      assert.equal(await s.credentials.get(expired.id), null);
      assert.ok(await s.credentials.get(live.id));
      assert.ok(await s.credentials.get(forever.id));
    });
  });

  describe('throttle', () => {
    const h = useHarness(factory, { before, after });

    it('counts failures, computes the block time, clears and prunes', async () => {
      const t = h().store.throttle;
      assert.equal(await t.get('ip:192.0.2.1'), null);
      const first = await t.recordFailure('ip:192.0.2.1', 1000, (n) => (n < 2 ? 0 : 500 * n));
      assert.deepEqual(first, { key: 'ip:192.0.2.1', failures: 1, lastFailureAt: 1000, blockedUntil: 1000 });
      const second = await t.recordFailure('ip:192.0.2.1', 2000, (n) => (n < 2 ? 0 : 500 * n));
      assert.deepEqual(second, { key: 'ip:192.0.2.1', failures: 2, lastFailureAt: 2000, blockedUntil: 3000 });
      assert.deepEqual(await t.get('ip:192.0.2.1'), second);
      await t.clear('ip:192.0.2.1');
      assert.equal(await t.get('ip:192.0.2.1'), null);
      await t.recordFailure('old', 100, () => 0);
      await t.recordFailure('new', 5000, () => 0);
      assert.equal(await t.prune(1000), 1);
      assert.equal(await t.get('old'), null);
      assert.ok(await t.get('new'));
    });

    it('counts every one of many concurrent failures', async () => {
      const t = h().store.throttle;
      const results = await Promise.all(Array.from({ length: 50 }, (_, i) => t.recordFailure('acct:race', 10_000 + i, () => 0)));
      assert.deepEqual(results.map((r) => r.failures).sort((a, b) => a - b), Array.from({ length: 50 }, (_, i) => i + 1));
      assert.equal((await t.get('acct:race'))?.failures, 50);
    });
  });

  describe('audit log', () => {
    const h = useHarness(factory, { before, after });
    const d1 = newId();
    const d2 = newId();
    const entries = [
      auditFixture({ at: at(1), domainId: d1, actor: 'alice', objectType: 'account', objectId: 'o1', before: { enabled: true }, after: { enabled: false } }),
      auditFixture({ at: at(2), domainId: d2, actor: 'bob', objectType: 'group', objectId: 'o2', action: 'update' }),
      auditFixture({ at: at(3), domainId: null, actor: 'system', objectType: 'domain', objectId: 'o3', after: null }),
      auditFixture({ at: at(4), domainId: d1, actor: 'alice', objectType: 'account', objectId: 'o1', action: 'set-password' }),
    ];
    before(async () => { for (const e of entries) await h().store.audit.append(e); });

    it('lists newest first with before/after snapshots intact, and pages', async () => {
      const page = await h().store.audit.list({ offset: 0, limit: 3, sort: 'at', order: 'desc', scope: null });
      assert.equal(page.total, 4);
      assert.deepEqual(page.items, [entries[3], entries[2], entries[1]]);
      const rest = await h().store.audit.list({ offset: 3, limit: 3, sort: 'at', order: 'desc', scope: null });
      assert.deepEqual(rest.items, [entries[0]]);
      const oldest = await h().store.audit.list({ offset: 0, limit: 1, sort: 'at', order: 'asc', scope: null });
      assert.deepEqual(oldest.items, [entries[0]]);
    });

    it('filters by scope, domain, object, actor and q', async () => {
      const a = h().store.audit;
      const base = { offset: 0, limit: 10, sort: 'at' as const, order: 'desc' as const };
      assert.deepEqual((await a.list({ ...base, scope: [d1] })).items.map((e) => e.id), [entries[3].id, entries[0].id]);
      assert.equal((await a.list({ ...base, scope: [] })).total, 0);
      assert.deepEqual((await a.list({ ...base, scope: null, domainId: d2 })).items.map((e) => e.id), [entries[1].id]);
      assert.deepEqual((await a.list({ ...base, scope: null, objectType: 'account', objectId: 'o1' })).items.map((e) => e.id), [entries[3].id, entries[0].id]);
      assert.deepEqual((await a.list({ ...base, scope: null, actor: 'bob' })).items.map((e) => e.id), [entries[1].id]);
      assert.deepEqual((await a.list({ ...base, scope: null, q: 'SYST' })).items.map((e) => e.id), [entries[2].id]);
    });
  });
}
