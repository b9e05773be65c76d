// Login throttling that cannot be raced or turned into a lockout, and app
// passwords that cost one hash (issue 16 items 3, 4 and 5). Cost is counted
// in argon2 computations (test/support/argon2-counter.ts), never in time.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { countArgon2 } from '../support/argon2-counter.ts';
import type { AuthRequest, AuthResult } from '../../server/src/directory/api.ts';
import { createDirectory } from '../../server/src/directory/directory.ts';
import { hashPassword } from '../../server/src/directory/password-hash.ts';
import { openSqliteStore } from '../../server/src/store/open-store.ts';
import { FAST_ARGON2, openHarness, PASSWORD, seedWorld, type Harness, type World } from './harness.ts';

const argon2 = countArgon2();
const req = (username: string, password: string, ip: string | null, protocol: AuthRequest['protocol'] = 'imap'): AuthRequest => ({ username, password, protocol, ip });
/** The dummy hash unknown users are checked against is made on first use: make it before counting. */
async function warmUp(h: Harness): Promise<void> {
  await h.directory.auth.authenticate(req('warm-up@nowhere.example', 'x', '192.0.2.250'));
}
const throttled = (r: AuthResult): boolean => !r.ok && r.code === 'STOA_AUTH_THROTTLED';
const failed = (r: AuthResult): boolean => !r.ok && r.code === 'STOA_AUTH_FAILED';

describe('throttling that parallel attempts cannot race (issue 16 item 3)', () => {
  let h: Harness;
  before(async () => {
    h = await openHarness((c) => { Object.assign(c.auth.throttle, { ipFreeFailures: 10, accountFreeFailures: 5 }); });
    await seedWorld(h);
    await warmUp(h);
  });
  after(async () => h.close());

  it('40 parallel wrong passwords from one address cost at most accountFreeFailures + 1 password checks', async () => {
    argon2.reset();
    const results = await Promise.all(Array.from({ length: 40 }, (_, i) => h.directory.auth.authenticate(req('alice@a.example', `wrong-${i}`, '192.0.2.50'))));
    const checks = argon2.started;
    assert.ok(checks <= h.config.auth.throttle.accountFreeFailures + 1, `${checks} password checks for 40 parallel guesses`);
    assert.equal(results.filter(failed).length, checks, 'one check per answered guess');
    assert.equal(results.filter(throttled).length, 40 - checks);
  });

  it('holds across two stores on one database (two processes share the count)', async () => {
    const other = await openSqliteStore({ path: h.config.store.sqlite.path, blobsPath: h.config.store.blobs.path });
    try {
      const second = createDirectory(other, h.config, { now: h.now });
      await second.auth.authenticate(req('warm-up@nowhere.example', 'x', '192.0.2.251'));
      argon2.reset();
      const results = await Promise.all(Array.from({ length: 40 }, (_, i) => (i % 2 ? second : h.directory).auth.authenticate(req('bob@a.example', `wrong-${i}`, '192.0.2.51'))));
      assert.ok(argon2.started <= h.config.auth.throttle.accountFreeFailures + 1, `${argon2.started} password checks`);
      assert.equal(results.filter(failed).length, argon2.started);
    } finally {
      await other.close();
    }
  });

  it('40 parallel guesses from one address at 40 accounts cost at most ipFreeFailures + 1 checks', async () => {
    argon2.reset();
    const results = await Promise.all(Array.from({ length: 40 }, (_, i) => h.directory.auth.authenticate(req(`user${i}@a.example`, 'guess', '192.0.2.52'))));
    assert.ok(argon2.started <= h.config.auth.throttle.ipFreeFailures + 1, `${argon2.started} password checks`);
    assert.equal(results.filter(throttled).length, 40 - argon2.started);
  });
});

describe('concurrent password checks per account and per address', () => {
  let h: Harness;
  before(async () => {
    h = await openHarness((c) => {
      Object.assign(c.auth.throttle, { ipFreeFailures: 1000, accountFreeFailures: 1000, maxConcurrentPerAccount: 3, maxConcurrentPerIp: 2 });
    });
    await seedWorld(h);
  });
  after(async () => h.close());

  it('guesses at one account from 40 addresses run at most maxConcurrentPerAccount checks at a time', async () => {
    argon2.reset();
    const results = await Promise.all(Array.from({ length: 40 }, (_, i) => h.directory.auth.authenticate(req('carol@b.example', 'guess', `198.18.0.${i + 1}`))));
    assert.ok(argon2.maxInFlight <= 3, `${argon2.maxInFlight} checks at once`);
    // Three run, twelve wait their turn, the rest are told to come back.
    assert.ok(results.some(failed));
    assert.ok(results.every((r) => failed(r) || throttled(r)));
  });

  it('guesses from one address at 40 accounts run at most maxConcurrentPerIp checks at a time', async () => {
    argon2.reset();
    await Promise.all(Array.from({ length: 40 }, (_, i) => h.directory.auth.authenticate(req(`n${i}@a.example`, 'guess', '198.18.1.1'))));
    assert.ok(argon2.maxInFlight <= 2, `${argon2.maxInFlight} checks at once`);
  });
});

