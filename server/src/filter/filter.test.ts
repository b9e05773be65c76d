import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { defaultConfig } from '../config/schema.ts';
import { isStoaError } from '../errors/catalogue.ts';
import { decideDmarc } from '../mail-auth/dmarc-policy.ts';
import { openSqliteStore } from '../store/sqlite/sqlite-store.ts';
import type { Store } from '../store/port.ts';
import { reversedName } from './dnsbl.ts';
import { clientNetwork, createGreylist } from './greylist.ts';
import { createIpLists } from './ip-lists.ts';
import { createRateLimiter } from './rate-limit.ts';

describe('IP allow and deny lists', () => {
  const lists = createIpLists(['192.0.2.0/28', '2001:db8:1::/48'], ['192.0.2.0/24', '203.0.113.7', '2001:db8::/32']);
  const table: [string, string, string][] = [
    ['192.0.2.5', 'accept', 'ip-allow'],
    ['192.0.2.200', 'reject', 'ip-deny'],
    ['::ffff:192.0.2.200', 'reject', 'ip-deny'],
    ['203.0.113.7', 'reject', 'ip-deny'],
    ['203.0.113.8', 'accept', 'ip-lists'],
    ['2001:db8:1::25', 'accept', 'ip-allow'],
    ['2001:db8:2::25', 'reject', 'ip-deny'],
    ['2001:db9::1', 'accept', 'ip-lists'],
  ];
  for (const [ip, action, check] of table) {
    it(`${ip} → ${action} (${check})`, () => {
      const d = lists.checkConnection(ip);
      assert.deepEqual([d.action, d.check], [action, check]);
      if (action === 'reject') assert.deepEqual([d.smtpCode, d.enhancedCode], [554, '5.7.1']);
    });
  }
  it('names the config key and entry of a bad CIDR', () => {
    assert.throws(() => createIpLists([], ['10.0.0.0/8', '10.0.0.0/33']), (e) => isStoaError(e, 'STOA_CONFIG_INVALID') && /filter\.ipDeny\[1\]/.test(e.message));
    assert.throws(() => createIpLists(['mail.example.com'], []), /filter\.ipAllow\[0\]/);
  });
});

describe('address forms for DNS blocklists and greylisting', () => {
  it('reverses IPv4 octets and IPv6 nibbles (RFC 5782 §2.1, §2.4)', () => {
    assert.equal(reversedName('192.0.2.99'), '99.2.0.192');
    assert.equal(reversedName('2001:db8:1:2::5'), '5.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.2.0.0.0.1.0.0.0.8.b.d.0.1.0.0.2');
    assert.equal(reversedName('not-an-ip'), null);
  });
  it('groups clients by /24 and /64', () => {
    assert.equal(clientNetwork('192.0.2.99'), '192.0.2.0/24');
    assert.equal(clientNetwork('::ffff:192.0.2.99'), '192.0.2.0/24');
    assert.equal(clientNetwork('2001:db8:1:2:aaaa::5'), '2001:db8:1:2::/64');
  });
});

