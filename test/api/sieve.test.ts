// The rules, out-of-office and Sieve script routes over real HTTP: a user
// sets rules and an out-of-office and opens the script they became; an admin
// sets a leaver's out-of-office and a domain's global script; scope and bad
// input are refused the way every other route refuses them.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type Client, type Harness, startApi } from './harness.ts';

describe('Sieve API', () => {
  let h: Harness;
  let root: Client;
  let adminA: Client;
  let alice: Client;
  let bob: Client;

  before(async () => {
    h = await startApi();
    await h.seedAccount('root@ops.example', 'server-admin');
    await h.seedAccount('alice@a.example');
    await h.seedAccount('bob@b.example');
    await h.seedAccount('da@a.example', 'domain-admin', ['a.example']);
    root = await h.login('root@ops.example');
    adminA = await h.login('da@a.example');
    alice = await h.login('alice@a.example');
    bob = await h.login('bob@b.example');
  });
  after(async () => h.close());

  const crmRule = { name: 'CRM', enabled: true, match: 'all', conditions: { from: ['@crm.example.net'] }, actions: { moveTo: 'CRM', flag: true, stop: true } };

  test('a user sets inbox rules and can open the Sieve script they became', async () => {
    const empty = await alice.get('/api/v1/me/rules');
    assert.equal(empty.status, 200);
    assert.deepEqual(empty.body, { rules: [], script: { name: 'stoa-rules', active: false } });
    const set = await alice.put('/api/v1/me/rules', { rules: [crmRule, { name: 'Invoices', enabled: true, match: 'any', conditions: { subjectContains: ['invoice', 'Rechnung'] }, actions: { forwardTo: ['accounting@a.example'], markRead: true } }] });
    assert.equal(set.status, 200, set.text);
    assert.deepEqual(set.body.script, { name: 'stoa-rules', active: true });
    assert.equal((await alice.get('/api/v1/me/rules')).body.rules.length, 2);
    const script = await alice.get('/api/v1/me/sieve/scripts/stoa-rules');
    assert.equal(script.status, 200);
    assert.match(script.body.content, /if address :all :contains "from" "@crm\.example\.net" \{\r\n {2}addflag \["\\\\Flagged"\];\r\n {2}fileinto :create "CRM";\r\n {2}stop;\r\n\}/);
    assert.match(script.body.content, /redirect :copy "accounting@a\.example";/);
    const list = await alice.get('/api/v1/me/sieve/scripts');
    assert.deepEqual(list.body.items.map((s: { name: string; active: boolean }) => [s.name, s.active]), [['stoa-rules', true]]);
    assert.ok(list.body.extensions.includes('vacation'));
  });

  test('a user sets an out-of-office with dates, internal and external messages', async () => {
    const ooo = {
      enabled: true, start: '2026-08-01T00:00:00.000Z', end: '2026-08-15T00:00:00.000Z', replyIntervalDays: 3,
      internal: { subject: 'Away', message: 'Back on the 15th.' }, external: { enabled: false, subject: 'x', message: 'y' },
    };
    const res = await alice.put('/api/v1/me/out-of-office', ooo);
    assert.equal(res.status, 200, res.text);
    assert.deepEqual({ ...res.body, script: undefined }, { ...ooo, script: undefined });
    const script = (await alice.get('/api/v1/me/sieve/scripts/stoa-rules')).body.content;
    assert.match(script, /currentdate :zone "\+0000" :value "ge" "iso8601" "2026-08-01T00:00:00\+00:00"/);
    assert.match(script, /if envelope :domain :is "from" "a\.example"/);
    assert.match(script, /vacation :days 3 :subject "Away"/);
    assert.match(script, /fileinto :create "CRM"/, 'the rules are still there');
    const bad = await alice.put('/api/v1/me/out-of-office', { ...ooo, end: '2026-07-01T00:00:00.000Z' });
    assert.equal(bad.status, 400);
  });

  test('a hand-written script is refused with line and column, and stored when valid', async () => {
    const bad = await alice.put('/api/v1/me/sieve/scripts/mine', { content: 'require "fileinto";\nif header :is "subject" {\n  keep;\n}\n' });
    assert.equal(bad.status, 422);
    assert.equal(bad.body.code, 'STOA_SIEVE_INVALID');
    assert.match(bad.body.detail, /line 2, column 4/);
    assert.deepEqual(bad.body.errors.map((e: { path: string }) => e.path), ['/content']);
    const good = await alice.put('/api/v1/me/sieve/scripts/mine', { content: 'keep;', activate: true });
    assert.equal(good.status, 200);
    assert.equal(good.body.active, true);
    assert.equal((await alice.post('/api/v1/me/sieve/check', { content: 'frob;' })).status, 422);
    assert.equal((await alice.post('/api/v1/me/sieve/check', { content: 'keep;' })).status, 204);
    assert.equal((await alice.delete('/api/v1/me/sieve/scripts/mine')).body.code, 'STOA_SIEVE_ACTIVE');
    assert.equal((await alice.put('/api/v1/me/sieve/active', { name: 'stoa-rules' })).status, 204);
    assert.equal((await alice.delete('/api/v1/me/sieve/scripts/mine')).status, 204);
    assert.equal((await alice.get('/api/v1/me/sieve/scripts/mine')).status, 404);
  });

  test('an admin sets a leaver\'s out-of-office, only within their domains', async () => {
    const ooo = { enabled: true, start: null, end: null, replyIntervalDays: 7, internal: { subject: 'Left', message: 'Alice has left; write to sales@a.example.' }, external: { enabled: true, subject: 'Left', message: 'Alice has left.' } };
    const set = await adminA.put('/api/v1/accounts/alice@a.example/out-of-office', ooo);
    assert.equal(set.status, 200, set.text);
    assert.equal((await alice.get('/api/v1/me/out-of-office')).body.internal.subject, 'Left');
    assert.equal((await adminA.put('/api/v1/accounts/bob@b.example/out-of-office', ooo)).status, 404, 'outside the domain admin\'s domains');
    assert.equal((await alice.put('/api/v1/accounts/bob@b.example/out-of-office', ooo)).status, 403, 'users are not admins');
    assert.equal((await root.get('/api/v1/accounts/alice@a.example/out-of-office')).body.enabled, true);
  });

  test('an admin sets a domain\'s global script and forwarding policy', async () => {
    const put = await adminA.put('/api/v1/domains/a.example/sieve', { script: 'require "fileinto";\nif header :contains "X-Spam-Flag" "YES" { fileinto "Junk"; stop; }', allowExternalRedirect: false });
    assert.equal(put.status, 200, put.text);
    assert.deepEqual((await adminA.get('/api/v1/domains/a.example/sieve')).body.allowExternalRedirect, false);
    assert.equal((await adminA.put('/api/v1/domains/a.example/sieve', { script: 'frob;', allowExternalRedirect: true })).body.code, 'STOA_SIEVE_INVALID');
    assert.equal((await adminA.get('/api/v1/domains/b.example/sieve')).status, 404);
    assert.equal((await bob.get('/api/v1/domains/b.example/sieve')).status, 403);
    const cleared = await root.put('/api/v1/domains/a.example/sieve', { script: null, allowExternalRedirect: true });
    assert.deepEqual(cleared.body, { script: null, allowExternalRedirect: true });
    const audit = await root.get('/api/v1/audit?objectType=sieve-domain');
    assert.ok(audit.body.items.length >= 2, 'domain changes are audited');
  });

  test('bad input is refused by the schemas', async () => {
    assert.equal((await alice.put('/api/v1/me/rules', { rules: [{ ...crmRule, actions: { moveTo: '' } }] })).status, 400);
    assert.equal((await alice.put('/api/v1/me/rules', { rules: [{ ...crmRule, conditions: { from: ['x'], bogus: 1 } }] })).status, 400);
    assert.equal((await alice.put('/api/v1/me/sieve/scripts/a%2Fb', { content: 'keep;' })).status, 400);
    assert.equal((await alice.put('/api/v1/me/out-of-office', { enabled: true })).status, 400);
  });

  test('the generated script stays under the user\'s script quota', async () => {
    const many = Array.from({ length: 25 }, (_, i) => `s${i}`);
    let refused = 0;
    for (const name of many) {
      const r = await bob.put(`/api/v1/me/sieve/scripts/${name}`, { content: 'keep;' });
      if (r.status === 507) {
        refused++;
        assert.equal(r.body.code, 'STOA_SIEVE_QUOTA');
      }
    }
    assert.ok(refused > 0, 'beyond sieve.maxScripts scripts are refused');
  });
});
