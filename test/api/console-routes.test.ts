// The admin API routes the console added: bulk enable/disable, CSV import
// with dry run, storage per domain and per account, the server's status and
// settings, and the DNS status of a domain (against a real dnsmasq).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { freePort } from '../cli/run-stoa.ts';
import { type Dnsmasq, startDnsmasq } from '../support/dnsmasq.ts';
import { type Client, type Harness, SYSTEM, startApi } from './harness.ts';

describe('console routes of the admin API', () => {
  let h: Harness;
  let admin: Client;
  let eastAdmin: Client;
  let westAdmin: Client;
  let user: Client;

  before(async () => {
    h = await startApi((c) => { c.queue.smarthost.auth = { user: 'relay', password: 'relay-secret-value' }; });
    await h.seedAccount('root@ops.test', 'server-admin');
    await h.seedAccount('boss@east.test', 'domain-admin', ['east.test']);
    await h.seedAccount('plain@east.test');
    await h.seedAccount('w1@west.test');
    await h.seedAccount('boss@west.test', 'domain-admin', ['west.test']);
    admin = await h.login('root@ops.test');
    eastAdmin = await h.login('boss@east.test');
    westAdmin = await h.login('boss@west.test');
    user = await h.login('plain@east.test');
  });
  after(() => h.close());

  test('bulk disable changes the accounts in scope and reports the others as not found, one by one', async () => {
    const e1 = await h.directory.accounts.create(SYSTEM, { address: 'e1@east.test' });
    const e2 = await h.directory.accounts.create(SYSTEM, { address: 'e2@east.test' });
    const w1 = await h.directory.accounts.get(SYSTEM, 'w1@west.test');
    const res = await eastAdmin.post('/api/v1/accounts/bulk', { action: 'disable', ids: [e1.id, 'e2@east.test', w1.id] });
    assert.equal(res.status, 200);
    assert.deepEqual(res.body.items.map((i: any) => [i.id, i.ok, i.code ?? null]), [[e1.id, true, null], ['e2@east.test', true, null], [w1.id, false, 'STOA_NOT_FOUND']]);
    assert.equal(res.body.changed, 2);
    assert.equal((await h.directory.accounts.get(SYSTEM, e2.id)).enabled, false);
    assert.equal((await h.directory.accounts.get(SYSTEM, w1.id)).enabled, true, 'another domain is left alone');
    const again = await admin.post('/api/v1/accounts/bulk', { action: 'enable', ids: [e1.id, e2.id] });
    assert.equal(again.body.changed, 2);
    const audit = await admin.get(`/api/v1/audit?objectId=${e1.id}`);
    assert.ok(audit.body.items.length >= 3, 'every change is audited like a single update');
  });

  test('bulk requests are bounded and a plain user is refused', async () => {
    const tooMany = await admin.post('/api/v1/accounts/bulk', { action: 'disable', ids: Array.from({ length: 1001 }, (_, i) => `x${i}`) });
    assert.equal(tooMany.status, 400);
    assert.equal(tooMany.body.code, 'STOA_VALIDATION');
    const bad = await admin.post('/api/v1/accounts/bulk', { action: 'delete', ids: ['x'] });
    assert.equal(bad.status, 400);
    assert.equal((await user.post('/api/v1/accounts/bulk', { action: 'disable', ids: ['x'] })).status, 403);
  });

  test('a CSV dry run reports every row with its line and field and creates nothing', async () => {
    const csv = [
      'address,displayName,password,quotaBytes,enabled,forwardTo',
      'new1@east.test,New One,long-enough-pass,2 GiB,yes,',
      'new1@EAST.test,Twice,,,,',
      'plain@east.test,Taken,,,,',
      'bad-address,Broken,,,,',
      'new2@east.test,Short password,short,,,',
      'new3@east.test,Bad quota,,lots,maybe,not-an-address',
      'new4@west.test,Other domain,,,,',
      '"new5@east.test","Quoted, with comma",,,,',
    ].join('\r\n');
    const res = await eastAdmin.post('/api/v1/accounts/import', { csv, dryRun: true });
    assert.equal(res.status, 200);
    const byLine = Object.fromEntries(res.body.rows.map((r: any) => [r.line, r]));
    assert.equal(byLine[2].status, 'valid');
    assert.match(byLine[3].errors[0].message, /appears again \(first on line 2\)/);
    assert.match(byLine[4].errors[0].message, /already in use/);
    assert.equal(byLine[5].errors[0].field, 'address');
    assert.equal(byLine[6].errors[0].field, 'password');
    assert.deepEqual(byLine[7].errors.map((e: any) => e.field).sort(), ['enabled', 'forwardTo', 'quotaBytes']);
    assert.match(byLine[8].errors[0].message, /west\.test does not exist or is not one of yours/);
    assert.equal(byLine[9].status, 'valid');
    assert.deepEqual([res.body.total, res.body.valid, res.body.invalid, res.body.created], [8, 2, 6, 0]);
    assert.equal((await admin.get('/api/v1/accounts/new1@east.test')).status, 404, 'a dry run creates nothing');
  });

  test('an import with any invalid row creates nothing; a clean one creates every account, audited', async () => {
    const dirty = await eastAdmin.post('/api/v1/accounts/import', { csv: 'address\nok1@east.test\nnope\n', dryRun: false });
    assert.equal(dirty.status, 200);
    assert.equal(dirty.body.created, 0);
    assert.equal((await admin.get('/api/v1/accounts/ok1@east.test')).status, 404);
    const clean = await eastAdmin.post('/api/v1/accounts/import', { csv: 'address,displayName,quotaBytes\nok1@east.test,One,1 MiB\nok2@east.test,Two,0\n', dryRun: false });
    assert.deepEqual([clean.body.created, clean.body.rows.map((r: any) => r.status)], [2, ['created', 'created']]);
    const one = await admin.get('/api/v1/accounts/ok1@east.test');
    assert.equal(one.body.displayName, 'One');
    assert.equal(one.body.quotaBytes, 1024 * 1024);
    const audit = await admin.get(`/api/v1/audit?objectId=${one.body.id}`);
    assert.equal(audit.body.items[0].actor, 'boss@east.test');
  });

  test('the audit log filters by time window', async () => {
    const all = await admin.get('/api/v1/audit?limit=500');
    const times = all.body.items.map((e: any) => e.at).sort();
    const mid = times[Math.floor(times.length / 2)];
    const before = await admin.get(`/api/v1/audit?limit=500&until=${encodeURIComponent(mid)}`);
    const after = await admin.get(`/api/v1/audit?limit=500&since=${encodeURIComponent(mid)}`);
    assert.equal(before.body.total + after.body.total, all.body.total);
    assert.ok(before.body.items.every((e: any) => e.at < mid) && after.body.items.every((e: any) => e.at >= mid));
    assert.equal((await admin.get('/api/v1/audit?since=yesterday')).status, 400);
  });

  test('a file-level CSV problem is a 400 pointing at the csv field', async () => {
    for (const [csv, message] of [
      ['mail,name\na@east.test,x\n', /Unknown column "mail"/],
      ['displayName\nx\n', /include "address"/],
      ['address\n"unterminated@east.test\n', /quoted field is not closed/],
    ] as const) {
      const res = await admin.post('/api/v1/accounts/import', { csv, dryRun: true });
      assert.equal(res.status, 400, String(csv));
      assert.equal(res.body.errors[0].path, '/body/csv');
      assert.match(res.body.detail, message);
    }
    assert.equal((await admin.post('/api/v1/accounts/import', { csv: 'address\n', dryRun: 'yes' })).status, 400);
    assert.equal((await user.post('/api/v1/accounts/import', { csv: 'address\n', dryRun: true })).status, 403);
  });

  test('storage per domain and per account follow the caller\'s scope', async () => {
    const plain = await h.directory.accounts.get(SYSTEM, 'plain@east.test');
    const w1 = await h.directory.accounts.get(SYSTEM, 'w1@west.test');
    for (const a of [plain, w1]) {
      await h.mail.delivery.deliver(SYSTEM, Buffer.from(`From: x@y.test\r\nTo: ${a.address}\r\nSubject: usage\r\n\r\nHello there\r\n`), [{ accountId: a.id, mailbox: 'INBOX' }]);
    }
    const all = await admin.get('/api/v1/system/storage');
    assert.deepEqual(all.body.items.map((d: any) => d.name).sort(), ['east.test', 'west.test']);
    assert.ok(all.body.items.every((d: any) => d.bytes > 0 && d.messages === 1));
    const mine = await eastAdmin.get('/api/v1/system/storage');
    assert.deepEqual(mine.body.items.map((d: any) => d.name), ['east.test']);
    const usage = await eastAdmin.get(`/api/v1/system/account-usage?ids=${plain.id},${w1.id}`);
    assert.deepEqual(usage.body.items.map((u: any) => [u.accountId, u.messages]), [[plain.id, 1]], 'another domain\'s account is left out');
    // A shared mailbox's bar on its console page: its own mail counts, and only for admins of its domain.
    const sales = await h.directory.sharedMailboxes.create(SYSTEM, { address: 'sales@east.test' });
    await h.mail.delivery.deliver(SYSTEM, Buffer.from('From: x@y.test\r\nTo: sales@east.test\r\nSubject: usage\r\n\r\nHello\r\n'), [{ accountId: sales.id, mailbox: 'INBOX' }]);
    const shared = await eastAdmin.get(`/api/v1/system/account-usage?ids=${sales.id}`);
    assert.deepEqual(shared.body.items.map((u: any) => [u.accountId, u.messages]), [[sales.id, 1]]);
    assert.deepEqual((await westAdmin.get(`/api/v1/system/account-usage?ids=${sales.id}`)).body.items, []);
    assert.equal((await user.get('/api/v1/system/storage')).status, 403);
    const tooMany = Array.from({ length: 501 }, (_, i) => `id${i}`).join(',');
    assert.equal((await eastAdmin.get(`/api/v1/system/account-usage?ids=${tooMany}`)).status, 400, 'more than 500 ids is refused, not cut');
  });

  test('the server status is for admins; its settings for server admins only', async () => {
    const info = await eastAdmin.get('/api/v1/system');
    assert.equal(info.status, 200);
    assert.equal(info.body.store.driver, 'sqlite');
    assert.equal(info.body.store.ready, true);
    assert.match(info.body.version, /^\d+\.\d+\.\d+/);
    assert.equal((await eastAdmin.get('/api/v1/system/settings')).status, 403);
    const settings = await admin.get('/api/v1/system/settings');
    assert.equal(settings.status, 200);
    assert.deepEqual(settings.body.listeners.map((l: any) => l.name), ['http', 'smtp', 'submission', 'smtps', 'imap', 'imaps', 'pop3', 'pop3s']);
    assert.ok(settings.body.filter.some((s: any) => s.key === 'filter.greylist.enabled'));
    assert.ok(settings.body.relay.some((s: any) => s.key === 'queue.smarthost.host'));
    assert.match(settings.body.backups.howTo, /stoa backup/);
    assert.ok(!JSON.stringify(settings.body).includes('relay-secret-value'), 'the smarthost password is never shown');
  });
});

