// Logging in and out, the session cookie, CSRF, bearer tokens and /me.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Client, PASSWORD, startApi, type Harness } from './harness.ts';

describe('admin API sessions and tokens', () => {
  let h: Harness;
  before(async () => {
    h = await startApi();
    await h.seedAccount('root@a.example', 'server-admin');
    await h.seedAccount('ann@a.example');
  });
  after(async () => h.close());

  test('login sets an HttpOnly, SameSite=Strict session cookie and GET /session says who I am', async () => {
    const c = new Client(h.base);
    const res = await c.post('/api/v1/session', { username: 'root@a.example', password: PASSWORD });
    assert.equal(res.status, 200);
    const cookie = res.headers.getSetCookie().find((x) => x.startsWith('stoa_session='))!;
    assert.match(cookie, /HttpOnly/i);
    assert.match(cookie, /SameSite=Strict/i);
    assert.match(cookie, /Path=\//);
    assert.doesNotMatch(cookie, /Secure/i, 'cookieSecure=auto over plain HTTP');
    assert.equal(res.body.role, 'server-admin');
    const me = await c.get('/api/v1/session');
    assert.equal(me.status, 200);
    assert.equal(me.body.account.address, 'root@a.example');
    assert.equal(me.body.via, 'session');
    assert.deepEqual(me.body.adminDomains, []);
  });

  test('the session is stored as a hash, never as the secret', async () => {
    const c = await h.login('ann@a.example');
    const account = await h.directory.accounts.get({ id: null, login: 'system', role: 'server-admin', adminDomainIds: [], ip: null }, 'ann@a.example');
    const sessions = await h.store.credentials.listForAccount(account.id, 'session');
    assert.ok(sessions.length >= 1);
    assert.ok(sessions.every((s) => s.id !== c.cookie && /^[0-9a-f]{64}$/.test(s.id)));
  });

  test('wrong password is 401 STOA_AUTH_FAILED problem+json and sets no cookie', async () => {
    const c = new Client(h.base);
    const res = await c.post('/api/v1/session', { username: 'root@a.example', password: 'nope-nope' });
    assert.equal(res.status, 401);
    assert.match(res.headers.get('content-type')!, /application\/problem\+json/);
    assert.equal(res.body.code, 'STOA_AUTH_FAILED');
    assert.equal(res.body.type, 'https://stoa.dev/errors/STOA_AUTH_FAILED');
    // No instance member: problem documents do not repeat the request URL (issue 16 item 12).
    assert.equal(res.body.instance, undefined);
    assert.equal(c.cookie, null);
  });

  test('every route but login, health, readiness, metrics and openapi needs authentication', async () => {
    const anon = new Client(h.base);
    for (const path of ['/api/v1/session', '/api/v1/me', '/api/v1/domains', '/api/v1/accounts', '/api/v1/tokens', '/api/v1/audit']) {
      const res = await anon.get(path);
      assert.equal(res.status, 401, path);
      assert.equal(res.body.code, 'STOA_UNAUTHENTICATED', path);
    }
    for (const path of ['/healthz', '/readyz', '/metrics', '/api/v1/openapi.json']) {
      assert.equal((await anon.get(path)).status, 200, path);
    }
    anon.cookie = 'forged-value';
    assert.equal((await anon.get('/api/v1/session')).status, 401);
  });

  test('logout ends the session server-side: the old cookie no longer works', async () => {
    const c = await h.login('ann@a.example');
    const stolen = c.cookie;
    const out = await c.delete('/api/v1/session');
    assert.equal(out.status, 204);
    assert.equal(c.cookie, null, 'cookie cleared');
    const replay = new Client(h.base);
    replay.cookie = stolen;
    assert.equal((await replay.get('/api/v1/session')).status, 401);
  });

  test('cookie requests that change data need X-Stoa-CSRF or a same-origin Origin', async () => {
    const c = await h.login('root@a.example');
    c.csrf = false;
    const denied = await c.post('/api/v1/domains', { name: 'csrf.example' });
    assert.equal(denied.status, 403);
    assert.equal(denied.body.code, 'STOA_FORBIDDEN');
    const crossSite = await c.request('POST', '/api/v1/domains', { name: 'csrf.example' }, { origin: 'https://evil.example' });
    assert.equal(crossSite.status, 403);
    const sameOrigin = await c.request('POST', '/api/v1/domains', { name: 'csrf.example' }, { origin: h.base });
    assert.equal(sameOrigin.status, 201);
    assert.equal((await c.get('/api/v1/domains/csrf.example')).status, 200, 'safe methods need no header');
    c.csrf = true;
    assert.equal((await c.delete('/api/v1/domains/csrf.example')).status, 204);
  });

  test('bearer tokens: created once with their secret, listed without it, usable without CSRF, revocable', async () => {
    const c = await h.login('root@a.example');
    const created = await c.post('/api/v1/tokens', { name: 'backup script', expiresInDays: 30 });
    assert.equal(created.status, 201);
    assert.match(created.body.secret, /^stoa_/);
    assert.equal(created.headers.get('location'), `/api/v1/tokens/${created.body.token.id}`);
    assert.ok(created.body.token.expiresAt);

    const list = await c.get('/api/v1/tokens');
    assert.equal(list.status, 200);
    assert.ok(list.body.items.some((t: { id: string }) => t.id === created.body.token.id));
    assert.ok(!JSON.stringify(list.body).includes(created.body.secret));

    const script = new Client(h.base);
    script.bearer = created.body.secret;
    const who = await script.get('/api/v1/session');
    assert.equal(who.status, 200);
    assert.equal(who.body.via, 'token');
    const made = await script.post('/api/v1/domains', { name: 'bearer.example' });
    assert.equal(made.status, 201, 'no CSRF header needed for bearer');
    assert.equal((await script.delete('/api/v1/domains/bearer.example')).status, 204);

    // A session cookie is not a bearer token.
    const confused = new Client(h.base);
    confused.bearer = c.cookie;
    assert.equal((await confused.get('/api/v1/session')).status, 401);
    const malformed = await new Client(h.base).request('GET', '/api/v1/session', undefined, { authorization: 'Basic abc' });
    assert.equal(malformed.status, 401);

    assert.equal((await c.delete(`/api/v1/tokens/${created.body.token.id}`)).status, 204);
    assert.equal((await script.get('/api/v1/session')).status, 401);

    // Minting and revoking a token are changes: both are in the audit log, without the secret.
    const audit = await c.get(`/api/v1/audit?objectType=api-token&objectId=${created.body.token.id}`);
    assert.equal(audit.status, 200);
    assert.deepEqual(audit.body.items.map((e: { action: string }) => e.action).sort(), ['create', 'delete']);
    assert.ok(audit.body.items.every((e: { actor: string; ip: string | null }) => e.actor === 'root@a.example' && e.ip !== null));
    assert.ok(!JSON.stringify(audit.body).includes(created.body.secret));
  });

  test('an expired token or session is refused and forgotten', async () => {
    const root = await h.login('root@a.example');
    const created = (await root.post('/api/v1/tokens', { name: 'short-lived', expiresInDays: 1 })).body;
    const record = (await h.store.credentials.get(created.token.id))!;
    // Rewind the clock on the stored credential rather than waiting a day.
    await h.store.credentials.delete(record.id);
    await h.store.credentials.create({ ...record, expiresAt: new Date(Date.now() - 1000).toISOString() });
    const script = new Client(h.base);
    script.bearer = created.secret;
    const res = await script.get('/api/v1/session');
    assert.equal(res.status, 401);
    assert.match(res.body.detail, /expired/);
    assert.equal(await h.store.credentials.get(record.id), null);
  });

  test("a user cannot see or revoke someone else's token", async () => {
    const root = await h.login('root@a.example');
    const token = (await root.post('/api/v1/tokens', { name: 'root only' })).body.token;
    const ann = await h.login('ann@a.example');
    assert.ok(!(await ann.get('/api/v1/tokens')).body.items.some((t: { id: string }) => t.id === token.id));
    assert.equal((await ann.delete(`/api/v1/tokens/${token.id}`)).status, 404);
  });

  test('disabling an account stops its sessions and tokens at once', async () => {
    await h.seedAccount('dora@a.example');
    const dora = await h.login('dora@a.example');
    const token = (await dora.post('/api/v1/tokens', { name: 't' })).body.secret as string;
    const root = await h.login('root@a.example');
    assert.equal((await root.patch('/api/v1/accounts/dora@a.example', { enabled: false })).status, 200);
    assert.equal((await dora.get('/api/v1/me')).status, 401);
    const script = new Client(h.base);
    script.bearer = token;
    assert.equal((await script.get('/api/v1/me')).status, 401);
    const again = await new Client(h.base).post('/api/v1/session', { username: 'dora@a.example', password: PASSWORD });
    assert.equal(again.status, 403);
    assert.equal(again.body.code, 'STOA_ACCOUNT_DISABLED');
  });

  test('an app password cannot open an admin session', async () => {
    const ann = await h.login('ann@a.example');
    const app = await ann.post('/api/v1/me/app-passwords', { name: 'phone' });
    assert.equal(app.status, 201);
    const res = await new Client(h.base).post('/api/v1/session', { username: 'ann@a.example', password: app.body.secret });
    assert.equal(res.status, 401);
  });

  test('/me: a user reads and edits their own profile and app passwords', async () => {
    const ann = await h.login('ann@a.example');
    const me = await ann.get('/api/v1/me');
    assert.equal(me.status, 200);
    assert.equal(me.body.address, 'ann@a.example');
    const edited = await ann.patch('/api/v1/me', { displayName: 'Ann Example' });
    assert.equal(edited.status, 200);
    assert.equal(edited.body.displayName, 'Ann Example');
    const quota = await ann.patch('/api/v1/me', { quotaBytes: 0 });
    assert.equal(quota.status, 400, 'a user cannot lift their own quota');

    const created = await ann.post('/api/v1/me/app-passwords', { name: 'laptop' });
    assert.equal(created.status, 201);
    const list = await ann.get('/api/v1/me/app-passwords');
    assert.ok(list.body.items.some((a: { id: string }) => a.id === created.body.appPassword.id));
    assert.equal((await ann.delete(`/api/v1/me/app-passwords/${created.body.appPassword.id}`)).status, 204);
    assert.ok(!(await ann.get('/api/v1/me/app-passwords')).body.items.some((a: { id: string }) => a.id === created.body.appPassword.id));
  });

  test('/me/password needs the current password and ends the other sessions', async () => {
    await h.seedAccount('pat@a.example');
    const here = await h.login('pat@a.example');
    const elsewhere = await h.login('pat@a.example');
    const wrong = await here.put('/api/v1/me/password', { currentPassword: 'not it at all', password: 'a brand new secret' });
    assert.equal(wrong.status, 400);
    assert.equal(wrong.body.errors[0].path, '/body/currentPassword');
    const ok = await here.put('/api/v1/me/password', { currentPassword: PASSWORD, password: 'a brand new secret' });
    assert.equal(ok.status, 204);
    assert.equal((await here.get('/api/v1/me')).status, 200, 'this session stays');
    assert.equal((await elsewhere.get('/api/v1/me')).status, 401, 'the other one ends');
    assert.equal((await new Client(h.base).post('/api/v1/session', { username: 'pat@a.example', password: 'a brand new secret' })).status, 200);
  });
});

describe('admin API login throttling', () => {
  let h: Harness;
  before(async () => {
    h = await startApi((c) => {
      c.auth.throttle.accountFreeFailures = 2;
      c.auth.throttle.baseDelayMs = 60_000;
    });
    await h.seedAccount('ann@a.example');
  });
  after(async () => h.close());

  test('repeated failures are answered 429 STOA_AUTH_THROTTLED with Retry-After', async () => {
    const c = new Client(h.base);
    let last;
    for (let i = 0; i < 5; i++) last = await c.post('/api/v1/session', { username: 'ann@a.example', password: 'wrong password' });
    assert.equal(last!.status, 429);
    assert.equal(last!.body.code, 'STOA_AUTH_THROTTLED');
    assert.ok(Number(last!.headers.get('retry-after')) >= 1);
  });
});
