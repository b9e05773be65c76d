// Recipient and size policy on the MX listener, and the open-relay matrix on
// every listener: unknown users, harvesting, quota, SIZE, recipient limits,
// relay attempts, AUTH only over TLS, sender and From: ownership.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { systemActor } from '../../server/src/directory/access.ts';
import { openSmtpHarness, replyOf, transport, type SmtpHarness } from './harness.ts';
import { RawSmtp, envelope } from './raw-client.ts';

const system = systemActor();

describe('SMTP recipient, size and relay policy', () => {
  let h: SmtpHarness;
  before(async () => {
    h = await openSmtpHarness((c) => { c.smtp.maxMessageBytes = 200_000; c.smtp.maxConnectionsPerIp = 30; });
    await h.directory.accounts.create(system, { address: 'small@example.test', password: 'tulip-harbour-92', quotaBytes: 5000 });
    await h.directory.aliases.create(system, { address: 'fwd@example.test', targets: ['partner@remote.example'] });
  });
  after(() => h.close());

  test('an unknown local recipient gets 550 5.1.1', async () => {
    const c = await envelope(h.ports.smtp, 'a@remote.example', []);
    assert.match(await c.command('RCPT TO:<nobody@example.test>'), /^550 5\.1\.1 /);
    assert.match(await c.command('RCPT TO:<not an address>'), /^501 5\.1\.3 /);
    c.close();
  });

  test('a client guessing addresses is slowed down, then cut off with 421 4.7.0, on new connections too', async () => {
    const c = await envelope(h.ports.smtp, 'a@remote.example', []);
    const replies: string[] = [];
    for (let i = 0; i < 10 && !c.closed; i++) replies.push(await c.command(`RCPT TO:<guess${i}@example.test>`));
    assert.ok(replies.some((r) => r.startsWith('421 4.7.0')), replies.join('\n'));
    const again = await RawSmtp.open(h.ports.smtp);
    assert.match(await again.reply(), /^421 4\.7\.0 /);
    again.close();
  });
});

