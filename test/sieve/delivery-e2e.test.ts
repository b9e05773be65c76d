// Sieve at delivery, end to end (issue 10): mail arrives over SMTP through the
// intake service, the recipient's rules file and flag it, redirect it, reject
// it, or answer it with an out-of-office reply that goes out through the
// queue, DKIM-signed — once per sender, never to a list, and only between the
// dates the user chose (the clock is injected).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { actorFor, systemActor } from '../../server/src/directory/access.ts';
import type { Actor } from '../../server/src/directory/api.ts';
import { openSmtpHarness, replyOf, transport, type SmtpHarness } from '../smtp/harness.ts';

const DAY = 86_400_000;

describe('Sieve rules at delivery', () => {
  let h: SmtpHarness;
  let clock = Date.parse('2026-12-01T09:00:00Z');
  let alice: Actor;
  let bob: Actor;
  before(async () => {
    h = await openSmtpHarness(() => {}, { now: () => clock });
    alice = actorFor(h.alice, null);
    bob = actorFor(h.bob, null);
  });
  after(async () => h.close());

  const send = (to: string, subject: string, extra: Record<string, unknown> = {}) =>
    transport(h, 'smtp').sendMail({ from: 'crm@vendor.example', to, subject, text: `about ${subject}`, ...extra });

  async function flagsIn(address: string, box: string): Promise<string[][]> {
    const account = await h.directory.accounts.get(systemActor(), address);
    const found = await h.mail.mailboxes.find(systemActor(), account.id, box);
    if (!found) return [];
    const list = await h.mail.messages.list(systemActor(), found.mailbox.id);
    if (list.uids.length === 0) return [];
    return (await h.mail.messages.fetch(systemActor(), found.mailbox.id, [[1, list.uids[list.uids.length - 1]]])).map((m) => m.flags);
  }

  test('a rule files CRM mail into a folder it creates and flags it; other mail stays in INBOX', async () => {
    await h.services.sieve.put(alice, 'alice@example.test', 'crm', [
      'require ["fileinto", "mailbox", "imap4flags"];',
      'if address :is "from" "crm@vendor.example" { fileinto :create :flags "\\\\Flagged $CRM" "Clients/CRM"; stop; }',
    ].join('\n'));
    await h.services.sieve.setActive(alice, 'alice@example.test', 'crm');
    await send('alice@example.test', 'invoice 1');
    await transport(h, 'smtp').sendMail({ from: 'friend@remote.example', to: 'alice@example.test', subject: 'lunch', text: 'hi' });
    const crm = await h.messages('alice@example.test', 'Clients/CRM');
    assert.equal(crm.length, 1);
    assert.match(crm[0], /Subject: invoice 1/);
    assert.deepEqual((await flagsIn('alice@example.test', 'Clients/CRM'))[0], ['\\Flagged', '$CRM']);
    assert.ok((await h.messages('alice@example.test')).some((m) => m.includes('Subject: lunch')));
    assert.ok(!(await h.messages('alice@example.test')).some((m) => m.includes('Subject: invoice 1')));
  });

  test('ereject refuses the message at SMTP time when no other recipient takes it', async () => {
    await h.services.sieve.put(bob, 'bob@example.test', 'no-crm', 'require "ereject";\nif header :contains "subject" "spam offer" { ereject "No, thanks"; }');
    await h.services.sieve.setActive(bob, 'bob@example.test', 'no-crm');
    const err = await send('bob@example.test', 'a spam offer').catch((e: unknown) => e);
    assert.match(replyOf(err), /^550 5\.7\.1 .*No, thanks/);
    assert.equal((await h.messages('bob@example.test')).filter((m) => m.includes('spam offer')).length, 0);
    await h.services.sieve.setActive(bob, 'bob@example.test', null);
  });

  test('a redirect sends the message on through the queue and keeps no copy', async () => {
    await h.services.sieve.put(bob, 'bob@example.test', 'fwd', 'if header :contains "subject" "forward me" { redirect "archive@partner.example"; }');
    await h.services.sieve.setActive(bob, 'bob@example.test', 'fwd');
    const before = (await h.queued()).length;
    await send('bob@example.test', 'forward me please');
    const queued = (await h.queued()).slice(before);
    assert.equal(queued.length, 1);
    assert.deepEqual(queued[0].recipients, ['archive@partner.example']);
    assert.equal(queued[0].sender, 'crm@vendor.example', 'the original sender stays (RFC 5228 §4.2)');
    assert.match(queued[0].raw, /^X-Stoa-Sieve-Redirected-By: bob@example\.test\r\n/m);
    assert.equal((await h.messages('bob@example.test')).filter((m) => m.includes('forward me')).length, 0);
    await h.services.sieve.setActive(bob, 'bob@example.test', null);
  });

  test('an out-of-office with dates replies once per sender, never to a list, and switches itself on and off', async () => {
    await h.services.sieve.setOutOfOffice(bob, 'bob@example.test', {
      enabled: true, start: '2026-12-10T00:00:00.000Z', end: '2026-12-20T00:00:00.000Z', replyIntervalDays: 7,
      internal: { subject: 'Away', message: 'I am away.' },
      external: { enabled: true, subject: 'Away', message: 'I am away until the 20th.' },
    });
    const replies = async () => (await h.queued()).filter((q) => q.sender === '' && q.raw.includes('Auto-Submitted: auto-replied'));
    const base = (await replies()).length;

    await send('bob@example.test', 'before the holiday');
    assert.equal((await replies()).length, base, 'no reply before the start date');

    clock = Date.parse('2026-12-12T09:00:00Z');
    await send('bob@example.test', 'during the holiday');
    const first = await replies();
    assert.equal(first.length, base + 1, 'one reply once the start date has passed');
    assert.deepEqual(first.at(-1)!.recipients, ['crm@vendor.example']);
    assert.match(first.at(-1)!.raw, /In-Reply-To: /);
    assert.match(first.at(-1)!.raw, /^DKIM-Signature: /m, 'signed for example.test');

    await send('bob@example.test', 'again during the holiday');
    assert.equal((await replies()).length, base + 1, 'one reply per sender per period');
    await transport(h, 'smtp').sendMail({
      from: 'news@list.example', to: 'bob@example.test', subject: 'newsletter', text: 'n', headers: { 'List-Id': '<news.list.example>' },
    });
    assert.equal((await replies()).length, base + 1, 'never to a list');

    clock = Date.parse('2026-12-21T09:00:00Z') + 8 * DAY;
    await transport(h, 'smtp').sendMail({ from: 'someone@else.example', to: 'bob@example.test', subject: 'after', text: 'x' });
    assert.equal((await replies()).length, base + 1, 'no reply after the end date');
    assert.ok((await h.messages('bob@example.test')).some((m) => m.includes('Subject: after')), 'mail is still delivered');
  });

  test('a rule that fails at run time keeps the message in INBOX and tells the user, at most once a day', async () => {
    await h.services.sieve.put(alice, 'alice@example.test', 'broken', [
      'require ["fileinto"];',
      'if header :contains "subject" "report" {',
      '  fileinto "Reports/Weekly";',
      '}',
    ].join('\n'));
    await h.services.sieve.setActive(alice, 'alice@example.test', 'broken');
    const notices = async () => (await h.messages('alice@example.test')).filter((m) => m.includes('Subject: Your mail rules could not be carried out'));
    const base = (await notices()).length;

    await send('alice@example.test', 'weekly report 1');
    const inbox = await h.messages('alice@example.test');
    assert.ok(inbox.some((m) => m.includes('Subject: weekly report 1')), 'the message is kept in INBOX (implicit keep)');
    const [notice] = (await notices()).slice(base);
    assert.ok(notice, 'a report reached the user');
    const text = notice.replace(/=\r\n/g, '').replace(/=([0-9A-F]{2})/g, (_, x: string) => String.fromCharCode(parseInt(x, 16)));
    assert.match(text, /Reports\/Weekly/, 'it names the folder that does not exist');
    assert.match(text, /Subject: weekly report 1/, 'it names the message');
    assert.match(notice, /^Auto-Submitted: auto-generated/m);

    await send('alice@example.test', 'weekly report 2');
    assert.equal((await notices()).length, base + 1, 'the same problem is reported once a day');
    clock += DAY + 1000;
    await send('alice@example.test', 'weekly report 3');
    assert.equal((await notices()).length, base + 2, 'and again the next day while it lasts');
    await h.services.sieve.setActive(alice, 'alice@example.test', null);
  });

  test('spamtest sees the filter\'s verdict: mail that came through the filter is "tested"', async () => {
    await h.services.sieve.put(bob, 'bob@example.test', 'spam-level', [
      'require ["spamtest", "relational", "comparator-i;ascii-numeric", "fileinto", "mailbox"];',
      'if spamtest :value "eq" :comparator "i;ascii-numeric" "0" { fileinto :create "Untested"; stop; }',
      'if spamtest :value "ge" :comparator "i;ascii-numeric" "1" { fileinto :create "Tested"; }',
    ].join('\n'));
    await h.services.sieve.setActive(bob, 'bob@example.test', 'spam-level');
    await send('bob@example.test', 'level check');
    assert.equal((await h.messages('bob@example.test', 'Tested')).filter((m) => m.includes('level check')).length, 1);
    assert.equal((await h.messages('bob@example.test', 'Untested')).length, 0);
    await h.services.sieve.setActive(bob, 'bob@example.test', null);
  });
});
