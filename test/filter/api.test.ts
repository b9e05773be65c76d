// The filter in the admin API, over HTTP: quarantine listed, read, downloaded,
// released and deleted by the admins of the recipient's domain only; users
// their own held mail when the domain allows it; rules and thresholds;
// training from a corpus with scope rights.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type Client, type Harness, startApi } from '../api/harness.ts';

const raw = (subject: string) => Buffer.from(`From: a@remote.example\r\nTo: boss@a.example\r\nSubject: ${subject}\r\nMessage-ID: <${subject.replace(/\W/g, '')}@remote.example>\r\n\r\nbody of ${subject}\r\n`);

describe('filter admin API', () => {
  let h: Harness;
  let root: Client;
  let adminA: Client;
  let adminB: Client;
  let boss: Client;
  let bossId: string;
  let heldId: string;

  before(async () => {
    h = await startApi((c) => { c.filter.domains = { 'a.example': { quarantine: { userRelease: true } } }; });
    await h.seedAccount('root@ops.example', 'server-admin');
    root = await h.login('root@ops.example');
    await h.seedAccount('da@a.example', 'domain-admin', ['a.example']);
    await h.seedAccount('db@b.example', 'domain-admin', ['b.example']);
    bossId = (await h.seedAccount('boss@a.example')).id;
    adminA = await h.login('da@a.example');
    adminB = await h.login('db@b.example');
    boss = await h.login('boss@a.example');
    const [entry] = await h.filter.quarantine.hold({
      raw: raw('Held invoice'), direction: 'inbound', sender: 'a@remote.example',
      recipients: [{ address: 'boss@a.example', accountId: bossId, domain: 'a.example' }],
      subject: 'Held invoice', from: 'a@remote.example', reason: 'attachments: blocked attachment: invoice.exe', verdictId: null, score: 0,
    });
    heldId = entry.id;
  });
  after(() => h.close());

  test('the admins of the recipient\'s domain see the held message; another domain\'s admin gets 404', async () => {
    for (const c of [root, adminA]) {
      const list = await c.get('/api/v1/filter/quarantine?status=held');
      assert.equal(list.status, 200);
      assert.deepEqual(list.body.items.map((e: { id: string }) => e.id), [heldId]);
    }
    assert.deepEqual((await adminB.get('/api/v1/filter/quarantine')).body.items, []);
    assert.equal((await adminB.get(`/api/v1/filter/quarantine/${heldId}`)).status, 404);
    assert.equal((await adminB.post(`/api/v1/filter/quarantine/${heldId}/release`)).status, 404);
    const message = await adminA.get(`/api/v1/filter/quarantine/${heldId}/message`);
    assert.equal(message.status, 200);
    assert.match(message.headers.get('content-type') ?? '', /^message\/rfc822/);
    assert.match(message.text, /Subject: Held invoice/);
  });

  test('a plain user gets 403 on the admin routes but manages their own held mail under /me', async () => {
    assert.equal((await boss.get('/api/v1/filter/quarantine')).status, 403);
    const mine = await boss.get('/api/v1/me/quarantine');
    assert.equal(mine.status, 200);
    assert.deepEqual(mine.body.items.map((e: { id: string }) => e.id), [heldId]);
    const released = await boss.post(`/api/v1/me/quarantine/${heldId}/release`);
    assert.equal(released.status, 200, JSON.stringify(released.body));
    assert.equal(released.body.status, 'released');
    assert.equal((await boss.post(`/api/v1/me/quarantine/${heldId}/release`)).body.code, 'STOA_CONFLICT');
    const audit = await root.get(`/api/v1/audit?objectId=${heldId}`);
    assert.deepEqual(audit.body.items.map((e: { action: string; actor: string }) => [e.action, e.actor]), [['release', 'boss@a.example']]);
  });

  test('rules, thresholds and checks are listed for admins', async () => {
    const rules = await adminA.get('/api/v1/filter/rules');
    assert.equal(rules.status, 200);
    assert.equal(rules.body.thresholds.junk, 5);
    assert.ok(rules.body.items.some((r: { rule: string; score: number }) => r.rule === 'GTUBE' && r.score === 1000));
    assert.deepEqual(rules.body.checks.slice(0, 2).map((c: { name: string }) => c.name), ['ip-lists', 'dnsbl']);
  });

  test('training: server admins train the global scope, domain admins their domain only, users themselves', async () => {
    const body = (cls: string, scope?: unknown) => ({ message: raw(`Train ${cls} ${JSON.stringify(scope)}`).toString('base64'), class: cls, ...(scope ? { scope } : {}) });
    assert.deepEqual((await root.post('/api/v1/filter/train', body('spam', { global: true }))).body, { scope: 'global', result: 'learned' });
    assert.equal((await adminA.post('/api/v1/filter/train', body('spam', { global: true }))).status, 403);
    const domainA = (await root.get('/api/v1/domains/a.example')).body.id;
    const domainB = (await root.get('/api/v1/domains/b.example')).body.id;
    assert.deepEqual((await adminA.post('/api/v1/filter/train', body('ham', { domainId: domainA }))).body, { scope: 'domain:a.example', result: 'learned' });
    assert.equal((await adminA.post('/api/v1/filter/train', body('ham', { domainId: domainB }))).status, 404);
    assert.deepEqual((await boss.post('/api/v1/me/filter/train', body('spam'))).body, { scope: `user:${bossId}`, result: 'learned' });
    assert.equal((await boss.post('/api/v1/me/filter/train', { ...body('spam'), class: 'maybe' })).status, 400);
  });

  test('an unknown verdict is 404, a malformed id 400', async () => {
    assert.equal((await root.get('/api/v1/filter/verdicts/6f0c0000-0000-0000-0000-000000000000')).status, 404);
    assert.equal((await root.get('/api/v1/filter/verdicts/not%20an%20id')).status, 400);
    assert.equal((await root.get('/api/v1/filter/verdicts?limit=5')).status, 200);
  });
});
