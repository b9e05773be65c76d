// The SMTP front end publishes every message outcome to the message trace
// (the console's live view): 250 after DATA as "accepted" with our id, each
// refusal as "rejected" with the reply and its reason.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { TraceEvent } from '../../server/src/events/trace-bus.ts';
import { openSmtpHarness, type SmtpHarness } from './harness.ts';
import { RawSmtp, envelope } from './raw-client.ts';

describe('SMTP message trace', () => {
  let h: SmtpHarness;
  const events: TraceEvent[] = [];
  before(async () => {
    h = await openSmtpHarness();
    h.trace.subscribe((e) => events.push(e));
  });
  after(() => h.close());

  test('an accepted message is traced with its sender, recipients, client IP and the id in the 250 reply', async () => {
    const c = await envelope(h.ports.smtp, 'someone@remote.example', ['alice@example.test', 'bob@example.test']);
    assert.match(await c.command('DATA'), /^354/);
    const done = await c.command('From: someone@remote.example\r\nSubject: traced\r\n\r\nHello\r\n.');
    c.close();
    const id = /accepted as (\S+)/.exec(done)?.[1];
    assert.ok(id, done);
    const e = events.find((x) => x.stage === 'accepted' && x.messageId === id);
    assert.ok(e, JSON.stringify(events));
    assert.equal(e.origin, 'smtp');
    assert.equal(e.sender, 'someone@remote.example');
    assert.deepEqual(e.recipients.sort(), ['alice@example.test', 'bob@example.test']);
    assert.equal(e.ip, '127.0.0.1');
  });

  test('a refused recipient is traced as rejected with the reply and reason', async () => {
    const c = await RawSmtp.open(h.ports.smtp);
    await c.reply();
    await c.command('EHLO client.example.org');
    await c.command('MAIL FROM:<someone@remote.example>');
    const refused = await c.command('RCPT TO:<nobody@example.test>');
    c.close();
    assert.match(refused, /^550/);
    const e = events.find((x) => x.stage === 'rejected' && x.recipients.includes('nobody@example.test'));
    assert.ok(e, JSON.stringify(events));
    assert.equal(e.sender, 'someone@remote.example');
    assert.match(e.reason ?? '', /^550 5\.1\.1 .*\(\S+\)$/);
  });

  test('a refused relay attempt is traced with the outside recipient', async () => {
    const before = events.length;
    const c = await RawSmtp.open(h.ports.smtp);
    await c.reply();
    await c.command('EHLO client.example.org');
    await c.command('MAIL FROM:<someone@remote.example>');
    const relay = await c.command('RCPT TO:<victim@elsewhere.example>');
    c.close();
    assert.match(relay, /^5/);
    const e = events.slice(before).find((x) => x.stage === 'rejected');
    assert.deepEqual(e?.recipients, ['victim@elsewhere.example']);
    assert.equal(e?.sender, 'someone@remote.example');
  });
});
