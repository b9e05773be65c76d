// Console and API login of an account whose directory (LDAP/AD) cannot be
// asked: 503 STOA_AUTH_UNAVAILABLE (problem+json), not 401; no failure counts
// for throttling, so the attempts after it are not 429 either. The
// directory's server is a real LDAPS connection to a closed loopback port
// (test/support/directory-outage.ts).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { accountOfUnreachableDirectory } from '../support/directory-outage.ts';
import { Client, startApi, type Harness } from './harness.ts';

describe('admin API login while the directory that owns the account cannot be asked', () => {
  let h: Harness;
  before(async () => {
    h = await startApi((c) => {
      c.auth.throttle.accountFreeFailures = 1;
      c.auth.throttle.ipFreeFailures = 1;
    });
    await h.seedAccount('root@a.example', 'server-admin');
    await accountOfUnreachableDirectory(h.directory, 'dora@a.example');
  });
  after(async () => h.close());

  test('POST /session answers 503 STOA_AUTH_UNAVAILABLE every time and sets no cookie', async () => {
    for (let i = 0; i < 3; i++) {
      const c = new Client(h.base);
      const res = await c.post('/api/v1/session', { username: 'dora@a.example', password: 'her directory password' });
      assert.equal(res.status, 503);
      assert.match(res.headers.get('content-type') ?? '', /application\/problem\+json/);
      assert.equal(res.body.code, 'STOA_AUTH_UNAVAILABLE');
      assert.equal(c.cookie, null);
    }
  });

  test('the attempts counted as unavailable in the metrics, not as failures', async () => {
    const admin = await h.login('root@a.example');
    const metrics = await admin.get('/metrics');
    assert.match(metrics.text, /stoa_auth_attempts_total\{protocol="api",result="unavailable"\} 3/);
    assert.doesNotMatch(metrics.text, /stoa_auth_attempts_total\{protocol="api",result="(failed|throttled)"\}/);
  });
});
