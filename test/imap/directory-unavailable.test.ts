// IMAP LOGIN of an account whose directory (LDAP/AD) cannot be asked: RFC
// 5530 UNAVAILABLE, a temporary failure the client may retry, not
// AUTHENTICATIONFAILED (no password was judged). It counts as no failed login,
// neither on the connection nor in the throttle. The directory's server is a
// real LDAPS connection to a closed loopback port (test/support/directory-outage.ts).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { MAX_AUTH_FAILURES } from '../../server/src/protocols/imap/session/login.ts';
import { accountOfUnreachableDirectory } from '../support/directory-outage.ts';
import { PASSWORD, openImapHarness, type ImapHarness } from './harness.ts';

describe('IMAP LOGIN while the directory that owns the account cannot be asked', () => {
  let h: ImapHarness;
  before(async () => {
    h = await openImapHarness((c) => {
      c.auth.throttle.accountFreeFailures = 1;
      c.auth.throttle.ipFreeFailures = 1;
    });
    await h.user('local');
    await accountOfUnreachableDirectory(h.directory, 'dora@example.test');
  });
  after(async () => h.close());

  it('answers NO [UNAVAILABLE] every time, keeps the connection open and is never throttled', async () => {
    const c = await h.raw();
    for (let i = 0; i <= MAX_AUTH_FAILURES; i++) {
      assert.match(await c.command('LOGIN dora@example.test "her directory password"'), /^T\d+ NO \[UNAVAILABLE\] .*try again later\r\n$/m);
    }
    assert.equal(c.closed, false);
  });

  it('local accounts beside it still log in', async () => {
    const c = await h.raw();
    assert.match(await c.command(`LOGIN local@example.test "${PASSWORD}"`), /OK \[CAPABILITY/);
  });
});
