import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { verifyPassword } from '../../server/src/directory/password-hash.ts';
import { codeOf, openHarness, PASSWORD, seedWorld, type Harness, type World } from './harness.ts';

describe('accounts over SQLite', () => {
  let h: Harness;
  let w: World;
  before(async () => { h = await openHarness(); w = await seedWorld(h); });
  after(async () => h.close());

  it('normalises the address and takes quota defaults from the domain', async () => {
    const acc = await h.directory.accounts.create(w.adminActor, { address: 'Erik.Larsen@A.Example' });
    assert.equal(acc.address, 'erik.larsen@a.example');
    assert.equal(acc.quotaBytes, 1_000_000);
    assert.equal(acc.passwordSetAt, null);
    assert.equal('passwordHash' in acc, false);
    assert.equal((await h.directory.accounts.get(w.adminActor, 'ERIK.LARSEN@a.example')).id, acc.id);
  });

  it('refuses unknown domains, alias domains, bad addresses and taken addresses', async () => {
    const a = h.directory.accounts;
    await h.directory.domains.create(w.adminActor, { name: 'alias-of-a.example', aliasOf: 'a.example' });
    assert.equal(await codeOf(a.create(w.adminActor, { address: 'x@nowhere.example' })), 'STOA_UNKNOWN_DOMAIN');
    assert.equal(await codeOf(a.create(w.adminActor, { address: 'x@alias-of-a.example' })), 'STOA_ALIAS_DOMAIN');
    assert.equal(await codeOf(a.create(w.adminActor, { address: '"x y"@a.example' })), 'STOA_INVALID_ADDRESS');
    assert.equal(await codeOf(a.create(w.adminActor, { address: 'ALICE@a.example' })), 'STOA_ADDRESS_TAKEN');
  });

  it('enforces the password policy', async () => {
    const a = h.directory.accounts;
    assert.equal(await codeOf(a.create(w.adminActor, { address: 'frank@a.example', password: 'short' })), 'STOA_WEAK_PASSWORD');
    assert.equal(await codeOf(a.create(w.adminActor, { address: 'frankfrank@a.example', password: 'FrankFrank' })), 'STOA_WEAK_PASSWORD');
    assert.equal(await codeOf(a.setPassword(w.adminActor, 'alice@a.example', 'alice@a.example')), 'STOA_WEAK_PASSWORD');
  });

  it('sets a password as an argon2id hash and audits it without the hash', async () => {
    await h.directory.accounts.setPassword(w.adminActor, 'bob@a.example', 'new-password-for-bob');
    const record = await h.store.accounts.getByAddress('bob@a.example');
    assert.match(record!.passwordHash!, /^\$argon2id\$v=19\$m=1024,t=1,p=1\$/);
    assert.equal(await verifyPassword(record!.passwordHash!, 'new-password-for-bob'), true);
    const entry = (await h.directory.audit.list(w.adminActor, { objectId: w.bob.id })).items.find((e) => e.action === 'set-password')!;
    assert.deepEqual(entry.before, { passwordHash: '[set]' });
    assert.deepEqual(entry.after, { passwordHash: '[set]' });
    const all = JSON.stringify((await h.directory.audit.list(w.adminActor, { limit: 500 })).items);
    assert.doesNotMatch(all, /\$argon2id/);
  });

  it('normalises forwarding and refuses forwarding to oneself', async () => {
    const updated = await h.directory.accounts.update(w.adminActor, 'alice@a.example', { forwardTo: ['Alice.Home@Example.NET', 'alice.home@example.net'] });
    assert.deepEqual(updated.forwardTo, ['alice.home@example.net']);
    assert.equal(await codeOf(h.directory.accounts.update(w.adminActor, 'alice@a.example', { forwardTo: ['ALICE@a.example'] })), 'STOA_VALIDATION');
  });

  it('grants roles only with existing, non-alias domains', async () => {
    const a = h.directory.accounts;
    assert.equal(await codeOf(a.grantRole(w.adminActor, 'bob@a.example', { role: 'domain-admin' })), 'STOA_VALIDATION');
    assert.equal(await codeOf(a.grantRole(w.adminActor, 'bob@a.example', { role: 'domain-admin', domains: ['missing.example'] })), 'STOA_INVALID_REFERENCE');
    assert.equal(await codeOf(a.grantRole(w.adminActor, 'bob@a.example', { role: 'domain-admin', domains: ['alias-of-a.example'] })), 'STOA_ALIAS_DOMAIN');
    assert.equal(await codeOf(a.grantRole(w.adminActor, 'bob@a.example', { role: 'user', domains: ['a.example'] })), 'STOA_VALIDATION');
    const granted = await a.grantRole(w.adminActor, 'bob@a.example', { role: 'domain-admin', domains: ['b.example', 'B.EXAMPLE'] });
    assert.deepEqual(granted.adminDomainIds, [w.b.id]);
    const entry = (await h.directory.audit.list(w.adminActor, { objectId: w.bob.id })).items.find((e) => e.action === 'grant-role')!;
    assert.deepEqual(entry.after, { role: 'domain-admin', adminDomainIds: [w.b.id] });
    const back = await a.grantRole(w.adminActor, 'bob@a.example', { role: 'user' });
    assert.deepEqual(back.adminDomainIds, []);
  });

  it('never lets the last enabled server admin go', async () => {
    const a = h.directory.accounts;
    assert.equal(await codeOf(a.update(w.adminActor, 'admin', { enabled: false })), 'STOA_LAST_ADMIN');
    assert.equal(await codeOf(a.delete(w.adminActor, 'admin')), 'STOA_LAST_ADMIN');
    assert.equal(await codeOf(a.grantRole(w.adminActor, 'admin', { role: 'user' })), 'STOA_VALIDATION');
    // A second server admin with a mailbox makes the first removable, and vice versa.
    await a.grantRole(w.adminActor, 'carol@b.example', { role: 'server-admin' });
    await a.update(w.adminActor, 'admin', { enabled: false });
    assert.equal(await codeOf(a.grantRole(w.adminActor, 'carol@b.example', { role: 'user' })), 'STOA_LAST_ADMIN');
    await a.update(w.adminActor, 'admin', { enabled: true });
    await a.grantRole(w.adminActor, 'carol@b.example', { role: 'user' });
  });

  it('deleting an account removes it from groups and resources, and drops its app passwords', async () => {
    const d = h.directory;
    const gina = await d.accounts.create(w.adminActor, { address: 'gina@a.example', password: PASSWORD });
    const group = await d.groups.create(w.adminActor, { address: 'team@a.example', members: [{ kind: 'account', id: gina.id }, { kind: 'account', id: w.alice.id }] });
    const room = await d.resources.create(w.adminActor, { address: 'room1@a.example', name: 'Room 1', kind: 'room', managerIds: [gina.id] });
    await d.appPasswords.create(w.adminActor, gina.id, 'Phone');
    await d.accounts.delete(w.adminActor, 'gina@a.example');
    assert.equal(await codeOf(d.accounts.get(w.adminActor, gina.id)), 'STOA_NOT_FOUND');
    assert.deepEqual((await d.groups.get(w.adminActor, group.id)).members, [{ kind: 'account', id: w.alice.id }]);
    assert.deepEqual((await d.resources.get(w.adminActor, room.id)).managerIds, []);
    assert.deepEqual(await h.store.appPasswords.listForAccount(gina.id), []);
    const actions = (await d.audit.list(w.adminActor, { limit: 500 })).items.map((e) => `${e.action}:${e.objectType}:${e.objectId}`);
    assert.ok(actions.includes(`delete:account:${gina.id}`));
    assert.ok(actions.includes(`update:group:${group.id}`));
    assert.ok(actions.includes(`update:resource:${room.id}`));
  });

  it('lists accounts filtered by domain, role and enabled', async () => {
    const a = h.directory.accounts;
    const inA = await a.list(w.adminActor, { domain: 'a.example', limit: 500 });
    assert.ok(inA.items.every((x) => x.domainId === w.a.id));
    assert.ok(inA.items.every((x) => !('passwordHash' in x)));
    const admins = await a.list(w.adminActor, { role: 'domain-admin' });
    assert.deepEqual(admins.items.map((x) => x.address), ['dora@a.example']);
    assert.equal(await codeOf(a.list(w.adminActor, { domain: 'nowhere.example' })), 'STOA_NOT_FOUND');
  });

  it('records who, when, from where, and in which domain for every change', async () => {
    const frozen = h.now();
    await h.directory.accounts.update(w.adminActor, 'alice@a.example', { displayName: 'Alice A.' });
    const entry = (await h.directory.audit.list(w.adminActor, { objectId: w.alice.id })).items.find((e) => e.action === 'update' && (e.after as { displayName?: string })?.displayName === 'Alice A.')!;
    assert.equal(entry.actorId, w.admin.id);
    assert.equal(entry.actor, 'admin');
    assert.equal(entry.ip, '192.0.2.1');
    assert.equal(entry.domainId, w.a.id);
    assert.equal(entry.at, new Date(frozen).toISOString());
  });
});
