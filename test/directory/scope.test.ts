import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { codeOf, openHarness, PASSWORD, seedWorld, type Harness, type World } from './harness.ts';

describe('who may do what (delegated administration)', () => {
  let h: Harness;
  let w: World;
  before(async () => {
    h = await openHarness();
    w = await seedWorld(h);
    const d = h.directory;
    await d.groups.create(w.adminActor, { address: 'staff@b.example' });
    await d.aliases.create(w.adminActor, { address: 'info@b.example', targets: ['carol@b.example'] });
    await d.resources.create(w.adminActor, { address: 'hall@b.example', name: 'Hall', kind: 'room' });
    await d.groups.create(w.adminActor, { address: 'staff@a.example' });
  });
  after(async () => h.close());

  describe('a domain admin of a.example', () => {
    it('cannot see anything of b.example: NOT_FOUND, as if it did not exist', async () => {
      const d = h.directory;
      const actor = w.aAdminActor;
      assert.equal(await codeOf(d.domains.get(actor, 'b.example')), 'STOA_NOT_FOUND');
      assert.equal(await codeOf(d.domains.get(actor, w.b.id)), 'STOA_NOT_FOUND');
      assert.equal(await codeOf(d.accounts.get(actor, 'carol@b.example')), 'STOA_NOT_FOUND');
      assert.equal(await codeOf(d.accounts.get(actor, w.carol.id)), 'STOA_NOT_FOUND');
      assert.equal(await codeOf(d.accounts.get(actor, 'admin')), 'STOA_NOT_FOUND');
      assert.equal(await codeOf(d.groups.get(actor, 'staff@b.example')), 'STOA_NOT_FOUND');
      assert.equal(await codeOf(d.aliases.get(actor, 'info@b.example')), 'STOA_NOT_FOUND');
      assert.equal(await codeOf(d.resources.get(actor, 'hall@b.example')), 'STOA_NOT_FOUND');
      assert.equal(await codeOf(d.accounts.list(actor, { domain: 'b.example' })), 'STOA_NOT_FOUND');
    });

    it('lists only a.example objects', async () => {
      const d = h.directory;
      const actor = w.aAdminActor;
      assert.deepEqual((await d.domains.list(actor, {})).items.map((x) => x.name), ['a.example']);
      const accounts = await d.accounts.list(actor, { limit: 500 });
      assert.ok(accounts.total > 0 && accounts.items.every((x) => x.domainId === w.a.id));
      assert.deepEqual((await d.groups.list(actor, {})).items.map((x) => x.address), ['staff@a.example']);
      assert.equal((await d.aliases.list(actor, {})).total, 0);
      assert.equal((await d.resources.list(actor, {})).total, 0);
      const audit = await d.audit.list(actor, { limit: 500 });
      assert.ok(audit.total > 0 && audit.items.every((e) => e.domainId === w.a.id));
    });

    it('cannot change b.example objects, nor create in b.example or in unknown domains (FORBIDDEN, existence not revealed)', async () => {
      const d = h.directory;
      const actor = w.aAdminActor;
      assert.equal(await codeOf(d.accounts.update(actor, 'carol@b.example', { displayName: 'x' })), 'STOA_NOT_FOUND');
      assert.equal(await codeOf(d.accounts.delete(actor, w.carol.id)), 'STOA_NOT_FOUND');
      assert.equal(await codeOf(d.accounts.setPassword(actor, 'carol@b.example', 'another-pass-123')), 'STOA_NOT_FOUND');
      assert.equal(await codeOf(d.domains.update(actor, 'b.example', { description: 'x' })), 'STOA_NOT_FOUND');
      assert.equal(await codeOf(d.accounts.create(actor, { address: 'new@b.example' })), 'STOA_FORBIDDEN');
      assert.equal(await codeOf(d.accounts.create(actor, { address: 'new@nowhere.example' })), 'STOA_FORBIDDEN');
      assert.equal(await codeOf(d.groups.create(actor, { address: 'g@b.example' })), 'STOA_FORBIDDEN');
      assert.equal(await codeOf(d.aliases.create(actor, { address: '*@b.example', targets: ['x@example.net'] })), 'STOA_FORBIDDEN');
      assert.equal(await codeOf(d.resources.create(actor, { address: 'r@b.example', name: 'R', kind: 'room' })), 'STOA_FORBIDDEN');
    });

    it('cannot reference b.example objects from a.example (reported as missing)', async () => {
      const d = h.directory;
      assert.equal(await codeOf(d.groups.update(w.aAdminActor, 'staff@a.example', { members: [{ kind: 'account', id: w.carol.id }] })), 'STOA_INVALID_REFERENCE');
      assert.equal(await codeOf(d.resources.create(w.aAdminActor, { address: 'room@a.example', name: 'R', kind: 'room', managerIds: [w.carol.id] })), 'STOA_INVALID_REFERENCE');
    });

    it('cannot create or delete domains, nor grant roles', async () => {
      const d = h.directory;
      assert.equal(await codeOf(d.domains.create(w.aAdminActor, { name: 'new.example' })), 'STOA_FORBIDDEN');
      assert.equal(await codeOf(d.domains.delete(w.aAdminActor, 'a.example')), 'STOA_FORBIDDEN');
      assert.equal(await codeOf(d.accounts.grantRole(w.aAdminActor, 'bob@a.example', { role: 'domain-admin', domains: ['a.example'] })), 'STOA_FORBIDDEN');
      assert.equal(await codeOf(d.accounts.grantRole(w.aAdminActor, 'dora@a.example', { role: 'server-admin' })), 'STOA_FORBIDDEN');
    });

    it('cannot touch other admins in their own domain, but manages users there', async () => {
      const d = h.directory;
      const other = await d.accounts.create(w.adminActor, { address: 'eve@a.example', password: PASSWORD });
      await d.accounts.grantRole(w.adminActor, other.id, { role: 'domain-admin', domains: ['a.example', 'b.example'] });
      assert.equal(await codeOf(d.accounts.setPassword(w.aAdminActor, 'eve@a.example', 'takeover-pass-1')), 'STOA_FORBIDDEN');
      assert.equal(await codeOf(d.accounts.update(w.aAdminActor, 'eve@a.example', { enabled: false })), 'STOA_FORBIDDEN');
      assert.equal(await codeOf(d.accounts.delete(w.aAdminActor, 'eve@a.example')), 'STOA_FORBIDDEN');
      assert.equal((await d.accounts.update(w.aAdminActor, 'bob@a.example', { quotaBytes: 42 })).quotaBytes, 42);
      const created = await d.accounts.create(w.aAdminActor, { address: 'hank@a.example' });
      const entry = (await d.audit.list(w.adminActor, { objectId: created.id })).items[0];
      assert.equal(entry.actor, 'dora@a.example');
    });
  });

  describe('a plain user', () => {
    it('reads and updates only their own display name and forwarding', async () => {
      const d = h.directory;
      const me = w.aliceActor;
      assert.equal((await d.accounts.get(me, 'alice@a.example')).id, w.alice.id);
      const updated = await d.accounts.update(me, w.alice.id, { displayName: 'Alice Liddell', forwardTo: ['alice@example.net'], keepForwardedCopy: false });
      assert.equal(updated.displayName, 'Alice Liddell');
      assert.equal(await codeOf(d.accounts.update(me, w.alice.id, { quotaBytes: 0 })), 'STOA_FORBIDDEN');
      assert.equal(await codeOf(d.accounts.update(me, w.alice.id, { enabled: true })), 'STOA_FORBIDDEN');
    });

    it('gets FORBIDDEN for other accounts, existing or not, and for every admin operation', async () => {
      const d = h.directory;
      const me = w.aliceActor;
      assert.equal(await codeOf(d.accounts.get(me, 'bob@a.example')), 'STOA_FORBIDDEN');
      assert.equal(await codeOf(d.accounts.get(me, 'nobody@a.example')), 'STOA_FORBIDDEN');
      assert.equal(await codeOf(d.accounts.update(me, 'bob@a.example', { displayName: 'x' })), 'STOA_FORBIDDEN');
      assert.equal(await codeOf(d.accounts.setPassword(me, 'bob@a.example', 'another-pass-123')), 'STOA_FORBIDDEN');
      assert.equal(await codeOf(d.accounts.delete(me, w.alice.id)), 'STOA_FORBIDDEN');
      assert.equal(await codeOf(d.accounts.list(me, {})), 'STOA_FORBIDDEN');
      assert.equal(await codeOf(d.accounts.create(me, { address: 'x@a.example' })), 'STOA_FORBIDDEN');
      assert.equal(await codeOf(d.accounts.grantRole(me, w.alice.id, { role: 'server-admin' })), 'STOA_FORBIDDEN');
      assert.equal(await codeOf(d.domains.get(me, 'a.example')), 'STOA_FORBIDDEN');
      assert.equal(await codeOf(d.domains.list(me, {})), 'STOA_FORBIDDEN');
      assert.equal(await codeOf(d.groups.get(me, 'staff@a.example')), 'STOA_FORBIDDEN');
      assert.equal(await codeOf(d.groups.list(me, {})), 'STOA_FORBIDDEN');
      assert.equal(await codeOf(d.aliases.create(me, { address: 'x@a.example', targets: ['alice@a.example'] })), 'STOA_FORBIDDEN');
      assert.equal(await codeOf(d.resources.list(me, {})), 'STOA_FORBIDDEN');
      assert.equal(await codeOf(d.audit.list(me, {})), 'STOA_FORBIDDEN');
      assert.equal(await codeOf(d.appPasswords.list(me, 'bob@a.example')), 'STOA_FORBIDDEN');
    });

    it('changes their own password and manages their own app passwords', async () => {
      const d = h.directory;
      const me = w.aliceActor;
      await d.accounts.setPassword(me, 'alice@a.example', 'alice-new-pass-7');
      const { appPassword } = await d.appPasswords.create(me, 'alice@a.example', 'Laptop');
      assert.deepEqual((await d.appPasswords.list(me, w.alice.id)).map((x) => x.name), ['Laptop']);
      await d.appPasswords.revoke(me, w.alice.id, appPassword.id);
      assert.deepEqual(await d.appPasswords.list(me, w.alice.id), []);
    });
  });
});
