// DomainStore contract: CRUD, listing, alias domains and the delete guards.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { isStoaError } from '../../errors/catalogue.ts';
import { accountFixture, aliasFixture, at, domainFixture, groupFixture, resourceFixture, useHarness, type StoreFactory } from './harness.ts';

export function domainContract(factory: StoreFactory): void {
  describe('domains', () => {
    const h = useHarness(factory, { before, after });

    it('creates a domain and reads it back by id and by name', async () => {
      const d = domainFixture('read.example', { description: 'Read me', defaultQuotaBytes: 1024 });
      await h().store.domains.create(d);
      assert.deepEqual(await h().store.domains.get(d.id), d);
      assert.deepEqual(await h().store.domains.getByName('read.example'), d);
      assert.equal(await h().store.domains.get('missing'), null);
      assert.equal(await h().store.domains.getByName('missing.example'), null);
    });

    it('refuses a second domain with the same name', async () => {
      await h().store.domains.create(domainFixture('twice.example'));
      await assert.rejects(h().store.domains.create(domainFixture('twice.example')), (e) => isStoaError(e, 'STOA_DOMAIN_EXISTS'));
    });

    it('updates the mutable fields and reports a missing id', async () => {
      const d = domainFixture('update.example');
      await h().store.domains.create(d);
      const updated = await h().store.domains.update(d.id, { enabled: false, description: 'off', updatedAt: at(5) });
      assert.equal(updated.enabled, false);
      assert.equal(updated.description, 'off');
      assert.equal(updated.updatedAt, at(5));
      assert.equal(updated.name, 'update.example');
      assert.deepEqual(await h().store.domains.get(d.id), updated);
      await assert.rejects(h().store.domains.update('missing', { enabled: true }), (e) => isStoaError(e, 'STOA_NOT_FOUND'));
    });

    it('lists alias domains of a target and refuses to delete the target while they exist', async () => {
      const target = domainFixture('target.example');
      await h().store.domains.create(target);
      const alias = domainFixture('alias-of-target.example', { aliasOf: target.id });
      await h().store.domains.create(alias);
      assert.deepEqual((await h().store.domains.aliasesOf(target.id)).map((d) => d.id), [alias.id]);
      await assert.rejects(h().store.domains.delete(target.id), (e) => isStoaError(e, 'STOA_DOMAIN_HAS_ALIASES'));
      await h().store.domains.delete(alias.id);
      await h().store.domains.delete(target.id);
      assert.equal(await h().store.domains.get(target.id), null);
    });

    it('refuses to delete a domain that still holds accounts, groups, aliases or resources', async () => {
      const s = h().store;
      const d = domainFixture('busy.example');
      await s.domains.create(d);
      const owners = [
        { create: () => s.accounts.create(accountFixture(d, 'acc')), remove: async () => s.accounts.delete((await s.accounts.getByAddress('acc@busy.example'))!.id) },
        { create: () => s.groups.create(groupFixture(d, 'grp')), remove: async () => s.groups.delete((await s.groups.getByAddress('grp@busy.example'))!.id) },
        { create: () => s.aliases.create(aliasFixture(d, 'ali')), remove: async () => s.aliases.delete((await s.aliases.getByAddress('ali@busy.example'))!.id) },
        { create: () => s.resources.create(resourceFixture(d, 'res')), remove: async () => s.resources.delete((await s.resources.getByAddress('res@busy.example'))!.id) },
      ];
      for (const owner of owners) {
        await owner.create();
        await assert.rejects(s.domains.delete(d.id), (e) => isStoaError(e, 'STOA_DOMAIN_NOT_EMPTY'));
        await owner.remove();
      }
      await s.domains.delete(d.id);
      await assert.rejects(s.domains.delete(d.id), (e) => isStoaError(e, 'STOA_NOT_FOUND'));
    });

    it('pages, filters, sorts and scopes the domain list', async () => {
      const s = h().store;
      const before = await s.domains.count();
      const made = [];
      for (let i = 0; i < 5; i++) {
        const d = domainFixture(`list${i}.paging.test`, { createdAt: at(100 - i) });
        await s.domains.create(d);
        made.push(d);
      }
      assert.equal(await s.domains.count(), before + 5);
      const page = await s.domains.list({ offset: 1, limit: 2, q: 'PAGING', sort: 'name', order: 'asc', scope: null });
      assert.equal(page.total, 5);
      assert.deepEqual(page.items.map((d) => d.name), ['list1.paging.test', 'list2.paging.test']);
      assert.equal(page.offset, 1);
      assert.equal(page.limit, 2);
      const byCreated = await s.domains.list({ offset: 0, limit: 10, q: 'paging', sort: 'createdAt', order: 'asc', scope: null });
      assert.deepEqual(byCreated.items.map((d) => d.name), made.map((d) => d.name).reverse());
      const scoped = await s.domains.list({ offset: 0, limit: 10, sort: 'name', order: 'desc', scope: [made[0].id, made[3].id] });
      assert.deepEqual(scoped.items.map((d) => d.name), ['list3.paging.test', 'list0.paging.test']);
      assert.equal(scoped.total, 2);
      const nothing = await s.domains.list({ offset: 0, limit: 10, sort: 'name', order: 'asc', scope: [] });
      assert.deepEqual(nothing, { items: [], total: 0, offset: 0, limit: 10 });
    });
  });
}
