// Implicit scheduling (RFC 6638 §3.2) driven by a scripted client over
// HTTP: an organizer's PUT invites internal attendees (into their default
// calendar), books a room that answers by itself (accepted when free,
// declined on a conflict), sends iMIP to an outside attendee; an attendee's
// answer reaches the organizer's copy; the organizer's DELETE cancels.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { dkimVerify } from 'mailauth/lib/dkim/verify.js';
import { systemActor } from '../../server/src/directory/access.ts';
import { openDavHarness, type DavHarness } from './harness.ts';

/** A DNS that serves the domain's DKIM records straight from the server's keys (no DNS server runs here). */
async function verifyDkim(h: DavHarness, raw: string): Promise<{ result: string; domain: string }> {
  const records = await h.all.dkim.records(await h.directory.domains.get(systemActor(), 'example.test'));
  const resolver = async (name: string, type: string) => {
    const r = type === 'TXT' ? records.find((x) => x.name === name) : undefined;
    if (r) return [[r.value]];
    throw Object.assign(new Error(`no ${type} for ${name}`), { code: 'ENOTFOUND' });
  };
  const verdict = await dkimVerify(Buffer.from(raw), { resolver } as never);
  const first = verdict.results[0] as { status: { result: string }; signingDomain: string } | undefined;
  return { result: first?.status.result ?? 'none', domain: first?.signingDomain ?? '' };
}

const ALICE_CAL = '/dav/calendars/alice@example.test/calendar/';
const BOB_CAL = '/dav/calendars/bob@example.test/calendar/';

function meeting(uid: string, start: string, end: string, attendees: string[], extra: string[] = []): string {
  return [
    'BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//Stoa tests//EN', 'BEGIN:VEVENT', `UID:${uid}`, 'DTSTAMP:20260101T000000Z',
    `DTSTART:${start}`, `DTEND:${end}`, `SUMMARY:Meeting ${uid}`, 'ORGANIZER;CN=Alice:mailto:alice@example.test',
    'ATTENDEE;PARTSTAT=ACCEPTED:mailto:alice@example.test',
    ...attendees.map((a) => `ATTENDEE;RSVP=TRUE;PARTSTAT=NEEDS-ACTION:mailto:${a}`), ...extra, 'END:VEVENT', 'END:VCALENDAR', '',
  ].join('\r\n');
}

const partstat = (ics: string, who: string): string | undefined => new RegExp(`ATTENDEE[^\\r\\n]*PARTSTAT=([A-Z-]+)[^\\r\\n]*:mailto:${who.replace('.', '\\.')}`).exec(ics.replace(/\r\n /g, ''))?.[1];

