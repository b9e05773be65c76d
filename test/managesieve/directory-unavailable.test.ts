// ManageSieve AUTHENTICATE of an account whose directory (LDAP/AD) cannot be
// asked: RFC 5804 §1.3 NO (TRYLATER), a temporary failure, not a failed login
// (no password was judged), so the connection stays open and the throttle
// counts nothing. The directory's server is a real LDAPS connection to a
// closed loopback port (test/support/directory-outage.ts).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { MAX_AUTH_FAILURES } from '../../server/src/protocols/managesieve/commands/authenticate.ts';
import { accountOfUnreachableDirectory } from '../support/directory-outage.ts';
import { RawSieveClient, openSieveHarness, type SieveHarness } from './harness.ts';

describe('ManageSieve login while the directory that owns the account cannot be asked', () => {
  let h: SieveHarness;
  before(async () => {
    h = await openSieveHarness((c) => {
      c.auth.throttle.accountFreeFailures = 1;
      c.auth.throttle.ipFreeFailures = 1;
    });
    await accountOfUnreachableDirectory(h.directory, 'dora@sieve.example');
  });
  after(async () => h.close());

  it('answers NO (TRYLATER) every time, keeps the connection open and is never throttled', async () => {
    const c = await RawSieveClient.open(h.port);
    await c.response();
    await c.starttls();
    for (let i = 0; i <= MAX_AUTH_FAILURES; i++) {
      assert.match(await c.login('dora@sieve.example', 'her directory password'), /^NO \(TRYLATER\) ".*try again later"\r\n$/);
    }
    assert.match(await c.login('alice@sieve.example'), /^OK/, 'the connection is still open; local accounts log in');
    c.close();
  });
});
