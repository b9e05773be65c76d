// Calendars under the mailbox grant model of issue 9 (directory/delegation.ts),
// over real HTTP: a Full Access grant opens the owner's calendars and address
// books read-write (as Exchange's Full Access opens every folder) and shows
// in calendar-proxy-write-for; scheduling in the owner's name needs send-as
// or send-on-behalf on top, as mail does; shared mailboxes own calendars and
// address books that their Full Access holders reach; grants held by an
// account converted to a shared mailbox go, and a deleted shared mailbox
// takes its collections with it; shares and delegations are capped.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { systemActor } from '../../server/src/directory/access.ts';
import { isStoaError } from '../../server/src/errors/catalogue.ts';
import { event, openDavHarness, vcard, type DavClient, type DavHarness } from './harness.ts';

const D = 'example.test';
const PROXY_FOR = '<d:propfind xmlns:d="DAV:" xmlns:cs="http://calendarserver.org/ns/"><d:prop><cs:calendar-proxy-write-for/><cs:calendar-proxy-read-for/></d:prop></d:propfind>';
const MEMBERS = '<d:propfind xmlns:d="DAV:"><d:prop><d:group-member-set/></d:prop></d:propfind>';
const HOME_SET = '<d:propfind xmlns:d="DAV:" xmlns:c="urn:ietf:params:xml:ns:caldav"><d:prop><c:calendar-home-set/><d:displayname/></d:prop></d:propfind>';

const QUERY = '<c:calendar-query xmlns:d="DAV:" xmlns:c="urn:ietf:params:xml:ns:caldav"><d:prop><c:calendar-data/></d:prop><c:filter><c:comp-filter name="VCALENDAR"><c:comp-filter name="VEVENT"/></c:comp-filter></c:filter></c:calendar-query>';

