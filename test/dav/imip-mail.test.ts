// iMIP by mail (RFC 6047) end to end over SMTP: real invitations from the
// corpus (Thunderbird's test messages, a Google Calendar and an Outlook
// invitation) arrive through the MX or submission listener, the intake hands
// their calendar part to the scheduler, and the attendee finds the event in
// their calendar and schedule inbox, NEEDS-ACTION until they answer; updates
// and cancellations follow RFC 5546 (answers kept on a minor update, asked
// again on a new revision, older messages ignored). Replies from outside
// attendees reach the organizer's copy. Messages that do not come from the
// organizer (or attendee) they speak for change nothing, and stay mail.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { systemActor } from '../../server/src/directory/access.ts';
import { CORPUS } from '../support/corpus.ts';
import { PASSWORD, openSmtpHarness, transport, type SmtpHarness } from '../smtp/harness.ts';

const corpus = (name: string): string => readFileSync(join(CORPUS, 'calendar', `${name}.eml`), 'latin1');

/** A Thunderbird test invitation with its organizer and attendee moved to the given addresses. */
function invitation(name: string, organizer: string, attendee: string): string {
  return corpus(name).replaceAll('sender@example.com', organizer).replaceAll('receiver@example.com', attendee);
}

const unfold = (ics: string): string => ics.replace(/\r?\n[ \t]/g, '');
const partstat = (ics: string, who: string): string | undefined =>
  new RegExp(`ATTENDEE[^\\r\\n]*PARTSTAT=([A-Z-]+)[^\\r\\n]*:mailto:${who.replace(/[.]/g, '\\.')}`, 'i').exec(unfold(ics))?.[1];

