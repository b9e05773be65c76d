// POP3 PASS of an account whose directory (LDAP/AD) cannot be asked: RFC 3206
// [SYS/TEMP], a temporary problem, not [AUTH] (no password was judged); no
// failed login counts, on the connection or in the throttle. The directory's
// server is a real LDAPS connection to a closed loopback port
// (test/support/directory-outage.ts).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { MAX_AUTH_FAILURES } from '../../server/src/protocols/pop3/session/login.ts';
import { accountOfUnreachableDirectory } from '../support/directory-outage.ts';
import { PASSWORD, RawClient, openPop3Harness, type Pop3Harness } from './harness.ts';

describe('POP3 login while the directory that owns the account cannot be asked', () => {
  let h: Pop3Harness;
  let port: number;
  before(async () => {
    h = await openPop3Harness((c) => {
      c.auth.throttle.accountFreeFailures = 1;
      c.auth.throttle.ipFreeFailures = 1;
    });
    await accountOfUnreachableDirectory(h.directory, 'dora@pop.example');
    port = h.listeners.pop3s!.port;
  });
  after(async () => h.close());

  it('answers -ERR [SYS/TEMP] every time, keeps the connection open and is never throttled', async () => {
    const c = await RawClient.open(port, true);
    for (let i = 0; i <= MAX_AUTH_FAILURES; i++) {
      assert.match(await c.send('USER dora@pop.example'), /^\+OK/);
      assert.match(await c.send('PASS her directory password'), /^-ERR \[SYS\/TEMP\] .*try again later\r\n$/);
    }
    assert.match(await c.send('NOOP'), /^-ERR|^\+OK/, 'still connected');
    c.end();
  });

  it('local accounts beside it still log in', async () => {
    const c = await RawClient.open(port, true);
    await c.send('USER alice@pop.example');
    assert.match(await c.send(`PASS ${PASSWORD}`), /^\+OK Logged in/);
    c.end();
  });
});