/** The href and text of the event with this UID in a calendar, as its reader sees it (scheduling names copies itself). */
async function findEvent(client: DavClient, calendar: string, uid: string): Promise<{ href: string; text: string } | null> {
  const res = await client.report(calendar, QUERY);
  for (const m of res.text.matchAll(/<d:href>([^<]+)<\/d:href>[\s\S]*?<c:calendar-data>([\s\S]*?)<\/c:calendar-data>/g)) {
    const text = m[2].replace(/&#13;/g, '\r').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
    if (new RegExp(`^UID:${uid}\r?$`, 'm').test(text)) return { href: m[1], text };
  }
  return null;
}

function meeting(uid: string, organizer: string, attendees: string[]): string {
  return [
    'BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//Stoa tests//EN', 'BEGIN:VEVENT', `UID:${uid}`, 'DTSTAMP:20260101T000000Z',
    'DTSTART:20260701T090000Z', 'DTEND:20260701T100000Z', `SUMMARY:Meeting ${uid}`, `ORGANIZER:mailto:${organizer}`,
    `ATTENDEE;PARTSTAT=ACCEPTED:mailto:${organizer}`, ...attendees.map((a) => `ATTENDEE;RSVP=TRUE;PARTSTAT=NEEDS-ACTION:mailto:${a}`),
    'END:VEVENT', 'END:VCALENDAR', '',
  ].join('\r\n');
}

describe('DAV under the mailbox grants', () => {
  let h: DavHarness;
  const system = systemActor();
  const grant = (owner: { kind: 'account' | 'shared-mailbox'; ref: string }, grantee: string, right: 'full-access' | 'send-as' | 'send-on-behalf') =>
    h.directory.grants.grant(system, owner, { grantee, right });

  before(async () => {
    h = await openDavHarness((c) => {
      c.dav.maxGrants = 2;
    });
    for (const u of ['boss', 'assistant', 'carol', 'dave', 'erin', 'frank']) await h.user(u);
    const erin = await h.directory.accounts.get(system, `erin@${D}`);
    await h.directory.groups.create(system, { address: `sales-team@${D}`, members: [{ kind: 'account', id: erin.id }] });
    await h.directory.sharedMailboxes.create(system, { address: `sales@${D}`, displayName: 'Sales' });
  });
  after(() => h.close());

  it('opens the owner\'s calendars and address books to a Full Access holder, listed as a read-write delegate, until the grant goes', async () => {
    const assistant = h.client('assistant');
    const bossCal = `/dav/calendars/boss@${D}/calendar/`;
    assert.equal((await assistant.get(bossCal)).status, 404, 'nothing before the grant');
    assert.equal((await assistant.put(`${bossCal}before.ics`, event('before', '20260601T090000Z'))).status, 409, 'no calendar to put into');
    const full = await grant({ kind: 'account', ref: `boss@${D}` }, `assistant@${D}`, 'full-access');

    const proxy = await assistant.propfind(`/dav/principals/assistant@${D}/`, PROXY_FOR);
    assert.match(proxy.text, /<cs:calendar-proxy-write-for><d:href>\/dav\/principals\/boss@example\.test\/<\/d:href><\/cs:calendar-proxy-write-for>/);
    assert.equal((await assistant.put(`${bossCal}planned.ics`, event('planned', '20260601T090000Z'))).status, 201);
    const card = await assistant.request('PUT', `/dav/addressbooks/boss@${D}/contacts/c.vcf`, vcard('c', 'Client Person'), { 'content-type': 'text/vcard' });
    assert.equal(card.status, 201, 'Full Access opens the contacts too');
    const members = await h.client('boss').propfind(`/dav/principals/boss@${D}/calendar-proxy-write/`, MEMBERS);
    assert.match(members.text, /<d:href>\/dav\/principals\/assistant@example\.test\/<\/d:href>/);
    const listed = await h.services.collections.delegations(system, (await h.directory.accounts.get(system, `boss@${D}`)).id);
    assert.deepEqual(listed.map((g) => [g.grantee.address, g.access, g.source]), [[`assistant@${D}`, 'read-write', 'full-access']]);
    // The files area is not a mailbox folder: Full Access does not reach it.
    assert.equal((await h.client('boss').request('MKCOL', `/dav/files/boss@${D}/docs/`)).status, 201);
    assert.equal((await assistant.request('PROPFIND', `/dav/files/boss@${D}/docs/`, undefined, { depth: '0' })).status, 404);

    await h.directory.grants.revoke(system, { kind: 'account', ref: `boss@${D}` }, full.id);
    assert.equal((await assistant.get(`${bossCal}planned.ics`)).status, 404, 'revoked at the next request');
    assert.doesNotMatch((await assistant.propfind(`/dav/principals/assistant@${D}/`, PROXY_FOR)).text, /boss@/);
  });

  it('sends invitations in the owner\'s name for a Full Access holder only with send-as or send-on-behalf, as mail does', async () => {
    const assistant = h.client('assistant');
    const bossCal = `/dav/calendars/boss@${D}/calendar/`;
    const carolCal = `/dav/calendars/carol@${D}/calendar/`;
    const carol = h.client('carol');
    await grant({ kind: 'account', ref: `boss@${D}` }, `assistant@${D}`, 'full-access');
    assert.equal((await assistant.put(`${bossCal}m1.ics`, meeting('m1', `boss@${D}`, [`carol@${D}`]))).status, 201, 'the event is stored');
    assert.equal(await findEvent(carol, carolCal, 'm1'), null, 'but nobody is invited in the boss\'s name');
    const outcome = await h.services.calendar.put(
      { id: (await h.directory.accounts.get(system, `assistant@${D}`)).id, login: `assistant@${D}`, role: 'user', adminDomainIds: [], ip: null },
      (await h.services.collections.find(system, (await h.directory.accounts.get(system, `boss@${D}`)).id, 'calendar', 'calendar')).collection.id,
      'm2.ics', meeting('m2', `boss@${D}`, [`carol@${D}`]),
    );
    assert.deepEqual(outcome.scheduling?.attendees, { [`carol@${D}`]: 'no-send-right' });

    await grant({ kind: 'account', ref: `boss@${D}` }, `assistant@${D}`, 'send-on-behalf');
    assert.equal((await assistant.put(`${bossCal}m3.ics`, meeting('m3', `boss@${D}`, [`carol@${D}`]))).status, 201);
    assert.ok(await findEvent(carol, carolCal, 'm3'), 'with send-on-behalf the invitation goes out');
    // A DAV calendar delegate (calendar-proxy-write) speaks for the owner, as Apple's delegation means.
    await h.services.collections.delegate(system, (await h.directory.accounts.get(system, `boss@${D}`)).id, `dave@${D}`, 'read-write');
    assert.equal((await h.client('dave').put(`${bossCal}m4.ics`, meeting('m4', `boss@${D}`, [`carol@${D}`]))).status, 201);
    assert.ok(await findEvent(carol, carolCal, 'm4'));
  });

  it('gives a shared mailbox calendars and address books that its Full Access holders (through a group) reach, and nobody else', async () => {
    await grant({ kind: 'shared-mailbox', ref: `sales@${D}` }, `sales-team@${D}`, 'full-access');
    const erin = h.client('erin');
    const principal = await erin.propfind(`/dav/principals/sales@${D}/`, HOME_SET);
    assert.equal(principal.status, 207, principal.text);
    assert.match(principal.text, /<c:calendar-home-set><d:href>\/dav\/calendars\/sales@example\.test\/<\/d:href>/);
    assert.match((await erin.propfind(`/dav/principals/erin@${D}/`, PROXY_FOR)).text, /calendar-proxy-write-for><d:href>\/dav\/principals\/sales@example\.test\//);
    const home = await erin.propfind(`/dav/calendars/sales@${D}/`, '<d:propfind xmlns:d="DAV:"><d:prop><d:displayname/></d:prop></d:propfind>', '1');
    assert.match(home.text, /\/dav\/calendars\/sales@example\.test\/calendar\//, 'the shared mailbox has its default calendar');
    assert.equal((await erin.put(`/dav/calendars/sales@${D}/calendar/fair.ics`, event('fair', '20260801T090000Z'))).status, 201);
    const card = await erin.request('PUT', `/dav/addressbooks/sales@${D}/contacts/lead.vcf`, vcard('lead', 'Lead Person'), { 'content-type': 'text/vcard' });
    assert.equal(card.status, 201);
    const frank = h.client('frank');
    assert.equal((await frank.get(`/dav/calendars/sales@${D}/calendar/fair.ics`)).status, 404, 'a colleague without the grant sees nothing');
    assert.equal((await frank.put(`/dav/calendars/sales@${D}/calendar/x.ics`, event('x', '20260801T090000Z'))).status, 409);
    // Its objects count against its own quota, as its mail does.
    const sales = await h.directory.sharedMailboxes.get(system, `sales@${D}`);
    assert.ok((await h.services.collections.usage(system, sales.id)).bytes > 0);
  });

  it('schedules a shared mailbox as an attendee like a person, and lets its Full Access holders answer for it with a send grant', async () => {
    const boss = h.client('boss');
    assert.equal((await boss.put(`/dav/calendars/boss@${D}/calendar/review.ics`, meeting('review', `boss@${D}`, [`sales@${D}`]))).status, 201);
    const erin = h.client('erin');
    const copy = await findEvent(erin, `/dav/calendars/sales@${D}/calendar/`, 'review');
    assert.ok(copy, 'the invitation is in the shared mailbox\'s calendar');
    const accepted = copy.text.replace(/\r\n /g, '').split('\r\n')
      .map((l) => (l.startsWith('ATTENDEE') && l.endsWith(`:mailto:sales@${D}`) ? l.replace('PARTSTAT=NEEDS-ACTION', 'PARTSTAT=ACCEPTED') : l)).join('\r\n');
    assert.match(accepted, /PARTSTAT=ACCEPTED[^\r\n]*:mailto:sales@/);
    await grant({ kind: 'shared-mailbox', ref: `sales@${D}` }, `sales-team@${D}`, 'send-as');
    const answered = await erin.put(copy.href, accepted);
    assert.equal(answered.status, 204, answered.text);
    const organizer = (await boss.get(`/dav/calendars/boss@${D}/calendar/review.ics`)).text.replace(/\r\n /g, '');
    assert.match(organizer, /ATTENDEE[^\r\n]*PARTSTAT=ACCEPTED[^\r\n]*:mailto:sales@example\.test/, 'the answer reached the organizer');

    // Organized from the shared mailbox's calendar: colleagues get it in their calendars, outsiders by iMIP sent as sales@.
    const before = (await h.imip()).length;
    const put = await erin.put(`/dav/calendars/sales@${D}/calendar/demo.ics`, meeting('demo', `sales@${D}`, [`carol@${D}`, 'buyer@customer.example']));
    assert.equal(put.status, 201, put.text);
    assert.ok(await findEvent(h.client('carol'), `/dav/calendars/carol@${D}/calendar/`, 'demo'));
    const sent = (await h.imip()).slice(before);
    assert.deepEqual(sent.map((m) => [m.sender, m.to, m.method]), [[`sales@${D}`, ['buyer@customer.example'], 'REQUEST']]);
    assert.match(sent[0].raw, /^DKIM-Signature:[^]*?d=example\.test/m, 'signed for the shared mailbox\'s domain');
  });

  it('drops the DAV grants an account held when it becomes a shared mailbox, keeps its calendars, and removes them with the shared mailbox', async () => {
    const boss = await h.directory.accounts.get(system, `boss@${D}`);
    const bossCal = (await h.services.collections.find(system, boss.id, 'calendar', 'calendar')).collection.id;
    await h.services.collections.share(system, bossCal, `frank@${D}`, 'read');
    await h.services.collections.delegate(system, boss.id, `frank@${D}`, 'read');
    assert.equal((await h.client('frank').put(`/dav/calendars/frank@${D}/calendar/own.ics`, event('own', '20260901T090000Z'))).status, 201);

    const converted = await h.directory.sharedMailboxes.fromAccount(system, `frank@${D}`);
    assert.deepEqual((await h.services.collections.shares(system, bossCal)).map((g) => g.grantee.address), []);
    assert.ok(!(await h.services.collections.delegations(system, boss.id)).some((g) => g.grantee.id === converted.id));
    const kept = await h.services.collections.getObject(system, (await h.services.collections.find(system, converted.id, 'calendar', 'calendar')).collection.id, 'own.ics');
    assert.equal(kept.uid, 'own');

    await h.directory.sharedMailboxes.delete(system, converted.id);
    assert.deepEqual(await h.store.dav.listCollections(converted.id), []);
  });

  it('caps the shares of a collection and the delegates of an owner (dav.maxGrants)', async () => {
    const carol = await h.directory.accounts.get(system, `carol@${D}`);
    const cal = (await h.services.collections.find(system, carol.id, 'calendar', 'calendar')).collection.id;
    await h.services.collections.share(system, cal, `boss@${D}`, 'read');
    await h.services.collections.share(system, cal, `dave@${D}`, 'read');
    // Changing an existing share is not a new one.
    await h.services.collections.share(system, cal, `dave@${D}`, 'read-write');
    await assert.rejects(h.services.collections.share(system, cal, `erin@${D}`, 'read'), (e) => isStoaError(e, 'STOA_GRANT_INVALID'));
    await h.services.collections.delegate(system, carol.id, `boss@${D}`, 'read');
    await h.services.collections.delegate(system, carol.id, `dave@${D}`, 'read');
    await assert.rejects(h.services.collections.delegate(system, carol.id, `erin@${D}`, 'read'), (e) => isStoaError(e, 'STOA_GRANT_INVALID'));
    await h.services.collections.delegate(system, carol.id, `dave@${D}`, null);
    await h.services.collections.delegate(system, carol.id, `erin@${D}`, 'read');
  });
});
