// What every HTTP answer carries and what it never shows (issue 16 item 12):
// nosniff everywhere, no-store on the API, a content security policy with
// frame-ancestors for the console, /metrics only for loopback clients or a
// configured token, and 404/414/bad-URL answers as problem+json that do not
// echo the URL back.
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { after, before, describe, test } from 'node:test';
import { Client, type Harness, startApi } from './harness.ts';

/** One request on its own connection (no keep-alive), for inputs fetch() refuses to send. */
function rawGet(base: string, path: string): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
  const { hostname, port } = new URL(base);
  return new Promise((resolve, reject) => {
    const req = request({ host: hostname, port, path, method: 'GET', agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => { body += d; });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

const MARK = 'zq-echo-marker';

describe('HTTP answers: headers, /metrics access and URL echo', () => {
  let h: Harness;
  let user: Client;
  before(async () => {
    h = await startApi();
    await h.seedAccount('user@a.example');
    user = await h.login('user@a.example');
  });
  after(async () => h.close());

  test('API answers, success and problem alike, carry nosniff and Cache-Control: no-store', async () => {
    for (const res of [await user.get('/api/v1/me'), await new Client(h.base).get('/api/v1/me'), await user.get('/api/v1/nothing-here')]) {
      assert.equal(res.headers.get('x-content-type-options'), 'nosniff');
      assert.match(res.headers.get('cache-control') ?? '', /no-store/);
    }
    const health = await new Client(h.base).get('/healthz');
    assert.equal(health.headers.get('x-content-type-options'), 'nosniff');
  });

  test('the console (/admin) gets a content security policy that forbids framing', async () => {
    const res = await new Client(h.base).get('/admin/');
    const csp = res.headers.get('content-security-policy') ?? '';
    assert.match(csp, /frame-ancestors 'none'/);
    assert.match(csp, /default-src 'self'/);
    assert.match(csp, /object-src 'none'/);
    assert.equal(res.headers.get('x-frame-options'), 'DENY');
    assert.equal(res.headers.get('x-content-type-options'), 'nosniff');
  });

  test('an unknown route is problem+json and does not echo the URL', async () => {
    const res = await rawGet(h.base, `/${MARK}<script>?q=${MARK}`);
    assert.equal(res.status, 404);
    assert.match(String(res.headers['content-type']), /^application\/problem\+json/);
    assert.equal(JSON.parse(res.body).code, 'STOA_ROUTE_NOT_FOUND');
    assert.ok(!res.body.includes(MARK), res.body);
  });

  test('a malformed URL is a 400 problem without the URL', async () => {
    const res = await rawGet(h.base, `/api/v1/accounts/%zz${MARK}`);
    assert.equal(res.status, 400);
    assert.match(String(res.headers['content-type']), /^application\/problem\+json/);
    assert.equal(JSON.parse(res.body).code, 'STOA_VALIDATION');
    assert.ok(!res.body.includes(MARK), res.body);
  });

  test('an overlong path parameter is a 414 problem without the URL', async () => {
    const res = await rawGet(h.base, `/api/v1/accounts/${MARK}${'a'.repeat(2000)}`);
    assert.equal(res.status, 414);
    assert.match(String(res.headers['content-type']), /^application\/problem\+json/);
    assert.equal(JSON.parse(res.body).code, 'STOA_URI_TOO_LONG');
    assert.ok(!res.body.includes(MARK), res.body.slice(0, 300));
  });

  test('headers beyond the parser limit are a 431 problem', async () => {
    const res = await rawGet(h.base, `/api/v1/domains/${'b'.repeat(20_000)}`);
    assert.equal(res.status, 431);
    assert.match(String(res.headers['content-type']), /^application\/problem\+json/);
    assert.equal(JSON.parse(res.body).code, 'STOA_HEADERS_TOO_LARGE');
  });

  test('/metrics answers loopback clients and refuses others by default', async () => {
    const local = await new Client(h.base).get('/metrics');
    assert.equal(local.status, 200);
    assert.match(local.text, /stoa_/);
    const remote = await h.app.inject({ method: 'GET', url: '/metrics', remoteAddress: '203.0.113.9' });
    assert.equal(remote.statusCode, 403);
    assert.match(String(remote.headers['content-type']), /^application\/problem\+json/);
    assert.doesNotMatch(remote.body, /stoa_auth/);
  });
});

describe('/metrics with a token', () => {
  let h: Harness;
  const token = 'metrics-token-0123456789abcdef';
  before(async () => { h = await startApi((c) => { c.api.metrics = { access: 'token', token }; }); });
  after(async () => h.close());

  test('needs the bearer token from every address, loopback included', async () => {
    const none = await h.app.inject({ method: 'GET', url: '/metrics', remoteAddress: '127.0.0.1' });
    assert.equal(none.statusCode, 401);
    const wrong = await h.app.inject({ method: 'GET', url: '/metrics', remoteAddress: '203.0.113.9', headers: { authorization: 'Bearer nope' } });
    assert.equal(wrong.statusCode, 401);
    const right = await h.app.inject({ method: 'GET', url: '/metrics', remoteAddress: '203.0.113.9', headers: { authorization: `Bearer ${token}` } });
    assert.equal(right.statusCode, 200);
    assert.match(right.body, /stoa_/);
  });
});