describe('DNS status of a domain (dnsmasq as the resolver)', () => {
  let h: Harness;
  let dns: Dnsmasq;
  let admin: Client;

  before(async () => {
    const port = await freePort();
    dns = await startDnsmasq([
      '--local=/dns.test/', '--host-record=mail.console.test,127.0.0.1',
      '--mx-host=dns.test,mail.console.test,10',
      '--txt-record=dns.test,v=spf1 mx -all',
      '--txt-record=_dmarc.dns.test,v=DMARC1; p=none',
      '--srv-host=_imaps._tcp.dns.test,elsewhere.example,993,0,1',
    ], { name: 'dns.test', type: 'MX' }, port);
    h = await startApi((c) => { c.hostname = 'mail.console.test'; c.dns.servers = [dns.server]; });
    await h.seedAccount('root@ops.test', 'server-admin');
    await h.seedAccount('boss@other.test', 'domain-admin', ['other.test']);
    admin = await h.login('root@ops.test');
    await admin.post('/api/v1/domains', { name: 'dns.test' });
  });
  after(async () => {
    await h?.close();
    dns?.stop();
  });

  test('names what is published, what is missing and what differs, with the records to publish', async () => {
    const res = await admin.get('/api/v1/domains/dns.test/dns');
    assert.equal(res.status, 200);
    const by = Object.fromEntries(res.body.checks.map((c: any) => [c.kind, c]));
    assert.equal(by.mx.status, 'ok');
    assert.deepEqual(by.mx.found, ['10 mail.console.test']);
    assert.equal(by.spf.status, 'ok');
    assert.equal(by.dmarc.status, 'ok');
    assert.equal(by.dkim.status, 'missing');
    assert.match(by.dkim.expected, /^v=DKIM1; k=rsa; p=/);
    assert.match(by.dkim.name, /\._domainkey\.dns\.test$/);
    assert.equal(by['srv-imaps'].status, 'different');
    assert.equal(by['srv-imaps'].required, false);
    assert.equal(by.autoconfig.status, 'missing');
  });

  test('another admin\'s domain answers as missing, and DNS that does not answer says so', async () => {
    const other = await h.login('boss@other.test');
    assert.equal((await other.get('/api/v1/domains/dns.test/dns')).status, 404);
    dns.stop();
    await admin.post('/api/v1/domains', { name: 'quiet.test' });
    const res = await admin.get('/api/v1/domains/quiet.test/dns');
    assert.equal(res.status, 200);
    assert.ok(res.body.checks.every((c: any) => c.status === 'unreachable' || c.status === 'missing'));
  });
});
