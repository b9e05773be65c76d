import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { AuthRequest } from '../../server/src/directory/api.ts';
import { createDirectory } from '../../server/src/directory/directory.ts';
import { parseHash } from '../../server/src/directory/password-hash.ts';
import { openHarness, PASSWORD, seedWorld, type Harness, type World } from './harness.ts';

const req = (username: string, password: string, extra: Partial<AuthRequest> = {}): AuthRequest => ({ username, password, protocol: 'imap', ip: '198.51.100.7', ...extra });

describe('authentication over SQLite', () => {
  let h: Harness;
  let w: World;
  before(async () => {
    h = await openHarness((c) => {
      c.auth.throttle = { ...c.auth.throttle, ipFreeFailures: 1000, accountFreeFailures: 3, baseDelayMs: 1000, maxDelayMs: 8000, windowMs: 3_600_000 };
    });
    w = await seedWorld(h);
    await h.directory.domains.create(w.adminActor, { name: 'a-alias.example', aliasOf: 'a.example' });
  });
  after(async () => h.close());
  const auth = (r: AuthRequest) => h.directory.auth.authenticate(r);

  it('accepts the password for the address in any case, via an alias domain, and bare operator logins', async () => {
    for (const username of ['alice@a.example', 'ALICE@A.Example', 'alice@a-alias.example']) {
      const r = await auth(req(username, PASSWORD));
      assert.ok(r.ok, username);
      assert.equal(r.account.id, w.alice.id);
      assert.equal(r.via, 'password');
    }
    const op = await auth(req('Admin', PASSWORD, { protocol: 'api' }));
    assert.ok(op.ok && op.account.role === 'server-admin');
  });

  it('says only "failed" for wrong passwords and unknown users alike', async () => {
    assert.deepEqual(await auth(req('bob@a.example', 'wrong-password')), { ok: false, code: 'STOA_AUTH_FAILED' });
    assert.deepEqual(await auth(req('nobody@a.example', PASSWORD)), { ok: false, code: 'STOA_AUTH_FAILED' });
    assert.deepEqual(await auth(req('"junk', PASSWORD)), { ok: false, code: 'STOA_AUTH_FAILED' });
  });

  it('reveals a disabled account only to someone who knows its password', async () => {
    const acc = await h.directory.accounts.create(w.adminActor, { address: 'off@a.example', password: PASSWORD, enabled: false });
    assert.deepEqual(await auth(req(acc.address, 'wrong-password')), { ok: false, code: 'STOA_AUTH_FAILED' });
    assert.deepEqual(await auth(req(acc.address, PASSWORD)), { ok: false, code: 'STOA_ACCOUNT_DISABLED' });
  });

  it('accepts app passwords for mail clients, records their use, and stops after revocation', async () => {
    const { appPassword, secret } = await h.directory.appPasswords.create(w.aliceActor, 'alice@a.example', 'Phone');
    assert.match(secret, /^[a-z]{4}(-[a-z]{4}){3}$/);
    assert.equal((await h.store.appPasswords.get(appPassword.id))!.secretHash.startsWith('$argon2id$'), true);
    const r = await auth(req('alice@a.example', secret.replaceAll('-', ' ').toUpperCase(), { ip: '203.0.113.5' }));
    assert.ok(r.ok);
    assert.equal(r.via, 'app-password');
    assert.equal(r.appPasswordId, appPassword.id);
    const listed = (await h.directory.appPasswords.list(w.aliceActor, 'alice@a.example')).find((x) => x.id === appPassword.id)!;
    assert.equal(listed.lastUsedIp, '203.0.113.5');
    assert.equal(listed.lastUsedAt, new Date(h.now()).toISOString());
    assert.equal('secretHash' in listed, false);
    // The console needs the real password.
    assert.equal((await auth(req('alice@a.example', secret, { protocol: 'api' }))).ok, false);
    // Audit: created and revoked, never the secret.
    await h.directory.appPasswords.revoke(w.aliceActor, 'alice@a.example', appPassword.id);
    assert.equal((await auth(req('alice@a.example', secret))).ok, false);
    const entries = (await h.directory.audit.list(w.adminActor, { objectType: 'app-password', objectId: appPassword.id })).items;
    assert.deepEqual(entries.map((e) => e.action).sort(), ['create', 'delete']);
    assert.doesNotMatch(JSON.stringify(entries), new RegExp(secret.replaceAll('-', '')));
    assert.ok(entries.every((e) => e.actor === 'alice@a.example'));
    await h.store.throttle.clear('acct:alice@a.example');
  });

  it('throttles an account after the free failures with doubling delays up to the maximum', async () => {
    const user = 'bob@a.example';
    await h.store.throttle.clear(`acct:${user}`);
    await h.store.throttle.clear(`pair:${user}|198.51.100.7`);
    // Three free failures: counted, never blocked.
    for (let i = 0; i < 3; i++) {
      assert.deepEqual(await auth(req(user, 'bad')), { ok: false, code: 'STOA_AUTH_FAILED' });
      assert.ok((await h.store.throttle.get(`acct:${user}`))!.blockedUntil <= h.now());
    }
    const expected = [1, 2, 4, 8, 8];
    for (const seconds of expected) {
      assert.deepEqual(await auth(req(user, 'bad')), { ok: false, code: 'STOA_AUTH_FAILED' });
      // While blocked even the right password is turned away, with the time left.
      assert.deepEqual(await auth(req(user, PASSWORD)), { ok: false, code: 'STOA_AUTH_THROTTLED', retryAfterSeconds: seconds });
      h.advance(seconds * 1000);
    }
    const ok = await auth(req(user, PASSWORD));
    assert.ok(ok.ok);
    // The success clears the counter of this account and address; the account's own loses this attempt only.
    assert.equal(await h.store.throttle.get(`pair:${user}|198.51.100.7`), null);
  });

  it('forgets failures older than the window', async () => {
    const user = 'carol@b.example';
    for (let i = 0; i < 3; i++) await auth(req(user, 'bad'));
    h.advance(3_600_001);
    await auth(req(user, 'bad'));
    assert.equal((await h.store.throttle.get(`acct:${user}`))!.failures, 1);
  });

  it('throttles an IP that tries many accounts', async () => {
    const h2 = await openHarness((c) => {
      c.auth.throttle = { ...c.auth.throttle, ipFreeFailures: 2, accountFreeFailures: 100, baseDelayMs: 5000, maxDelayMs: 60_000, windowMs: 3_600_000 };
    });
    try {
      await seedWorld(h2);
      const r = (u: string) => h2.directory.auth.authenticate(req(u, 'guess', { ip: '192.0.2.99' }));
      assert.equal((await r('u1@a.example')).ok, false);
      assert.equal((await r('u2@a.example')).ok, false);
      assert.deepEqual(await r('u3@a.example'), { ok: false, code: 'STOA_AUTH_FAILED' });
      assert.deepEqual(await h2.directory.auth.authenticate(req('alice@a.example', PASSWORD, { ip: '192.0.2.99' })), { ok: false, code: 'STOA_AUTH_THROTTLED', retryAfterSeconds: 5 });
      // Another IP is not affected.
      assert.ok((await h2.directory.auth.authenticate(req('alice@a.example', PASSWORD, { ip: '192.0.2.100' }))).ok);
    } finally {
      await h2.close();
    }
  });

  it('consults plugged-in verifiers in order; "fail" is final', async () => {
    h.directory.auth.use({
      name: 'ldap',
      async verify(account, password) {
        if (account.address === 'bob@a.example' && password === 'directory-secret') return 'ok';
        return 'skip';
      },
    });
    const viaLdap = await auth(req('bob@a.example', 'directory-secret'));
    assert.ok(viaLdap.ok);
    assert.equal(viaLdap.via, 'ldap');
    h.directory.auth.use({ name: 'lockout', async verify(account) { return account.address === 'carol@b.example' ? 'fail' : 'skip'; } }, 'first');
    h.advance(60_000);
    assert.deepEqual(await auth(req('carol@b.example', PASSWORD)), { ok: false, code: 'STOA_AUTH_FAILED' });
  });

  it('upgrades a hash made with old parameters at the next successful login', async () => {
    const stronger = structuredClone(h.config);
    stronger.auth.argon2 = { memoryKiB: 2048, passes: 2, parallelism: 1 };
    const d2 = createDirectory(h.store, stronger, { now: h.now });
    const r = await d2.auth.authenticate(req('dora@a.example', PASSWORD));
    assert.ok(r.ok);
    const record = await h.store.accounts.getByAddress('dora@a.example');
    assert.deepEqual(parseHash(record!.passwordHash!)!.params, { memoryKiB: 2048, passes: 2, parallelism: 1 });
    assert.ok((await d2.auth.authenticate(req('dora@a.example', PASSWORD))).ok);
    const entry = (await h.directory.audit.list(w.adminActor, { objectId: w.aAdmin.id })).items.find((e) => e.action === 'rehash-password')!;
    assert.deepEqual(entry.after, { passwordHash: '[set]' });
  });
});
