// /api/v1/migrations over real HTTP: an admin starts an import and follows
// it to its report, a domain admin is confined to their domains and kept
// away from the server's files, secrets never come back, and a running job
// can be cancelled.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, test } from 'node:test';
import { startApi, type Client, type Harness } from './harness.ts';

const work = mkdtempSync(join(tmpdir(), 'stoa-api-migrate-'));

function mbox(count: number): string {
  const path = join(work, `inbox-${count}.mbox`);
  let text = '';
  for (let i = 0; i < count; i++) text += `From x Thu Nov 27 10:00:0${i % 10} 2025\nFrom: a@example.net\nSubject: message ${i}\nMessage-ID: <m${i}-${count}@example.net>\n\nbody ${i}\n\n`;
  writeFileSync(path, text);
  return path;
}

async function until(client: Client, id: string, done: (job: any) => boolean): Promise<any> {
  for (let i = 0; i < 200; i++) {
    const job = (await client.get(`/api/v1/migrations/${id}`)).body;
    if (done(job)) return job;
    await sleep(50);
  }
  throw new Error(`job ${id} did not get there`);
}

describe('/api/v1/migrations', () => {
  let h: Harness;
  let root: Client;
  let adminA: Client;
  let silent: Server;
  let silentPort = 0;

  before(async () => {
    h = await startApi();
    await h.seedAccount('root@ops.example', 'server-admin');
    root = await h.login('root@ops.example');
    for (const name of ['a.example', 'b.example']) assert.equal((await root.post('/api/v1/domains', { name })).status, 201);
    await h.seedAccount('da@a.example', 'domain-admin', ['a.example']);
    adminA = await h.login('da@a.example');
    // An "IMAP server" that accepts connections and never says a word: a job against it runs until cancelled.
    silent = createServer(() => undefined);
    await new Promise<void>((ok) => silent.listen(0, '127.0.0.1', ok));
    silentPort = (silent.address() as { port: number }).port;
  });
  after(async () => {
    await h.close();
    silent.close();
    rmSync(work, { recursive: true, force: true });
  });

  test('a server admin imports an mbox file on the server and follows the job to its report', async () => {
    const res = await root.post('/api/v1/migrations', {
      source: { type: 'mbox' },
      users: [{ source: mbox(12), target: 'new@a.example', create: true, accountPassword: 'a long enough secret' }],
    });
    assert.equal(res.status, 202, res.text);
    assert.equal(res.headers.get('location'), `/api/v1/migrations/${res.body.id}`);
    const job = await until(root, res.body.id, (j) => j.status !== 'queued' && j.status !== 'running');
    assert.equal(job.status, 'done', JSON.stringify(job));
    assert.equal(job.origin, 'api');
    assert.equal(job.report.ok, true);
    assert.equal(job.report.totals.imported, 12);
    assert.equal(job.report.users[0].accountCreated, true);
    assert.equal(job.report.users[0].folders[0].sample.mismatched.length, 0);
    const account = await root.get('/api/v1/accounts/new@a.example');
    assert.equal(account.status, 200);
    const list = await root.get('/api/v1/migrations');
    assert.ok(list.body.items.some((j: any) => j.id === job.id));
    // Importing again through the API changes nothing.
    const again = await root.post('/api/v1/migrations', { source: { type: 'mbox' }, users: [{ source: job.spec.users[0].source, target: 'new@a.example' }] });
    const second = await until(root, again.body.id, (j) => j.status === 'done' || j.status === 'failed');
    assert.equal(second.report.totals.imported, 0);
    assert.equal(second.report.totals.skipped, 12);
  });

  test('no secret ever comes back: not in the job, its list, nor the audit log', async () => {
    const res = await root.post('/api/v1/migrations', {
      source: { type: 'imap', host: '127.0.0.1', port: 1, tls: 'none', adminUser: 'master' },
      adminSecret: 'admin-secret-123',
      users: [{ source: 'bob', target: 'bob@a.example', sourceSecret: 'user-secret-456', create: true, accountPassword: 'account-secret-789' }],
    });
    assert.equal(res.status, 202);
    const job = await until(root, res.body.id, (j) => j.status === 'failed' || j.status === 'done');
    assert.match(job.report.users[0].error ?? '', /127\.0\.0\.1|refused|connect/i);
    const everything = JSON.stringify([job, (await root.get('/api/v1/migrations')).body, (await root.get('/api/v1/audit?limit=500')).body]);
    for (const secret of ['admin-secret-123', 'user-secret-456', 'account-secret-789']) assert.ok(!everything.includes(secret), `${secret} leaked`);
    assert.ok(JSON.stringify((await root.get('/api/v1/audit?limit=500')).body).includes(job.id), 'the start is audited');
  });

  test('a domain admin imports into their domain only; other domains answer as missing, server files are refused', async () => {
    const own = await adminA.post('/api/v1/migrations', { source: { type: 'imap', host: '127.0.0.1', port: 1, tls: 'none' }, users: [{ source: 'x', target: 'x@a.example', sourceSecret: 's' }] });
    assert.equal(own.status, 202);
    const other = await adminA.post('/api/v1/migrations', { source: { type: 'imap', host: '127.0.0.1', port: 1, tls: 'none' }, users: [{ source: 'x', target: 'x@b.example' }] });
    assert.equal(other.status, 404);
    assert.equal(other.body.code, 'STOA_NOT_FOUND');
    const files = await adminA.post('/api/v1/migrations', { source: { type: 'pst' }, users: [{ source: '/etc/shadow', target: 'x@a.example' }] });
    assert.equal(files.status, 403);
    // Jobs of b.example are invisible to the domain admin of a.example.
    const rootJob = await root.post('/api/v1/migrations', { source: { type: 'imap', host: '127.0.0.1', port: 1, tls: 'none' }, users: [{ source: 'y', target: 'y@b.example' }] });
    assert.equal((await adminA.get(`/api/v1/migrations/${rootJob.body.id}`)).status, 404);
    const mine = (await adminA.get('/api/v1/migrations')).body.items;
    assert.ok(mine.some((j: any) => j.id === own.body.id));
    assert.ok(mine.every((j: any) => j.spec.users.every((u: any) => u.target.endsWith('@a.example'))));
  });

  test('bad requests are refused with problem details', async () => {
    const empty = await root.post('/api/v1/migrations', { source: { type: 'mbox' }, users: [] });
    assert.equal(empty.status, 400);
    const unknown = await root.post('/api/v1/migrations', { source: { type: 'exchange2003' }, users: [{ source: 'a', target: 'a@a.example' }] });
    assert.equal(unknown.status, 400);
    const badDomain = await root.post('/api/v1/migrations', { source: { type: 'mbox' }, users: [{ source: '/tmp/x', target: 'a@nowhere.example' }] });
    assert.equal(badDomain.status, 422);
    assert.equal((await root.get('/api/v1/migrations/nosuchjob')).status, 404);
  });

  test('a running job is cancelled and stops; cancelling it again is a conflict', async () => {
    const res = await root.post('/api/v1/migrations', {
      source: { type: 'imap', host: '127.0.0.1', port: silentPort, tls: 'none' },
      users: [{ source: 'slow', target: 'slow@a.example', sourceSecret: 'pw', create: true }],
    });
    await until(root, res.body.id, (j) => j.status === 'running');
    const cancelled = await root.post(`/api/v1/migrations/${res.body.id}/cancel`);
    assert.equal(cancelled.status, 200);
    assert.equal(cancelled.body.status, 'cancelled');
    const ended = await until(root, res.body.id, (j) => j.finishedAt !== null);
    assert.equal(ended.status, 'cancelled');
    assert.equal((await root.post(`/api/v1/migrations/${res.body.id}/cancel`)).status, 409);
  });
});
