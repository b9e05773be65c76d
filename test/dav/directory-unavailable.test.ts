// A CalDAV/CardDAV client of an account whose directory (LDAP/AD) cannot be
// asked: 503, a temporary failure the client retries, never
// 401 (which makes clients ask their user for a new password) nor 429 (no
// failure is counted). Local accounts beside it keep working. The
// directory's server is a real LDAPS connection to a closed loopback port
// (test/support/directory-outage.ts).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { accountOfUnreachableDirectory } from '../support/directory-outage.ts';
import { DavClient, DOMAIN, openDavHarness, type DavHarness } from './harness.ts';

const PROP = '<d:propfind xmlns:d="DAV:"><d:prop><d:current-user-principal/></d:prop></d:propfind>';

describe('DAV login while the directory that owns the account cannot be asked', () => {
  let h: DavHarness;
  before(async () => {
    h = await openDavHarness((c) => {
      c.auth.throttle.accountFreeFailures = 1;
      c.auth.throttle.ipFreeFailures = 1;
    });
    await h.user('local');
    await accountOfUnreachableDirectory(h.directory, `dora@${DOMAIN}`);
  });
  after(async () => {
    await h.directory.close();
    await h.close();
  });

  it('answers 503 every time, not 401 and never 429', async () => {
    for (let i = 0; i < 3; i++) {
      const res = await new DavClient(h.base, `dora@${DOMAIN}`, 'her directory password').propfind('/dav/', PROP);
      assert.equal(res.status, 503, res.text);
      assert.equal(res.headers.get('www-authenticate'), null, 'no new password is asked for');
    }
  });

  it('local accounts beside it still log in', async () => {
    assert.equal((await h.client('local').propfind('/dav/', PROP)).status, 207);
  });
});
