// /api/v1/domains/:id/public-folders: CRUD and ACL grants of a domain's
// public folders, by server admins and by domain admins of that domain only;
// plain users are refused; grants reach the mail service's rights; every
// change commits together with its audit entry or not at all.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Actor } from '../../server/src/directory/api.ts';
import type { ChangeEvent } from '../../server/src/events/change-bus.ts';
import { LocalChangeBus } from '../../server/src/events/local-change-bus.ts';
import { createPublicFolderService } from '../../server/src/mail/public-folder-service.ts';
import { publicFolderOwner } from '../../server/src/mail/public-folders.ts';
import { PASSWORD, type Client, type Harness, startApi } from './harness.ts';
import { actorFor, systemActor as makeSystemActor } from '../../server/src/directory/access.ts';
const SYSTEM = makeSystemActor();

describe('public folder admin API', () => {
  let h: Harness;
  let root: Client;
  let adminA: Client;
  let user: Client;
  let aliceId: string;
  let adminAId: string;

  before(async () => {
    h = await startApi();
    await h.seedAccount('root@ops.example', 'server-admin');
    root = await h.login('root@ops.example');
    for (const name of ['a.example', 'b.example']) assert.equal((await root.post('/api/v1/domains', { name })).status, 201);
    aliceId = (await h.seedAccount('alice@a.example')).id;
    await h.seedAccount('bob@b.example');
    assert.equal((await root.post('/api/v1/groups', { address: 'team@a.example', members: [{ kind: 'account', id: aliceId }] })).status, 201);
    adminAId = (await h.seedAccount('da@a.example', 'domain-admin', ['a.example'])).id;
    adminA = await h.login('da@a.example');
    user = await h.login('alice@a.example', PASSWORD);
  });
  after(async () => h.close());

  test('a domain admin creates, lists, renames and deletes public folders of their domain', async () => {
    const created = await adminA.post('/api/v1/domains/a.example/public-folders', { name: 'Sales/Leads' });
    assert.equal(created.status, 201);
    assert.equal(created.body.name, 'Sales/Leads');
    assert.equal(created.body.messages, 0);
    assert.match(created.headers.get('location') ?? '', new RegExp(`/public-folders/${created.body.id}$`));
    const list = await adminA.get('/api/v1/domains/a.example/public-folders');
    assert.deepEqual(list.body.items.map((f: { name: string }) => f.name), ['Sales', 'Sales/Leads']);
    assert.equal((await adminA.post('/api/v1/domains/a.example/public-folders', { name: 'Sales' })).status, 409);
    const renamed = await adminA.patch(`/api/v1/domains/a.example/public-folders/${created.body.id}`, { name: 'Sales/Prospects' });
    assert.equal(renamed.status, 200);
    assert.equal(renamed.body.name, 'Sales/Prospects');
    const sales = list.body.items.find((f: { name: string }) => f.name === 'Sales');
    assert.equal((await adminA.delete(`/api/v1/domains/a.example/public-folders/${sales.id}`)).body.code, 'STOA_MAILBOX_HAS_CHILDREN');
    assert.equal((await adminA.delete(`/api/v1/domains/a.example/public-folders/${created.body.id}`)).status, 204);
    assert.equal((await adminA.get(`/api/v1/domains/a.example/public-folders/${created.body.id}`)).status, 404);
    const audit = await root.get(`/api/v1/audit?objectType=public-folder&objectId=${created.body.id}`);
    assert.deepEqual(audit.body.items.map((e: { action: string }) => e.action).sort(), ['create', 'delete', 'update']);
  });

  test('grants rights to an account, a group and anyone of the domain, and the mail service honours them', async () => {
    const folder = (await adminA.post('/api/v1/domains/a.example/public-folders', { name: 'Board' })).body;
    const base = `/api/v1/domains/a.example/public-folders/${folder.id}/acl`;
    assert.equal((await adminA.put(`${base}/alice@a.example`, { rights: 'lr' })).status, 200);
    assert.equal((await adminA.put(`${base}/team@a.example`, { rights: 'lrsw' })).status, 200);
    const acl = await adminA.put(`${base}/anyone`, { rights: 'l' });
    assert.deepEqual(acl.body.items.map((g: { grantee: { kind: string; address: string | null }; rights: string }) => [g.grantee.kind, g.grantee.address, g.rights]).sort(), [
      ['account', 'alice@a.example', 'lr'], ['anyone', null, 'l'], ['group', 'team@a.example', 'lrsw'],
    ]);
    const as = async (address: string) => actorFor(await h.directory.accounts.get(SYSTEM, address), null);
    assert.equal(await h.mail.mailboxes.myRights(await as('alice@a.example'), folder.id), 'lrsw');
    // bob@b.example is outside the domain: "anyone" does not reach him, and he cannot be granted.
    assert.equal(await h.mail.mailboxes.myRights(await as('bob@b.example'), folder.id), '');
    assert.equal((await root.put(`${base}/bob@b.example`, { rights: 'lr' })).status, 400);
    assert.equal((await adminA.put(`${base}/bob@b.example`, { rights: 'lr' })).status, 404);
    assert.equal((await adminA.put(`${base}/alice@a.example`, { rights: 'lrq' })).status, 400);
    assert.equal((await adminA.delete(`${base}/team@a.example`)).status, 204);
    assert.equal(await h.mail.mailboxes.myRights(await as('alice@a.example'), folder.id), 'lr');
    assert.equal((await adminA.get(base)).body.items.length, 2);
  });

  test('a domain admin cannot touch another domain (404), a user is refused (403), a server admin may', async () => {
    const other = await root.post('/api/v1/domains/b.example/public-folders', { name: 'Support' });
    assert.equal(other.status, 201);
    assert.equal((await adminA.get('/api/v1/domains/b.example/public-folders')).status, 404);
    assert.equal((await adminA.post('/api/v1/domains/b.example/public-folders', { name: 'Mine' })).status, 404);
    // A folder of b.example through a.example's path is not found either.
    assert.equal((await adminA.get(`/api/v1/domains/a.example/public-folders/${other.body.id}`)).status, 404);
    assert.equal((await adminA.delete(`/api/v1/domains/a.example/public-folders/${other.body.id}`)).status, 404);
    assert.equal((await adminA.put(`/api/v1/domains/a.example/public-folders/${other.body.id}/acl/anyone`, { rights: 'lr' })).status, 404);
    assert.equal((await user.get('/api/v1/domains/a.example/public-folders')).status, 403);
    assert.equal((await user.post('/api/v1/domains/a.example/public-folders', { name: 'Mine' })).status, 403);
    assert.equal((await root.get('/api/v1/domains/b.example/public-folders')).body.items.length, 1);
  });

  test('refuses bad input with problem details', async () => {
    assert.equal((await adminA.post('/api/v1/domains/a.example/public-folders', { name: '' })).status, 400);
    const invalid = await adminA.post('/api/v1/domains/a.example/public-folders', { name: 'a//b' });
    assert.equal(invalid.status, 422);
    assert.equal(invalid.body.code, 'STOA_MAILBOX_NAME_INVALID');
    assert.equal((await adminA.post('/api/v1/domains/a.example/public-folders', { name: 'x', extra: 1 })).status, 400);
    assert.equal((await adminA.get('/api/v1/domains/a.example/public-folders/not:an:id')).status, 400);
  });

  test('every public folder change made through the API is in the audit log with who made it and from where', async () => {
    const created = (await adminA.post('/api/v1/domains/a.example/public-folders', { name: 'Minutes' })).body;
    const path = `/api/v1/domains/a.example/public-folders/${created.id}`;
    assert.equal((await adminA.patch(path, { name: 'Records' })).status, 200);
    assert.equal((await adminA.put(`${path}/acl/alice@a.example`, { rights: 'lrc' })).status, 200);
    assert.equal((await adminA.delete(`${path}/acl/alice@a.example`)).status, 204);
    assert.equal((await adminA.delete(path)).status, 204);
    const audit = (await root.get(`/api/v1/audit?objectType=public-folder&objectId=${created.id}&limit=100`)).body.items;
    for (const entry of audit) {
      assert.equal(entry.actor, 'da@a.example');
      assert.equal(entry.actorId, adminAId);
      assert.match(entry.ip ?? '', /127\.0\.0\.1/);
      assert.equal(entry.domainId, created.domainId);
    }
    const changes = audit.map((e: { action: string; before: unknown; after: unknown }) => JSON.stringify([e.action, e.before, e.after])).sort();
    assert.deepEqual(changes, [
      ['create', null, { name: 'Minutes' }],
      ['delete', { name: 'Records' }, null],
      ['update', { acl: { [aliceId]: '' } }, { acl: { [aliceId]: 'lrk' } }],
      ['update', { acl: { [aliceId]: 'lrk' } }, { acl: { [aliceId]: '' } }],
      ['update', { name: 'Minutes' }, { name: 'Records' }],
    ].map((c) => JSON.stringify(c)).sort());
  });

  test('a change whose audit entry cannot be written leaves neither the change nor an entry, and announces nothing', async () => {
    const bus = new LocalChangeBus();
    const folders = createPublicFolderService({ store: h.store, bus, directory: h.directory });
    const admin: Actor = { id: null, login: 'cli', role: 'server-admin', adminDomainIds: [], ip: null };
    // The audit log requires an actor's login (NOT NULL), so this actor's entries fail in the
    // real store inside the transaction, after the folder write they belong to.
    const unauditable = { ...admin, login: null } as unknown as Actor;
    const domainId = (await h.directory.domains.get(admin, 'a.example')).id;
    const events: ChangeEvent[] = [];
    bus.subscribe({ accountId: publicFolderOwner(domainId) }, (e) => events.push(e));
    const entries = async () => (await root.get('/api/v1/audit?objectType=public-folder&limit=1')).body.total as number;
    const names = async () => (await h.mail.mailboxes.list(SYSTEM, publicFolderOwner(domainId))).map((m) => m.name).sort();

    const kept = await folders.create(admin, 'a.example', 'Kept');
    assert.equal(events.length, 1, 'a committed change is announced');
    const [auditBefore, namesBefore] = [await entries(), await names()];

    await assert.rejects(folders.create(unauditable, 'a.example', 'Ghost/Child'));
    await assert.rejects(folders.rename(unauditable, 'a.example', kept.id, 'Moved/Kept'));
    await assert.rejects(folders.grant(unauditable, 'a.example', kept.id, 'anyone', 'lr'));
    await assert.rejects(folders.delete(unauditable, 'a.example', kept.id));

    assert.deepEqual(await names(), namesBefore, 'no folder, parent or rename survived');
    assert.equal((await folders.get(admin, 'a.example', kept.id)).name, 'Kept');
    assert.deepEqual(await folders.acl(admin, 'a.example', kept.id), []);
    assert.equal(await entries(), auditBefore, 'no audit entry for a change that rolled back');
    assert.equal(events.length, 1, 'rolled-back changes are not announced');
  });
});
