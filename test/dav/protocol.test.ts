// CalDAV, CardDAV and WebDAV over real HTTP against a real Stoa listener:
// discovery, object CRUD with entity tags, queries, sync, and every kind of
// bad input the issue lists, each with its status and precondition element,
// with nothing stored corrupted.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { event, openDavHarness, task, vcard, type DavClient, type DavHarness } from './harness.ts';

const CAL = '/dav/calendars/alice@example.test/calendar/';
const TASKS = '/dav/calendars/alice@example.test/tasks/';
const BOOK = '/dav/addressbooks/alice@example.test/contacts/';
const xmlHead = '<?xml version="1.0" encoding="utf-8"?>';
const NS = 'xmlns:d="DAV:" xmlns:c="urn:ietf:params:xml:ns:caldav" xmlns:card="urn:ietf:params:xml:ns:carddav" xmlns:cs="http://calendarserver.org/ns/"';

function hrefs(xml: string): string[] {
  return [...xml.matchAll(/<d:href>([^<]*)<\/d:href>/g)].map((m) => m[1]);
}

function timeRangeQuery(start: string, end: string, data = '<c:calendar-data/>'): string {
  return `${xmlHead}<c:calendar-query ${NS}><d:prop><d:getetag/>${data}</d:prop><c:filter><c:comp-filter name="VCALENDAR"><c:comp-filter name="VEVENT"><c:time-range start="${start}" end="${end}"/></c:comp-filter></c:comp-filter></c:filter></c:calendar-query>`;
}

