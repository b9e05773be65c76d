// GroupStore, AliasStore and ResourceStore contracts.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { isStoaError } from '../../errors/catalogue.ts';
import { accountFixture, aliasFixture, at, domainFixture, groupFixture, resourceFixture, useHarness, type StoreFactory } from './harness.ts';

export function ownerContract(factory: StoreFactory): void {
  describe('groups', () => {
    const h = useHarness(factory, { before, after });
    const d = domainFixture('groups.example');
    const other = domainFixture('groups-other.example');
    before(async () => {
      await h().store.domains.create(d);
      await h().store.domains.create(other);
    });

    it('creates, reads, updates and deletes a group with its members', async () => {
      const s = h().store;
      const member = accountFixture(d, 'member');
      await s.accounts.create(member);
      const g = groupFixture(d, 'team', { kind: 'security', description: 'Team', members: [{ kind: 'account', id: member.id }, { kind: 'external', address: 'ext@example.net' }] });
      await s.groups.create(g);
      assert.deepEqual(await s.groups.get(g.id), g);
      assert.deepEqual(await s.groups.getByAddress(g.address), g);
      const u = await s.groups.update(g.id, { name: 'Team 2', members: [], updatedAt: at(3) });
      assert.deepEqual(u, { ...g, name: 'Team 2', members: [], updatedAt: at(3) });
      await assert.rejects(s.groups.update('missing', { name: 'x' }), (e) => isStoaError(e, 'STOA_NOT_FOUND'));
      await s.groups.delete(g.id);
      assert.equal(await s.groups.get(g.id), null);
      await assert.rejects(s.groups.delete(g.id), (e) => isStoaError(e, 'STOA_NOT_FOUND'));
    });

    it('finds the groups that directly contain an account or a group, following updates and deletes', async () => {
      const s = h().store;
      const acc = accountFixture(d, 'contained');
      await s.accounts.create(acc);
      const inner = groupFixture(d, 'inner', { members: [{ kind: 'account', id: acc.id }] });
      const outer = groupFixture(d, 'outer', { members: [{ kind: 'group', id: inner.id }, { kind: 'account', id: acc.id }] });
      await s.groups.create(inner);
      await s.groups.create(outer);
      assert.deepEqual((await s.groups.containing({ kind: 'account', id: acc.id })).map((g) => g.id).sort(), [inner.id, outer.id].sort());
      assert.deepEqual((await s.groups.containing({ kind: 'group', id: inner.id })).map((g) => g.id), [outer.id]);
      assert.deepEqual(await s.groups.containing({ kind: 'group', id: acc.id }), []);
      await s.groups.update(outer.id, { members: [{ kind: 'group', id: inner.id }] });
      assert.deepEqual((await s.groups.containing({ kind: 'account', id: acc.id })).map((g) => g.id), [inner.id]);
      await s.groups.delete(inner.id);
      assert.deepEqual(await s.groups.containing({ kind: 'account', id: acc.id }), []);
    });

    it('lists groups with paging, q, sort, scope and domain filter, and counts per domain', async () => {
      const s = h().store;
      for (const [i, name] of ['Sales', 'support', 'Accounts'].entries()) {
        await s.groups.create(groupFixture(i === 2 ? other : d, `list-${name.toLowerCase()}`, { name, createdAt: at(10 - i) }));
      }
      const byName = await s.groups.list({ offset: 0, limit: 10, q: 'list-', sort: 'name', order: 'asc', scope: null });
      assert.deepEqual(byName.items.map((g) => g.name), ['Accounts', 'Sales', 'support']);
      const paged = await s.groups.list({ offset: 1, limit: 1, q: 'LIST-', sort: 'createdAt', order: 'asc', scope: null });
      assert.deepEqual(paged.items.map((g) => g.name), ['support']);
      assert.equal(paged.total, 3);
      const scoped = await s.groups.list({ offset: 0, limit: 10, sort: 'address', order: 'desc', scope: [d.id], q: 'list-' });
      assert.deepEqual(scoped.items.map((g) => g.name), ['support', 'Sales']);
      const filtered = await s.groups.list({ offset: 0, limit: 10, sort: 'address', order: 'asc', scope: null, domainId: other.id });
      assert.deepEqual(filtered.items.map((g) => g.name), ['Accounts']);
      assert.equal((await s.groups.list({ offset: 0, limit: 10, sort: 'address', order: 'asc', scope: [] })).total, 0);
      assert.equal(await s.groups.countInDomain(other.id), 1);
    });
  });

  describe('aliases', () => {
    const h = useHarness(factory, { before, after });
    const d = domainFixture('aliases.example');
    before(async () => { await h().store.domains.create(d); });

    it('creates, reads, updates and deletes an alias, including the catch-all', async () => {
      const s = h().store;
      const a = aliasFixture(d, 'info', { targets: ['a@example.net', 'b@example.net'], description: 'Info desk' });
      const catchAll = aliasFixture(d, '*');
      await s.aliases.create(a);
      await s.aliases.create(catchAll);
      assert.deepEqual(await s.aliases.get(a.id), a);
      assert.deepEqual(await s.aliases.getByAddress('*@aliases.example'), catchAll);
      const u = await s.aliases.update(a.id, { targets: ['c@example.net'], updatedAt: at(2) });
      assert.deepEqual(u, { ...a, targets: ['c@example.net'], updatedAt: at(2) });
      await assert.rejects(s.aliases.update('missing', { description: 'x' }), (e) => isStoaError(e, 'STOA_NOT_FOUND'));
      await s.aliases.delete(a.id);
      assert.equal(await s.aliases.get(a.id), null);
      await assert.rejects(s.aliases.delete(a.id), (e) => isStoaError(e, 'STOA_NOT_FOUND'));
      assert.equal(await s.aliases.countInDomain(d.id), 1);
    });

    it('lists aliases with paging, q, sort and scope', async () => {
      const s = h().store;
      for (let i = 0; i < 4; i++) await s.aliases.create(aliasFixture(d, `list${i}`, { createdAt: at(i) }));
      const page = await s.aliases.list({ offset: 1, limit: 2, q: 'LIST', sort: 'address', order: 'desc', scope: [d.id], domainId: d.id });
      assert.deepEqual(page.items.map((a) => a.address), ['list2@aliases.example', 'list1@aliases.example']);
      assert.equal(page.total, 4);
      const byCreated = await s.aliases.list({ offset: 0, limit: 1, q: 'list', sort: 'createdAt', order: 'desc', scope: null });
      assert.equal(byCreated.items[0].address, 'list3@aliases.example');
      assert.equal((await s.aliases.list({ offset: 0, limit: 10, sort: 'address', order: 'asc', scope: [] })).total, 0);
    });
  });

  describe('resources', () => {
    const h = useHarness(factory, { before, after });
    const d = domainFixture('resources.example');
    before(async () => { await h().store.domains.create(d); });

    it('creates, reads, updates and deletes a resource', async () => {
      const s = h().store;
      const r = resourceFixture(d, 'room1', { name: 'Room One', capacity: null, managerIds: ['m1'], bookingPolicy: 'manual', location: 'Floor 2' });
      await s.resources.create(r);
      assert.deepEqual(await s.resources.get(r.id), r);
      assert.deepEqual(await s.resources.getByAddress(r.address), r);
      const u = await s.resources.update(r.id, { capacity: 12, enabled: false, managerIds: [], updatedAt: at(1) });
      assert.deepEqual(u, { ...r, capacity: 12, enabled: false, managerIds: [], updatedAt: at(1) });
      await assert.rejects(s.resources.update('missing', { name: 'x' }), (e) => isStoaError(e, 'STOA_NOT_FOUND'));
      await s.resources.delete(r.id);
      await assert.rejects(s.resources.delete(r.id), (e) => isStoaError(e, 'STOA_NOT_FOUND'));
    });

    it('lists resources with paging, q, sort and scope, and counts per domain', async () => {
      const s = h().store;
      for (const [i, name] of ['Projector', 'boardroom', 'Van'].entries()) {
        await s.resources.create(resourceFixture(d, `res${i}`, { name, kind: i === 1 ? 'room' : 'equipment' }));
      }
      const byName = await s.resources.list({ offset: 0, limit: 10, sort: 'name', order: 'asc', scope: [d.id] });
      assert.deepEqual(byName.items.map((r) => r.name), ['boardroom', 'Projector', 'Van']);
      const q = await s.resources.list({ offset: 0, limit: 10, q: 'PROJ', sort: 'address', order: 'asc', scope: null, domainId: d.id });
      assert.deepEqual(q.items.map((r) => r.name), ['Projector']);
      const paged = await s.resources.list({ offset: 2, limit: 2, sort: 'createdAt', order: 'asc', scope: null });
      assert.equal(paged.items.length, 1);
      assert.equal(paged.total, 3);
      assert.equal(await s.resources.countInDomain(d.id), 3);
    });
  });
}
