// The verified-password cache (directory/verified-password-cache.ts): a
// repeated login with the same password skips argon2id; wrong passwords are
// never cached; a new password, the change bus and the age limit all end an
// entry; the entry count is bounded. Then the same through AuthService.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { hashPassword, verifyPassword } from '../../server/src/directory/password-hash.ts';
import { VerifiedPasswordCache } from '../../server/src/directory/verified-password-cache.ts';
import { LocalChangeBus } from '../../server/src/events/local-change-bus.ts';
import { FAST_ARGON2, openHarness, PASSWORD, seedWorld, type Harness, type World } from './harness.ts';

/** The real argon2id check, counting how often it ran. */
function counted(): { calls: number; verify: (phc: string, password: string) => Promise<boolean> } {
  const c = { calls: 0, verify: (phc: string, password: string) => { c.calls++; return verifyPassword(phc, password); } };
  return c;
}

describe('VerifiedPasswordCache', () => {
  let clock = 0;
  const now = (): number => clock;

  it('hashes once for a repeated right password, every time for a wrong one', async () => {
    const phc = await hashPassword('right password', FAST_ARGON2);
    const cache = new VerifiedPasswordCache({ entries: 10, ttlSeconds: 60 }, now);
    const v = counted();
    assert.equal(await cache.verify('a1', phc, 'right password', v.verify), true);
    assert.equal(await cache.verify('a1', phc, 'right password', v.verify), true);
    assert.equal(v.calls, 1);
    assert.equal(await cache.verify('a1', phc, 'wrong password', v.verify), false);
    assert.equal(await cache.verify('a1', phc, 'wrong password', v.verify), false);
    assert.equal(v.calls, 3);
    // The same password in another Unicode normal form is the same password (password-hash.ts compares in NFC).
    const nfc = await hashPassword('caf\u00e9 latte 1', FAST_ARGON2);
    assert.equal(await cache.verify('a1', nfc, 'caf\u00e9 latte 1', v.verify), true);
    assert.equal(await cache.verify('a1', nfc, 'cafe\u0301 latte 1', v.verify), true);
    assert.equal(v.calls, 4);
  });

  it('misses for a new hash of the same password, another account, or after the age limit', async () => {
    clock = 0;
    const cache = new VerifiedPasswordCache({ entries: 10, ttlSeconds: 60 }, now);
    const v = counted();
    const first = await hashPassword('same password', FAST_ARGON2);
    const second = await hashPassword('same password', FAST_ARGON2);
    await cache.verify('a1', first, 'same password', v.verify);
    await cache.verify('a1', second, 'same password', v.verify);
    assert.equal(v.calls, 2, 'a new hash (new salt) is a new entry');
    await cache.verify('a2', first, 'same password', v.verify);
    assert.equal(v.calls, 3, 'an entry belongs to the account that made it');
    clock += 59_999;
    await cache.verify('a1', second, 'same password', v.verify);
    assert.equal(v.calls, 3);
    clock += 2;
    await cache.verify('a1', second, 'same password', v.verify);
    assert.equal(v.calls, 4, 'older than ttlSeconds: hashed again');
  });

  it('forgets an account on its password, disable and delete events, and unsubscribes', async () => {
    const bus = new LocalChangeBus();
    const cache = new VerifiedPasswordCache({ entries: 10, ttlSeconds: 60 }, now, bus);
    const v = counted();
    const phc = await hashPassword('pw for events', FAST_ARGON2);
    for (const change of ['password', 'disabled', 'deleted'] as const) {
      await cache.verify('a1', phc, 'pw for events', v.verify);
      await cache.verify('a2', phc, 'pw for events', v.verify);
      assert.equal(cache.size, 2);
      assert.equal(bus.size, 2);
      bus.publish({ kind: 'account', accountId: 'a1', change });
      assert.equal(cache.size, 1, change);
      assert.equal(bus.size, 1);
      cache.forget('a2');
      assert.equal(bus.size, 0);
    }
    assert.equal(v.calls, 6);
  });

  it('keeps at most `entries`, least recently used out first, and nothing when 0', async () => {
    const bus = new LocalChangeBus();
    const cache = new VerifiedPasswordCache({ entries: 2, ttlSeconds: 60 }, now, bus);
    const v = counted();
    const phc = await hashPassword('bounded pw', FAST_ARGON2);
    await cache.verify('a1', phc, 'bounded pw', v.verify);
    await cache.verify('a2', phc, 'bounded pw', v.verify);
    await cache.verify('a1', phc, 'bounded pw', v.verify); // a1 is now the most recent
    await cache.verify('a3', phc, 'bounded pw', v.verify); // a2 goes
    assert.equal(cache.size, 2);
    assert.equal(bus.size, 2);
    assert.equal(v.calls, 3);
    await cache.verify('a1', phc, 'bounded pw', v.verify);
    assert.equal(v.calls, 3);
    await cache.verify('a2', phc, 'bounded pw', v.verify);
    assert.equal(v.calls, 4);

    const off = new VerifiedPasswordCache({ entries: 0, ttlSeconds: 60 }, now, bus);
    await off.verify('a1', phc, 'bounded pw', v.verify);
    await off.verify('a1', phc, 'bounded pw', v.verify);
    assert.equal(v.calls, 6);
    assert.equal(off.size, 0);
  });
});

describe('AuthService with remembered passwords', () => {
  let h: Harness;
  let w: World;
  before(async () => {
    h = await openHarness();
    w = await seedWorld(h);
  });
  after(async () => h.close());
  const login = (username: string, password: string) => h.directory.auth.authenticate({ username, password, protocol: 'imap', ip: '198.51.100.9' });

  it('a password change refuses the old password at once, though it was remembered', async () => {
    const acc = await h.directory.accounts.create(w.adminActor, { address: 'cached@a.example', password: PASSWORD });
    assert.ok((await login(acc.address, PASSWORD)).ok);
    assert.ok((await login(acc.address, PASSWORD)).ok);
    await h.directory.accounts.setPassword(w.adminActor, acc.id, 'a brand new password 7');
    assert.deepEqual(await login(acc.address, PASSWORD), { ok: false, code: 'STOA_AUTH_FAILED' });
    assert.ok((await login(acc.address, 'a brand new password 7')).ok);
  });

  it('a disabled account is refused though its password was remembered', async () => {
    const acc = await h.directory.accounts.create(w.adminActor, { address: 'cached-off@a.example', password: PASSWORD });
    assert.ok((await login(acc.address, PASSWORD)).ok);
    await h.directory.accounts.update(w.adminActor, acc.id, { enabled: false });
    assert.deepEqual(await login(acc.address, PASSWORD), { ok: false, code: 'STOA_ACCOUNT_DISABLED' });
  });

  it('a revoked app password is refused though it was remembered', async () => {
    const { appPassword, secret } = await h.directory.appPasswords.create(w.aliceActor, 'alice@a.example', 'Tablet');
    assert.ok((await login('alice@a.example', secret)).ok);
    assert.ok((await login('alice@a.example', secret)).ok);
    await h.directory.appPasswords.revoke(w.aliceActor, 'alice@a.example', appPassword.id);
    assert.deepEqual(await login('alice@a.example', secret), { ok: false, code: 'STOA_AUTH_FAILED' });
  });
});