describe('DAV protocol', () => {
  let h: DavHarness;
  let alice: DavClient;
  before(async () => {
    h = await openDavHarness();
    await h.user('alice');
    alice = h.client('alice');
  });
  after(() => h.close());

  describe('discovery', () => {
    it('leads from the well-known address to the principal, its homes and the default collections', async () => {
      const wk = await alice.request('GET', '/.well-known/caldav');
      assert.equal(wk.status, 301);
      assert.equal(wk.headers.get('location'), '/dav/');
      const root = await alice.propfind('/dav/', `${xmlHead}<d:propfind ${NS}><d:prop><d:current-user-principal/></d:prop></d:propfind>`);
      assert.equal(root.status, 207);
      assert.deepEqual(hrefs(root.text), ['/dav/', '/dav/principals/alice@example.test/']);
      const p = await alice.propfind('/dav/principals/alice@example.test/', `${xmlHead}<d:propfind ${NS}><d:prop><c:calendar-home-set/><card:addressbook-home-set/><c:calendar-user-address-set/><d:principal-URL/><c:schedule-inbox-URL/></d:prop></d:propfind>`);
      assert.match(p.text, /<c:calendar-home-set><d:href>\/dav\/calendars\/alice@example.test\/<\/d:href>/);
      assert.match(p.text, /<card:addressbook-home-set><d:href>\/dav\/addressbooks\/alice@example.test\/<\/d:href>/);
      assert.match(p.text, /mailto:alice@example.test/);
      assert.match(p.text, /<c:schedule-inbox-URL><d:href>\/dav\/calendars\/alice@example.test\/inbox\/<\/d:href>/);
      const home = await alice.propfind('/dav/calendars/alice@example.test/', `${xmlHead}<d:propfind ${NS}><d:prop><d:resourcetype/><c:supported-calendar-component-set/><d:supported-report-set/></d:prop></d:propfind>`, '1');
      const INBOX = '/dav/calendars/alice@example.test/inbox/';
      assert.deepEqual(hrefs(home.text).filter((x) => !x.includes('principals')), ['/dav/calendars/alice@example.test/', CAL, INBOX, TASKS]);
      assert.match(home.text, /<c:schedule-inbox\/>/, 'RFC 6638 §2.2: the schedule inbox is in the calendar home');
      assert.match(home.text, /<c:comp name="VTODO"\/>/);
      assert.match(home.text, /<c:calendar-query\/>/);
      const books = await alice.propfind('/dav/addressbooks/alice@example.test/', `${xmlHead}<d:propfind ${NS}><d:prop><d:resourcetype/></d:prop></d:propfind>`, '1');
      assert.deepEqual(hrefs(books.text), ['/dav/addressbooks/alice@example.test/', BOOK, '/dav/addressbooks/alice@example.test/directory/']);
    });

    it('answers OPTIONS with the DAV classes before authentication', async () => {
      const res = await fetch(`${h.base}/dav/`, { method: 'OPTIONS' });
      assert.equal(res.status, 200);
      assert.match(res.headers.get('dav') ?? '', /calendar-access/);
      assert.match(res.headers.get('dav') ?? '', /addressbook/);
    });

    it('asks for credentials, refuses wrong ones, and refuses Basic over plain HTTP unless configured', async () => {
      assert.equal((await fetch(`${h.base}/dav/`, { method: 'PROPFIND' })).status, 401);
      assert.equal((await h.client('alice', 'wrong password').propfind('/dav/', '')).status, 401);
      const strict = await openDavHarness((c) => { c.dav.plaintextAuth = 'refuse'; });
      try {
        await strict.user('alice');
        assert.equal((await strict.client('alice').propfind('/dav/', '')).status, 403);
      } finally {
        await strict.close();
      }
    });
  });

  describe('objects', () => {
    it('creates, reads, replaces and deletes an event with strong entity tags and preconditions', async () => {
      const put = await alice.put(`${CAL}crud.ics`, event('crud', '20260310T090000Z'), { 'if-none-match': '*' });
      assert.equal(put.status, 201);
      const etag = put.headers.get('etag')!;
      assert.match(etag, /^"[^"]+"$/);
      const got = await alice.get(`${CAL}crud.ics`);
      assert.equal(got.status, 200);
      assert.equal(got.headers.get('etag'), etag);
      assert.match(got.text, /UID:crud/);
      assert.equal((await alice.put(`${CAL}crud.ics`, event('crud', '20260310T090000Z'), { 'if-none-match': '*' })).status, 412);
      assert.equal((await alice.put(`${CAL}crud.ics`, event('crud', '20260311T090000Z'), { 'if-match': '"stale"' })).status, 412);
      const replaced = await alice.put(`${CAL}crud.ics`, event('crud', '20260311T090000Z'), { 'if-match': etag });
      assert.equal(replaced.status, 204);
      assert.notEqual(replaced.headers.get('etag'), etag);
      assert.equal((await alice.delete(`${CAL}crud.ics`, { 'if-match': etag })).status, 412);
      assert.equal((await alice.delete(`${CAL}crud.ics`, { 'if-match': replaced.headers.get('etag')! })).status, 204);
      assert.equal((await alice.get(`${CAL}crud.ics`)).status, 404);
    });

    const badInput: [string, () => Promise<{ status: number; text: string }>, number, RegExp][] = [
      ['a VEVENT without UID', () => alice.put(`${CAL}bad.ics`, event('x', '20260301T100000Z').replace('UID:x\r\n', '')), 403, /valid-calendar-(data|object-resource)/],
      ['broken line folding', () => alice.put(`${CAL}bad.ics`, event('x', '20260301T100000Z', 'DESCRIPTION:first part\nsecond part without a space')), 403, /valid-calendar-data/],
      ['an unknown time zone', () => alice.put(`${CAL}bad.ics`, event('x', '20260301T100000Z').replace('DTSTART:20260301T100000Z', 'DTSTART;TZID=Nowhere/Land:20260301T100000')), 403, /valid-calendar-data/],
      ['a huge finite RRULE set', () => alice.put(`${CAL}bad.ics`, event('x', '20260301T100000Z', 'RRULE:FREQ=SECONDLY;COUNT=50000000')), 403, /max-instances/],
      ['a VTODO in an events-only calendar', () => alice.put(`${CAL}bad.ics`, task('x')), 403, /supported-calendar-component/],
      ['an object over the size limit', () => alice.put(`${CAL}bad.ics`, event('x', '20260301T100000Z', `DESCRIPTION:${'x'.repeat(70)}\n${Array.from({ length: 16_000 }, () => ` ${'y'.repeat(72)}`).join('\n')}`)), 413, /max-resource-size|larger/],
      ['invalid XML in a REPORT', () => alice.report(CAL, '<c:calendar-query xmlns:c="urn:ietf:params:xml:ns:caldav"><c:filter>'), 400, /truncated/],
      ['an XML external entity', () => alice.report(CAL, `${xmlHead}<!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]><r>&x;</r>`), 400, /not allowed/],
      ['a vCard into a calendar', () => alice.put(`${CAL}bad.ics`, vcard('v', 'V Card')), 403, /valid-calendar/],
      ['an invalid vCard', () => alice.request('PUT', `${BOOK}bad.vcf`, 'BEGIN:VCARD\r\nVERSION:3.0\r\nFN:No UID\r\nEND:VCARD\r\n', { 'content-type': 'text/vcard' }), 403, /valid-address-data/],
      ['a vCard 2.1', () => alice.request('PUT', `${BOOK}bad.vcf`, 'BEGIN:VCARD\r\nVERSION:2.1\r\nUID:x\r\nFN:Old\r\nEND:VCARD\r\n', { 'content-type': 'text/vcard' }), 403, /valid-address-data/],
    ];
    for (const [name, send, status, element] of badInput) {
      it(`refuses ${name} with ${status} and its precondition, storing nothing`, async () => {
        const before = await alice.propfind(CAL, `${xmlHead}<d:propfind ${NS}><d:prop><d:sync-token/></d:prop></d:propfind>`);
        const res = await send();
        assert.equal(res.status, status, res.text);
        assert.match(res.text, element);
        assert.equal((await alice.get(`${CAL}bad.ics`)).status, 404);
        const afterwards = await alice.propfind(CAL, `${xmlHead}<d:propfind ${NS}><d:prop><d:sync-token/></d:prop></d:propfind>`);
        assert.equal(afterwards.text, before.text, 'the sync token did not move');
      });
    }

    it('refuses a PUT that changes the UID of an existing resource, and a second resource with a used UID', async () => {
      await alice.put(`${CAL}uid.ics`, event('uid-1', '20260301T100000Z'));
      const changed = await alice.put(`${CAL}uid.ics`, event('uid-2', '20260301T100000Z'));
      assert.equal(changed.status, 409);
      assert.match(changed.text, /no-uid-conflict/);
      const dup = await alice.put(`${CAL}other.ics`, event('uid-1', '20260301T100000Z'));
      assert.equal(dup.status, 409);
      assert.match(dup.text, /no-uid-conflict/);
      assert.match((await alice.get(`${CAL}uid.ics`)).text, /UID:uid-1/);
    });

    it('lets only one of two concurrent writers with the same If-Match win', async () => {
      const put = await alice.put(`${CAL}race.ics`, event('race', '20260301T100000Z'));
      const etag = put.headers.get('etag')!;
      const results = await Promise.all([2, 3, 4, 5].map((n) => alice.put(`${CAL}race.ics`, event('race', `2026030${n}T100000Z`), { 'if-match': etag })));
      assert.deepEqual(results.map((r) => r.status).sort(), [204, 412, 412, 412]);
    });

    it('copies and moves an object, honouring Overwrite', async () => {
      await alice.put(`${CAL}src.ics`, event('src', '20260301T100000Z'));
      await alice.request('MKCALENDAR', '/dav/calendars/alice@example.test/copies/');
      assert.equal((await alice.request('COPY', `${CAL}src.ics`, undefined, { destination: `${h.base}/dav/calendars/alice@example.test/copies/src.ics` })).status, 201);
      assert.equal((await alice.request('COPY', `${CAL}src.ics`, undefined, { destination: '/dav/calendars/alice@example.test/copies/src.ics', overwrite: 'F' })).status, 412);
      assert.equal((await alice.request('MOVE', '/dav/calendars/alice@example.test/copies/src.ics', undefined, { destination: '/dav/calendars/alice@example.test/copies/moved.ics' })).status, 201);
      assert.equal((await alice.get('/dav/calendars/alice@example.test/copies/src.ics')).status, 404);
      assert.match((await alice.get('/dav/calendars/alice@example.test/copies/moved.ics')).text, /UID:src/);
    });
  });

  describe('queries and sync', () => {
    before(async () => {
      await alice.request('MKCALENDAR', '/dav/calendars/alice@example.test/q/', `${xmlHead}<c:mkcalendar ${NS}><d:set><d:prop><d:displayname>Queries</d:displayname></d:prop></d:set></c:mkcalendar>`);
      const Q = '/dav/calendars/alice@example.test/q/';
      await alice.put(`${Q}single.ics`, event('single', '20260410T090000Z'));
      await alice.put(`${Q}weekly.ics`, event('weekly', '20260105T090000Z', 'RRULE:FREQ=WEEKLY;BYDAY=MO'));
      await alice.put(`${Q}ended.ics`, event('ended', '20260105T090000Z', 'RRULE:FREQ=DAILY;COUNT=3'));
      await alice.put(`${Q}moved.ics`, [event('moved', '20260302T090000Z', 'RRULE:FREQ=WEEKLY;COUNT=10').replace('END:VCALENDAR\r\n', ''),
        'BEGIN:VEVENT', 'UID:moved', 'DTSTAMP:20260101T000000Z', 'RECURRENCE-ID:20260309T090000Z', 'DTSTART:20260415T120000Z', 'DTEND:20260415T130000Z', 'END:VEVENT', 'END:VCALENDAR', ''].join('\r\n'));
      await alice.put(`${Q}task.ics`, task('task', 'DUE:20260412T000000Z'));
    });
    const Q = '/dav/calendars/alice@example.test/q/';

    it('finds events in a time range through recurrences, overrides and exceptions', async () => {
      const res = await alice.report(Q, timeRangeQuery('20260410T000000Z', '20260420T000000Z'));
      assert.equal(res.status, 207);
      assert.deepEqual(hrefs(res.text).sort(), [`${Q}moved.ics`, `${Q}single.ics`, `${Q}weekly.ics`]);
      const none = await alice.report(Q, timeRangeQuery('20250101T000000Z', '20250201T000000Z'));
      assert.deepEqual(hrefs(none.text), []);
    });

    it('expands recurrences into UTC instances and limits the recurrence set', async () => {
      const res = await alice.report(Q, timeRangeQuery('20260406T000000Z', '20260420T000000Z', '<c:calendar-data><c:expand start="20260406T000000Z" end="20260420T000000Z"/></c:calendar-data>'));
      const weekly = res.text.split('<d:response>').find((r) => r.includes('weekly.ics'))!;
      assert.deepEqual([...weekly.matchAll(/RECURRENCE-ID:(\w+)/g)].map((m) => m[1]), ['20260406T090000Z', '20260413T090000Z']);
      assert.doesNotMatch(weekly, /RRULE/);
    });

    it('filters by property text and by component', async () => {
      const res = await alice.report(Q, `${xmlHead}<c:calendar-query ${NS}><d:prop><d:getetag/></d:prop><c:filter><c:comp-filter name="VCALENDAR"><c:comp-filter name="VEVENT"><c:prop-filter name="SUMMARY"><c:text-match collation="i;ascii-casemap">EVENT WEEK</c:text-match></c:prop-filter></c:comp-filter></c:comp-filter></c:filter></c:calendar-query>`);
      assert.deepEqual(hrefs(res.text), [`${Q}weekly.ics`]);
      const tasks = await alice.report(Q, `${xmlHead}<c:calendar-query ${NS}><d:prop><d:getetag/></d:prop><c:filter><c:comp-filter name="VCALENDAR"><c:comp-filter name="VTODO"/></c:comp-filter></c:filter></c:calendar-query>`);
      assert.deepEqual(hrefs(tasks.text), [`${Q}task.ics`]);
      const collation = await alice.report(Q, `${xmlHead}<c:calendar-query ${NS}><d:prop><d:getetag/></d:prop><c:filter><c:comp-filter name="VCALENDAR"><c:comp-filter name="VEVENT"><c:prop-filter name="SUMMARY"><c:text-match collation="x-unknown">a</c:text-match></c:prop-filter></c:comp-filter></c:comp-filter></c:filter></c:calendar-query>`);
      assert.equal(collation.status, 400);
    });

    it('returns named objects with calendar-multiget, and 404 for the missing ones', async () => {
      const res = await alice.report(Q, `${xmlHead}<c:calendar-multiget ${NS}><d:prop><d:getetag/><c:calendar-data/></d:prop><d:href>${Q}single.ics</d:href><d:href>${Q}nope.ics</d:href></c:calendar-multiget>`);
      assert.match(res.text, /UID:single/);
      assert.match(res.text, new RegExp(`<d:href>${Q}nope.ics</d:href><d:status>HTTP/1.1 404`));
    });

    it('answers free-busy-query with the busy time of the range', async () => {
      const res = await alice.report(Q, `${xmlHead}<c:free-busy-query ${NS}><c:time-range start="20260413T000000Z" end="20260414T000000Z"/></c:free-busy-query>`);
      assert.equal(res.status, 200);
      assert.match(res.headers.get('content-type') ?? '', /text\/calendar/);
      assert.match(res.text, /FREEBUSY;FBTYPE=BUSY:20260413T090000Z\/20260413T100000Z/);
    });

    it('syncs only what changed since a token, deletions included, and refuses a foreign token', async () => {
      const syncBody = (token: string) => `${xmlHead}<d:sync-collection ${NS}><d:sync-token>${token}</d:sync-token><d:sync-level>1</d:sync-level><d:prop><d:getetag/></d:prop></d:sync-collection>`;
      const first = await alice.report(Q, syncBody(''));
      assert.equal(hrefs(first.text).length, 5);
      const token = /<d:sync-token>([^<]+)<\/d:sync-token>/.exec(first.text)![1];
      await alice.put(`${Q}new.ics`, event('new', '20260501T090000Z'));
      await alice.delete(`${Q}single.ics`);
      const next = await alice.report(Q, syncBody(token));
      assert.deepEqual(hrefs(next.text).sort(), [`${Q}new.ics`, `${Q}single.ics`]);
      assert.match(next.text, new RegExp(`<d:href>${Q}single.ics</d:href><d:status>HTTP/1.1 404`));
      const bad = await alice.report(Q, syncBody('http://stoa.dev/ns/sync/other/1'));
      assert.equal(bad.status, 403);
      assert.match(bad.text, /valid-sync-token/);
      const ctag = await alice.propfind(Q, `${xmlHead}<d:propfind ${NS}><d:prop><cs:getctag/></d:prop></d:propfind>`);
      assert.match(ctag.text, /<cs:getctag>[^<]+-7<\/cs:getctag>/);
    });
  });

  describe('collections', () => {
    it('creates a calendar with MKCALENDAR and extended MKCOL, changes its properties and deletes it', async () => {
      const mk = await alice.request('MKCOL', '/dav/calendars/alice@example.test/team/', `${xmlHead}<d:mkcol ${NS} xmlns:a="http://apple.com/ns/ical/"><d:set><d:prop><d:resourcetype><d:collection/><c:calendar/></d:resourcetype><d:displayname>Team</d:displayname><a:calendar-color>#FF0000</a:calendar-color><c:supported-calendar-component-set><c:comp name="VTODO"/></c:supported-calendar-component-set></d:prop></d:set></d:mkcol>`);
      assert.equal(mk.status, 201);
      assert.equal((await alice.request('MKCALENDAR', '/dav/calendars/alice@example.test/team/')).status, 405);
      const patch = await alice.request('PROPPATCH', '/dav/calendars/alice@example.test/team/', `${xmlHead}<d:propertyupdate ${NS} xmlns:x="http://example.com/ns"><d:set><d:prop><d:displayname>Team tasks</d:displayname><x:mine>kept</x:mine></d:prop></d:set></d:propertyupdate>`);
      assert.equal(patch.status, 207);
      assert.match(patch.text, /200 OK/);
      const props = await alice.propfind('/dav/calendars/alice@example.test/team/', `${xmlHead}<d:propfind ${NS} xmlns:x="http://example.com/ns" xmlns:a="http://apple.com/ns/ical/"><d:prop><d:displayname/><x:mine/><a:calendar-color/><c:supported-calendar-component-set/></d:prop></d:propfind>`);
      assert.match(props.text, /<d:displayname>Team tasks<\/d:displayname>/);
      assert.match(props.text, /kept<\/x\d:mine>/);
      assert.match(props.text, /#FF0000/);
      assert.match(props.text, /<c:comp name="VTODO"\/>/);
      const ro = await alice.request('PROPPATCH', '/dav/calendars/alice@example.test/team/', `${xmlHead}<d:propertyupdate ${NS}><d:set><d:prop><d:getetag>x</d:getetag><d:displayname>y</d:displayname></d:prop></d:set></d:propertyupdate>`);
      assert.match(ro.text, /403 Forbidden/);
      assert.match(ro.text, /424 Failed Dependency/);
      assert.equal((await alice.request('DELETE', '/dav/calendars/alice@example.test/team/')).status, 204);
      assert.equal((await alice.propfind('/dav/calendars/alice@example.test/team/', '')).status, 404);
    });

    it('refuses PROPFIND with Depth infinity (DAV:propfind-finite-depth)', async () => {
      const res = await alice.propfind('/dav/calendars/alice@example.test/', '', 'infinity');
      assert.equal(res.status, 403);
      assert.match(res.text, /propfind-finite-depth/);
    });

    it('refuses a body over dav.maxRequestBytes with 413', async () => {
      const res = await alice.put(`${CAL}big.ics`, 'x'.repeat(h.config.dav.maxRequestBytes + 10));
      assert.equal(res.status, 413);
    });
  });

  describe('CardDAV', () => {
    it('stores vCard 3.0, converts to 4.0 on request, and finds cards by text', async () => {
      const put = await alice.request('PUT', `${BOOK}ann.vcf`, vcard('ann', 'Ann Example', '3.0', 'EMAIL;TYPE=INTERNET,pref:ann@example.org\nTEL;TYPE=CELL:+41 79 000 00 00'), { 'content-type': 'text/vcard' });
      assert.equal(put.status, 201);
      const v4 = await alice.get(`${BOOK}ann.vcf`, { accept: 'text/vcard; version=4.0' });
      assert.match(v4.text, /VERSION:4.0/);
      assert.match(v4.text, /PREF=1/);
      const query = await alice.report(BOOK, `${xmlHead}<card:addressbook-query ${NS}><d:prop><d:getetag/><card:address-data content-type="text/vcard" version="4.0"><card:prop name="EMAIL"/></card:address-data></d:prop><card:filter><card:prop-filter name="FN"><card:text-match collation="i;unicode-casemap" match-type="starts-with">ann</card:text-match></card:prop-filter></card:filter></card:addressbook-query>`);
      assert.deepEqual(hrefs(query.text), [`${BOOK}ann.vcf`]);
      assert.match(query.text, /EMAIL/);
      assert.doesNotMatch(query.text, /TEL/);
      const multi = await alice.report(BOOK, `${xmlHead}<card:addressbook-multiget ${NS}><d:prop><card:address-data/></d:prop><d:href>${BOOK}ann.vcf</d:href></card:addressbook-multiget>`);
      assert.match(multi.text, /VERSION:3.0/);
    });

    it('shows the domain\'s users, shared mailboxes, groups and resources in the read-only directory address book', async () => {
      await h.user('bob');
      await h.directory.resources.create({ id: null, login: 'system', role: 'server-admin', adminDomainIds: [], ip: null }, { address: 'room1@example.test', name: 'Room One', kind: 'room' });
      await h.directory.sharedMailboxes.create({ id: null, login: 'system', role: 'server-admin', adminDomainIds: [], ip: null }, { address: 'info@example.test', displayName: 'Information desk' });
      const dir = '/dav/addressbooks/alice@example.test/directory/';
      const res = await alice.report(dir, `${xmlHead}<card:addressbook-query ${NS}><d:prop><card:address-data/></d:prop><card:filter><card:prop-filter name="EMAIL"><card:text-match>example.test</card:text-match></card:prop-filter></card:filter></card:addressbook-query>`);
      assert.match(res.text, /bob@example.test/);
      assert.match(res.text, /KIND:location/);
      assert.match(res.text, /FN:Information desk/);
      const put = await alice.request('PUT', `${dir}x.vcf`, vcard('x', 'X'), { 'content-type': 'text/vcard' });
      assert.equal(put.status, 403);
      assert.match(put.text, /need-privileges/);
    });
  });
});
