// The outbound queue in the admin API: server admins list, inspect, retry and
// delete every queued message; a domain admin sees only the messages sent
// from their domains (anything else answers 404, as for other directory
// objects); users get 403 whatever they ask for. The queue service holds
// these rules (services own the rules), so the routes only map them.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { QueueService } from '../../server/src/queue/queue-service.ts';
import { type Client, type Harness, startApi } from './harness.ts';
import { systemActor as makeSystemActor } from '../../server/src/directory/access.ts';
const SYSTEM = makeSystemActor();

function message(subject: string): Buffer {
  return Buffer.from(`From: <alice@ops.example>\r\nTo: <bob@remote.test>\r\nSubject: ${subject}\r\n\r\nHello.\r\n`);
}

describe('admin API: outbound queue', () => {
  let h: Harness;
  let queue: QueueService;
  let root: Client;
  let domainAdmin: Client;
  let user: Client;
  let first: string;
  let second: string;

  before(async () => {
    h = await startApi(undefined, { queue: true });
    queue = h.queue!;
    await h.seedAccount('root@ops.example', 'server-admin');
    await h.seedAccount('da@ops.example', 'domain-admin', ['ops.example']);
    await h.seedAccount('user@ops.example');
    root = await h.login('root@ops.example');
    domainAdmin = await h.login('da@ops.example');
    user = await h.login('user@ops.example');
    first = await queue.enqueue(SYSTEM, {
      message: message('first'), sender: 'alice@ops.example', envId: 'ENV-1', ret: 'HDRS',
      recipients: [{ address: 'bob@remote.test', notify: ['FAILURE', 'DELAY'] }, { address: 'carol@other.test', orcpt: 'rfc822;carol@other.test' }],
    });
    second = await queue.enqueue(SYSTEM, { message: message('second'), sender: '', recipients: [{ address: 'dave@remote.test' }] });
  });
  after(async () => h.close());

  test('a server admin lists queued messages with counts and ISO times', async () => {
    const res = await root.get('/api/v1/queue');
    assert.equal(res.status, 200);
    assert.equal(res.body.total, 2);
    assert.deepEqual([res.body.offset, res.body.limit], [0, 50]);
    const ids = res.body.items.map((m: { id: string }) => m.id);
    assert.deepEqual(new Set(ids), new Set([first, second]));
    const item = res.body.items.find((m: { id: string }) => m.id === first);
    assert.equal(item.sender, 'alice@ops.example');
    assert.equal(item.recipientCount, 2);
    assert.equal(item.pendingCount, 2);
    assert.match(item.createdAt, /^\d{4}-\d\d-\d\dT.*Z$/);
    assert.match(item.nextAttemptAt, /Z$/);
    assert.equal(item.completedAt, null);
    assert.equal(Date.parse(item.expiresAt) - Date.parse(item.createdAt), h.config.queue.lifetimeMs);
  });

  test('the list filters by domain, sender (empty = the null sender), status, and pages', async () => {
    const byDomain = await root.get('/api/v1/queue?domain=other.test');
    assert.deepEqual(byDomain.body.items.map((m: { id: string }) => m.id), [first]);
    const nullSender = await root.get('/api/v1/queue?sender=');
    assert.deepEqual(nullSender.body.items.map((m: { id: string }) => m.id), [second]);
    assert.equal((await root.get('/api/v1/queue?status=delivered')).body.total, 0);
    assert.equal((await root.get('/api/v1/queue?status=queued')).body.total, 2);
    const page = await root.get('/api/v1/queue?offset=1&limit=1');
    assert.equal(page.body.items.length, 1);
    assert.equal(page.body.total, 2);
    assert.equal((await root.get('/api/v1/queue?limit=0')).status, 400);
    assert.equal((await root.get('/api/v1/queue?status=bounced')).status, 400);
  });

  test('a server admin inspects one message with its recipients and attempt log', async () => {
    const res = await root.get(`/api/v1/queue/${first}`);
    assert.equal(res.status, 200);
    assert.equal(res.body.message.id, first);
    assert.equal(res.body.message.envId, 'ENV-1');
    assert.equal(res.body.message.ret, 'HDRS');
    const bob = res.body.recipients.find((r: { address: string }) => r.address === 'bob@remote.test');
    assert.deepEqual(bob.notify, ['FAILURE', 'DELAY']);
    assert.equal(bob.status, 'queued');
    assert.equal(bob.attempts, 0);
    assert.equal(bob.leaseOwner, null);
    assert.equal(bob.noticePending, null);
    assert.equal(res.body.recipients.find((r: { address: string }) => r.address === 'carol@other.test').orcpt, 'rfc822;carol@other.test');
    assert.deepEqual(res.body.attempts, []);
  });

  test('retry makes every pending recipient due now', async () => {
    const res = await root.post(`/api/v1/queue/${first}/retry`);
    assert.equal(res.status, 200);
    assert.deepEqual(res.body, { rescheduled: 2 });
    const audit = await root.get(`/api/v1/audit?objectType=queued-message&objectId=${first}`);
    assert.deepEqual(audit.body.items.map((e: { action: string }) => e.action), ['retry']);
    assert.deepEqual(audit.body.items[0].after, { rescheduled: 2 });
  });

  test('unknown ids are 404 and malformed ids 400, as problem JSON', async () => {
    const unknown = '00000000-0000-4000-8000-000000000000';
    for (const [method, path] of [['GET', `/api/v1/queue/${unknown}`], ['POST', `/api/v1/queue/${unknown}/retry`], ['DELETE', `/api/v1/queue/${unknown}`]] as const) {
      const res = await root.request(method, path);
      assert.equal(res.status, 404, `${method} ${path}`);
      assert.equal(res.body.code, 'STOA_NOT_FOUND');
      assert.match(res.headers.get('content-type') ?? '', /application\/problem\+json/);
    }
    const bad = await root.get('/api/v1/queue/not%20an%20id');
    assert.equal(bad.status, 400);
  });

  test('users get 403 on every queue route; anonymous callers 401', async () => {
    for (const [method, path] of [
      ['GET', '/api/v1/queue'], ['GET', `/api/v1/queue/${first}`], ['POST', `/api/v1/queue/${first}/retry`], ['DELETE', `/api/v1/queue/${first}`],
    ] as const) {
      const res = await user.request(method, path);
      assert.equal(res.status, 403, `${method} ${path}`);
      assert.equal(res.body.code, 'STOA_FORBIDDEN');
    }
    const anon = await fetch(`${h.base}/api/v1/queue`);
    assert.equal(anon.status, 401);
    assert.ok(await queue.inspect(SYSTEM, first), 'nothing was deleted');
  });

  test('a domain admin sees and retries the mail of their own domains only; other messages do not exist for them', async () => {
    const foreign = await queue.enqueue(SYSTEM, { message: message('foreign'), sender: 'eve@elsewhere.example', recipients: [{ address: 'x@remote.test' }] });
    try {
      const list = await domainAdmin.get('/api/v1/queue');
      assert.equal(list.status, 200);
      assert.deepEqual(list.body.items.map((m: { id: string }) => m.id), [first], 'only mail sent from ops.example');
      assert.equal((await domainAdmin.get(`/api/v1/queue/${first}`)).status, 200);
      assert.equal((await domainAdmin.post(`/api/v1/queue/${first}/retry`)).status, 200);
      for (const id of [second, foreign]) {
        for (const [method, path] of [['GET', `/api/v1/queue/${id}`], ['POST', `/api/v1/queue/${id}/retry`], ['DELETE', `/api/v1/queue/${id}`]] as const) {
          const res = await domainAdmin.request(method, path);
          assert.equal(res.status, 404, `${method} ${path}`);
          assert.equal(res.body.code, 'STOA_NOT_FOUND');
        }
      }
      assert.ok(await queue.inspect(SYSTEM, foreign), 'nothing was deleted');
    } finally {
      await queue.delete(SYSTEM, foreign);
    }
  });

  test('a server admin deletes a message: it is gone and its body reference is given back', async () => {
    const before = await queue.inspect(SYSTEM, second);
    assert.equal((await h.store.blobs.stat(before.message.blobId))?.refs, 1);
    const res = await root.delete(`/api/v1/queue/${second}`);
    assert.equal(res.status, 204);
    assert.equal((await root.get(`/api/v1/queue/${second}`)).status, 404);
    assert.equal((await h.store.blobs.stat(before.message.blobId))?.refs, 0);
    assert.equal((await root.get('/api/v1/queue')).body.total, 1);
    const audit = await root.get(`/api/v1/audit?objectType=queued-message&objectId=${second}`);
    assert.deepEqual(audit.body.items.map((e: { action: string }) => e.action), ['delete']);
    assert.ok(audit.body.items[0].ip, 'with the caller IP');
  });

  test('openapi.json documents the queue routes with their schemas', async () => {
    const doc = JSON.parse((await root.get('/api/v1/openapi.json')).text);
    const list = doc.paths['/api/v1/queue']?.get;
    assert.ok(list, 'GET /api/v1/queue');
    assert.ok(list.parameters.some((p: { name: string }) => p.name === 'domain'));
    const page = list.responses['200'].content['application/json'].schema;
    assert.ok(page.properties.items && page.properties.total);
    assert.ok(page.properties.items.items.properties.pendingCount);
    const one = doc.paths['/api/v1/queue/{id}'];
    assert.ok(one?.get && one?.delete, 'GET and DELETE /api/v1/queue/{id}');
    const detail = one.get.responses['200'].content['application/json'].schema;
    assert.ok(detail.properties.recipients.items.properties.noticePending);
    assert.ok(detail.properties.attempts);
    assert.ok(doc.paths['/api/v1/queue/{id}/retry']?.post.responses['200']);
    for (const op of [list, one.get, one.delete]) assert.ok(op.responses['4XX'] ?? op.responses['4xx'] ?? op.responses['403']);
  });
});
