// Implicit scheduling (RFC 6638 §3.2) driven by a scripted client over
// HTTP: an organizer's PUT invites internal attendees (into their default
// calendar), books a room that answers by itself (accepted when free,
// declined on a conflict), sends iMIP to an outside attendee; an attendee's
// answer reaches the organizer's copy; the organizer's DELETE cancels.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { systemActor } from '../../server/src/directory/access.ts';
import { openDavHarness, type DavHarness } from './harness.ts';

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
    h = await openDavHarness(() => {}, { scheduling: true });
    await h.user('alice');
    await h.user('bob');
    await h.directory.resources.create(systemActor(), { address: 'room@example.test', name: 'Board room', kind: 'room' });
  });
  after(() => h.close());

  it('invites an internal attendee, books a free room and sends iMIP to an outside attendee', async () => {
    const alice = h.client('alice');
    const put = await alice.put(`${ALICE_CAL}m1.ics`, meeting('m1', '20260601T090000Z', '20260601T100000Z', ['bob@example.test', 'room@example.test', 'carol@partner.example']));
    assert.equal(put.status, 201, put.text);
    assert.match(put.headers.get('schedule-tag') ?? '', /^"/);
    const bobView = await h.client('bob').report(BOB_CAL, '<c:calendar-query xmlns:d="DAV:" xmlns:c="urn:ietf:params:xml:ns:caldav"><d:prop><c:calendar-data/></d:prop><c:filter><c:comp-filter name="VCALENDAR"><c:comp-filter name="VEVENT"/></c:comp-filter></c:filter></c:calendar-query>');
    assert.match(bobView.text, /UID:m1/);
    assert.equal(partstat(bobView.text, 'bob@example.test'), 'NEEDS-ACTION');
    const organizerCopy = (await alice.get(`${ALICE_CAL}m1.ics`)).text;
    assert.equal(partstat(organizerCopy, 'room@example.test'), 'ACCEPTED', 'the free room accepted at once');
    assert.equal(h.imip.length, 1);
    assert.deepEqual(h.imip[0].to, ['carol@partner.example']);
    assert.equal(h.imip[0].method, 'REQUEST');
    assert.match(h.imip[0].ics, /METHOD:REQUEST/);
  });

  it('carries an attendee\'s answer back to the organizer', async () => {
    const bob = h.client('bob');
    const list = await bob.propfind(BOB_CAL, '', '1');
    const href = [...list.text.matchAll(/<d:href>([^<]+\.ics)<\/d:href>/g)].map((m) => m[1])[0];
    const copy = (await bob.get(href)).text;
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
    const before = h.imip.length;
    assert.equal((await alice.delete(`${ALICE_CAL}m1.ics`)).status, 204);
    const bobList = await h.client('bob').report(BOB_CAL, '<c:calendar-query xmlns:d="DAV:" xmlns:c="urn:ietf:params:xml:ns:caldav"><d:prop><c:calendar-data/></d:prop><c:filter><c:comp-filter name="VCALENDAR"><c:comp-filter name="VEVENT"/></c:comp-filter></c:filter></c:calendar-query>');
    assert.match(bobList.text, /STATUS:CANCELLED/);
    assert.equal(h.imip.length, before + 1);
    assert.equal(h.imip.at(-1)!.method, 'CANCEL');
    await alice.put(`${ALICE_CAL}m3.ics`, meeting('m3', '20260601T090000Z', '20260601T100000Z', ['room@example.test']));
    assert.equal(partstat((await alice.get(`${ALICE_CAL}m3.ics`)).text, 'room@example.test'), 'ACCEPTED', 'the slot is free again');
  });
});
