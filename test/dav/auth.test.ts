// DAV logins go through the one authentication service (protocol 'dav'):
// operator accounts are refused, by password and by console session alike,
// and a remembered Basic credential (dav.authCacheSeconds) never outlives the
// login it rests on: a password change, a disabled account or a revoked app
// password ends it at the next request, whether announced on this server's
// change bus or made by another process.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { systemActor } from '../../server/src/directory/access.ts';
import { createDirectory } from '../../server/src/directory/directory.ts';
import type { LocalChangeBus } from '../../server/src/events/local-change-bus.ts';
import { DavClient, PASSWORD, openDavHarness, type DavHarness } from './harness.ts';

const PROP = '<d:propfind xmlns:d="DAV:"><d:prop><d:current-user-principal/></d:prop></d:propfind>';

describe('DAV authentication', () => {
  let h: DavHarness;
  before(async () => {
    h = await openDavHarness();
    await h.user('carol');
  });
  after(() => h.close());

  const carol = (password = PASSWORD) => new DavClient(h.base, 'carol@example.test', password);

  it('refuses an operator account over Basic and through a console session', async () => {
    await h.directory.operators.create(systemActor('cli'), { login: 'ops', password: 'ops password 12345' });
    const basic = await new DavClient(h.base, 'ops', 'ops password 12345').propfind('/dav/', PROP);
    assert.equal(basic.status, 403, basic.text);
    assert.match(basic.text, /may not use this protocol/);
    const login = await fetch(`${h.base}/api/v1/session`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'ops', password: 'ops password 12345' }),
    });
    assert.equal(login.status, 200, 'the operator may use the console');
    const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0];
    const viaCookie = await fetch(`${h.base}/dav/`, { method: 'PROPFIND', headers: { cookie, depth: '0', 'content-type': 'application/xml' }, body: PROP });
    assert.equal(viaCookie.status, 403);
  });

  it('stops accepting the old password at once after a password change on this server', async () => {
    assert.equal((await carol().propfind('/dav/', PROP)).status, 207);
    assert.equal((await carol().propfind('/dav/', PROP)).status, 207, 'remembered');
    const listening = (h.all.bus as LocalChangeBus).size;
    await h.directory.accounts.setPassword(systemActor(), 'carol@example.test', 'brand new password 1');
    // The remembered login's subscription (and the verified-password cache's, when it has one) went with the event.
    assert.ok((h.all.bus as LocalChangeBus).size < listening, 'the account event dropped the remembered login before any request');
    assert.equal((await carol().propfind('/dav/', PROP)).status, 401);
    assert.equal((await carol('brand new password 1').propfind('/dav/', PROP)).status, 207);
    await h.directory.accounts.setPassword(systemActor(), 'carol@example.test', PASSWORD);
  });

  it('refuses a disabled account at once', async () => {
    assert.equal((await carol().propfind('/dav/', PROP)).status, 207);
    await h.directory.accounts.update(systemActor(), 'carol@example.test', { enabled: false });
    assert.equal((await carol().propfind('/dav/', PROP)).status, 403);
    await h.directory.accounts.update(systemActor(), 'carol@example.test', { enabled: true });
    assert.equal((await carol().propfind('/dav/', PROP)).status, 207);
  });

  it('notices a password reset made by another process (no event here) at the next request', async () => {
    assert.equal((await carol().propfind('/dav/', PROP)).status, 207);
    // The CLI and other nodes have their own bus: nothing is announced to this server.
    const elsewhere = createDirectory(h.store, h.config);
    await elsewhere.accounts.setPassword(systemActor(), 'carol@example.test', 'brand new password 2');
    assert.equal((await carol().propfind('/dav/', PROP)).status, 401);
    await elsewhere.accounts.setPassword(systemActor(), 'carol@example.test', PASSWORD);
  });

  it('stops accepting a revoked app password', async () => {
    const { appPassword, secret } = await h.directory.appPasswords.create(systemActor(), 'carol@example.test', 'phone');
    assert.equal((await carol(secret).propfind('/dav/', PROP)).status, 207);
    assert.equal((await carol(secret).propfind('/dav/', PROP)).status, 207, 'remembered');
    await createDirectory(h.store, h.config).appPasswords.revoke(systemActor(), 'carol@example.test', appPassword.id);
    assert.equal((await carol(secret).propfind('/dav/', PROP)).status, 401);
  });

  it('counts DAV logins in the authentication metric', async () => {
    const text = await h.all.metrics.registry.metrics();
    assert.match(text, /stoa_auth_attempts_total\{[^}]*protocol="dav"[^}]*result="success"[^}]*\} [1-9]/);
    assert.match(text, /stoa_auth_attempts_total\{[^}]*protocol="dav"[^}]*result="not-allowed"[^}]*\} [1-9]/);
  });
});