describe('SMTP quota, size and relay (fresh client state)', () => {
  let h: SmtpHarness;
  before(async () => {
    h = await openSmtpHarness((c) => { c.smtp.maxMessageBytes = 200_000; c.smtp.maxConnectionsPerIp = 5; });
    await h.directory.accounts.create(system, { address: 'small@example.test', password: 'tulip-harbour-92', quotaBytes: 20_000 });
    await h.directory.domains.create(system, { name: 'catch.test' });
    await h.directory.aliases.create(system, { address: '*@catch.test', targets: ['bob@example.test'] });
    await h.directory.aliases.create(system, { address: 'fwd@example.test', targets: ['partner@remote.example'] });
  });
  after(() => h.close());

  test('quota: 552 5.2.2 when SIZE exceeds the whole quota, 452 4.2.2 once the mailbox is full', async () => {
    const c = await RawSmtp.open(h.ports.smtp);
    await c.reply();
    await c.command('EHLO client.example.org');
    await c.command('MAIL FROM:<a@remote.example> SIZE=30000');
    assert.match(await c.command('RCPT TO:<small@example.test>'), /^552 5\.2\.2 /);
    c.close();
    await transport(h, 'smtp').sendMail({ from: 'a@remote.example', to: 'small@example.test', subject: 'fill', text: 'x'.repeat(15_000) });
    const err = await transport(h, 'smtp').sendMail({ from: 'a@remote.example', to: 'small@example.test', subject: 'more', text: 'y'.repeat(6000) }).catch((e) => e);
    assert.match(replyOf(err), /452 4\.2\.2/);
  });

  test('SIZE over the limit is refused at MAIL FROM, and a message growing past it mid-stream gets 552 5.3.4 and is not stored', async () => {
    const c = await RawSmtp.open(h.ports.smtp);
    await c.reply();
    assert.match(await c.command('EHLO client.example.org'), /250[ -]SIZE 200000/);
    assert.match(await c.command('MAIL FROM:<a@remote.example> SIZE=300000'), /^552 5\.3\.4 /);
    c.close();
    const err = await transport(h, 'smtp').sendMail({ from: 'a@remote.example', to: 'bob@example.test', subject: 'huge', text: 'z'.repeat(300_000) }).catch((e) => e);
    assert.match(replyOf(err), /552 5\.3\.4/);
    assert.equal((await h.messages('bob@example.test')).filter((m) => m.includes('Subject: huge')).length, 0);
  });

  test('more than smtp.maxRecipients recipients get 452 4.5.3', async () => {
    const c = await envelope(h.ports.smtp, 'a@remote.example', []);
    for (let i = 0; i < 100; i++) assert.match(await c.command(`RCPT TO:<r${i}@catch.test>`), /^250 /);
    assert.match(await c.command('RCPT TO:<r100@catch.test>'), /^452 4\.5\.3 /);
    c.close();
  });

  test('no open relay: unauthenticated mail to an outside domain is refused on every listener', async () => {
    const mx = await transport(h, 'smtp').sendMail({ from: 'alice@example.test', to: 'victim@remote.example', text: 'x' }).catch((e) => e);
    assert.match(replyOf(mx), /554 5\.7\.1 .*Relay access denied/);
    const sub = await transport(h, 'submission').sendMail({ from: 'alice@example.test', to: 'victim@remote.example', text: 'x' }).catch((e) => e);
    assert.match(replyOf(sub), /530 5\.7\.0/);
    // Source routes and the percent hack do not open a path either.
    const c = await envelope(h.ports.smtp, 'a@remote.example', []);
    assert.match(await c.command('RCPT TO:<@example.test:victim@remote.example>'), /^554 5\.7\.1 /);
    assert.match(await c.command('RCPT TO:<victim%remote.example@example.test>'), /^550 5\.1\.1 /);
    c.close();
  });

  test('an alias with an external target relays only to that target', async () => {
    await transport(h, 'smtp').sendMail({ from: 'outsider@remote.example', to: 'fwd@example.test', subject: 'via fwd', text: 'x' });
    const q = (await h.queued()).filter((m) => m.raw.includes('Subject: via fwd'));
    assert.deepEqual(q.map((m) => m.recipients), [['partner@remote.example']]);
  });

  test('submission: AUTH needs TLS, wrong passwords get 535 5.7.8, an authenticated user relays', async () => {
    const plain = await RawSmtp.open(h.ports.submission);
    await plain.reply();
    await plain.command('EHLO client.example.org');
    assert.match(await plain.command(`AUTH PLAIN ${Buffer.from('\0alice@example.test\0tulip-harbour-92').toString('base64')}`), /^538 5\.7\.0 /);
    plain.close();
    const bad = await transport(h, 'smtps', 'alice@example.test', 'wrong-password-1').sendMail({ from: 'alice@example.test', to: 'x@remote.example', text: 'x' }).catch((e) => e);
    assert.match(replyOf(bad), /535 5\.7\.8/);
    const ok = await transport(h, 'submission', 'alice@example.test').sendMail({ from: 'Alice <alice@example.test>', to: 'friend@remote.example', subject: 'outbound', text: 'x' });
    assert.match(ok.response, /^250 2\.6\.0/);
    const q = (await h.queued()).filter((m) => m.raw.includes('Subject: outbound'));
    assert.deepEqual(q.map((m) => [m.sender, m.recipients]), [['alice@example.test', ['friend@remote.example']]]);
  });

  test('submission: an app password works', async () => {
    const { secret } = await h.directory.appPasswords.create(system, 'bob@example.test', 'phone');
    const ok = await transport(h, 'smtps', 'bob@example.test', secret).sendMail({ from: 'bob@example.test', to: 'alice@example.test', subject: 'from phone', text: 'x' });
    assert.match(ok.response, /^250 /);
  });

  test('submission: another user\'s envelope sender or From: gets 553 5.7.1; an own alias is fine', async () => {
    await h.directory.aliases.create(system, { address: 'alice.smith@example.test', targets: ['alice@example.test'] });
    const forgedEnvelope = await transport(h, 'submission', 'alice@example.test').sendMail({ envelope: { from: 'bob@example.test', to: 'x@remote.example' }, from: 'alice@example.test', text: 'x' }).catch((e) => e);
    assert.match(replyOf(forgedEnvelope), /553 5\.7\.1/);
    const forgedFrom = await transport(h, 'submission', 'alice@example.test').sendMail({ envelope: { from: 'alice@example.test', to: 'x@remote.example' }, from: 'Bob <bob@example.test>', text: 'x' }).catch((e) => e);
    assert.match(replyOf(forgedFrom), /553 5\.7\.1/);
    const alias = await transport(h, 'submission', 'alice@example.test').sendMail({ from: 'alice.smith@example.test', to: 'x@remote.example', text: 'x' });
    assert.match(alias.response, /^250 /);
    const aliasDomain = await transport(h, 'submission', 'alice@example.test').sendMail({ from: 'alice@alias.test', to: 'x@remote.example', text: 'x' });
    assert.match(aliasDomain.response, /^250 /);
  });

  test('too many connections from one IP get 421 4.7.0', async () => {
    const open: RawSmtp[] = [];
    for (let i = 0; i < 5; i++) {
      const c = await RawSmtp.open(h.ports.smtp);
      assert.match(await c.reply(), /^220 /);
      open.push(c);
    }
    const extra = await RawSmtp.open(h.ports.smtp);
    assert.match(await extra.reply(), /^421 4\.7\.0 /);
    for (const c of [...open, extra]) c.close();
  });
});
