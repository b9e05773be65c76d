// The message trace (the console's live view) as mail passes through: the
// intake publishes "accepted" with the id of the 250 reply and where each
// recipient went (delivered, queued, failed), for every origin but the
// queue's own retries; the SMTP front end publishes each refusal as
// "rejected" with the reply and its reason.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { actorFor } from '../../server/src/directory/access.ts';
import type { TraceEvent } from '../../server/src/events/trace-bus.ts';
import { bufferSource } from '../../server/src/intake/message-source.ts';
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

  test('each recipient\'s outcome follows the acceptance, under the same id', async () => {
    const c = await envelope(h.ports.smtp, 'someone@remote.example', ['alice@example.test', 'bob@example.test']);
    assert.match(await c.command('DATA'), /^354/);
    const done = await c.command('From: someone@remote.example\r\nSubject: outcomes\r\n\r\nHello\r\n.');
    c.close();
    const id = /accepted as (\S+)/.exec(done)?.[1];
    const ours = events.filter((x) => x.messageId === id);
    assert.deepEqual(ours.map((x) => x.stage), ['accepted', 'delivered'], 'accepted first, then one event for the recipients that share an outcome');
    assert.deepEqual(ours[1].recipients.sort(), ['alice@example.test', 'bob@example.test']);
  });

  test('submitted mail to an outside address is traced as queued with its queue id', async () => {
    const before = events.length;
    const result = await h.services.intake.accept({
      envelope: { sender: 'alice@example.test', recipients: [{ address: 'far@remote.example' }, { address: 'bob@example.test' }] },
      message: bufferSource(Buffer.from('From: alice@example.test\r\nTo: far@remote.example\r\nSubject: out\r\n\r\nHi\r\n')),
      principal: actorFor(h.alice, '127.0.0.1'),
      origin: { kind: 'submission', ip: '127.0.0.1', log: h.services.logger },
    });
    const ours = events.slice(before).filter((x) => x.messageId === result.id);
    assert.equal(ours[0].stage, 'accepted');
    assert.equal(ours[0].origin, 'submission');
    const queued = ours.find((x) => x.stage === 'queued');
    assert.deepEqual(queued?.recipients, ['far@remote.example']);
    assert.equal(queued?.queueId, result.queueId);
    assert.deepEqual(ours.find((x) => x.stage === 'delivered')?.recipients, ['bob@example.test']);
  });

  test('mail the server writes itself is traced too; its failures as failed, and the queue\'s retries are left to the worker', async () => {
    const before = events.length;
    const notice = Buffer.from('From: MAILER-DAEMON@example.test\r\nSubject: notice\r\n\r\nx\r\n');
    await h.services.intake.accept({
      envelope: { sender: '', recipients: [{ address: 'alice@example.test' }] }, message: bufferSource(notice), principal: null,
      origin: { kind: 'notice', log: h.services.logger },
    });
    await assert.rejects(h.services.intake.accept({
      envelope: { sender: '', recipients: [{ address: 'nobody@example.test' }] }, message: bufferSource(notice), principal: null,
      origin: { kind: 'notice', log: h.services.logger },
    }));
    await h.services.intake.accept({
      envelope: { sender: 'someone@remote.example', recipients: [{ address: 'bob@example.test' }] }, message: bufferSource(notice), principal: null,
      origin: { kind: 'queue', log: h.services.logger },
    });
    const seen = events.slice(before).map((x) => [x.origin, x.stage, x.recipients.join(',')]);
    assert.deepEqual(seen, [
      ['notice', 'accepted', 'alice@example.test'], ['notice', 'delivered', 'alice@example.test'], ['notice', 'failed', 'nobody@example.test'],
    ]);
    assert.match(events.at(-1)?.reason ?? '', /user unknown/);
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