describe('iMIP by mail', () => {
  let h: SmtpHarness;
  before(async () => {
    h = await openSmtpHarness();
    const system = systemActor();
    for (const local of ['carol', 'dave', 'erin', 'frank']) await h.directory.accounts.create(system, { address: `${local}@example.test`, password: PASSWORD });
    // The corpus's own domains, for its messages as they are.
    await h.directory.domains.create(system, { name: 'example.com' });
    await h.directory.accounts.create(system, { address: 'sender@example.com', password: PASSWORD });
    await h.directory.accounts.create(system, { address: 'receiver@example.com', password: PASSWORD });
    await h.directory.domains.create(system, { name: 'ethereal.email' });
    await h.directory.accounts.create(system, { address: 'andris@ethereal.email', password: PASSWORD });
    await h.directory.domains.create(system, { name: 'example.org' });
    await h.directory.accounts.create(system, { address: 'homer@example.org', password: PASSWORD });
  });
  after(async () => h.close());

  async function mx(raw: string, from: string, to: string): Promise<void> {
    await transport(h, 'smtp').sendMail({ envelope: { from, to: [to] }, raw });
  }

  /** Objects of the account's calendars (not the inbox), or of its schedule inbox. */
  async function objects(address: string, where: 'calendar' | 'inbox' = 'calendar'): Promise<string[]> {
    const account = await h.directory.accounts.get(systemActor(), address);
    const { collections } = h.services.dav;
    const out: string[] = [];
    for (const e of await collections.home(systemActor(), account.id, 'calendar')) {
      if ((e.collection.role === 'inbox') !== (where === 'inbox')) continue;
      for (const o of await collections.listObjectData(systemActor(), e.collection.id)) out.push(o.data);
    }
    return out;
  }

  const event = async (address: string, uid: string) => (await objects(address)).find((d) => d.includes(`UID:${uid}`));

  it('puts an outside organizer\'s invitation into the attendee\'s inbox and calendar, NEEDS-ACTION and without its alarms', async () => {
    await mx(invitation('single-event-request', 'sender@partner.example', 'bob@example.test'), 'sender@partner.example', 'bob@example.test');
    const copy = await event('bob@example.test', '02e79b96');
    assert.ok(copy, 'in Bob\'s calendar');
    assert.equal(partstat(copy, 'bob@example.test'), 'NEEDS-ACTION');
    assert.doesNotMatch(copy, /VALARM|METHOD/);
    const inbox = await objects('bob@example.test', 'inbox');
    assert.equal(inbox.length, 1);
    assert.match(inbox[0], /METHOD:REQUEST/);
    assert.equal((await h.messages('bob@example.test')).length, 1, 'and in his INBOX as mail');
  });

  it('keeps Bob\'s answer on a minor update, asks again when the event is moved, and ignores an older cancellation', async () => {
    const bob = h.directory.actorFor(h.bob, null);
    const cal = (await h.services.dav.collections.home(bob, h.bob.id, 'calendar')).find((e) => e.collection.role === 'calendar')!;
    const name = (await h.services.dav.collections.listObjects(bob, cal.collection.id)).find((o) => o.uid === '02e79b96')!.name;
    const mine = await h.services.dav.collections.getObject(bob, cal.collection.id, name);
    const accepted = unfold(mine.data).replace(/(ATTENDEE[^\r\n]*)PARTSTAT=NEEDS-ACTION([^\r\n]*:mailto:bob@example\.test)/i, '$1PARTSTAT=ACCEPTED$2');
    const put = await h.services.dav.calendar.put(bob, cal.collection.id, name, accepted);
    // Bob's answer goes to the outside organizer by mail, signed for his domain.
    assert.equal(put.scheduling?.attendees['sender@partner.example'], 'imip-reply');
    const reply = (await h.queued()).find((q) => q.recipients.includes('sender@partner.example'));
    assert.ok(reply);
    assert.match(reply.raw, /^DKIM-Signature: [^]*d=example\.test/);
    assert.match(reply.raw, /method=REPLY/);

    await mx(invitation('update-minor', 'sender@partner.example', 'bob@example.test'), 'sender@partner.example', 'bob@example.test');
    let copy = (await event('bob@example.test', '02e79b96'))!;
    assert.match(copy, /SUMMARY:Updated Event/);
    assert.equal(partstat(copy, 'bob@example.test'), 'ACCEPTED', 'same revision: his answer stays');

    await mx(invitation('update-major', 'sender@partner.example', 'bob@example.test'), 'sender@partner.example', 'bob@example.test');
    copy = (await event('bob@example.test', '02e79b96'))!;
    assert.match(copy, /DTSTART:20220316T050000Z/);
    assert.equal(partstat(copy, 'bob@example.test'), 'NEEDS-ACTION', 'a new revision asks again');

    // SEQUENCE:1 after the SEQUENCE:2 update (RFC 5546 §2.1.5): out of date.
    await mx(invitation('cancel-single-event', 'sender@partner.example', 'bob@example.test'), 'sender@partner.example', 'bob@example.test');
    assert.doesNotMatch((await event('bob@example.test', '02e79b96'))!, /STATUS:CANCELLED/);
  });

  it('applies a moved instance of a recurring event and then its cancellation, even one without DTSTART', async () => {
    await mx(invitation('repeat-event-request', 'sender@partner.example', 'dave@example.test'), 'sender@partner.example', 'dave@example.test');
    await mx(invitation('exception-major', 'sender@partner.example', 'dave@example.test'), 'sender@partner.example', 'dave@example.test');
    let copy = (await event('dave@example.test', '02e79b96'))!;
    assert.match(copy, /RRULE:FREQ=DAILY/);
    assert.match(copy, /RECURRENCE-ID:20220317T110000Z/);
    assert.match(copy, /DTSTART:20220317T050000Z/);
    await mx(invitation('cancel-repeat-event', 'sender@partner.example', 'dave@example.test'), 'sender@partner.example', 'dave@example.test');
    copy = (await event('dave@example.test', '02e79b96'))!;
    assert.equal(copy.match(/STATUS:CANCELLED/g)?.length, 2, 'the series and its moved instance');
    assert.match((await objects('dave@example.test', 'inbox')).join(''), /METHOD:CANCEL/);
  });

  it('applies a Google Calendar invitation as it arrived', async () => {
    await mx(corpus('google-calendar-invite'), 'andris@postalsys.com', 'andris@ethereal.email');
    const copy = await event('andris@ethereal.email', '1utaf3eftt1agbnisfcc3a5ps0@google.com');
    assert.ok(copy);
    assert.equal(partstat(copy, 'andris@ethereal.email'), 'NEEDS-ACTION');
    assert.doesNotMatch(copy, /ACTION:EMAIL/, 'the organizer\'s e-mail alarm is not ours to run');
  });

  it('applies an invitation from one of our users when that user submitted it', async () => {
    await transport(h, 'submission', 'sender@example.com').sendMail({ envelope: { from: 'sender@example.com', to: ['receiver@example.com'] }, raw: corpus('single-event-request') });
    const copy = await event('receiver@example.com', '02e79b96');
    assert.ok(copy);
    assert.equal(partstat(copy, 'receiver@example.com'), 'NEEDS-ACTION');
  });

  it('does not apply an invitation from outside that names one of our users as organizer, and still delivers it as mail', async () => {
    // Sent by an outside address: the mail is fine, but nobody outside speaks for alice@example.test's calendar.
    const relayed = invitation('single-event-request', 'alice@example.test', 'erin@example.test').replace('From: Sender <alice@example.test>', 'From: <news@partner.example>');
    await mx(relayed, 'news@partner.example', 'erin@example.test');
    assert.equal((await h.messages('erin@example.test')).length, 1, 'delivered as mail');
    assert.equal(await event('erin@example.test', '02e79b96'), undefined);
    assert.deepEqual(await objects('erin@example.test', 'inbox'), []);
    // Forged as Alice herself over MX: delivered as mail wherever the filter puts it (INBOX or Junk, by its
    // score), never applied: only a message Alice submitted with her own login speaks for her calendar.
    const mail = async (): Promise<number> => (await h.messages('erin@example.test')).length + (await h.messages('erin@example.test', 'Junk')).length;
    const before = await mail();
    await mx(invitation('single-event-request', 'alice@example.test', 'erin@example.test'), 'alice@example.test', 'erin@example.test');
    assert.equal(await mail(), before + 1);
    assert.equal(await event('erin@example.test', '02e79b96'), undefined);
    assert.deepEqual(await objects('erin@example.test', 'inbox'), []);
    // The Outlook invitation as it is: its organizer marge@example.org would be ours, and nobody here sent it.
    await mx(corpus('outlook-invite'), 'marge@example.org', 'homer@example.org');
    assert.deepEqual(await objects('homer@example.org'), []);
    assert.equal((await h.messages('homer@example.org')).length + (await h.messages('homer@example.org', 'Junk')).length, 1, 'delivered as mail');
  });

  it('does not apply an invitation sent by someone other than its outside organizer', async () => {
    const forged = invitation('single-event-request', 'sender@partner.example', 'frank@example.test').replace('From: Sender <sender@partner.example>', 'From: <mallory@evil.example>');
    await mx(forged, 'mallory@evil.example', 'frank@example.test');
    assert.equal((await h.messages('frank@example.test')).length, 1, 'delivered to the INBOX: the calendar refused it, not the filter');
    assert.equal(await event('frank@example.test', '02e79b96'), undefined);
  });

  it('records an outside attendee\'s reply in the organizer\'s copy and inbox, and ignores a forged one', async () => {
    const alice = h.directory.actorFor(h.alice, null);
    const cal = (await h.services.dav.collections.home(alice, h.alice.id, 'calendar')).find((e) => e.collection.role === 'calendar')!;
    const ics = ['BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//Stoa tests//EN', 'BEGIN:VEVENT', 'UID:lunch-1', 'DTSTAMP:20260101T000000Z',
      'DTSTART:20260701T120000Z', 'DTEND:20260701T130000Z', 'SUMMARY:Lunch', 'ORGANIZER:mailto:alice@example.test',
      'ATTENDEE;PARTSTAT=ACCEPTED:mailto:alice@example.test', 'ATTENDEE;RSVP=TRUE;PARTSTAT=NEEDS-ACTION:mailto:carol@partner.example', 'END:VEVENT', 'END:VCALENDAR', ''].join('\r\n');
    const put = await h.services.dav.calendar.put(alice, cal.collection.id, 'lunch.ics', ics);
    assert.equal(put.scheduling?.attendees['carol@partner.example'], 'imip');
    const request = (await h.queued()).find((q) => q.recipients.includes('carol@partner.example'));
    assert.ok(request);
    assert.match(request.raw, /^DKIM-Signature: [^]*d=example\.test/);

    const reply = (from: string, envelope: string) => [
      `From: <${from}>`, 'To: <alice@example.test>', 'Subject: Accepted: Lunch', 'Message-ID: <' + Math.random().toString(36).slice(2) + '@partner.example>',
      'MIME-Version: 1.0', 'Content-Type: text/calendar; charset=utf-8; method=REPLY', '',
      'BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//Partner//EN', 'METHOD:REPLY', 'BEGIN:VEVENT', 'UID:lunch-1', 'DTSTAMP:20260102T000000Z',
      'ORGANIZER:mailto:alice@example.test', `ATTENDEE;PARTSTAT=${envelope === 'carol@partner.example' ? 'ACCEPTED' : 'DECLINED'}:mailto:carol@partner.example`,
      'END:VEVENT', 'END:VCALENDAR', ''].join('\r\n');
    await mx(reply('mallory@evil.example', 'mallory@evil.example'), 'mallory@evil.example', 'alice@example.test');
    const organizerCopy = async () => (await h.services.dav.collections.getObject(alice, cal.collection.id, 'lunch.ics')).data;
    assert.equal(partstat(await organizerCopy(), 'carol@partner.example'), 'NEEDS-ACTION', 'a forged reply changes nothing');
    assert.equal((await h.messages('alice@example.test')).length, 1, 'though it is delivered as mail');
    await mx(reply('carol@partner.example', 'carol@partner.example'), 'carol@partner.example', 'alice@example.test');
    assert.equal(partstat(await organizerCopy(), 'carol@partner.example'), 'ACCEPTED');
    assert.match((await objects('alice@example.test', 'inbox')).join(''), /METHOD:REPLY[^]*carol@partner\.example/);
  });
});
