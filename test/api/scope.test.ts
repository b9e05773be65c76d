// Delegated administration: a domain admin is confined to their domains, a
// plain user to /me, and every change lands in the audit log.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { type Client, type Harness, startApi } from './harness.ts';

describe('admin API scope and audit', () => {
  let h: Harness;
  let root: Client;
  let adminA: Client;
  let user: Client;
  const ids: Record<string, string> = {};

  before(async () => {
    h = await startApi();
    await h.seedAccount('root@ops.example', 'server-admin');
    root = await h.login('root@ops.example');
    for (const name of ['a.example', 'b.example']) {
      assert.equal((await root.post('/api/v1/domains', { name })).status, 201);
      const acct = await root.post('/api/v1/accounts', { address: `boss@${name}`, password: 'long enough secret' });
      ids[`account:${name}`] = acct.body.id;
      ids[`group:${name}`] = (await root.post('/api/v1/groups', { address: `team@${name}` })).body.id;
      ids[`alias:${name}`] = (await root.post('/api/v1/aliases', { address: `info@${name}`, targets: [`boss@${name}`] })).body.id;
      ids[`resource:${name}`] = (await root.post('/api/v1/resources', { address: `room@${name}`, name: 'Room', kind: 'room' })).body.id;
      ids[`domain:${name}`] = (await root.get(`/api/v1/domains/${name}`)).body.id;
    }
    await h.seedAccount('da@a.example', 'domain-admin', ['a.example']);
    adminA = await h.login('da@a.example');
    user = await h.login('boss@b.example', 'long enough secret');
  });
  after(async () => h.close());

  test('GET /session lists the domains a domain admin manages', async () => {
    const me = await adminA.get('/api/v1/session');
    assert.equal(me.body.role, 'domain-admin');
    assert.deepEqual(me.body.adminDomains.map((d: { name: string }) => d.name), ['a.example']);
  });

  test('a domain admin of a.example cannot see anything in b.example (404, by id or by address)', async () => {
    for (const kind of ['domains', 'accounts', 'groups', 'aliases', 'resources']) {
      const singular = { domains: 'domain', accounts: 'account', groups: 'group', aliases: 'alias', resources: 'resource' }[kind]!;
      const id = ids[`${singular}:b.example`];
      assert.equal((await adminA.get(`/api/v1/${kind}/${id}`)).status, 404, `${kind} by id`);
      assert.equal((await adminA.get(`/api/v1/${kind}/${id}`)).body.code, 'STOA_NOT_FOUND');
      assert.equal((await adminA.get(`/api/v1/${kind}/${ids[`${singular}:a.example`]}`)).status, 200, `${kind} in own domain`);
    }
    assert.equal((await adminA.get('/api/v1/domains/b.example')).status, 404);
    assert.equal((await adminA.get('/api/v1/accounts/boss@b.example')).status, 404);
    assert.equal((await adminA.get('/api/v1/accounts/boss@b.example/app-passwords')).status, 404);
  });

  test('lists exclude b.example, even when asked for it', async () => {
    for (const kind of ['domains', 'accounts', 'groups', 'aliases', 'resources']) {
      const list = await adminA.get(`/api/v1/${kind}?limit=500`);
      assert.equal(list.status, 200, kind);
      assert.ok(list.body.items.length > 0, kind);
      assert.ok(!JSON.stringify(list.body.items).includes('b.example'), kind);
    }
    // Filtering by a domain outside the grant answers as if it did not exist.
    const asked = await adminA.get('/api/v1/accounts?domain=b.example');
    assert.equal(asked.status, 404);
    assert.ok(!JSON.stringify(asked.body).includes(ids['domain:b.example']));
  });

  test('a domain admin cannot change or delete b.example objects (404/403), nor create in b.example (403)', async () => {
    const changes: [string, string, unknown][] = [
      ['PATCH', `/api/v1/domains/${ids['domain:b.example']}`, { description: 'mine now' }],
      ['DELETE', `/api/v1/domains/${ids['domain:b.example']}`, undefined],
      ['PATCH', '/api/v1/accounts/boss@b.example', { displayName: 'pwned' }],
      ['PUT', '/api/v1/accounts/boss@b.example/password', { password: 'taken over now' }],
      ['PUT', '/api/v1/accounts/boss@b.example/role', { role: 'user' }],
      ['POST', '/api/v1/accounts/boss@b.example/app-passwords', { name: 'backdoor' }],
      ['DELETE', '/api/v1/accounts/boss@b.example', undefined],
      ['PATCH', `/api/v1/groups/${ids['group:b.example']}`, { description: 'x' }],
      ['DELETE', `/api/v1/groups/${ids['group:b.example']}`, undefined],
      ['PATCH', `/api/v1/aliases/${ids['alias:b.example']}`, { targets: ['da@a.example'] }],
      ['DELETE', `/api/v1/aliases/${ids['alias:b.example']}`, undefined],
      ['PATCH', `/api/v1/resources/${ids['resource:b.example']}`, { name: 'x' }],
      ['DELETE', `/api/v1/resources/${ids['resource:b.example']}`, undefined],
    ];
    for (const [method, path, body] of changes) {
      const res = await adminA.request(method, path, body);
      assert.ok([403, 404].includes(res.status), `${method} ${path} → ${res.status}`);
    }
    const creates: [string, unknown][] = [
      ['/api/v1/accounts', { address: 'new@b.example', password: 'long enough secret' }],
      ['/api/v1/groups', { address: 'new@b.example' }],
      ['/api/v1/aliases', { address: 'new@b.example', targets: ['da@a.example'] }],
      ['/api/v1/resources', { address: 'new@b.example', name: 'n', kind: 'room' }],
      ['/api/v1/domains', { name: 'c.example' }],
    ];
    for (const [path, body] of creates) {
      const res = await adminA.post(path, body);
      assert.equal(res.status, 403, `POST ${path}`);
      assert.equal(res.body.code, 'STOA_FORBIDDEN');
    }
    // Nothing changed in b.example.
    const boss = (await root.get('/api/v1/accounts/boss@b.example')).body;
    assert.equal(boss.displayName === 'pwned', false);
    assert.equal((await root.get('/api/v1/accounts?domain=b.example')).body.total, 1);
    assert.equal((await root.get('/api/v1/accounts/boss@b.example/app-passwords')).body.items.length, 0);
  });

  test('the domain admin works normally inside a.example', async () => {
    const res = await adminA.post('/api/v1/accounts', { address: 'new@a.example', password: 'long enough secret' });
    assert.equal(res.status, 201);
    assert.equal((await adminA.patch('/api/v1/accounts/new@a.example', { displayName: 'New' })).status, 200);
    assert.equal((await adminA.put('/api/v1/accounts/new@a.example/role', { role: 'server-admin' })).status, 403, 'only server admins grant roles');
  });

  test('a plain user gets 403 on every admin route', async () => {
    const doc = (await user.get('/api/v1/openapi.json')).body;
    let checked = 0;
    for (const [path, ops] of Object.entries<Record<string, { tags?: string[] }>>(doc.paths)) {
      for (const [method, op] of Object.entries(ops)) {
        const tag = op.tags?.[0];
        if (['me', 'session', 'health', 'meta'].includes(tag ?? '')) continue;
        const url = path.replace('{id}', ids['account:b.example']).replace('{appId}', 'abc');
        const body = ['post', 'put', 'patch'].includes(method) ? { name: 'x' } : undefined;
        const res = await user.request(method.toUpperCase(), url, body);
        assert.equal(res.status, 403, `${method} ${path}`);
        assert.equal(res.body.code, 'STOA_FORBIDDEN');
        checked++;
      }
    }
    assert.ok(checked >= 30, `checked ${checked} admin operations`);
  });

  test('every change is in the audit log with actor, IP, before and after', async () => {
    const res = await adminA.patch('/api/v1/accounts/new@a.example', { displayName: 'Renamed' });
    assert.equal(res.status, 200);
    const log = await root.get(`/api/v1/audit?objectId=${res.body.id}&sort=at&order=desc`);
    assert.equal(log.status, 200);
    const entry = log.body.items.find((e: { action: string; after: { displayName?: string } | null }) => e.action === 'update' && e.after?.displayName === 'Renamed');
    assert.ok(entry, JSON.stringify(log.body.items));
    assert.equal(entry.actor, 'da@a.example');
    assert.equal(entry.ip, '127.0.0.1');
    assert.equal(entry.before.displayName, 'New');
    assert.equal(entry.objectType, 'account');

    const created = (await root.get('/api/v1/audit?objectType=domain&limit=500')).body.items;
    assert.ok(created.some((e: { action: string; actor: string }) => e.action === 'create' && e.actor === 'root@ops.example'));
    assert.equal((await adminA.put('/api/v1/accounts/new@a.example/password', { password: 'set by the domain admin' })).status, 204);
    const pw = (await root.get(`/api/v1/audit?objectId=${res.body.id}&limit=500`)).body.items
      .find((e: { action: string }) => e.action === 'set-password');
    assert.ok(pw, 'password changes are audited');
    assert.equal(pw.actor, 'da@a.example');
    assert.ok(!JSON.stringify(pw).includes('set by the domain admin'), 'never the password itself');
    const all = JSON.stringify((await root.get(`/api/v1/audit?objectId=${res.body.id}&limit=500`)).body.items);
    assert.ok(!all.includes('$argon2id$'), 'no entry carries a password hash');
  });

  test("a domain admin's audit list shows a.example only", async () => {
    const log = await adminA.get('/api/v1/audit?limit=500');
    assert.equal(log.status, 200);
    assert.ok(log.body.items.length > 0);
    const b = ids['domain:b.example'];
    assert.ok(log.body.items.every((e: { domainId: string | null }) => e.domainId !== b && e.domainId !== null));
    const rootLog = await root.get('/api/v1/audit?limit=500&domain=b.example');
    assert.ok(rootLog.body.items.length > 0, 'b.example has entries the domain admin cannot see');
  });
});
