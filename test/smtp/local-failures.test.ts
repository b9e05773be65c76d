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
import { createLocalTransport } from '../../server/src/queue/local-transport.ts';
import { queueConfigFrom } from '../../server/src/queue/queue-config.ts';
import { parseDsn } from '../queue/dsn-parse.ts';
import { openSmtpHarness, replyOf, transport, type SmtpHarness } from './harness.ts';
import { envelope } from './raw-client.ts';

const system = systemActor();

describe('SMTP: local recipients failing after the message was accepted', () => {
  let h: SmtpHarness;
  let carol: Account;
  before(async () => {
    h = await openSmtpHarness();
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
  after(() => h.close());

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

  test('a temporary failure is deferred to the queue and delivered by its local transport', async () => {
    const delivery = h.mail.delivery as { deliver: DeliveryService['deliver'] };
    const real = delivery.deliver;
    // One store error for carol on the first delivery only.
    delivery.deliver = async (body, recipients, options) => {
      delivery.deliver = real;
      const outcomes = await real(body, recipients.filter((r) => r.accountId !== carol.id), options);
      return [...outcomes, { accountId: carol.id, status: 'failed', error: new StoaError('STOA_STORE_UNAVAILABLE', 'busy') }];
    };
    try {
      const info = await transport(h, 'smtp').sendMail({ from: 'sender@remote.example', to: ['bob@example.test', 'carol@example.test'], subject: 'retry me', text: 'r' });
      assert.match(info.response, /^250 /);
    } finally {
      delivery.deliver = real;
    }
    assert.equal((await h.messages('carol@example.test')).filter((m) => m.includes('Subject: retry me')).length, 0);
    const deferred = (await h.queued()).filter((q) => q.raw.includes('Subject: retry me'));
    assert.equal(deferred.length, 1);
    assert.equal(deferred[0].sender, 'sender@remote.example');
    assert.deepEqual(deferred[0].recipients, ['carol@example.test']);

    const worker = new DeliveryWorker({
      store: h.store, config: queueConfigFrom(h.config), submit: async () => { throw new Error('no notice expected'); },
      local: createLocalTransport({ addresses: h.directory.addresses, delivery: h.mail.delivery }),
    });
    await worker.runOnce();
    const [copy] = (await h.messages('carol@example.test')).filter((m) => m.includes('Subject: retry me'));
    assert.ok(copy, 'delivered by the retry');
    assert.match(copy, /^Return-Path: <sender@remote\.example>\r\nDelivered-To: carol@example\.test\r\n/);
    assert.equal((await h.messages('bob@example.test')).filter((m) => m.includes('Subject: retry me')).length, 1, 'bob got it once');
  });
});
