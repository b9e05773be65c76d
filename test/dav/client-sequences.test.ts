// Discovery and sync sequences as four client families send them, request
// bodies written down from those clients' traffic: Apple Calendar/Contacts
// (iOS, macOS), DAVx5 (Android), Thunderbird, and the Outlook CalDAV
// Synchronizer add-in. Each step checks what that client relies on.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { event, openDavHarness, vcard, type DavClient, type DavHarness, type DavReply } from './harness.ts';

const D = 'xmlns:D="DAV:"';
const C = 'xmlns:C="urn:ietf:params:xml:ns:caldav"';
const CS = 'xmlns:CS="http://calendarserver.org/ns/"';
const A = 'xmlns:A="http://apple.com/ns/ical/"';
const CARD = 'xmlns:CARD="urn:ietf:params:xml:ns:carddav"';
const xml = (s: string) => `<?xml version="1.0" encoding="UTF-8"?>\n${s}`;

const ok207 = (r: DavReply) => assert.equal(r.status, 207, r.text.slice(0, 500));
const hrefs = (t: string) => [...t.matchAll(/<d:href>([^<]*)<\/d:href>/g)].map((m) => m[1]);
const tokenOf = (t: string) => /<d:sync-token>([^<]*)<\/d:sync-token>/.exec(t)?.[1] ?? '';
const etagOf = (t: string, href: string) => new RegExp(`<d:href>${href.replace(/[.]/g, '\\.')}</d:href><d:propstat><d:prop><d:getetag>&quot;|<d:href>${href}</d:href>.*?<d:getetag>([^<]*)</d:getetag>`).exec(t)?.[1];