describe('store-backed greylisting and rate limits', () => {
  let dir: string;
  let store: Store;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'stoa-filter-'));
    store = await openSqliteStore({ path: join(dir, 'stoa.db'), blobsPath: join(dir, 'blobs') });
  });
  after(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('defers a new triplet, accepts the retry after the delay, and then the triplet stays accepted', async () => {
    const g = createGreylist({ enabled: true, delaySeconds: 300, retryWindowHours: 48, autoWhitelistAfter: 0, whitelistDays: 35 }, store.greylist);
    const input = { ip: '198.51.100.20', mailFrom: 'a@example.org', recipient: 'bob@local.test' };
    const t0 = 1_000_000_000;
    const first = await g.check(input, t0);
    assert.deepEqual([first.action, first.smtpCode, first.enhancedCode], ['defer', 451, '4.7.1']);
    assert.match(first.reason, /try again in 300 seconds/);
    assert.equal((await g.check(input, t0 + 60_000)).action, 'defer');
    // The retry comes from another address of the same /24.
    assert.equal((await g.check({ ...input, ip: '198.51.100.21' }, t0 + 301_000)).action, 'accept');
    assert.equal((await g.check(input, t0 + 302_000)).action, 'accept');
    assert.equal((await g.check({ ...input, recipient: 'carol@local.test' }, t0 + 303_000)).action, 'defer');
  });

  it('starts over when the retry comes after the retry window, and whitelists a network after enough passes', async () => {
    const config = { enabled: true, delaySeconds: 60, retryWindowHours: 1, autoWhitelistAfter: 2, whitelistDays: 35 };
    const g = createGreylist(config, store.greylist);
    const t0 = 2_000_000_000;
    const input = { ip: '203.0.113.5', mailFrom: 'x@example.org', recipient: 'r1@local.test' };
    await g.check(input, t0);
    assert.equal((await g.check(input, t0 + 2 * 3_600_000)).action, 'defer', 'too late: a new first attempt');
    assert.equal((await g.check(input, t0 + 2 * 3_600_000 + 61_000)).action, 'accept');
    const second = { ...input, recipient: 'r2@local.test' };
    await g.check(second, t0 + 3 * 3_600_000);
    assert.equal((await g.check(second, t0 + 3 * 3_600_000 + 61_000)).action, 'accept');
    const third = await g.check({ ...input, recipient: 'r3@local.test' }, t0 + 4 * 3_600_000);
    assert.deepEqual([third.action, third.reason], ['accept', '203.0.113.0/24 is auto-whitelisted']);
    assert.equal((await createGreylist({ ...config, enabled: false }, store.greylist).check({ ...input, ip: '192.0.2.1' })).action, 'accept');
  });

  it('limits submissions per account per hour across the window boundary', async () => {
    const limiter = createRateLimiter({ messagesPerHour: 3 }, store.rateCounters);
    const hour = 3_600_000 * 500_000;
    for (let i = 0; i < 3; i++) assert.equal((await limiter.checkSubmission('acc-1', 1, hour + 50 * 60_000)).action, 'accept');
    const over = await limiter.checkSubmission('acc-1', 1, hour + 55 * 60_000);
    assert.deepEqual([over.action, over.smtpCode, over.enhancedCode], ['defer', 450, '4.7.1']);
    assert.equal((await limiter.checkSubmission('acc-2', 1, hour + 55 * 60_000)).action, 'accept', 'other accounts are not affected');
    // 10 minutes into the next hour, 5/6 of the previous hour still counts: floor(3 × 0.83) = 2 used.
    assert.equal((await limiter.checkSubmission('acc-1', 1, hour + 70 * 60_000)).action, 'accept');
    assert.equal((await limiter.checkSubmission('acc-1', 1, hour + 70 * 60_000)).action, 'defer');
    assert.equal((await createRateLimiter({ messagesPerHour: 0 }, store.rateCounters).checkSubmission('acc-1', 1000)).action, 'accept');
  });
});

describe('DMARC policy decision', () => {
  const config = defaultConfig();
  config.mailAuth.overrides = { 'partner.example': 'monitor' };
  const fail = (policy: string, fromDomain = 'bank.example') => ({ result: 'fail', policy, fromDomain });
  const table: [string, ReturnType<typeof fail> | null, string][] = [
    ['pass', { result: 'pass', policy: 'reject', fromDomain: 'bank.example' }, 'accept'],
    ['not evaluated', null, 'accept'],
    ['fail, p=none', fail('none'), 'accept'],
    ['fail, p=quarantine', fail('quarantine'), 'junk'],
    ['fail, p=reject', fail('reject'), 'reject'],
    ['fail, p=reject, override for a parent domain', fail('reject', 'lists.partner.example'), 'accept'],
  ];
  for (const [name, outcome, action] of table) {
    it(`${name} → ${action}`, () => assert.equal(decideDmarc(outcome, config).action, action));
  }
  it('quarantine-only junks what enforce would reject', () => {
    assert.equal(decideDmarc(fail('reject'), { ...config, mailAuth: { ...config.mailAuth, dmarcPolicy: 'quarantine-only' } }).action, 'junk');
  });
});