describe('no lockout of the real user (issue 16 item 4)', () => {
  let h: Harness;
  let w: World;
  const HOME = '198.51.100.7';
  before(async () => {
    h = await openHarness();
    w = await seedWorld(h);
  });
  after(async () => h.close());
  const auth = (r: AuthRequest) => h.directory.auth.authenticate(r);

  it('the real user logs in from a known address during a guessing attack from rotating addresses', async () => {
    assert.ok((await auth(req('alice@a.example', PASSWORD, HOME))).ok, 'alice logs in from home once');
    const guesses: AuthResult[] = [];
    for (let i = 1; i <= 30; i++) guesses.push(await auth(req('alice@a.example', `guess-${i}`, `203.0.113.${i}`)));
    assert.ok(guesses.filter(throttled).length > 20, 'the account is slowed down for addresses it does not know');
    for (const protocol of ['imap', 'pop3', 'api', 'smtp'] as const) {
      const home = await auth(req('alice@a.example', PASSWORD, HOME, protocol));
      assert.ok(home.ok, `${protocol} from home: ${JSON.stringify(home)}`);
    }
    // An address the account has never logged in from waits like the guesses (docs/security.md).
    assert.ok(throttled(await auth(req('alice@a.example', PASSWORD, '192.0.2.201'))));
    // One guess every 15 minutes keeps it slowed for strangers, never for her.
    for (let i = 0; i < 8; i++) {
      h.advance(15 * 60_000);
      await auth(req('alice@a.example', `slow-guess-${i}`, `203.0.114.${i}`));
      assert.ok((await auth(req('alice@a.example', PASSWORD, HOME))).ok, `after ${(i + 1) * 15} minutes`);
    }
  });

  it('an address blocked by guesses at many accounts still lets in an account that knows it (a shared NAT address)', async () => {
    const NAT = '198.51.100.8';
    assert.ok((await auth(req('bob@a.example', PASSWORD, NAT))).ok);
    for (let i = 0; i < 15; i++) await auth(req(`victim${i}@a.example`, 'guess', NAT));
    assert.ok(throttled(await auth(req('carol@b.example', PASSWORD, NAT))), 'a stranger from the busy address waits');
    assert.ok((await auth(req('bob@a.example', PASSWORD, NAT))).ok, 'bob, known there, logs in');
  });

  it('guesses from the known address itself meet the counter of that account and address', async () => {
    const HOME2 = '198.51.100.9';
    assert.ok((await auth(req('carol@b.example', PASSWORD, HOME2))).ok);
    const results: AuthResult[] = [];
    for (let i = 0; i < 8; i++) results.push(await auth(req('carol@b.example', 'wrong', HOME2)));
    assert.ok(results.some(throttled));
    assert.ok((await auth(req('carol@b.example', PASSWORD, '198.51.100.10'))).ok, 'carol elsewhere is not affected');
    void w;
  });

  it('a right password on a disabled account is not counted as a guess', async () => {
    const user = 'dis@a.example';
    await h.directory.accounts.create(w.adminActor, { address: user, password: PASSWORD });
    await h.directory.accounts.update(w.adminActor, user, { enabled: false });
    for (let i = 0; i < 10; i++) {
      const r = await auth(req(user, PASSWORD, '198.51.100.20'));
      assert.ok(!r.ok && r.code === 'STOA_ACCOUNT_DISABLED', JSON.stringify(r));
    }
  });

  it('counts an IPv6 client by its /64', async () => {
    const results: AuthResult[] = [];
    for (let i = 1; i <= 15; i++) results.push(await auth(req(`v6-${i}@a.example`, 'guess', `2001:db8:77:1::${i.toString(16)}`)));
    assert.ok(results.filter(throttled).length >= 3, 'one /64 is one client');
  });
});

describe('an account remembers its most recent client addresses only', () => {
  let h: Harness;
  before(async () => {
    h = await openHarness((c) => { c.auth.throttle.knownClientsPerAccount = 3; });
    await seedWorld(h);
  });
  after(async () => h.close());
  const auth = (r: AuthRequest) => h.directory.auth.authenticate(r);

  it('after logins from more addresses than knownClientsPerAccount, the oldest is a stranger again', async () => {
    for (let i = 1; i <= 5; i++) {
      h.advance(60_000);
      assert.ok((await auth(req('bob@a.example', PASSWORD, `198.51.100.${30 + i}`))).ok);
    }
    for (let i = 1; i <= 10; i++) await auth(req('bob@a.example', 'guess', `203.0.113.${100 + i}`));
    assert.ok(throttled(await auth(req('bob@a.example', PASSWORD, '198.51.100.31'))), 'the oldest address was forgotten');
    assert.ok(throttled(await auth(req('bob@a.example', PASSWORD, '198.51.100.32'))));
    for (const i of [3, 4, 5]) assert.ok((await auth(req('bob@a.example', PASSWORD, `198.51.100.${30 + i}`))).ok, `address ${i} is known`);
  });
});