describe('client discovery and sync sequences', () => {
  let h: DavHarness;
  before(async () => {
    h = await openDavHarness();
    for (const u of ['apple', 'davx5', 'thunderbird', 'outlook', 'boss']) await h.user(u);
  });
  after(() => h.close());

  it('Apple Calendar: well-known, principal, proxy expand-property, home, sync, create, multiget, incremental sync', async () => {
    const c: DavClient = h.client('apple');
    const wk = await c.request('PROPFIND', '/.well-known/caldav', xml(`<A:propfind ${D.replace('D=', 'A=')}><A:prop><A:current-user-principal/><A:principal-URL/><A:resourcetype/></A:prop></A:propfind>`), { depth: '0' });
    assert.equal(wk.status, 301);
    const principal = wk.headers.get('location')!;
    const p = await c.propfind(principal, xml(`<A:propfind xmlns:A="DAV:" ${C} ${CS}><A:prop><C:calendar-home-set/><C:calendar-user-address-set/><A:current-user-principal/><A:displayname/><CS:dropbox-home-URL/><CS:email-address-set/><C:schedule-inbox-URL/><C:schedule-outbox-URL/><A:principal-URL/><A:supported-report-set/><CS:notification-URL/><A:resource-id/><CS:calendar-proxy-read-for/><CS:calendar-proxy-write-for/></A:prop></A:propfind>`));
    ok207(p);
    const home = /<c:calendar-home-set><d:href>([^<]+)<\/d:href>/.exec(p.text)![1];
    assert.match(p.text, /<cs:email-address>apple@example.test<\/cs:email-address>/);
    const expand = await c.report(principal, xml(`<A:expand-property xmlns:A="DAV:"><A:property name="calendar-proxy-write-for" namespace="http://calendarserver.org/ns/"><A:property name="displayname" namespace="DAV:"/><A:property name="calendar-user-address-set" namespace="urn:ietf:params:xml:ns:caldav"/><A:property name="email-address-set" namespace="http://calendarserver.org/ns/"/></A:property><A:property name="calendar-proxy-read-for" namespace="http://calendarserver.org/ns/"><A:property name="displayname" namespace="DAV:"/></A:property></A:expand-property>`), '0');
    ok207(expand);
    const homeList = await c.propfind(home, xml(`<A:propfind xmlns:A="DAV:" ${C} ${CS} xmlns:B="http://apple.com/ns/ical/"><A:prop><A:add-member/><C:allowed-sharing-modes/><A:bulk-requests/><B:calendar-color/><C:calendar-description/><C:calendar-free-busy-set/><B:calendar-order/><C:calendar-timezone/><A:current-user-privilege-set/><C:default-alarm-vevent-date/><A:displayname/><CS:getctag/><A:owner/><A:quota-available-bytes/><A:quota-used-bytes/><A:resource-id/><A:resourcetype/><C:schedule-calendar-transp/><C:supported-calendar-component-set/><A:sync-token/></A:prop></A:propfind>`), '1');
    ok207(homeList);
    const calendar = hrefs(homeList.text).find((x) => x.endsWith('/calendar/'))!;
    assert.ok(calendar);
    assert.match(homeList.text, /<cs:getctag>/);
    const initial = await c.report(calendar, xml(`<A:sync-collection xmlns:A="DAV:"><A:sync-token/><A:sync-level>1</A:sync-level><A:prop><A:getcontenttype/><A:getetag/></A:prop></A:sync-collection>`), '0');
    ok207(initial);
    const put = await c.put(`${calendar}8F1E0B2D-APPLE.ics`, event('8F1E0B2D-APPLE', '20260310T090000Z', 'X-APPLE-TRAVEL-ADVISORY-BEHAVIOR:AUTOMATIC\nBEGIN:VALARM\nACTION:DISPLAY\nTRIGGER:-PT15M\nDESCRIPTION:Reminder\nEND:VALARM'), { 'if-none-match': '*' });
    assert.equal(put.status, 201);
    const multi = await c.report(calendar, xml(`<C:calendar-multiget xmlns:A="DAV:" ${C}><A:prop><A:getetag/><C:calendar-data/></A:prop><A:href>${calendar}8F1E0B2D-APPLE.ics</A:href></C:calendar-multiget>`));
    ok207(multi);
    assert.match(multi.text, /X-APPLE-TRAVEL-ADVISORY-BEHAVIOR/);
    const next = await c.report(calendar, xml(`<A:sync-collection xmlns:A="DAV:"><A:sync-token>${tokenOf(initial.text)}</A:sync-token><A:sync-level>1</A:sync-level><A:prop><A:getcontenttype/><A:getetag/></A:prop></A:sync-collection>`), '0');
    ok207(next);
    assert.deepEqual(hrefs(next.text), [`${calendar}8F1E0B2D-APPLE.ics`]);
  });

  it('Apple delegation: a delegate finds the boss\'s calendars through calendar-proxy-write-for and edits them', async () => {
    const boss = await h.directory.accounts.get({ id: null, login: 'system', role: 'server-admin', adminDomainIds: [], ip: null }, 'boss@example.test');
    await h.services.collections.delegate(h.directory.actorFor(boss, null), boss.id, 'apple@example.test', 'read-write');
    const c = h.client('apple');
    const expand = await c.report('/dav/principals/apple@example.test/', xml(`<A:expand-property xmlns:A="DAV:"><A:property name="calendar-proxy-write-for" namespace="http://calendarserver.org/ns/"><A:property name="calendar-user-address-set" namespace="urn:ietf:params:xml:ns:caldav"/><A:property name="calendar-home-set" namespace="urn:ietf:params:xml:ns:caldav"/></A:property></A:expand-property>`), '0');
    ok207(expand);
    assert.match(expand.text, /mailto:boss@example.test/);
    const bossHome = /<c:calendar-home-set><d:href>([^<]+boss[^<]+)<\/d:href>/.exec(expand.text)![1];
    const list = await c.propfind(bossHome, xml(`<A:propfind xmlns:A="DAV:"><A:prop><A:resourcetype/><A:current-user-privilege-set/></A:prop></A:propfind>`), '1');
    assert.match(list.text, /boss@example.test\/calendar\//);
    assert.equal((await c.put('/dav/calendars/boss@example.test/calendar/by-assistant.ics', event('by-assistant', '20260311T090000Z'))).status, 201);
    const members = await h.client('boss').propfind('/dav/principals/boss@example.test/calendar-proxy-write/', xml(`<A:propfind xmlns:A="DAV:"><A:prop><A:group-member-set/></A:prop></A:propfind>`));
    assert.match(members.text, /\/dav\/principals\/apple@example.test\//);
  });

  it('DAVx5: service discovery for CalDAV and CardDAV, collection list, sync-collection and multiget', async () => {
    const c = h.client('davx5');
    const root = await c.propfind('/', xml(`<propfind xmlns="DAV:" ${C} ${CARD}><prop><resourcetype/><displayname/><current-user-principal/><current-user-privilege-set/><C:calendar-home-set/><CARD:addressbook-home-set/></prop></propfind>`));
    ok207(root);
    const principal = /<d:current-user-principal><d:href>([^<]+)<\/d:href>/.exec(root.text)![1];
    const p = await c.propfind(principal, xml(`<propfind xmlns="DAV:" ${C} ${CARD}><prop><C:calendar-home-set/><CARD:addressbook-home-set/><C:calendar-user-address-set/><group-membership/><displayname/></prop></propfind>`));
    ok207(p);
    const calHome = /<c:calendar-home-set><d:href>([^<]+)/.exec(p.text)![1];
    const cardHome = /<card:addressbook-home-set><d:href>([^<]+)/.exec(p.text)![1];
    const cals = await c.propfind(calHome, xml(`<propfind xmlns="DAV:" ${C} ${A} ${CS}><prop><resourcetype/><displayname/><owner/><current-user-privilege-set/><A:calendar-color/><C:calendar-description/><C:calendar-timezone/><C:supported-calendar-component-set/><CS:source/></prop></propfind>`), '1');
    ok207(cals);
    assert.match(cals.text, /<c:comp name="VTODO"\/>/, 'the task list is offered for OpenTasks/jtx');
    const books = await c.propfind(cardHome, xml(`<propfind xmlns="DAV:" ${CARD}><prop><resourcetype/><displayname/><current-user-privilege-set/><CARD:addressbook-description/><CARD:supported-address-data/></prop></propfind>`), '1');
    ok207(books);
    assert.match(books.text, /version="4.0"/);
    const book = `${cardHome}contacts/`;
    await c.request('PUT', `${book}a1.vcf`, vcard('a1', 'Anna Android', '4.0', 'TEL;TYPE=cell:+41790000000'), { 'content-type': 'text/vcard; charset=utf-8', 'if-none-match': '*' });
    const state = await c.propfind(book, xml(`<propfind xmlns="DAV:" ${CS}><prop><CS:getctag/><sync-token/><supported-report-set/></prop></propfind>`));
    assert.match(state.text, /<d:sync-collection\/>/);
    const sync = await c.report(book, xml(`<sync-collection xmlns="DAV:"><sync-token/><sync-level>1</sync-level><prop><getetag/></prop></sync-collection>`), '0');
    ok207(sync);
    assert.deepEqual(hrefs(sync.text), [`${book}a1.vcf`]);
    const multi = await c.report(book, xml(`<CARD:addressbook-multiget xmlns="DAV:" ${CARD}><prop><getetag/><CARD:address-data/></prop><href>${book}a1.vcf</href></CARD:addressbook-multiget>`));
    assert.match(multi.text, /FN:Anna Android/);
    const again = await c.report(book, xml(`<sync-collection xmlns="DAV:"><sync-token>${tokenOf(sync.text)}</sync-token><sync-level>1</sync-level><prop><getetag/></prop></sync-collection>`), '0');
    assert.deepEqual(hrefs(again.text), [], 'nothing changed');
  });

  it('Thunderbird: calendar properties, calendar-query for etags, multiget, create, update and delete with entity tags', async () => {
    const c = h.client('thunderbird');
    const cal = '/dav/calendars/thunderbird@example.test/calendar/';
    assert.match((await c.request('OPTIONS', cal)).headers.get('dav') ?? '', /calendar-access/);
    const props = await c.propfind(cal, xml(`<D:propfind ${D} ${CS} ${C}><D:prop><D:resourcetype/><D:owner/><D:current-user-principal/><D:current-user-privilege-set/><D:supported-report-set/><C:supported-calendar-component-set/><CS:getctag/></D:prop></D:propfind>`));
    ok207(props);
    assert.match(props.text, /<d:write-content\/>/);
    const created = await c.put(`${cal}tb-1.ics`, event('tb-1', '20260320T120000Z'), { 'if-none-match': '*' });
    assert.equal(created.status, 201);
    const query = await c.report(cal, xml(`<C:calendar-query ${D} ${C}><D:prop><D:getetag/></D:prop><C:filter><C:comp-filter name="VCALENDAR"><C:comp-filter name="VEVENT"><C:time-range start="20260301T000000Z"/></C:comp-filter></C:comp-filter></C:filter></C:calendar-query>`));
    ok207(query);
    assert.deepEqual(hrefs(query.text), [`${cal}tb-1.ics`]);
    const multi = await c.report(cal, xml(`<C:calendar-multiget ${D} ${C}><D:prop><D:getetag/><C:calendar-data/></D:prop><D:href>${cal}tb-1.ics</D:href></C:calendar-multiget>`));
    assert.match(multi.text, /UID:tb-1/);
    const updated = await c.put(`${cal}tb-1.ics`, event('tb-1', '20260321T120000Z'), { 'if-match': created.headers.get('etag')! });
    assert.equal(updated.status, 204);
    assert.equal((await c.delete(`${cal}tb-1.ics`, { 'if-match': created.headers.get('etag')! })).status, 412, 'a stale tag does not delete');
    assert.equal((await c.delete(`${cal}tb-1.ics`, { 'if-match': updated.headers.get('etag')! })).status, 204);
  });

  it('Outlook CalDAV Synchronizer: checks the URL, queries a time window, fetches, creates, updates and deletes events and contacts', async () => {
    const c = h.client('outlook');
    const cal = '/dav/calendars/outlook@example.test/calendar/';
    const check = await c.propfind(cal, xml(`<D:propfind ${D} ${CS} ${C}><D:prop><D:resourcetype/><D:displayname/><D:current-user-privilege-set/><C:supported-calendar-component-set/><CS:getctag/></D:prop></D:propfind>`));
    ok207(check);
    assert.match(check.text, /<c:calendar\/>/);
    for (let i = 0; i < 3; i++) await c.put(`${cal}ol-${i}.ics`, event(`ol-${i}`, `2026040${i + 1}T080000Z`));
    const window = await c.report(cal, xml(`<C:calendar-query ${D} ${C}><D:prop><D:getetag/></D:prop><C:filter><C:comp-filter name="VCALENDAR"><C:comp-filter name="VEVENT"><C:time-range start="20260401T000000Z" end="20260403T000000Z"/></C:comp-filter></C:comp-filter></C:filter></C:calendar-query>`));
    assert.deepEqual(hrefs(window.text).sort(), [`${cal}ol-0.ics`, `${cal}ol-1.ics`]);
    const fetched = await c.report(cal, xml(`<C:calendar-multiget ${D} ${C}><D:prop><D:getetag/><C:calendar-data/></D:prop>${hrefs(window.text).map((x) => `<D:href>${x}</D:href>`).join('')}</C:calendar-multiget>`));
    assert.equal((fetched.text.match(/BEGIN:VEVENT/g) ?? []).length, 2);
    const etag = etagOf(fetched.text, `${cal}ol-0.ics`);
    void etag;
    const created = await c.put(`${cal}outlook-new.ics`, event('outlook-new', '20260405T080000Z', 'X-MICROSOFT-CDO-BUSYSTATUS:BUSY'), { 'if-none-match': '*' });
    assert.equal(created.status, 201);
    assert.equal((await c.put(`${cal}outlook-new.ics`, event('outlook-new', '20260405T090000Z'), { 'if-match': created.headers.get('etag')! })).status, 204);
    const book = '/dav/addressbooks/outlook@example.test/contacts/';
    assert.equal((await c.request('PUT', `${book}ol.vcf`, vcard('ol', 'Olga Outlook', '3.0', 'ORG:Example Ltd'), { 'content-type': 'text/vcard', 'if-none-match': '*' })).status, 201);
    const list = await c.propfind(book, xml(`<D:propfind ${D}><D:prop><D:getetag/></D:prop></D:propfind>`), '1');
    assert.deepEqual(hrefs(list.text), [book, `${book}ol.vcf`]);
    const card = await c.report(book, xml(`<CARD:addressbook-multiget ${D} ${CARD}><D:prop><D:getetag/><CARD:address-data/></D:prop><D:href>${book}ol.vcf</D:href></CARD:addressbook-multiget>`));
    assert.match(card.text, /ORG:Example Ltd/);
  });
});
