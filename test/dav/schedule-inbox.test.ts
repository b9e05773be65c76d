// RFC 6638 pieces a scripted client exercises over HTTP: the schedule inbox
// (§2.2) with the invitations and replies the server delivered, Schedule-Tag
// and If-Schedule-Tag-Match (§3.2.9-3.2.10: the tag survives changes that
// are not the other party's, and an organizer writing on a tag keeps the
// replies recorded since), and SCHEDULE-AGENT=CLIENT (§7.1: the server
// leaves those attendees and replies to the client).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { openDavHarness, type DavHarness } from './harness.ts';

const ALICE_CAL = '/dav/calendars/alice@example.test/calendar/';
const BOB_CAL = '/dav/calendars/bob@example.test/calendar/';
const BOB_INBOX = '/dav/calendars/bob@example.test/inbox/';
const ALICE_INBOX = '/dav/calendars/alice@example.test/inbox/';

function meeting(uid: string, attendees: string[], extra: { sequence?: number; start?: string; summary?: string } = {}): string {
  const start = extra.start ?? '20260901T090000Z';
  return [
    'BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//Stoa tests//EN', 'BEGIN:VEVENT', `UID:${uid}`, 'DTSTAMP:20260101T000000Z',
    `DTSTART:${start}`, `DTEND:${start.replace('T09', 'T10')}`, `SUMMARY:${extra.summary ?? `Meeting ${uid}`}`, `SEQUENCE:${extra.sequence ?? 0}`,
    'ORGANIZER;CN=Alice:mailto:alice@example.test', 'ATTENDEE;PARTSTAT=ACCEPTED:mailto:alice@example.test', ...attendees, 'END:VEVENT', 'END:VCALENDAR', '',
  ].join('\r\n');
}

const partstat = (ics: string, who: string): string | undefined =>
  new RegExp(`ATTENDEE[^\\r\\n]*PARTSTAT=([A-Z-]+)[^\\r\\n]*:mailto:${who.replace('.', '\\.')}`).exec(ics.replace(/\r\n /g, ''))?.[1];
const hrefs = (xml: string): string[] => [...xml.matchAll(/<d:href>([^<]+\.ics)<\/d:href>/g)].map((m) => m[1]);
const tag = (h: Headers): string => h.get('schedule-tag') ?? '';

