// App passwords, API credentials, throttling and the audit log.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { isStoaError } from '../../errors/catalogue.ts';
import type { ApiCredential, AppPasswordRecord, ThrottleRule } from '../port.ts';
import { at, auditFixture, newId, useHarness, type StoreFactory } from './harness.ts';

export function securityContract(factory: StoreFactory): void {
  describe('app passwords', () => {
    const h = useHarness(factory, { before, after });
    const record = (accountId: string, name: string, minute: number): AppPasswordRecord => ({
      id: newId(), accountId, name, secretHash: '$argon2id$v=19$m=65536,t=3,p=1$c2FsdA$aGFzaA', createdAt: at(minute), lastUsedAt: null, lastUsedIp: null, lookup: null,
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

    it('finds an app password by its lookup key within its account only, and sets the key of an old one', async () => {
      const s = h().store;
      const acc = newId();
      const other = newId();
      const phone = { ...record(acc, 'phone', 1), lookup: 'k-phone' };
      const legacy = record(acc, 'legacy', 2);
      await s.appPasswords.create(phone);
      await s.appPasswords.create(legacy);
      await s.appPasswords.create({ ...record(other, 'theirs', 3), lookup: 'k-theirs' });
      assert.deepEqual(await s.appPasswords.findByLookup(acc, 'k-phone'), phone);
      assert.equal(await s.appPasswords.findByLookup(acc, 'k-theirs'), null);
      assert.equal(await s.appPasswords.findByLookup(other, 'k-phone'), null);
      await s.appPasswords.setLookup(legacy.id, 'k-legacy');
      assert.deepEqual(await s.appPasswords.findByLookup(acc, 'k-legacy'), { ...legacy, lookup: 'k-legacy' });
      await assert.rejects(s.appPasswords.setLookup(newId(), 'x'), (e) => isStoaError(e, 'STOA_NOT_FOUND'));
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
    const rule = (key: string, freeFailures: number, extra: Partial<ThrottleRule> = {}): ThrottleRule => ({
      key, freeFailures, baseDelayMs: 1000, maxDelayMs: 8000, windowMs: 3_600_000, ...extra,
    });

    it('counts a reserved attempt on every counter, blocks past the free failures, takes one back, clears and prunes', async () => {
      const t = h().store.throttle;
      const ip = rule('ip:192.0.2.1', 1);
      const acct = rule('acct:a@example.com', 3);
      assert.equal(await t.get(ip.key), null);
      assert.deepEqual(await t.reserve([ip, acct], 1000), { ok: true });
      assert.deepEqual(await t.get(ip.key), { key: ip.key, failures: 1, lastFailureAt: 1000, blockedUntil: 1000 });
      assert.deepEqual(await t.reserve([ip, acct], 1000), { ok: true });
      assert.deepEqual(await t.get(ip.key), { key: ip.key, failures: 2, lastFailureAt: 1000, blockedUntil: 2000 });
      assert.equal((await t.get(acct.key))?.failures, 2);
      // Blocked: refused, and nothing counted anywhere.
      assert.deepEqual(await t.reserve([acct, ip], 1500), { ok: false, key: ip.key, blockedUntil: 2000 });
      assert.equal((await t.get(acct.key))?.failures, 2);
      // The attempt had the right password: its failure is taken back and so is the block it earned.
      await t.release([ip, acct], 1500);
      assert.deepEqual(await t.get(ip.key), { key: ip.key, failures: 1, lastFailureAt: 1000, blockedUntil: 1000 });
      assert.deepEqual(await t.reserve([ip], 1500), { ok: true });
      await t.clear(ip.key);
      assert.equal(await t.get(ip.key), null);
      await t.reserve([rule('old', 5)], 100);
      await t.reserve([rule('new', 5)], 5000);
      assert.equal(await t.prune(1000), 1);
      assert.equal(await t.get('old'), null);
      assert.ok(await t.get('new'));
    });

    it('doubles the block with each further failure up to the maximum, and forgets a counter past its window', async () => {
      const t = h().store.throttle;
      const r = rule('acct:double', 0, { windowMs: 60_000 });
      const blocks: number[] = [];
      let now = 10_000;
      for (let i = 0; i < 6; i++) {
        assert.deepEqual(await t.reserve([r], now), { ok: true });
        const state = (await t.get(r.key))!;
        blocks.push(state.blockedUntil - now);
        now = state.blockedUntil;
      }
      assert.deepEqual(blocks, [1000, 2000, 4000, 8000, 8000, 8000]);
      await t.reserve([r], now + 60_001);
      assert.equal((await t.get(r.key))?.failures, 1);
    });

    it('lets at most freeFailures + 1 of many parallel attempts through, from two stores on one database (issue 16 item 3)', async () => {
      const s = h().store;
      const sibling = await h().openSibling?.();
      try {
        const r = rule('acct:race', 5);
        const stores = [s, sibling ?? s];
        const results = await Promise.all(Array.from({ length: 40 }, (_, i) => stores[i % 2].throttle.reserve([rule('ip:race', 1000), r], 10_000)));
        assert.equal(results.filter((x) => x.ok).length, 6);
        assert.equal((await s.throttle.get(r.key))?.failures, 6);
        assert.ok(results.filter((x) => !x.ok).every((x) => !x.ok && x.key === r.key));
        // The refused attempts took nothing: the IP counter holds the six that passed.
        assert.equal((await s.throttle.get('ip:race'))?.failures, 6);
      } finally {
        await sibling?.close();
      }
    });

    it('remembers the clients an account logged in from, and forgets them', async () => {
      const t = h().store.throttle;
      assert.equal(await t.knownClient('a@example.com', '192.0.2.1', 0), false);
      await t.rememberClient('a@example.com', '192.0.2.1', 5000, 10);
      await t.rememberClient('a@example.com', '192.0.2.1', 4000, 10);
      assert.equal(await t.knownClient('a@example.com', '192.0.2.1', 5000), true);
      assert.equal(await t.knownClient('a@example.com', '192.0.2.1', 5001), false);
      assert.equal(await t.knownClient('a@example.com', '192.0.2.2', 0), false);
      assert.equal(await t.knownClient('b@example.com', '192.0.2.1', 0), false);
      await t.rememberClient('b@example.com', '192.0.2.1', 100, 10);
      assert.equal(await t.pruneClients(1000), 1);
      assert.equal(await t.knownClient('b@example.com', '192.0.2.1', 0), false);
      assert.equal(await t.knownClient('a@example.com', '192.0.2.1', 0), true);
    });

    it('keeps only the most recent clients of an account, whatever the number of addresses it logs in from', async () => {
      const t = h().store.throttle;
      for (let i = 1; i <= 12; i++) await t.rememberClient('many@example.com', `198.51.100.${i}`, 1000 + i, 5);
      await t.rememberClient('other@example.com', '198.51.100.1', 1000, 5);
      const known = [];
      for (let i = 1; i <= 12; i++) if (await t.knownClient('many@example.com', `198.51.100.${i}`, 0)) known.push(i);
      assert.deepEqual(known, [8, 9, 10, 11, 12]);
      assert.equal(await t.knownClient('other@example.com', '198.51.100.1', 0), true, 'other accounts keep theirs');
      // A login from a remembered address refreshes it, so it is not the one to go.
      await t.rememberClient('many@example.com', '198.51.100.8', 2000, 5);
      await t.rememberClient('many@example.com', '198.51.100.13', 2001, 5);
      assert.equal(await t.knownClient('many@example.com', '198.51.100.8', 0), true);
      assert.equal(await t.knownClient('many@example.com', '198.51.100.9', 0), false);
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
