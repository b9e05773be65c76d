// Periodic clean-up: old login failures, old known login addresses and
// expired sessions and tokens go away; recent ones stay.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { openHarness, PASSWORD, seedWorld, type Harness, type World } from './harness.ts';

describe('directory housekeeping', () => {
  let h: Harness;
  let w: World;
  before(async () => {
    h = await openHarness((c) => { c.auth.throttle.windowMs = 3_600_000; });
    w = await seedWorld(h);
  });
  after(async () => h.close());

  it('forgets login failures older than the throttle window and keeps recent ones', async () => {
    await h.directory.auth.authenticate({ username: 'alice@a.example', password: 'wrong-password', protocol: 'imap', ip: '198.51.100.7' });
    h.advance(2 * 3_600_000);
    await h.directory.auth.authenticate({ username: 'bob@a.example', password: 'wrong-password', protocol: 'imap', ip: '198.51.100.8' });
    const report = await h.directory.housekeeping();
    assert.ok(report.throttleEntriesPruned >= 2, 'the IP and account entries of the old failure');
    assert.equal(await h.store.throttle.get('acct:alice@a.example'), null);
    assert.equal(await h.store.throttle.get('ip:198.51.100.7'), null);
    assert.notEqual(await h.store.throttle.get('acct:bob@a.example'), null);
  });

  it('forgets the addresses an account logged in from after auth.throttle.knownClientDays', async () => {
    const login = (ip: string) => h.directory.auth.authenticate({ username: 'carol@b.example', password: PASSWORD, protocol: 'imap', ip });
    assert.ok((await login('198.51.100.40')).ok);
    h.advance((h.config.auth.throttle.knownClientDays - 1) * 86_400_000);
    assert.ok((await login('198.51.100.41')).ok);
    h.advance(2 * 86_400_000);
    const report = await h.directory.housekeeping();
    assert.ok(report.throttleEntriesPruned >= 1);
    assert.equal(await h.store.throttle.knownClient('carol@b.example', '198.51.100.40', 0), false);
    assert.equal(await h.store.throttle.knownClient('carol@b.example', '198.51.100.41', 0), true);
  });

  it('drops expired sessions and tokens but not live ones', async () => {
    const alice = w.aliceActor;
    const shortLived = await h.directory.credentials.createToken(alice, { name: 'one day', expiresInDays: 1 });
    const forever = await h.directory.credentials.createToken(alice, { name: 'no expiry' });
    const session = await h.directory.credentials.openSession(w.alice, { userAgent: 'test', ttlMs: 3_600_000 });
    h.advance(2 * 86_400_000);
    const report = await h.directory.housekeeping();
    assert.equal(report.credentialsExpired, 2);
    await assert.rejects(h.directory.credentials.resolve(shortLived.secret, 'token'), { code: 'STOA_UNAUTHENTICATED' });
    await assert.rejects(h.directory.credentials.resolve(session.secret, 'session'), { code: 'STOA_UNAUTHENTICATED' });
    const live = await h.directory.credentials.resolve(forever.secret, 'token');
    assert.equal(live.account.id, w.alice.id);
  });
});
