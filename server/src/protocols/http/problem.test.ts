// The error handler on a bare Fastify instance: what reaches the client and
// what reaches the log for errors the directory never throws.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import Fastify, { type FastifyBaseLogger } from 'fastify';
import pino from 'pino';
import { StoaError } from '../../errors/catalogue.ts';
import { installProblemHandlers } from './problem.ts';
import { fieldErrors } from './validation.ts';

async function serverThrowing(err: unknown) {
  const lines: Record<string, any>[] = [];
  const sink = new Writable({ write(chunk, _e, done) { lines.push(JSON.parse(String(chunk))); done(); } });
  const app = Fastify({ loggerInstance: pino({ level: 'info' }, sink) as FastifyBaseLogger });
  installProblemHandlers(app);
  app.get('/boom', async () => { throw err; });
  await app.ready();
  return { app, lines };
}

describe('problem details', () => {
  test('an unexpected error is a bare 500 STOA_INTERNAL with a reference; its message and stack go only to the log line with that reference', async () => {
    const { app, lines } = await serverThrowing(new Error('SQLITE_CORRUPT at /var/lib/stoa/secret-path'));
    const res = await app.inject({ method: 'GET', url: '/boom?x=1' });
    assert.equal(res.statusCode, 500);
    assert.match(res.headers['content-type'] as string, /^application\/problem\+json/);
    const { reference, ...rest } = res.json();
    assert.deepEqual(rest, { type: 'https://stoa.dev/errors/STOA_INTERNAL', title: 'Internal server error', status: 500, code: 'STOA_INTERNAL' });
    assert.match(reference, /^[0-9a-f]{10}$/);
    assert.ok(lines.some((l) => l.level === 50 && l.ref === reference && String(l.err?.message).includes('secret-path')));
  });

  test('a server fault with a path in its detail answers the title and a reference, never the detail (issue 16 item 13)', async () => {
    for (const err of [
      new StoaError('STOA_STORE_UNAVAILABLE', 'writing blob under /var/lib/stoa/blobs: ENOSPC'),
      new StoaError('STOA_BLOB_CORRUPT', 'blob 1234 at /var/lib/stoa/blobs/12/34'),
      new StoaError('STOA_DATA_DIR', '/var/lib/stoa is not writable'),
    ]) {
      const { app, lines } = await serverThrowing(err);
      const res = await app.inject({ method: 'GET', url: '/boom' });
      assert.ok(res.statusCode >= 500);
      assert.doesNotMatch(res.body, /\/var\/lib|ENOSPC/);
      const { reference } = res.json();
      assert.match(reference, /^[0-9a-f]{10}$/);
      assert.ok(lines.some((l) => l.ref === reference && JSON.stringify(l).includes('/var/lib/stoa')), err.code);
    }
  });

  test('a StoaError keeps its code, detail, field errors and Retry-After', async () => {
    const { app } = await serverThrowing(new StoaError('STOA_AUTH_THROTTLED', 'slow down', { retryAfterSeconds: 2.2 }));
    const res = await app.inject({ method: 'GET', url: '/boom' });
    assert.equal(res.statusCode, 429);
    assert.equal(res.headers['retry-after'], '3');
    assert.equal(res.json().detail, 'slow down');
  });

  test('the store being unavailable defaults to Retry-After: 5', async () => {
    const { app } = await serverThrowing(new StoaError('STOA_STORE_UNAVAILABLE'));
    const res = await app.inject({ method: 'GET', url: '/boom' });
    assert.equal(res.statusCode, 503);
    assert.equal(res.headers['retry-after'], '5');
  });

  test('an unknown route is 404 STOA_ROUTE_NOT_FOUND and does not repeat the URL', async () => {
    const { app } = await serverThrowing(new Error('unused'));
    const res = await app.inject({ method: 'DELETE', url: '/nowhere?q=1' });
    assert.equal(res.statusCode, 404);
    assert.equal(res.json().code, 'STOA_ROUTE_NOT_FOUND');
    assert.doesNotMatch(res.body, /nowhere/);
  });
});

describe('validation error paths (RFC 6901 JSON Pointers)', () => {
  const cases: [string, Parameters<typeof fieldErrors>[0][number], string, { path: string; message: string }][] = [
    ['unknown field', { keyword: 'additionalProperties', instancePath: '', schemaPath: '', params: { additionalProperty: 'a/b~c' }, message: 'must NOT have additional properties' }, 'body', { path: '/body/a~1b~0c', message: 'is not an allowed field' }],
    ['missing field', { keyword: 'required', instancePath: '/members/0', schemaPath: '', params: { missingProperty: 'id' }, message: "must have required property 'id'" }, 'body', { path: '/body/members/0/id', message: 'is required' }],
    ['wrong type', { keyword: 'type', instancePath: '/limit', schemaPath: '', params: { type: 'integer' }, message: 'must be integer' }, 'querystring', { path: '/querystring/limit', message: 'must be integer' }],
  ];
  for (const [name, error, part, expected] of cases) {
    test(name, () => assert.deepEqual(fieldErrors([error], part), [expected]));
  }
});
