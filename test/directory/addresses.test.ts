import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { codeOf, openHarness, seedWorld, type Harness, type World } from './harness.ts';

describe('aliases, catch-alls, resources and address resolution', () => {
  let h: Harness;
  let w: World;
  before(async () => {
    h = await openHarness();
    w = await seedWorld(h);
    await h.directory.domains.create(w.adminActor, { name: 'a-alias.example', aliasOf: 'a.example' });
  });
  after(async () => h.close());

  it('creates aliases with validated targets', async () => {
    const al = h.directory.aliases;
    const alias = await al.create(w.adminActor, { address: 'Info@a.example', targets: ['Alice@A.example', 'alice@a.example', 'someone@example.net'] });
    assert.deepEqual(alias.targets, ['alice@a.example', 'someone@example.net']);
    assert.equal(await codeOf(al.create(w.adminActor, { address: 'x@a.example', targets: ['nobody@a.example'] })), 'STOA_INVALID_REFERENCE');
    assert.equal(await codeOf(al.create(w.adminActor, { address: 'y@a.example', targets: ['y@a.example'] })), 'STOA_VALIDATION');
    assert.equal(await codeOf(al.create(w.adminActor, { address: 'z@a.example', targets: ['not an address'] })), 'STOA_INVALID_ADDRESS');
    assert.equal(await codeOf(al.create(w.adminActor, { address: 'bob@a.example', targets: ['alice@a.example'] })), 'STOA_ADDRESS_TAKEN');
    // Targets in an alias domain count as local and must exist in the target domain.
    await al.create(w.adminActor, { address: 'via-alias@a.example', targets: ['bob@a-alias.example'] });
  });

  it('resolves exact owners of every kind, case- and IDN-insensitively', async () => {
    const d = h.directory;
    await d.groups.create(w.adminActor, { address: 'team@a.example' });
    await d.resources.create(w.adminActor, { address: 'beamer@a.example', name: 'Beamer', kind: 'equipment' });
    assert.equal((await d.addresses.resolve('ALICE@a.example'))?.kind, 'account');
    assert.equal((await d.addresses.resolve('team@a.example'))?.kind, 'group');
    assert.equal((await d.addresses.resolve('info@A.EXAMPLE'))?.kind, 'alias');
    const r = await d.addresses.resolve('beamer@a.example');
    assert.equal(r?.kind === 'resource' && r.resource.name, 'Beamer');
    assert.equal(await d.addresses.resolve('nobody@a.example'), null);
    assert.equal(await d.addresses.resolve('alice@remote.example'), null);
    assert.equal(await codeOf(d.addresses.resolve('not-an-address')), 'STOA_INVALID_ADDRESS');
  });

  it('maps alias domains to the target domain', async () => {
    const r = await h.directory.addresses.resolve('Alice@A-Alias.example');
    assert.equal(r?.kind === 'account' && r.account.id, w.alice.id);
    assert.equal(await h.directory.addresses.isLocalDomain('a-alias.example'), true);
    assert.equal(await h.directory.addresses.isLocalDomain('A.EXAMPLE.'), true);
    assert.equal(await h.directory.addresses.isLocalDomain('remote.example'), false);
    assert.equal(await h.directory.addresses.isLocalDomain('not a domain'), false);
  });

  it('falls back to the catch-all only when nothing owns the address, also via alias domains', async () => {
    const d = h.directory;
    assert.equal(await codeOf(d.aliases.create(w.adminActor, { address: '*@a-alias.example', targets: ['alice@a.example'] })), 'STOA_ALIAS_DOMAIN');
    const catchAll = await d.aliases.create(w.adminActor, { address: '*@A.example', targets: ['alice@a.example'] });
    assert.equal(catchAll.address, '*@a.example');
    const r1 = await d.addresses.resolve('random-thing@a.example');
    assert.equal(r1?.kind === 'catch-all' && r1.alias.id, catchAll.id);
    const r2 = await d.addresses.resolve('other@a-alias.example');
    assert.equal(r2?.kind, 'catch-all');
    assert.equal((await d.addresses.resolve('bob@a.example'))?.kind, 'account');
    assert.equal(await d.addresses.resolve('x@b.example'), null);
    assert.equal((await d.aliases.get(w.adminActor, '*@a.example')).id, catchAll.id);
  });

  it('answers nothing for a disabled domain, which stays local', async () => {
    await h.directory.domains.update(w.adminActor, 'b.example', { enabled: false });
    assert.equal(await h.directory.addresses.resolve('carol@b.example'), null);
    assert.equal(await h.directory.addresses.isLocalDomain('b.example'), true);
    await h.directory.domains.update(w.adminActor, 'b.example', { enabled: true });
  });

  it('updates and deletes aliases and resources with audit entries', async () => {
    const d = h.directory;
    const alias = await d.aliases.update(w.adminActor, 'info@a.example', { targets: ['bob@a.example'] });
    assert.deepEqual(alias.targets, ['bob@a.example']);
    const room = await d.resources.create(w.adminActor, { address: 'room2@a.example', name: ' Room 2 ', kind: 'room', capacity: 8, managerIds: [w.alice.id] });
    assert.equal(room.name, 'Room 2');
    assert.equal(room.bookingPolicy, 'auto-accept');
    const updated = await d.resources.update(w.adminActor, room.id, { bookingPolicy: 'manual', capacity: 10 });
    assert.equal(updated.capacity, 10);
    assert.equal(await codeOf(d.resources.update(w.adminActor, room.id, { managerIds: ['nope'] })), 'STOA_INVALID_REFERENCE');
    await d.resources.delete(w.adminActor, 'room2@a.example');
    await d.aliases.delete(w.adminActor, alias.id);
    const roomAudit = (await d.audit.list(w.adminActor, { objectId: room.id })).items.map((e) => e.action).sort();
    assert.deepEqual(roomAudit, ['create', 'delete', 'update']);
    const aliasAudit = (await d.audit.list(w.adminActor, { objectType: 'alias', objectId: alias.id })).items.map((e) => e.action).sort();
    assert.deepEqual(aliasAudit, ['create', 'delete', 'update']);
  });
});
