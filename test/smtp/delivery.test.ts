// Inbound mail over the MX listener, sent by nodemailer: it lands in the
// right mailboxes (after aliases, alias domains, groups and catch-all), with
// trace headers, once; external targets go to the outbound queue.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { systemActor } from '../../server/src/directory/access.ts';
import { openSmtpHarness, transport, type SmtpHarness } from './harness.ts';

const system = systemActor();

describe('SMTP delivery to local mailboxes', () => {
  let h: SmtpHarness;
  before(async () => {
    h = await openSmtpHarness();
    const d = h.directory;
    await d.accounts.create(system, { address: 'carol@example.test', password: 'tulip-harbour-92' });
    await d.aliases.create(system, { address: 'sales@example.test', targets: ['alice@example.test', 'bob@example.test'] });
    await d.aliases.create(system, { address: 'chain@example.test', targets: ['sales@example.test'] });
    await d.aliases.create(system, { address: 'chain2@example.test', targets: ['chain@example.test', 'bob@example.test'] });
    // A loop between two aliases, if the directory lets one be made.
    await d.aliases.update(system, 'chain@example.test', { targets: ['chain2@example.test'] }).catch(() => undefined);
    await d.aliases.create(system, { address: 'outside@example.test', targets: ['partner@remote.example'] });
    const inner = await d.groups.create(system, { address: 'inner@example.test', members: [{ kind: 'account', id: h.bob.id }] });
    const team = await d.groups.create(system, {
      address: 'team@example.test',
      members: [{ kind: 'account', id: h.alice.id }, { kind: 'group', id: inner.id }, { kind: 'external', address: 'friend@remote.example' }],
    });
    // A cycle: inner also contains team. Expansion must stop.
    await d.groups.update(system, inner.id, { members: [{ kind: 'account', id: h.bob.id }, { kind: 'group', id: team.id }] }).catch(() => undefined);
  });
  after(() => h.close());

  test('a message to a local user is in their INBOX with Return-Path, Delivered-To and Received', async () => {
    const info = await transport(h, 'smtp').sendMail({
      from: 'sender@remote.example', to: 'alice@example.test', subject: 'Hello Alice', text: 'Körper mit Umlaut',
    });
    assert.match(info.response, /^250 2\.6\.0 /);
    const [raw] = await h.messages('alice@example.test');
    assert.ok(raw, 'delivered');
    const head = raw.slice(0, raw.indexOf('\r\n\r\n'));
    assert.match(head, /^Return-Path: <sender@remote\.example>\r\nDelivered-To: alice@example\.test\r\n/);
    assert.match(head, /Received: from client\.example\.org \(.*\[127\.0\.0\.1\]\)\r\n\tby mx\.example\.test \(Stoa\) with ESMTP id [0-9a-f-]+\r\n\tfor <alice@example\.test>; /);
    assert.match(head, /Authentication-Results: mx\.example\.test/);
    assert.match(head, /Subject: Hello Alice/);
  });

  test('an alias delivers to each target once; one body is shared and Delivered-To is left out', async () => {
    await transport(h, 'smtp').sendMail({ from: 'sender@remote.example', to: ['sales@example.test', 'alice@example.test'], subject: 'to sales', text: 'x' });
    const alice = (await h.messages('alice@example.test')).filter((m) => m.includes('Subject: to sales'));
    const bob = (await h.messages('bob@example.test')).filter((m) => m.includes('Subject: to sales'));
    assert.equal(alice.length, 1);
    assert.equal(bob.length, 1);
    assert.equal(alice[0], bob[0]);
    assert.doesNotMatch(alice[0], /Delivered-To:/);
  });

  test('aliases that lead to each other (a loop) still deliver, once', async () => {
    await transport(h, 'smtp').sendMail({ from: 'sender@remote.example', to: 'chain@example.test', subject: 'loop alias', text: 'x' });
    assert.equal((await h.messages('bob@example.test')).filter((m) => m.includes('Subject: loop alias')).length, 1);
  });

  test('the alias domain reaches the same mailbox', async () => {
    await transport(h, 'smtp').sendMail({ from: 'sender@remote.example', to: 'Bob@Alias.Test', subject: 'via alias domain', text: 'x' });
    assert.equal((await h.messages('bob@example.test')).filter((m) => m.includes('Subject: via alias domain')).length, 1);
  });

  test('a group expands through nested groups, cuts cycles, and queues its external member', async () => {
    await transport(h, 'smtp').sendMail({ from: 'sender@remote.example', to: 'team@example.test', subject: 'team news', text: 'x' });
    assert.equal((await h.messages('alice@example.test')).filter((m) => m.includes('Subject: team news')).length, 1);
    assert.equal((await h.messages('bob@example.test')).filter((m) => m.includes('Subject: team news')).length, 1);
    const q = (await h.queued()).filter((m) => m.raw.includes('Subject: team news'));
    assert.equal(q.length, 1);
    assert.deepEqual(q[0].recipients, ['friend@remote.example']);
    // Forwarded with the original envelope sender (docs/smtp.md), and no Return-Path: we are not the final hop.
    assert.equal(q[0].sender, 'sender@remote.example');
    assert.doesNotMatch(q[0].raw, /^Return-Path:/m);
  });

  test('an alias to an external address forwards only to that fixed target', async () => {
    await transport(h, 'smtp').sendMail({ from: 'outsider@remote.example', to: 'outside@example.test', subject: 'for partner', text: 'x' });
    const q = (await h.queued()).filter((m) => m.raw.includes('Subject: for partner'));
    assert.deepEqual(q.map((m) => m.recipients), [['partner@remote.example']]);
  });

  test('a catch-all takes unknown local parts', async () => {
    await h.directory.aliases.create(system, { address: '*@alias.test', targets: ['carol@example.test'] }).catch(() => undefined);
    const dom = await h.directory.domains.create(system, { name: 'catch.test' });
    await h.directory.aliases.create(system, { address: '*@catch.test', targets: ['carol@example.test'] });
    assert.ok(dom);
    await transport(h, 'smtp').sendMail({ from: 'sender@remote.example', to: 'whoever@catch.test', subject: 'caught', text: 'x' });
    assert.equal((await h.messages('carol@example.test')).filter((m) => m.includes('Subject: caught')).length, 1);
  });

  test('forwarding without a kept copy queues the message and stores nothing locally', async () => {
    await h.directory.accounts.update(system, 'carol@example.test', { forwardTo: ['carol@elsewhere.example'], keepForwardedCopy: false });
    await transport(h, 'smtp').sendMail({ from: 'sender@remote.example', to: 'carol@example.test', subject: 'forward me', text: 'x' });
    assert.equal((await h.messages('carol@example.test')).filter((m) => m.includes('Subject: forward me')).length, 0);
    const q = (await h.queued()).filter((m) => m.raw.includes('Subject: forward me'));
    assert.deepEqual(q.map((m) => m.recipients), [['carol@elsewhere.example']]);
    await h.directory.accounts.update(system, 'carol@example.test', { keepForwardedCopy: true });
    await transport(h, 'smtp').sendMail({ from: 'sender@remote.example', to: 'carol@example.test', subject: 'forward and keep', text: 'x' });
    assert.equal((await h.messages('carol@example.test')).filter((m) => m.includes('Subject: forward and keep')).length, 1);
  });

  test('the same Message-ID sent twice to one mailbox is stored once', async () => {
    const msg = { from: 'sender@remote.example', to: 'alice@example.test', subject: 'dup', text: 'x', messageId: '<dup-1@remote.example>' };
    await transport(h, 'smtp').sendMail(msg);
    const second = await transport(h, 'smtp').sendMail(msg);
    assert.match(second.response, /^250 /);
    assert.equal((await h.messages('alice@example.test')).filter((m) => m.includes('Subject: dup')).length, 1);
  });

  test('accepted messages are counted per listener', async () => {
    const text = await h.metrics.registry.metrics();
    const m = /stoa_smtp_messages_accepted_total\{listener="smtp"\} (\d+)/.exec(text);
    assert.ok(m && Number(m[1]) >= 8, text);
  });
});
