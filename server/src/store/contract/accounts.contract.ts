// AccountStore contract: CRUD, lookups, listing with every filter and sort,
// counts and the all-or-nothing bulk insert.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { isStoaError } from '../../errors/catalogue.ts';
import type { AccountRecord } from '../port.ts';
import { accountFixture, at, domainFixture, useHarness, type StoreFactory } from './harness.ts';

export function accountContract(factory: StoreFactory): void {
  describe('accounts', () => {
    const h = useHarness(factory, { before, after });
    const d1 = domainFixture('one.example');
    const d2 = domainFixture('two.example');
    before(async () => {
      await h().store.domains.create(d1);
      await h().store.domains.create(d2);
    });

    it('creates an account with every field and reads it by id and address', async () => {
      const a = accountFixture(d1, 'full', {
        displayName: 'Full Fields', role: 'domain-admin', adminDomainIds: [d1.id, d2.id], quotaBytes: 5_000_000,
        quotaMessages: 300, forwardTo: ['x@example.net', 'y@example.net'], keepForwardedCopy: true,
        passwordHash: '$argon2id$v=19$m=65536,t=3,p=1$c2FsdA$aGFzaA', passwordSetAt: at(1),
      });
      await h().store.accounts.create(a);
      assert.deepEqual(await h().store.accounts.get(a.id), a);
      assert.deepEqual(await h().store.accounts.getByAddress('full@one.example'), a);
      assert.equal(await h().store.accounts.get('missing'), null);
      assert.equal(await h().store.accounts.getByAddress('missing@one.example'), null);
    });

    it('keeps operator accounts without a domain', async () => {
      const op = accountFixture(null, 'operator', { role: 'server-admin' });
      await h().store.accounts.create(op);
      assert.deepEqual(await h().store.accounts.getByAddress('operator'), op);
    });

    it('updates fields, leaves the others alone, and reports a missing id', async () => {
      const a = accountFixture(d1, 'upd');
      await h().store.accounts.create(a);
      const u = await h().store.accounts.update(a.id, { displayName: 'Updated', enabled: false, forwardTo: ['f@example.net'], passwordHash: null, updatedAt: at(9) });
      assert.deepEqual(u, { ...a, displayName: 'Updated', enabled: false, forwardTo: ['f@example.net'], passwordHash: null, updatedAt: at(9) });
      assert.deepEqual(await h().store.accounts.get(a.id), u);
      await assert.rejects(h().store.accounts.update('missing', { enabled: true }), (e) => isStoaError(e, 'STOA_NOT_FOUND'));
    });

    it('deletes an account and reports a missing id', async () => {
      const a = accountFixture(d1, 'del');
      await h().store.accounts.create(a);
      await h().store.accounts.delete(a.id);
      assert.equal(await h().store.accounts.get(a.id), null);
      await assert.rejects(h().store.accounts.delete(a.id), (e) => isStoaError(e, 'STOA_NOT_FOUND'));
    });

    it('counts accounts by role and by domain', async () => {
      const d = domainFixture('count.example');
      await h().store.domains.create(d);
      const before = { admins: await h().store.accounts.countByRole('server-admin', true), all: await h().store.accounts.countByRole('server-admin', false) };
      await h().store.accounts.create(accountFixture(d, 'c1', { role: 'server-admin' }));
      await h().store.accounts.create(accountFixture(d, 'c2', { role: 'server-admin', enabled: false }));
      await h().store.accounts.create(accountFixture(d, 'c3'));
      assert.equal(await h().store.accounts.countByRole('server-admin', true), before.admins + 1);
      assert.equal(await h().store.accounts.countByRole('server-admin', false), before.all + 2);
      assert.equal(await h().store.accounts.countInDomain(d.id), 3);
    });

    it('bulk-inserts all or nothing', async () => {
      const d = domainFixture('bulk.example');
      await h().store.domains.create(d);
      const batch = Array.from({ length: 1200 }, (_, i) => accountFixture(d, `bulk${i}`));
      await h().store.accounts.createMany(batch);
      assert.equal(await h().store.accounts.countInDomain(d.id), 1200);
      const found = await h().store.accounts.list({ offset: 0, limit: 5, q: 'bulk119', sort: 'address', order: 'asc', scope: [d.id] });
      assert.deepEqual(found.items.map((a) => a.address), ['bulk1190@bulk.example', 'bulk1191@bulk.example', 'bulk1192@bulk.example', 'bulk1193@bulk.example', 'bulk1194@bulk.example']);
      assert.equal(found.total, 11);
      const clash = [accountFixture(d, 'fresh1'), accountFixture(d, 'bulk5'), accountFixture(d, 'fresh2')];
      await assert.rejects(h().store.accounts.createMany(clash), (e) => isStoaError(e, 'STOA_ADDRESS_TAKEN'));
      assert.equal(await h().store.accounts.getByAddress('fresh1@bulk.example'), null);
      assert.equal(await h().store.addresses.resolve('fresh1@bulk.example'), null);
      const big = [...Array.from({ length: 1100 }, (_, i) => accountFixture(d, `big${i}`)), accountFixture(d, 'bulk7')];
      await assert.rejects(h().store.accounts.createMany(big), (e) => isStoaError(e, 'STOA_ADDRESS_TAKEN'));
      assert.equal(await h().store.accounts.countInDomain(d.id), 1200);
      const search = await h().store.accounts.list({ offset: 0, limit: 5, q: 'big10', sort: 'address', order: 'asc', scope: null });
      assert.equal(search.total, 0);
    });

    describe('listing', () => {
      const d = domainFixture('list.example');
      const other = domainFixture('other-list.example');
      const made: AccountRecord[] = [];
      before(async () => {
        const s = h().store;
        await s.domains.create(d);
        await s.domains.create(other);
        const names = ['delta', 'Alpha', 'charlie', 'Bravo', 'echo', 'alpha'];
        for (const [i, name] of names.entries()) {
          const a = accountFixture(i % 2 ? other : d, `user${i}`, {
            displayName: name, createdAt: at(50 - i), quotaBytes: (i % 3) * 100, enabled: i !== 4,
            role: i === 5 ? 'domain-admin' : 'user',
          });
          await s.accounts.create(a);
          made.push(a);
        }
      });
      const ids = (items: AccountRecord[]) => items.map((a) => a.address.split('@')[0]);
      const scope = () => [d.id, other.id];

      it('sorts by display name case-insensitively with a stable tie-break on id', async () => {
        const page = await h().store.accounts.list({ offset: 0, limit: 10, sort: 'displayName', order: 'asc', scope: scope() });
        const names = page.items.map((a) => a.displayName.toLowerCase());
        assert.deepEqual(names, ['alpha', 'alpha', 'bravo', 'charlie', 'delta', 'echo']);
        const alphas = page.items.slice(0, 2).map((a) => a.id);
        assert.deepEqual(alphas, [...alphas].sort());
        const desc = await h().store.accounts.list({ offset: 0, limit: 10, sort: 'displayName', order: 'desc', scope: scope() });
        assert.deepEqual(desc.items.map((a) => a.id), page.items.map((a) => a.id).reverse());
      });

      it('sorts by address, creation time and quota', async () => {
        const byAddress = await h().store.accounts.list({ offset: 0, limit: 10, sort: 'address', order: 'asc', scope: [d.id] });
        assert.deepEqual(ids(byAddress.items), ['user0', 'user2', 'user4']);
        const byCreated = await h().store.accounts.list({ offset: 0, limit: 10, sort: 'createdAt', order: 'asc', scope: scope() });
        assert.deepEqual(ids(byCreated.items), ['user5', 'user4', 'user3', 'user2', 'user1', 'user0']);
        const byQuota = await h().store.accounts.list({ offset: 0, limit: 10, sort: 'quotaBytes', order: 'desc', scope: scope() });
        assert.deepEqual(byQuota.items.map((a) => a.quotaBytes), [200, 200, 100, 100, 0, 0]);
      });

      it('pages with offset and limit and reports the total', async () => {
        const p1 = await h().store.accounts.list({ offset: 0, limit: 4, sort: 'createdAt', order: 'desc', scope: scope() });
        const p2 = await h().store.accounts.list({ offset: 4, limit: 4, sort: 'createdAt', order: 'desc', scope: scope() });
        assert.equal(p1.total, 6);
        assert.equal(p2.total, 6);
        assert.deepEqual([...ids(p1.items), ...ids(p2.items)], ['user0', 'user1', 'user2', 'user3', 'user4', 'user5']);
        const beyond = await h().store.accounts.list({ offset: 10, limit: 4, sort: 'createdAt', order: 'desc', scope: scope() });
        assert.deepEqual(beyond.items, []);
        assert.equal(beyond.total, 6);
      });

      it('filters by q on address or display name, case-insensitively, for short and long terms', async () => {
        const short = await h().store.accounts.list({ offset: 0, limit: 10, q: 'AL', sort: 'address', order: 'asc', scope: scope() });
        assert.deepEqual(ids(short.items), ['user1', 'user5']);
        const long = await h().store.accounts.list({ offset: 0, limit: 10, q: 'ALPHA', sort: 'address', order: 'asc', scope: scope() });
        assert.deepEqual(ids(long.items), ['user1', 'user5']);
        const byAddress = await h().store.accounts.list({ offset: 0, limit: 10, q: 'USER3@OTHER', sort: 'address', order: 'asc', scope: scope() });
        assert.deepEqual(ids(byAddress.items), ['user3']);
        const literal = await h().store.accounts.list({ offset: 0, limit: 10, q: '%', sort: 'address', order: 'asc', scope: scope() });
        assert.equal(literal.total, 0);
        const quote = await h().store.accounts.list({ offset: 0, limit: 10, q: '"al"pha', sort: 'address', order: 'asc', scope: scope() });
        assert.equal(quote.total, 0);
      });

      it('filters by scope, domain, enabled and role', async () => {
        const scoped = await h().store.accounts.list({ offset: 0, limit: 10, sort: 'address', order: 'asc', scope: [other.id] });
        assert.deepEqual(ids(scoped.items), ['user1', 'user3', 'user5']);
        const none = await h().store.accounts.list({ offset: 0, limit: 10, sort: 'address', order: 'asc', scope: [] });
        assert.equal(none.total, 0);
        const outside = await h().store.accounts.list({ offset: 0, limit: 10, sort: 'address', order: 'asc', scope: [other.id], domainId: d.id });
        assert.equal(outside.total, 0);
        const inDomain = await h().store.accounts.list({ offset: 0, limit: 10, sort: 'address', order: 'asc', scope: null, domainId: d.id });
        assert.deepEqual(ids(inDomain.items), ['user0', 'user2', 'user4']);
        const disabled = await h().store.accounts.list({ offset: 0, limit: 10, sort: 'address', order: 'asc', scope: scope(), enabled: false });
        assert.deepEqual(ids(disabled.items), ['user4']);
        const admins = await h().store.accounts.list({ offset: 0, limit: 10, sort: 'address', order: 'asc', scope: scope(), role: 'domain-admin' });
        assert.deepEqual(ids(admins.items), ['user5']);
      });
    });
  });
}
