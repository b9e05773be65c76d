// Bad input of every kind gets a clear problem+json answer and changes nothing.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { openSqliteStore } from '../../server/src/store/open-store.ts';
import { Client, type Harness, startApi } from './harness.ts';

function assertProblem(res: { status: number; headers: Headers; body: any }, status: number, code: string): void {
  assert.equal(res.status, status, JSON.stringify(res.body));
  assert.match(res.headers.get('content-type') ?? '', /^application\/problem\+json/);
  assert.equal(res.body.code, code);
  assert.equal(res.body.status, status);
  assert.equal(res.body.type, `https://stoa.dev/errors/${code}`);
  assert.equal(typeof res.body.title, 'string');
}

describe('admin API bad input', () => {
  let h: Harness;
  let root: Client;
  before(async () => {
    h = await startApi();
    await h.seedAccount('root@ops.example', 'server-admin');
    root = await h.login('root@ops.example');
    assert.equal((await root.post('/api/v1/domains', { name: 'a.example' })).status, 201);
  });
  after(async () => h.close());

  test('a DELETE with a JSON content type and no body is a plain DELETE (issue 16 item 24)', async () => {
    assert.equal((await root.post('/api/v1/domains', { name: 'gone.example' })).status, 201);
    // Client libraries that set the header on every request send exactly this.
    const gone = await root.request('DELETE', '/api/v1/domains/gone.example', '', { 'content-type': 'application/json' });
    assert.equal(gone.status, 204, gone.text);
    assertProblem(await root.request('DELETE', '/api/v1/domains/gone.example', '', { 'content-type': 'application/json' }), 404, 'STOA_NOT_FOUND');
    assertProblem(await root.request('DELETE', '/api/v1/domains/a.example', '{"oops', { 'content-type': 'application/json' }), 400, 'STOA_BAD_JSON');
    assert.equal((await root.get('/api/v1/domains/a.example')).status, 200, 'nothing deleted by the malformed request');
  });

  test('malformed JSON is 400 STOA_BAD_JSON', async () => {
    assertProblem(await root.post('/api/v1/domains', '{"name": "x.example",'), 400, 'STOA_BAD_JSON');
    assertProblem(await root.request('POST', '/api/v1/domains', '', { 'content-type': 'application/json' }), 400, 'STOA_BAD_JSON');
    assertProblem(await root.post('/api/v1/domains', '{"__proto__": {"admin": true}, "name": "p.example"}'), 400, 'STOA_BAD_JSON');
  });

  test('an oversized body is 413 STOA_PAYLOAD_TOO_LARGE', async () => {
    const res = await root.post('/api/v1/domains', { name: 'big.example', description: 'x'.repeat(h.config.api.bodyLimitBytes) });
    assertProblem(res, 413, 'STOA_PAYLOAD_TOO_LARGE');
  });

  test('a body that is not JSON is 415 STOA_UNSUPPORTED_MEDIA_TYPE', async () => {
    assertProblem(await root.request('POST', '/api/v1/domains', 'name=x.example', { 'content-type': 'application/x-www-form-urlencoded' }), 415, 'STOA_UNSUPPORTED_MEDIA_TYPE');
    assertProblem(await root.request('POST', '/api/v1/domains', '{"name":"x.example"}', { 'content-type': 'text/plain' }), 415, 'STOA_UNSUPPORTED_MEDIA_TYPE');
  });

  test('unknown fields are rejected, not stripped, with the field path', async () => {
    const res = await root.post('/api/v1/domains', { name: 'typo.example', descripton: 'typo' });
    assertProblem(res, 400, 'STOA_VALIDATION');
    assert.deepEqual(res.body.errors, [{ path: '/body/descripton', message: 'is not an allowed field' }]);
    assert.equal((await root.get('/api/v1/domains/typo.example')).status, 404, 'nothing created');
    const q = await root.get('/api/v1/domains?colour=red');
    assertProblem(q, 400, 'STOA_VALIDATION');
    assert.equal(q.body.errors[0].path, '/querystring/colour');
  });

  test('wrong types are 400 with the path, and bodies are not coerced', async () => {
    const res = await root.post('/api/v1/accounts', { address: 'x@a.example', quotaBytes: '1000' });
    assertProblem(res, 400, 'STOA_VALIDATION');
    assert.equal(res.body.errors[0].path, '/body/quotaBytes');
    const nested = await root.post('/api/v1/accounts', { address: 'y@a.example', forwardTo: ['ok@x.example', 42] });
    assertProblem(nested, 400, 'STOA_VALIDATION');
    assert.equal(nested.body.errors[0].path, '/body/forwardTo/1');
    const missing = await root.post('/api/v1/aliases', { address: 'z@a.example' });
    assert.deepEqual(missing.body.errors, [{ path: '/body/targets', message: 'is required' }]);
    assertProblem(await root.patch('/api/v1/domains/a.example', {}), 400, 'STOA_VALIDATION');
    assertProblem(await root.get('/api/v1/accounts?limit=0'), 400, 'STOA_VALIDATION');
    assertProblem(await root.get('/api/v1/accounts?limit=ten'), 400, 'STOA_VALIDATION');
    assertProblem(await root.get('/api/v1/accounts?sort=password'), 400, 'STOA_VALIDATION');
    assert.equal((await root.get('/api/v1/accounts?limit=10&enabled=true')).status, 200, 'query strings are coerced');
  });

  test('duplicate addresses and domains are 409', async () => {
    assert.equal((await root.post('/api/v1/accounts', { address: 'dup@a.example' })).status, 201);
    for (const [path, body] of [
      ['/api/v1/accounts', { address: 'dup@a.example' }],
      ['/api/v1/accounts', { address: 'DUP@A.example' }],
      ['/api/v1/groups', { address: 'dup@a.example' }],
      ['/api/v1/aliases', { address: 'dup@a.example', targets: ['x@y.example'] }],
      ['/api/v1/resources', { address: 'dup@a.example', name: 'd', kind: 'room' }],
    ] as const) {
      assertProblem(await root.post(path, body), 409, 'STOA_ADDRESS_TAKEN');
    }
    assertProblem(await root.post('/api/v1/domains', { name: 'A.EXAMPLE' }), 409, 'STOA_DOMAIN_EXISTS');
  });

  test('invalid domain names and addresses are 422', async () => {
    for (const name of ['-bad.example', 'no_underscore.example', 'a..example', 'x'.repeat(64) + '.example']) {
      assertProblem(await root.post('/api/v1/domains', { name }), 422, 'STOA_INVALID_DOMAIN');
    }
    const unknown = await root.post('/api/v1/accounts', { address: 'x@unknown.example' });
    assertProblem(unknown, 422, 'STOA_UNKNOWN_DOMAIN');
    const bad = await root.post('/api/v1/accounts', { address: 'a..b@a.example' });
    assert.equal(bad.status, 422);
    assert.equal(bad.body.code, 'STOA_INVALID_ADDRESS');
  });

  test('unknown routes are 404 STOA_ROUTE_NOT_FOUND, unknown objects 404 STOA_NOT_FOUND', async () => {
    assertProblem(await root.get('/api/v1/nope'), 404, 'STOA_ROUTE_NOT_FOUND');
    assertProblem(await new Client(h.base).request('PUT', '/api/v1/domains'), 404, 'STOA_ROUTE_NOT_FOUND');
    assertProblem(await root.get('/api/v1/accounts/ghost@a.example'), 404, 'STOA_NOT_FOUND');
    assertProblem(await root.patch('/api/v1/accounts/ghost@a.example', { displayName: 'x' }), 404, 'STOA_NOT_FOUND');
  });
});

