// Route schemas are compiled at each route's first request (issue 8: idle
// memory; server/src/protocols/http/schema-compilers.ts), so a schema that
// does not compile no longer stops the server at start. This file is where
// such a schema fails: every route of the admin API and DAV is compiled here,
// and a route whose schema does not compile answers 500 and leaves the
// server and its other routes working.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import Fastify, { type FastifyInstance } from 'fastify';
import { compileEverySchema, createSchemaCompilers, trackSchemaCompilers } from '../../server/src/protocols/http/schema-compilers.ts';
import { installProblemHandlers } from '../../server/src/protocols/http/problem.ts';
import { startApi, type Harness } from './harness.ts';

describe('route schemas compiled at first use', () => {
  let h: Harness;
  before(async () => { h = await startApi(undefined, { queue: true }); });
  after(async () => h.close());

  test('every request and response schema of the admin API and DAV compiles', () => {
    const count = compileEverySchema(h.app);
    // 869 when written: one per request part and response status of every route.
    assert.ok(count > 300, `${count} schemas`);
    // Compiled once: the second pass compiles nothing new and fails on nothing.
    assert.equal(compileEverySchema(h.app), count);
  });

  test('compileEverySchema refuses an instance it did not build', () => {
    assert.throws(() => compileEverySchema(Fastify()), /not a server built by createHttpServer/);
  });
});

describe('a route schema that does not compile', () => {
  let app: FastifyInstance;
  let base: string;
  before(async () => {
    const compilers = createSchemaCompilers();
    app = Fastify({ schemaController: { compilersFactory: compilers.compilersFactory } });
    trackSchemaCompilers(app, compilers);
    installProblemHandlers(app);
    const reply = { 200: { type: 'object', properties: { ok: { type: 'boolean' } } } };
    app.post('/good', { schema: { body: { type: 'object', properties: { n: { type: 'integer' } }, required: ['n'], additionalProperties: false }, response: reply } }, async () => ({ ok: true, extra: 'dropped' }));
    app.post('/bad-body', { schema: { body: { type: 'object', properties: { n: { type: 'no-such-type' } } }, response: reply } }, async () => ({ ok: true }));
    app.get('/bad-reply', { schema: { response: { 200: { type: 'object', properties: { a: { $ref: '#/definitions/missing' } } } } } }, async () => ({ a: 1 }));
    await app.listen({ port: 0, host: '127.0.0.1' });
    base = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;
  });
  after(async () => app.close());

  const post = (path: string, body: unknown): Promise<Response> => fetch(base + path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

  test('starting does not compile it; its requests are 500 problems and the other routes work', async () => {
    for (let i = 0; i < 2; i++) {
      const bad = await post('/bad-body', { n: 1 });
      assert.equal(bad.status, 500);
      assert.equal(((await bad.json()) as { code: string }).code, 'STOA_INTERNAL');
      const badReply = await fetch(`${base}/bad-reply`);
      assert.equal(badReply.status, 500);
      assert.equal(((await badReply.json()) as { code: string }).code, 'STOA_INTERNAL');
    }
    const good = await post('/good', { n: 1 });
    assert.equal(good.status, 200);
    assert.deepEqual(await good.json(), { ok: true }, 'the response serializer drops fields its schema does not have');
  });

  test('a validator compiled at first use still reports which field failed', async () => {
    for (const [body, path] of [[{ n: 'x' }, '/body/n'], [{}, '/body/n'], [{ n: 1, m: 2 }, '/body/m']] as const) {
      const res = await post('/good', body);
      assert.equal(res.status, 400);
      const problem = (await res.json()) as { code: string; errors: { path: string }[] };
      assert.equal(problem.code, 'STOA_VALIDATION');
      assert.equal(problem.errors[0].path, path, JSON.stringify(body));
    }
  });

  test('compileEverySchema names the first schema that does not compile', () => {
    assert.throws(() => compileEverySchema(app), /the body schema of POST \/bad-body does not compile/);
  });
});
