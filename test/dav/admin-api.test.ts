// Calendars and address books of an account through the admin API: listed
// with their usage, created, changed, shared, delegated and deleted by
// admins in scope; other domains' admins see nothing, users are refused.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startApi, type Client, type Harness } from '../api/harness.ts';

describe('admin API: calendars and address books', () => {
  let h: Harness;
  let root: Client;
  let adminB: Client;
  let user: Client;
  before(async () => {
    h = await startApi();
    await h.seedAccount('root@ops.example', 'server-admin');
    await h.seedAccount('alice@a.example');
    await h.seedAccount('bob@a.example');
    await h.seedAccount('db@b.example', 'domain-admin', ['b.example']);
    root = await h.login('root@ops.example');
    adminB = await h.login('db@b.example');
    user = await h.login('alice@a.example');
  });
  after(() => h.close());

  it('lists the default calendar, task list and address book of an account with its usage', async () => {
    const res = await root.get('/api/v1/accounts/alice@a.example/collections');
    assert.equal(res.status, 200, res.text);
    assert.deepEqual(res.body.items.map((c: any) => [c.kind, c.uri, c.role]).sort(), [['addressbook', 'contacts', 'addressbook'], ['calendar', 'calendar', 'calendar'], ['calendar', 'inbox', 'inbox'], ['calendar', 'tasks', 'tasks']]);
    assert.deepEqual(res.body.usage, { objects: 0, bytes: 0 });
    assert.equal(res.body.items.find((c: any) => c.uri === 'calendar').href, '/dav/calendars/alice@a.example/calendar/');
  });

  it('creates, renames, shares and deletes a team calendar, each change audited', async () => {
    const created = await root.post('/api/v1/accounts/alice@a.example/collections', { kind: 'calendar', uri: 'team', displayName: 'Team', color: '#112233' });
    assert.equal(created.status, 201, created.text);
    const id = created.body.id;
    assert.equal((await root.post('/api/v1/accounts/alice@a.example/collections', { kind: 'calendar', uri: 'team' })).status, 405);
    const renamed = await root.patch(`/api/v1/accounts/alice@a.example/collections/${id}`, { displayName: 'Team calendar' });
    assert.equal(renamed.body.displayName, 'Team calendar');
    const shared = await root.put(`/api/v1/accounts/alice@a.example/collections/${id}/shares/bob@a.example`, { access: 'read-write' });
    assert.equal(shared.status, 200, shared.text);
    assert.deepEqual(shared.body.items.map((g: any) => [g.grantee.address, g.access, g.source]), [['bob@a.example', 'read-write', 'dav']]);
    // Grantees are named as the mailbox grants name theirs: someone out of reach does not exist, the owner cannot be one.
    const outside = await root.put(`/api/v1/accounts/alice@a.example/collections/${id}/shares/root@ops.example`, { access: 'read' });
    assert.equal(outside.status, 422, 'shares stay inside the domain');
    assert.equal(outside.body.code, 'STOA_INVALID_REFERENCE');
    const self = await root.put(`/api/v1/accounts/alice@a.example/collections/${id}/shares/alice@a.example`, { access: 'read' });
    assert.equal(self.body.code, 'STOA_GRANT_INVALID');
    const delegated = await root.put('/api/v1/accounts/alice@a.example/delegations/bob@a.example', { access: 'read' });
    assert.deepEqual(delegated.body.items.map((g: any) => [g.access, g.source]), [['read', 'dav']]);
    assert.equal((await root.delete(`/api/v1/accounts/alice@a.example/collections/${id}/shares/bob@a.example`)).status, 204);
    assert.equal((await root.delete(`/api/v1/accounts/alice@a.example/collections/${id}`)).status, 204);
    const audit = await root.get('/api/v1/audit?objectType=calendar');
    assert.ok(audit.body.items.some((e: any) => e.action === 'create' && e.objectId === id));
    assert.ok(audit.body.items.some((e: any) => e.action === 'delete' && e.objectId === id));
    // Shares and delegations are audited as the mailbox grants are: grant and revoke, with the grantee before and after.
    const shares = (await root.get('/api/v1/audit?objectType=dav-share')).body.items.filter((e: any) => e.objectId === id);
    assert.deepEqual(shares.map((e: any) => e.action).sort(), ['grant', 'revoke']);
    assert.deepEqual(shares.find((e: any) => e.action === 'revoke').before, { grantee: 'bob@a.example', granteeKind: 'account', access: 'read-write' });
    const delegations = (await root.get('/api/v1/audit?objectType=dav-delegation')).body.items;
    assert.ok(delegations.some((e: any) => e.action === 'grant' && e.after?.grantee === 'bob@a.example' && e.after?.access === 'read'));
  });

  it('lets an owner share their own calendar and name a delegate, and nobody else\'s', async () => {
    const mine = await user.get('/api/v1/me/collections');
    const cal = mine.body.items.find((c: any) => c.uri === 'calendar');
    const shared = await user.put(`/api/v1/me/collections/${cal.id}/shares/bob@a.example`, { access: 'read' });
    assert.equal(shared.status, 200, shared.text);
    assert.equal((await user.put('/api/v1/me/delegations/bob@a.example', { access: 'read-write' })).status, 200);
    const bob = await h.login('bob@a.example');
    assert.equal((await bob.put(`/api/v1/me/collections/${cal.id}/shares/bob@a.example`, { access: 'read-write' })).status, 403, 'a sharee cannot raise their own rights');
    assert.equal((await user.delete(`/api/v1/me/collections/${cal.id}/shares/bob@a.example`)).status, 204);
  });

  it('manages the calendars of a shared mailbox the same way, and lists its Full Access holders among its delegates', async () => {
    assert.equal((await root.post('/api/v1/shared-mailboxes', { address: 'team@a.example', displayName: 'Team' })).status, 201);
    const list = await root.get('/api/v1/shared-mailboxes/team@a.example/collections');
    assert.equal(list.status, 200, list.text);
    assert.deepEqual(list.body.items.map((c: any) => c.uri).sort(), ['calendar', 'contacts', 'inbox', 'tasks']);
    const created = await root.post('/api/v1/shared-mailboxes/team@a.example/collections', { kind: 'calendar', uri: 'rota', displayName: 'Rota' });
    assert.equal(created.status, 201, created.text);
    assert.match(created.headers.get('location') ?? '', /^\/api\/v1\/shared-mailboxes\/[^/]+\/collections\//);
    assert.equal(created.body.href, '/dav/calendars/team@a.example/rota/');
    assert.equal((await root.post('/api/v1/shared-mailboxes/team@a.example/grants', { grantee: 'bob@a.example', right: 'full-access' })).status, 201);
    const delegates = await root.get('/api/v1/shared-mailboxes/team@a.example/delegations');
    assert.deepEqual(delegates.body.items.map((g: any) => [g.grantee.address, g.access, g.source]), [['bob@a.example', 'read-write', 'full-access']]);
    assert.equal((await adminB.get('/api/v1/shared-mailboxes/team@a.example/collections')).status, 404);
    assert.equal((await user.get('/api/v1/shared-mailboxes/team@a.example/collections')).status, 403);
  });

  it('hides accounts of other domains from a domain admin and refuses plain users', async () => {
    assert.equal((await adminB.get('/api/v1/accounts/alice@a.example/collections')).status, 404);
    assert.equal((await user.get('/api/v1/accounts/alice@a.example/collections')).status, 403);
    assert.equal((await user.put('/api/v1/accounts/alice@a.example/delegations/bob@a.example', { access: 'read-write' })).status, 403);
  });
});
