// Create, list (paging, filter, sort), get, update and delete for every
// directory object, as a server admin over HTTP.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { type Client, type Harness, startApi } from './harness.ts';

describe('admin API CRUD', () => {
  let h: Harness;
  let root: Client;
  before(async () => {
    h = await startApi();
    await h.seedAccount('root@ops.example', 'server-admin');
    root = await h.login('root@ops.example');
  });
  after(async () => h.close());

  test('domains: create (201 + Location), get by id and by name, patch, list, delete (204)', async () => {
    const created = await root.post('/api/v1/domains', { name: 'Example.ORG', description: 'main' });
    assert.equal(created.status, 201);
    assert.equal(created.body.name, 'example.org');
    assert.equal(created.headers.get('location'), `/api/v1/domains/${created.body.id}`);
    assert.equal((await root.get(created.headers.get('location')!)).body.name, 'example.org');
    assert.equal((await root.get('/api/v1/domains/example.org')).body.id, created.body.id);

    const patched = await root.patch('/api/v1/domains/example.org', { description: 'changed', defaultQuotaBytes: 1024 });
    assert.equal(patched.status, 200);
    assert.equal(patched.body.description, 'changed');
    assert.equal(patched.body.defaultQuotaBytes, 1024);

    const idn = await root.post('/api/v1/domains', { name: 'bücher.example' });
    assert.equal(idn.status, 201);
    assert.equal(idn.body.name, 'xn--bcher-kva.example');
    assert.equal((await root.get(`/api/v1/domains/${encodeURIComponent('bücher.example')}`)).body.id, idn.body.id);

    const list = await root.get('/api/v1/domains?q=example&sort=name&order=desc');
    assert.equal(list.status, 200);
    const names = list.body.items.map((d: { name: string }) => d.name);
    assert.deepEqual(names, [...names].sort().reverse());
    assert.ok(names.includes('example.org'));

    assert.equal((await root.delete('/api/v1/domains/xn--bcher-kva.example')).status, 204);
    assert.equal((await root.get(`/api/v1/domains/${idn.body.id}`)).status, 404);
  });

  test('accounts: CRUD with address in the path, paging, filters and sort', async () => {
    await root.post('/api/v1/domains', { name: 'people.example' });
    for (const [local, quota] of [['carol', 300], ['alice', 100], ['bob', 200], ['dave', 400], ['erin', 500]] as const) {
      const res = await root.post('/api/v1/accounts', { address: `${local}@people.example`, displayName: local.toUpperCase(), password: 'long enough secret', quotaBytes: quota });
      assert.equal(res.status, 201, res.text);
      assert.equal(res.headers.get('location'), `/api/v1/accounts/${res.body.id}`);
      assert.ok(!('password' in res.body) && !('passwordHash' in res.body));
    }
    const page1 = await root.get('/api/v1/accounts?domain=people.example&sort=address&order=asc&limit=2&offset=0');
    assert.equal(page1.status, 200);
    assert.equal(page1.body.total, 5);
    assert.equal(page1.body.limit, 2);
    assert.deepEqual(page1.body.items.map((a: { address: string }) => a.address), ['alice@people.example', 'bob@people.example']);
    const page3 = await root.get('/api/v1/accounts?domain=people.example&sort=address&limit=2&offset=4');
    assert.deepEqual(page3.body.items.map((a: { address: string }) => a.address), ['erin@people.example']);

    const byQuota = await root.get('/api/v1/accounts?domain=people.example&sort=quotaBytes&order=desc');
    assert.deepEqual(byQuota.body.items.map((a: { quotaBytes: number }) => a.quotaBytes), [500, 400, 300, 200, 100]);
    const q = await root.get('/api/v1/accounts?q=ali');
    assert.deepEqual(q.body.items.map((a: { address: string }) => a.address), ['alice@people.example']);

    assert.equal((await root.patch('/api/v1/accounts/bob@people.example', { enabled: false })).body.enabled, false);
    const disabled = await root.get('/api/v1/accounts?domain=people.example&enabled=false');
    assert.deepEqual(disabled.body.items.map((a: { address: string }) => a.address), ['bob@people.example']);
    const admins = await root.get('/api/v1/accounts?role=server-admin');
    assert.deepEqual(admins.body.items.map((a: { address: string }) => a.address), ['root@ops.example']);

    assert.equal((await root.get(`/api/v1/accounts/${encodeURIComponent('carol@people.example')}`)).body.displayName, 'CAROL');
    assert.equal((await root.delete('/api/v1/accounts/erin@people.example')).status, 204);
    assert.equal((await root.get('/api/v1/accounts/erin@people.example')).status, 404);
  });

  test('accounts: set password, grant a role, manage app passwords', async () => {
    const pw = await root.put('/api/v1/accounts/alice@people.example/password', { password: 'reset by the admin' });
    assert.equal(pw.status, 204);
    assert.equal((await h.login('alice@people.example', 'reset by the admin')).cookie !== null, true);

    const role = await root.put('/api/v1/accounts/alice@people.example/role', { role: 'domain-admin', domains: ['people.example'] });
    assert.equal(role.status, 200);
    assert.equal(role.body.role, 'domain-admin');
    assert.equal(role.body.adminDomainIds.length, 1);

    const app = await root.post('/api/v1/accounts/alice@people.example/app-passwords', { name: 'thunderbird' });
    assert.equal(app.status, 201);
    assert.equal(typeof app.body.secret, 'string');
    assert.match(app.headers.get('location')!, /\/app-passwords\//);
    const list = await root.get('/api/v1/accounts/alice@people.example/app-passwords');
    assert.equal(list.status, 200);
    assert.equal(list.body.items.length, 1);
    assert.ok(!JSON.stringify(list.body).includes(app.body.secret));
    assert.equal((await root.delete(`/api/v1/accounts/alice@people.example/app-passwords/${app.body.appPassword.id}`)).status, 204);
    assert.equal((await root.get('/api/v1/accounts/alice@people.example/app-passwords')).body.items.length, 0);
  });

  test('an admin password reset ends the target account sessions', async () => {
    const carol = await h.login('carol@people.example', 'long enough secret');
    assert.equal((await carol.get('/api/v1/me')).status, 200);
    assert.equal((await root.put('/api/v1/accounts/carol@people.example/password', { password: 'another long one' })).status, 204);
    assert.equal((await carol.get('/api/v1/me')).status, 401);
  });

  test('groups: CRUD with members, list filtered by domain and sorted by name', async () => {
    const carol = (await root.get('/api/v1/accounts/carol@people.example')).body;
    const g1 = await root.post('/api/v1/groups', { address: 'team@people.example', name: 'Team', members: [{ kind: 'account', id: carol.id }] });
    assert.equal(g1.status, 201, g1.text);
    const g2 = await root.post('/api/v1/groups', { address: 'all@people.example', name: 'All', kind: 'distribution', members: [{ kind: 'group', id: g1.body.id }, { kind: 'external', address: 'x@elsewhere.example' }] });
    assert.equal(g2.status, 201, g2.text);
    const list = await root.get('/api/v1/groups?domain=people.example&sort=name');
    assert.deepEqual(list.body.items.map((g: { name: string }) => g.name), ['All', 'Team']);
    const patched = await root.patch('/api/v1/groups/team@people.example', { description: 'the team', members: [] });
    assert.equal(patched.status, 200);
    assert.deepEqual(patched.body.members, []);
    const cycle = await root.patch('/api/v1/groups/team@people.example', { members: [{ kind: 'group', id: g2.body.id }] });
    assert.equal(cycle.status, 409);
    assert.equal(cycle.body.code, 'STOA_GROUP_CYCLE');
    assert.equal((await root.delete('/api/v1/groups/all@people.example')).status, 204);
    assert.equal((await root.get(`/api/v1/groups/${g2.body.id}`)).status, 404);
  });

  test('aliases: CRUD, catch-all, list with q', async () => {
    const a = await root.post('/api/v1/aliases', { address: 'info@people.example', targets: ['carol@people.example'] });
    assert.equal(a.status, 201, a.text);
    const catchAll = await root.post('/api/v1/aliases', { address: '*@people.example', targets: ['carol@people.example'] });
    assert.equal(catchAll.status, 201, catchAll.text);
    assert.equal((await root.get(`/api/v1/aliases/${encodeURIComponent('*@people.example')}`)).body.id, catchAll.body.id);
    const list = await root.get('/api/v1/aliases?q=info');
    assert.deepEqual(list.body.items.map((x: { address: string }) => x.address), ['info@people.example']);
    const patched = await root.patch(`/api/v1/aliases/${a.body.id}`, { targets: ['bob@people.example', 'carol@people.example'] });
    assert.equal(patched.status, 200);
    assert.equal(patched.body.targets.length, 2);
    assert.equal((await root.delete('/api/v1/aliases/info@people.example')).status, 204);
    assert.equal((await root.get('/api/v1/aliases/info@people.example')).status, 404);
  });

  test('resources: CRUD, list sorted by name', async () => {
    const room = await root.post('/api/v1/resources', { address: 'room1@people.example', name: 'Boardroom', kind: 'room', capacity: 12 });
    assert.equal(room.status, 201, room.text);
    const beamer = await root.post('/api/v1/resources', { address: 'beamer@people.example', name: 'Beamer', kind: 'equipment' });
    assert.equal(beamer.status, 201, beamer.text);
    const list = await root.get('/api/v1/resources?sort=name&order=asc');
    assert.deepEqual(list.body.items.map((r: { name: string }) => r.name), ['Beamer', 'Boardroom']);
    const patched = await root.patch('/api/v1/resources/room1@people.example', { bookingPolicy: 'manual', capacity: null });
    assert.equal(patched.status, 200);
    assert.equal(patched.body.capacity, null);
    assert.equal((await root.delete(`/api/v1/resources/${beamer.body.id}`)).status, 204);
    assert.equal((await root.get('/api/v1/resources?sort=name')).body.total, 1);
  });

  test('a domain that still holds objects cannot be deleted (409)', async () => {
    const res = await root.delete('/api/v1/domains/people.example');
    assert.equal(res.status, 409);
    assert.equal(res.body.code, 'STOA_DOMAIN_NOT_EMPTY');
  });
});
