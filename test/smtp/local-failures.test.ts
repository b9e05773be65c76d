// After the one 250 that answers DATA for every recipient, a local recipient
// whose delivery fails is never dropped in silence (docs/smtp.md "Local
// failures after 250"): permanent failures are bounced with an RFC 3464 DSN
// naming only them, temporary ones go to the queue's local transport.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Account } from '../../shared/src/schemas/directory.ts';
import { systemActor } from '../../server/src/directory/access.ts';
import { StoaError } from '../../server/src/errors/catalogue.ts';
import type { DeliveryService } from '../../server/src/mail/api.ts';
import { DeliveryWorker } from '../../server/src/queue/delivery-worker.ts';
import { queueConfigFrom } from '../../server/src/queue/queue-config.ts';
import { parseDsn } from '../queue/dsn-parse.ts';
import { startDnsmasq, type Dnsmasq } from '../support/dnsmasq.ts';
import { openSmtpHarness, replyOf, transport, type SmtpHarness } from './harness.ts';
import { envelope } from './raw-client.ts';

const system = systemActor();

describe('SMTP: local recipients failing after the message was accepted', () => {
  let h: SmtpHarness;
  let carol: Account;
  let dns: Dnsmasq;
  before(async () => {
    // junk.example publishes DMARC p=quarantine and nothing that could pass it: its mail is filed in Junk.
    dns = await startDnsmasq([
      '--local=/remote.example/', '--local=/junk.example/', '--txt-record=_dmarc.junk.example,v=DMARC1; p=quarantine',
    ], { name: '_dmarc.junk.example', type: 'TXT' });
    h = await openSmtpHarness((config) => { config.dns.servers = [dns.server]; });
    const d = h.directory;
    carol = await d.accounts.create(system, { address: 'carol@example.test', password: 'tulip-harbour-92' });
    const full = await d.accounts.create(system, { address: 'full@example.test', password: 'tulip-harbour-92', quotaBytes: 20_000 });
    await d.groups.create(system, {
      address: 'staff@example.test',
      members: [{ kind: 'account', id: h.bob.id }, { kind: 'account', id: full.id }, { kind: 'account', id: carol.id }],
    });
    await d.groups.create(system, { address: 'only-full@example.test', members: [{ kind: 'account', id: full.id }] });
    await transport(h, 'smtp').sendMail({ from: 'a@remote.example', to: 'full@example.test', subject: 'fill', text: 'x'.repeat(15_000) });
  });
  after(async () => {
    await h.close();
    dns.stop();
  });

  /** Queued messages from the null sender: the notices. */
  const notices = async () => (await h.queued()).filter((q) => q.sender === '');

  test('a list with one member over quota: the others get the message, the sender gets a DSN naming only that member with 5.2.2', async () => {
    const info = await transport(h, 'smtp').sendMail({
      from: 'sender@remote.example', to: 'staff@example.test', subject: 'Quarterly numbers', text: 'y'.repeat(6000),
    });
    assert.match(info.response, /^250 /);
    for (const address of ['bob@example.test', 'carol@example.test']) {
      assert.equal((await h.messages(address)).filter((m) => m.includes('Subject: Quarterly numbers')).length, 1, `${address} got it`);
    }
    assert.equal((await h.messages('full@example.test')).filter((m) => m.includes('Subject: Quarterly numbers')).length, 0);

    const sent = await notices();
    assert.equal(sent.length, 1, 'one notice');
    assert.deepEqual(sent[0].recipients, ['sender@remote.example']);
    const dsn = parseDsn(Buffer.from(sent[0].raw));
    assert.equal(dsn.reportType, 'delivery-status');
    assert.equal(dsn.recipients.length, 1, 'only the failed member is named');
    const [r] = dsn.recipients;
    assert.equal(r['final-recipient'], 'rfc822; full@example.test');
    assert.equal(r['original-recipient'], 'rfc822;staff@example.test');
    assert.equal(r.action, 'failed');
    assert.equal(r.status, '5.2.2');
    assert.match(r['diagnostic-code'], /^smtp; 552 5\.2\.2 /);
    assert.equal(dsn.perMessage['reporting-mta'], 'dns; mx.example.test');
    assert.doesNotMatch(dsn.human + JSON.stringify(dsn.recipients), /bob@|carol@/);
    assert.match(dsn.original, /Subject: Quarterly numbers/);
    assert.equal((await h.queued()).filter((q) => q.sender !== '').length, 0, 'a permanent failure is bounced, not retried');
  });

  test('a local sender gets the notice in their own INBOX', async () => {
    await transport(h, 'submission', 'alice@example.test').sendMail({
      from: 'alice@example.test', to: 'staff@example.test', subject: 'From inside', text: 'z'.repeat(6000),
    });
    const bounce = (await h.messages('alice@example.test')).find((m) => m.includes('Undelivered Mail Returned to Sender'));
    assert.ok(bounce, 'the DSN reached alice');
    const dsn = parseDsn(Buffer.from(bounce.slice(bounce.indexOf('From: Mail Delivery System'))));
    assert.deepEqual(dsn.recipients.map((r) => [r['final-recipient'], r.status]), [['rfc822; full@example.test', '5.2.2']]);
  });

  test('the null sender gets no DSN (no bounce loops)', async () => {
    const before = (await notices()).length;
    const c = await envelope(h.ports.smtp, '', ['staff@example.test']);
    assert.match(await c.command('DATA'), /^354 /);
    assert.match(await c.command(`Subject: null sender\r\nFrom: mailer-daemon@remote.example\r\n\r\n${'n'.repeat(6000)}\r\n.`), /^250 /);
    c.close();
    assert.equal((await notices()).length, before);
  });

  test('NOTIFY=NEVER: no DSN', async () => {
    const before = (await notices()).length;
    const info = await transport(h, 'smtp').sendMail({
      from: 'quiet@remote.example', to: 'staff@example.test', subject: 'never tell', text: 'q'.repeat(6000), dsn: { notify: 'NEVER' },
    });
    assert.match(info.response, /^250 /);
    assert.equal((await notices()).length, before);
  });

  test('when every local recipient fails and none is remote, DATA itself gets the failure and nothing is bounced', async () => {
    const before = (await h.queued()).length;
    const err = await transport(h, 'smtp').sendMail({
      from: 'sender@remote.example', to: 'only-full@example.test', subject: 'all fail', text: 'f'.repeat(6000),
    }).catch((e: unknown) => e);
    assert.match(replyOf(err), /^452 4\.2\.2 /);
    assert.equal((await h.queued()).length, before);
  });

  /** Sends `subject` to bob and carol with one store error for carol on the first delivery only, and checks it was queued. */
  async function deferCarol(from: string, subject: string): Promise<void> {
    const delivery = h.mail.delivery as { deliver: DeliveryService['deliver'] };
    const real = delivery.deliver;
    delivery.deliver = async (actor, body, recipients, options) => {
      delivery.deliver = real;
      const outcomes = await real(actor, body, recipients.filter((r) => r.accountId !== carol.id), options);
      return [...outcomes, { accountId: carol.id, status: 'failed', error: new StoaError('STOA_STORE_UNAVAILABLE', 'busy') }];
    };
    try {
      const info = await transport(h, 'smtp').sendMail({ from, to: ['bob@example.test', 'carol@example.test'], subject, text: 'r' });
      assert.match(info.response, /^250 /);
    } finally {
      delivery.deliver = real;
    }
    for (const box of ['INBOX', 'Junk']) {
      assert.equal((await h.messages('carol@example.test', box)).filter((m) => m.includes(`Subject: ${subject}`)).length, 0, `nothing in ${box} yet`);
    }
    const deferred = (await h.queued()).filter((q) => q.raw.includes(`Subject: ${subject}`));
    assert.equal(deferred.length, 1);
    assert.equal(deferred[0].sender, from);
    assert.deepEqual(deferred[0].recipients, ['carol@example.test']);
  }

  const runQueue = async (): Promise<void> => {
    const worker = new DeliveryWorker({
      store: h.store, config: queueConfigFrom(h.config), submit: async () => { throw new Error('no notice expected'); },
      local: h.services.worker.local,
    });
    await worker.runOnce();
  };

  const copies = async (address: string, box: string, subject: string) => (await h.messages(address, box)).filter((m) => m.includes(`Subject: ${subject}`));

  test('a temporary failure is deferred to the queue and delivered by its local transport, into the folder the filter chose', async () => {
    await deferCarol('sender@remote.example', 'retry me');
    await runQueue();
    const [copy] = await copies('carol@example.test', 'INBOX', 'retry me');
    assert.ok(copy, 'delivered by the retry');
    assert.match(copy, /^Return-Path: <sender@remote\.example>\r\nDelivered-To: carol@example\.test\r\n/);
    assert.equal((await copies('bob@example.test', 'INBOX', 'retry me')).length, 1, 'bob got it once');

    // DMARC quarantine: the filter files it in Junk at DATA time, and the retry keeps it there.
    await deferCarol('sender@junk.example', 'retry my junk');
    assert.equal((await copies('bob@example.test', 'Junk', 'retry my junk')).length, 1, 'the filter put it in Junk');
    const [queued] = (await h.queued()).filter((q) => q.raw.includes('Subject: retry my junk'));
    assert.match(queued.raw, /dmarc=fail/, 'the verdict travels with the queued copy');
    await runQueue();
    assert.equal((await copies('carol@example.test', 'Junk', 'retry my junk')).length, 1, 'retried into Junk');
    assert.equal((await copies('carol@example.test', 'INBOX', 'retry my junk')).length, 0, 'not into INBOX');
  });
});