describe('app passwords cost one hash; every failure costs the same (issue 16 item 5)', () => {
  let h: Harness;
  let w: World;
  const secrets: string[] = [];
  before(async () => {
    h = await openHarness((c) => {
      Object.assign(c.auth.throttle, { ipFreeFailures: 100_000, accountFreeFailures: 100_000 });
      // These count the hashes of the lookup design itself; remembered passwords (verified-cache.test.ts) would skip some.
      c.auth.verifiedCache = { entries: 0, ttlSeconds: 0 };
    });
    w = await seedWorld(h);
    await warmUp(h);
    for (let i = 0; i < 20; i++) secrets.push((await h.directory.appPasswords.create(w.aliceActor, 'alice@a.example', `device ${i}`)).secret);
  });
  after(async () => h.close());

  async function cost(r: AuthRequest): Promise<{ checks: number; result: AuthResult }> {
    argon2.reset();
    const result = await h.directory.auth.authenticate(r);
    return { checks: argon2.started, result };
  }

  it('a wrong app-password-shaped secret costs two checks for an account with twenty app passwords, one with none, and no account', async () => {
    const guess = 'qwer-tyui-opas-dfgh';
    const cases = [
      ['alice@a.example (20 app passwords)', 'alice@a.example'],
      ['bob@a.example (none)', 'bob@a.example'],
      ['an unknown user', 'nobody@a.example'],
      ['an unparseable name', '"junk'],
    ] as const;
    for (const [what, user] of cases) {
      const { checks, result } = await cost(req(user, guess, '192.0.2.60'));
      assert.ok(failed(result), what);
      assert.equal(checks, 2, `${what}: ${checks} checks`);
    }
  });

  it('the right app password is found with one lookup and checked once', async () => {
    const { checks, result } = await cost(req('alice@a.example', secrets[13].toUpperCase().replaceAll('-', ' '), '192.0.2.61'));
    assert.ok(result.ok && result.via === 'app-password');
    assert.equal(checks, 2, 'the account password, then the one candidate');
  });

  it('a wrong ordinary password costs one check, known account or not; the console never tries app passwords', async () => {
    for (const user of ['alice@a.example', 'nobody@a.example']) {
      assert.equal((await cost(req(user, 'not-an-app-password-1', '192.0.2.62'))).checks, 1, user);
    }
    for (const user of ['alice@a.example', 'nobody@a.example']) {
      assert.equal((await cost(req(user, secrets[0], '192.0.2.62', 'api'))).checks, 1, `${user} over the API`);
    }
  });

  it('an app password made before lookups existed still works, and is found by lookup from then on', async () => {
    const secret = 'lega-cyap-ppas-swrd';
    const record = {
      id: 'legacy-app-password', accountId: w.bob.id, name: 'old phone', createdAt: '2025-01-01T00:00:00.000Z', lastUsedAt: null, lastUsedIp: null,
      secretHash: await hashPassword('legacyapppasswrd', FAST_ARGON2), lookup: null,
    };
    await h.store.appPasswords.create(record);
    assert.ok((await cost(req('bob@a.example', secret, '192.0.2.63'))).result.ok);
    assert.notEqual((await h.store.appPasswords.get(record.id))?.lookup, null);
    const again = await cost(req('bob@a.example', secret, '192.0.2.63'));
    assert.ok(again.result.ok);
    assert.equal(again.checks, 2);
  });

  it('an old app password that starts like a newer one keeps working, and never takes the newer one\'s lookup', async () => {
    const created = await h.directory.appPasswords.create(w.adminActor, 'bob@a.example', 'new phone');
    const prefix = created.secret.slice(0, 4);
    const oldSecret = `${prefix}-zzzz-yyyy-xxxx`;
    const record = {
      id: 'legacy-same-start', accountId: w.bob.id, name: 'old laptop', createdAt: '2025-01-02T00:00:00.000Z', lastUsedAt: null, lastUsedIp: null,
      secretHash: await hashPassword(oldSecret.replaceAll('-', ''), FAST_ARGON2), lookup: null,
    };
    await h.store.appPasswords.create(record);
    for (let i = 0; i < 2; i++) {
      const old = await cost(req('bob@a.example', oldSecret, '192.0.2.64'));
      assert.ok(old.result.ok && old.result.appPasswordId === record.id, 'the old one logs in');
      assert.equal((await h.store.appPasswords.get(record.id))?.lookup, null, 'and stays without a lookup key');
      const fresh = await cost(req('bob@a.example', created.secret, '192.0.2.64'));
      assert.ok(fresh.result.ok && fresh.result.appPasswordId === created.appPassword.id, 'the new one logs in');
      assert.equal(fresh.checks, 2);
    }
  });
});