describe('scheduling', () => {
  let h: DavHarness;
  before(async () => {
    h = await openDavHarness();
    await h.user('alice');
    await h.user('bob');
    await h.directory.resources.create(systemActor(), { address: 'room@example.test', name: 'Board room', kind: 'room' });
  });
  after(() => h.close());

  it('invites an internal attendee, books a free room and sends a DKIM-signed iMIP invitation to an outside attendee', async () => {
    const alice = h.client('alice');
    const put = await alice.put(`${ALICE_CAL}m1.ics`, meeting('m1', '20260601T090000Z', '20260601T100000Z', ['bob@example.test', 'room@example.test', 'carol@partner.example']));
    assert.equal(put.status, 201, put.text);
    assert.match(put.headers.get('schedule-tag') ?? '', /^"/);
    const bobView = await h.client('bob').report(BOB_CAL, '<c:calendar-query xmlns:d="DAV:" xmlns:c="urn:ietf:params:xml:ns:caldav"><d:prop><c:calendar-data/></d:prop><c:filter><c:comp-filter name="VCALENDAR"><c:comp-filter name="VEVENT"/></c:comp-filter></c:filter></c:calendar-query>');
    assert.match(bobView.text, /UID:m1/);
    assert.equal(partstat(bobView.text, 'bob@example.test'), 'NEEDS-ACTION');
    const organizerCopy = (await alice.get(`${ALICE_CAL}m1.ics`)).text;
    assert.equal(partstat(organizerCopy, 'room@example.test'), 'ACCEPTED', 'the free room accepted at once');
    const imip = await h.imip();
    assert.equal(imip.length, 1);
    assert.deepEqual(imip[0].to, ['carol@partner.example']);
    assert.equal(imip[0].sender, 'alice@example.test');
    assert.equal(imip[0].method, 'REQUEST');
    assert.match(imip[0].ics, /METHOD:REQUEST/);
    // Sent through the intake as Alice: signed for her domain like mail she submits.
    assert.match(imip[0].raw, /^DKIM-Signature: /);
    assert.deepEqual(await verifyDkim(h, imip[0].raw), { result: 'pass', domain: 'example.test' });
  });

  it('puts invitations through the outbound filter like mail Alice sends: spam is not sent, the event is still stored', async () => {
    const before = (await h.imip()).length;
    const gtube = 'XJS*C4JDBQADN1.NSBN3*2IDNEN*GTUBE-STANDARD-ANTI-UBE-TEST-EMAIL*C.34X';
    const put = await h.client('alice').put(`${ALICE_CAL}spam.ics`, meeting('spam', '20260603T090000Z', '20260603T100000Z', ['dave@partner.example'], [`DESCRIPTION:${gtube}`]).replace('SUMMARY:Meeting spam', `SUMMARY:${gtube}`));
    assert.equal(put.status, 201, put.text);
    assert.equal((await h.imip()).length, before, 'refused by the filter, nothing queued');
    const alice = await h.directory.accounts.get(systemActor(), 'alice@example.test');
    const actor = h.directory.actorFor(alice, null);
    const cal = await h.services.collections.find(actor, alice.id, 'calendar', 'calendar');
    const again = await h.services.calendar.put(actor, cal.collection.id, 'spam2.ics', meeting('spam2', '20260604T090000Z', '20260604T100000Z', ['dave@partner.example']).replace('SUMMARY:Meeting spam2', `SUMMARY:${gtube}`));
    assert.equal(again.scheduling?.attendees['dave@partner.example'], 'imip-failed');
  });

  it('sends the invitation by mail to a group of ours, whose members get it through delivery', async () => {
    const bob = await h.directory.accounts.get(systemActor(), 'bob@example.test');
    await h.directory.groups.create(systemActor(), { address: 'team@example.test', name: 'Team', members: [{ kind: 'account', id: bob.id }] });
    const before = (await h.imip()).length;
    const put = await h.client('alice').put(`${ALICE_CAL}g1.ics`, meeting('g1', '20260602T090000Z', '20260602T100000Z', ['team@example.test']));
    assert.equal(put.status, 201, put.text);
    // Local delivery, not the queue: nothing new leaves the server.
    assert.equal((await h.imip()).length, before);
    const inbox = await h.all.mail.mailboxes.find(systemActor(), bob.id, 'INBOX');
    assert.ok(inbox, 'Bob has an INBOX');
    assert.equal((await h.all.mail.messages.list(systemActor(), inbox.mailbox.id)).uids.length, 1, 'the invitation reached Bob\'s INBOX');
    // The intake handed its calendar part on: the invitation is in Bob's calendar, unanswered.
    const bobView = await h.client('bob').report(BOB_CAL, '<c:calendar-query xmlns:d="DAV:" xmlns:c="urn:ietf:params:xml:ns:caldav"><d:prop><c:calendar-data/></d:prop><c:filter><c:comp-filter name="VCALENDAR"><c:comp-filter name="VEVENT"/></c:comp-filter></c:filter></c:calendar-query>');
    assert.match(bobView.text, /UID:g1/);
    assert.equal(partstat(bobView.text, 'team@example.test'), 'NEEDS-ACTION');
  });

  it('carries an attendee\'s answer back to the organizer', async () => {
    const bob = h.client('bob');
    const list = await bob.propfind(BOB_CAL, '', '1');
    let href = '';
    let copy = '';
    for (const m of list.text.matchAll(/<d:href>([^<]+\.ics)<\/d:href>/g)) {
      const text = (await bob.get(m[1])).text;
      if (text.includes('UID:m1')) [href, copy] = [m[1], text];
    }
    const accepted = copy.replace(/PARTSTAT=NEEDS-ACTION(:mailto:bob@example\.test)/, 'PARTSTAT=ACCEPTED$1').replace(/(ATTENDEE[^\r\n]*)PARTSTAT=NEEDS-ACTION([^\r\n]*mailto:bob@example\.test)/, '$1PARTSTAT=ACCEPTED$2');
    assert.notEqual(accepted, copy);
    assert.equal((await bob.put(href, accepted)).status, 204);
    assert.equal(partstat((await h.client('alice').get(`${ALICE_CAL}m1.ics`)).text, 'bob@example.test'), 'ACCEPTED');
  });

  it('declines a room booking that conflicts with an accepted one', async () => {
    const alice = h.client('alice');
    await alice.put(`${ALICE_CAL}m2.ics`, meeting('m2', '20260601T093000Z', '20260601T103000Z', ['room@example.test']));
    assert.equal(partstat((await alice.get(`${ALICE_CAL}m2.ics`)).text, 'room@example.test'), 'DECLINED');
  });

  it('cancels the event for internal attendees and frees the room when the organizer deletes it', async () => {
    const alice = h.client('alice');
    const before = (await h.imip()).length;
    assert.equal((await alice.delete(`${ALICE_CAL}m1.ics`)).status, 204);
    const bobList = await h.client('bob').report(BOB_CAL, '<c:calendar-query xmlns:d="DAV:" xmlns:c="urn:ietf:params:xml:ns:caldav"><d:prop><c:calendar-data/></d:prop><c:filter><c:comp-filter name="VCALENDAR"><c:comp-filter name="VEVENT"/></c:comp-filter></c:filter></c:calendar-query>');
    assert.match(bobList.text, /STATUS:CANCELLED/);
    const imip = await h.imip();
    assert.equal(imip.length, before + 1);
    assert.equal(imip.at(-1)!.method, 'CANCEL');
    await alice.put(`${ALICE_CAL}m3.ics`, meeting('m3', '20260601T090000Z', '20260601T100000Z', ['room@example.test']));
    assert.equal(partstat((await alice.get(`${ALICE_CAL}m3.ics`)).text, 'room@example.test'), 'ACCEPTED', 'the slot is free again');
  });
});

describe('iMIP replies arriving by mail', () => {
  let h: DavHarness;
  before(async () => {
    h = await openDavHarness();
    await h.user('alice');
  });
  after(() => h.close());

  const reply = (from: string, partstat: string) => ['BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//Outside//EN', 'METHOD:REPLY', 'BEGIN:VEVENT', 'UID:ext1', 'DTSTAMP:20260102T000000Z',
    'ORGANIZER:mailto:alice@example.test', `ATTENDEE;PARTSTAT=${partstat}:mailto:${from}`, 'END:VEVENT', 'END:VCALENDAR', ''].join('\r\n');

  it('records the answer of the outside attendee who sent it, and ignores forged or unrelated replies', async () => {
    await h.client('alice').put(`${ALICE_CAL}ext1.ics`, meeting('ext1', '20260701T090000Z', '20260701T100000Z', ['carol@partner.example']));
    assert.equal((await h.imip()).length, 1);
    const alice = await h.directory.accounts.get(systemActor(), 'alice@example.test');
    const s = h.services.scheduler;
    const system = systemActor();
    assert.equal(await s.applyImipReply(system, alice, reply('carol@partner.example', 'DECLINED'), 'mallory@evil.example'), 'refused', 'sender is not the attendee');
    assert.equal(await s.applyImipReply(system, alice, reply('dave@partner.example', 'ACCEPTED'), 'dave@partner.example'), 'ignored', 'not invited');
    await assert.rejects(s.applyImipReply(h.directory.actorFor(alice, null), alice, reply('carol@partner.example', 'ACCEPTED'), 'carol@partner.example'), { code: 'STOA_FORBIDDEN' }, 'only the server applies mail');
    assert.equal(await s.applyImipReply(system, alice, reply('carol@partner.example', 'ACCEPTED'), 'carol@partner.example'), 'applied');
    assert.equal(partstat((await h.client('alice').get(`${ALICE_CAL}ext1.ics`)).text, 'carol@partner.example'), 'ACCEPTED');
  });
});

describe('free/busy of colleagues through the schedule outbox', () => {
  let h: DavHarness;
  before(async () => {
    h = await openDavHarness();
    await h.user('alice');
    await h.user('bob');
    await h.directory.domains.create(systemActor(), { name: 'other.test' });
    await h.directory.accounts.create(systemActor(), { address: 'eve@other.test', password: 'correct horse battery staple 42' });
  });
  after(() => h.close());

  it('answers a VFREEBUSY request with the busy time of users of the same domain, and 3.7 for others', async () => {
    const bob = h.client('bob');
    await bob.put('/dav/calendars/bob@example.test/calendar/busy.ics', ['BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:t', 'BEGIN:VEVENT', 'UID:busy', 'DTSTAMP:20260101T000000Z',
      'DTSTART:20260801T090000Z', 'DTEND:20260801T110000Z', 'SUMMARY:Private', 'END:VEVENT', 'END:VCALENDAR', ''].join('\r\n'));
    const principal = await h.client('alice').propfind('/dav/principals/alice@example.test/', '<d:propfind xmlns:d="DAV:" xmlns:c="urn:ietf:params:xml:ns:caldav"><d:prop><c:schedule-outbox-URL/></d:prop></d:propfind>');
    const outbox = /<c:schedule-outbox-URL><d:href>([^<]+)<\/d:href>/.exec(principal.text)![1];
    const request = ['BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:t', 'METHOD:REQUEST', 'BEGIN:VFREEBUSY', 'UID:fb1', 'DTSTAMP:20260101T000000Z',
      'DTSTART:20260801T000000Z', 'DTEND:20260802T000000Z', 'ORGANIZER:mailto:alice@example.test', 'ATTENDEE:mailto:bob@example.test', 'ATTENDEE:mailto:eve@other.test', 'END:VFREEBUSY', 'END:VCALENDAR', ''].join('\r\n');
    const res = await h.client('alice').request('POST', outbox, request, { 'content-type': 'text/calendar; charset=utf-8' });
    assert.equal(res.status, 200, res.text);
    assert.match(res.text, /FREEBUSY;FBTYPE=BUSY:20260801T090000Z\/20260801T110000Z/);
    assert.doesNotMatch(res.text, /Private/, 'busy time only, never the event');
    assert.match(res.text, /mailto:eve@other.test<\/d:href><\/c:recipient><c:request-status>3.7/);
    assert.equal((await h.client('bob').request('POST', outbox, request, { 'content-type': 'text/calendar' })).status, 405, 'only one\'s own outbox');
  });
});