describe('admin API when the store goes away', () => {
  let h: Harness;
  let root: Client;
  before(async () => {
    // Slow enough hashing that the store can be closed while a request is inside the service.
    h = await startApi((c) => { c.auth.argon2 = { memoryKiB: 32768, passes: 2, parallelism: 1 }; });
    await h.seedAccount('root@ops.example', 'server-admin');
    root = await h.login('root@ops.example');
    assert.equal((await root.post('/api/v1/domains', { name: 'a.example' })).status, 201);
  });
  after(async () => h.close());

  test('a store that goes away mid-request gives 503 STOA_STORE_UNAVAILABLE with Retry-After, and nothing is written', async () => {
    // The gate has passed and the account service is hashing the password when the store closes.
    const pending = root.post('/api/v1/accounts', { address: 'lost@a.example', password: 'long enough secret' });
    await new Promise((resolve) => setTimeout(resolve, 40));
    await h.store.close();
    const res = await pending;
    assertProblem(res, 503, 'STOA_STORE_UNAVAILABLE');
    assert.ok(Number(res.headers.get('retry-after')) > 0);
    assert.ok(!res.text.includes('sqlite') && !res.text.includes('stack'), 'no internals leak');

    const reopened = await openSqliteStore({ path: h.config.store.sqlite.path, blobsPath: h.config.store.blobs.path });
    try {
      assert.equal(await reopened.accounts.getByAddress('lost@a.example'), null);
      assert.equal(await reopened.addresses.resolve('lost@a.example'), null);
      const audit = await reopened.audit.list({ offset: 0, limit: 500, sort: 'at', order: 'desc', scope: null, objectType: 'account' });
      assert.ok(!JSON.stringify(audit.items).includes('lost@a.example'));
    } finally {
      await reopened.close();
    }
  });

  test('while the store is down every request is 503 and /readyz fails, but /healthz still answers', async () => {
    assertProblem(await root.get('/api/v1/domains'), 503, 'STOA_STORE_UNAVAILABLE');
    assertProblem(await root.post('/api/v1/domains', { name: 'b.example' }), 503, 'STOA_STORE_UNAVAILABLE');
    assertProblem(await root.get('/readyz'), 503, 'STOA_STORE_UNAVAILABLE');
    assert.equal((await root.get('/healthz')).status, 200);
  });
});