describe('schedule inbox, schedule tags and client scheduling', () => {
  let h: DavHarness;
  before(async () => {
    h = await openDavHarness();
    await h.user('alice');
    await h.user('bob');
  });
  after(() => h.close());

  /** Bob's copy of an event: its href and text. */
  async function bobCopy(uid: string): Promise<{ href: string; text: string; tag: string }> {
    const list = await h.client('bob').propfind(BOB_CAL, '', '1');
    for (const href of hrefs(list.text)) {
      const res = await h.client('bob').get(href);
      if (res.text.includes(`UID:${uid}`)) return { href, text: res.text, tag: tag(res.headers) };
    }
    throw new Error(`bob has no ${uid}`);
  }

  it('delivers an invitation into the attendee\'s schedule inbox, which only the server writes and its owner empties', async () => {
    assert.equal((await h.client('alice').put(`${ALICE_CAL}in1.ics`, meeting('in1', ['ATTENDEE;RSVP=TRUE;PARTSTAT=NEEDS-ACTION:mailto:bob@example.test']))).status, 201);
    const inbox = await h.client('bob').propfind(BOB_INBOX, '<d:propfind xmlns:d="DAV:" xmlns:c="urn:ietf:params:xml:ns:caldav"><d:prop><d:resourcetype/><c:schedule-default-calendar-URL/></d:prop></d:propfind>', '1');
    assert.equal(inbox.status, 207, inbox.text);
    assert.match(inbox.text, /<c:schedule-inbox\/>/);
    assert.match(inbox.text, /<c:schedule-default-calendar-URL><d:href>\/dav\/calendars\/bob@example.test\/calendar\/<\/d:href>/);
    const items = hrefs(inbox.text);
    assert.equal(items.length, 1);
    const message = await h.client('bob').get(items[0]);
    assert.match(message.text, /METHOD:REQUEST/);
    assert.match(message.text, /UID:in1/);
    const write = await h.client('bob').put(`${BOB_INBOX}mine.ics`, meeting('mine', []));
    assert.equal(write.status, 403, 'RFC 6638 §2.2: clients do not write into the inbox');
    assert.equal((await h.client('bob').delete(items[0])).status, 204);
    assert.deepEqual(hrefs((await h.client('bob').propfind(BOB_INBOX, '', '1')).text), []);

    const copy = await bobCopy('in1');
    const accepted = copy.text.replace(/PARTSTAT=NEEDS-ACTION(:mailto:bob@example\.test)/, 'PARTSTAT=ACCEPTED$1');
    assert.equal((await h.client('bob').put(copy.href, accepted)).status, 204);
    const replies = hrefs((await h.client('alice').propfind(ALICE_INBOX, '', '1')).text);
    assert.equal(replies.length, 1);
    const reply = (await h.client('alice').get(replies[0])).text;
    assert.match(reply, /METHOD:REPLY/);
    assert.equal(partstat(reply, 'bob@example.test'), 'ACCEPTED');
  });

  it('keeps the schedule tag when only answers change, and keeps answers an organizer writing on that tag has not seen', async () => {
    const alice = h.client('alice');
    const first = await alice.put(`${ALICE_CAL}t1.ics`, meeting('t1', ['ATTENDEE;RSVP=TRUE;PARTSTAT=NEEDS-ACTION:mailto:bob@example.test']));
    const organizerTag = tag(first.headers);
    assert.match(organizerTag, /^".+"$/);

    // Bob answers: his copy's tag stays (his own change), Alice's copy changes (ETag) but keeps its tag.
    const copy = await bobCopy('t1');
    const answered = await h.client('bob').put(copy.href, copy.text.replace(/PARTSTAT=NEEDS-ACTION(:mailto:bob@example\.test)/, 'PARTSTAT=ACCEPTED$1'));
    assert.equal(answered.status, 204);
    assert.equal(tag(answered.headers), copy.tag, 'an attendee\'s own answer keeps the tag of their copy');
    const now = await alice.get(`${ALICE_CAL}t1.ics`);
    assert.notEqual(now.headers.get('etag'), first.headers.get('etag'));
    assert.equal(tag(now.headers), organizerTag, 'a recorded reply keeps the organizer\'s tag');
    const prop = await alice.propfind(`${ALICE_CAL}t1.ics`, '<d:propfind xmlns:d="DAV:" xmlns:c="urn:ietf:params:xml:ns:caldav"><d:prop><c:schedule-tag/></d:prop></d:propfind>');
    assert.ok(prop.text.includes(`<c:schedule-tag>${organizerTag}</c:schedule-tag>`), prop.text);

    // Alice's client still holds the copy from before the reply, and changes the title on its schedule tag.
    const stale = meeting('t1', ['ATTENDEE;RSVP=TRUE;PARTSTAT=NEEDS-ACTION:mailto:bob@example.test'], { summary: 'Renamed' });
    assert.equal((await alice.put(`${ALICE_CAL}t1.ics`, stale, { 'if-schedule-tag-match': '"not-the-tag"' })).status, 412);
    const renamed = await alice.put(`${ALICE_CAL}t1.ics`, stale, { 'if-schedule-tag-match': organizerTag });
    assert.equal(renamed.status, 204);
    const after = (await alice.get(`${ALICE_CAL}t1.ics`)).text;
    assert.match(after, /SUMMARY:Renamed/);
    assert.equal(partstat(after, 'bob@example.test'), 'ACCEPTED', 'the reply recorded since is kept (same SEQUENCE)');
    assert.notEqual(tag(renamed.headers), organizerTag, 'the organizer\'s own change gives a new tag');

    // The organizer's change reached Bob: his copy has a new tag, so his client's old one no longer matches.
    const updated = await bobCopy('t1');
    assert.notEqual(updated.tag, copy.tag);
    const late = await h.client('bob').put(updated.href, updated.text.replace('PARTSTAT=ACCEPTED:mailto:bob', 'PARTSTAT=DECLINED:mailto:bob'), { 'if-schedule-tag-match': copy.tag });
    assert.equal(late.status, 412);
    assert.equal((await h.client('bob').delete(updated.href, { 'if-schedule-tag-match': copy.tag })).status, 412);
  });

  it('leaves attendees marked SCHEDULE-AGENT=CLIENT to the client, and an attendee\'s answer too when the organizer is', async () => {
    const before = (await h.imip()).length;
    const put = await h.client('alice').put(`${ALICE_CAL}c1.ics`, meeting('c1', [
      'ATTENDEE;SCHEDULE-AGENT=CLIENT;PARTSTAT=NEEDS-ACTION:mailto:bob@example.test',
      'ATTENDEE;SCHEDULE-AGENT=CLIENT;PARTSTAT=NEEDS-ACTION:mailto:carol@partner.example',
    ]));
    assert.equal(put.status, 201);
    await assert.rejects(bobCopy('c1'), /bob has no c1/);
    assert.equal((await h.imip()).length, before, 'no iMIP sent');

    // Bob's own copy of an outside event whose organizer's client handles replies: answering sends nothing.
    const outside = [
      'BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//Stoa tests//EN', 'BEGIN:VEVENT', 'UID:c2', 'DTSTAMP:20260101T000000Z',
      'DTSTART:20260902T090000Z', 'DTEND:20260902T100000Z', 'SUMMARY:Outside', 'ORGANIZER;SCHEDULE-AGENT=CLIENT:mailto:dan@partner.example',
      'ATTENDEE;PARTSTAT=NEEDS-ACTION:mailto:bob@example.test', 'END:VEVENT', 'END:VCALENDAR', ''].join('\r\n');
    assert.equal((await h.client('bob').put(`${BOB_CAL}c2.ics`, outside)).status, 201);
    assert.equal((await h.client('bob').put(`${BOB_CAL}c2.ics`, outside.replace('PARTSTAT=NEEDS-ACTION', 'PARTSTAT=ACCEPTED'))).status, 204);
    assert.equal((await h.imip()).length, before, 'no REPLY sent');
    // Without SCHEDULE-AGENT the same answer goes out by mail.
    const served = outside.replace('UID:c2', 'UID:c3').replace('ORGANIZER;SCHEDULE-AGENT=CLIENT:', 'ORGANIZER:');
    assert.equal((await h.client('bob').put(`${BOB_CAL}c3.ics`, served)).status, 201);
    assert.equal((await h.client('bob').put(`${BOB_CAL}c3.ics`, served.replace('PARTSTAT=NEEDS-ACTION', 'PARTSTAT=ACCEPTED'))).status, 204);
    const sent = await h.imip();
    assert.equal(sent.length, before + 1);
    assert.equal(sent.at(-1)!.method, 'REPLY');
    assert.deepEqual(sent.at(-1)!.to, ['dan@partner.example']);
  });

  it('declines for an attendee who deletes an invitation', async () => {
    await h.client('alice').put(`${ALICE_CAL}d1.ics`, meeting('d1', ['ATTENDEE;RSVP=TRUE;PARTSTAT=NEEDS-ACTION:mailto:bob@example.test']));
    const copy = await bobCopy('d1');
    assert.equal((await h.client('bob').delete(copy.href)).status, 204);
    assert.equal(partstat((await h.client('alice').get(`${ALICE_CAL}d1.ics`)).text, 'bob@example.test'), 'DECLINED');
  });
});
