// The sharing matrix: for every kind of grant (none, read share through a
// nested group, read-write share, calendar-proxy-read, calendar-proxy-write,
// read share of an address book, a Full Access mailbox grant, and send-as
// alone), every DAV method and report is tried on the owner's collections;
// no right that was not granted works.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { systemActor } from '../../server/src/directory/access.ts';
import { event, openDavHarness, vcard, type DavClient, type DavHarness } from './harness.ts';

const NS = 'xmlns:d="DAV:" xmlns:c="urn:ietf:params:xml:ns:caldav" xmlns:card="urn:ietf:params:xml:ns:carddav"';
const CAL = '/dav/calendars/owner@example.test/calendar/';
const BOOK = '/dav/addressbooks/owner@example.test/contacts/';
let counter = 0;

type Right = 'none' | 'read' | 'write' | 'owner';
interface Op { name: string; needs: Right; run(c: DavClient, self: string): Promise<number> }

const ops: Op[] = [
  { name: 'PROPFIND the calendar', needs: 'read', run: async (c) => (await c.propfind(CAL, `<d:propfind ${NS}><d:prop><d:displayname/></d:prop></d:propfind>`)).status },
  { name: 'PROPFIND Depth 1', needs: 'read', run: async (c) => (await c.propfind(CAL, '', '1')).status },
  { name: 'GET an event', needs: 'read', run: async (c) => (await c.get(`${CAL}fixed.ics`)).status },
  { name: 'HEAD an event', needs: 'read', run: async (c) => (await c.request('HEAD', `${CAL}fixed.ics`)).status },
  { name: 'REPORT calendar-query', needs: 'read', run: async (c) => (await c.report(CAL, `<c:calendar-query ${NS}><d:prop><d:getetag/></d:prop><c:filter><c:comp-filter name="VCALENDAR"/></c:filter></c:calendar-query>`)).status },
  { name: 'REPORT calendar-multiget', needs: 'read', run: async (c) => (await c.report(CAL, `<c:calendar-multiget ${NS}><d:prop><c:calendar-data/></d:prop><d:href>${CAL}fixed.ics</d:href></c:calendar-multiget>`)).status },
  { name: 'REPORT sync-collection', needs: 'read', run: async (c) => (await c.report(CAL, `<d:sync-collection ${NS}><d:sync-token/><d:sync-level>1</d:sync-level><d:prop><d:getetag/></d:prop></d:sync-collection>`)).status },
  { name: 'REPORT free-busy-query', needs: 'read', run: async (c) => (await c.report(CAL, `<c:free-busy-query ${NS}><c:time-range start="20260101T000000Z" end="20260201T000000Z"/></c:free-busy-query>`)).status },
  { name: 'COPY an event into their own calendar', needs: 'read', run: async (c, self) => (await c.request('COPY', `${CAL}fixed.ics`, undefined, { destination: `/dav/calendars/${self}/calendar/copy-${counter++}.ics` })).status },
  { name: 'PUT a new event', needs: 'write', run: async (c) => (await c.put(`${CAL}new-${counter}.ics`, event(`new-${counter++}`, '20260105T100000Z'))).status },
  { name: 'PUT over an event', needs: 'write', run: async (c) => (await c.put(`${CAL}fixed.ics`, event('fixed', '20260102T100000Z'))).status },
  { name: 'DELETE an event', needs: 'write', run: async (c, _self) => {
    const name = `del-${counter++}.ics`;
    const owner = new (c.constructor as typeof DavClient)(c.base, 'owner@example.test');
    await owner.put(`${CAL}${name}`, event(name, '20260103T100000Z'));
    return (await c.delete(`${CAL}${name}`)).status;
  } },
  { name: 'MOVE an event out', needs: 'write', run: async (c, self) => {
    const name = `mv-${counter++}.ics`;
    const owner = new (c.constructor as typeof DavClient)(c.base, 'owner@example.test');
    await owner.put(`${CAL}${name}`, event(name, '20260103T100000Z'));
    return (await c.request('MOVE', `${CAL}${name}`, undefined, { destination: `/dav/calendars/${self}/calendar/${name}` })).status;
  } },
  { name: 'COPY an event in', needs: 'write', run: async (c, self) => {
    const name = `in-${counter++}.ics`;
    await c.put(`/dav/calendars/${self}/calendar/${name}`, event(name, '20260104T100000Z'));
    return (await c.request('COPY', `/dav/calendars/${self}/calendar/${name}`, undefined, { destination: `${CAL}${name}` })).status;
  } },
  { name: 'PROPPATCH the calendar', needs: 'owner', run: async (c) => {
    const res = await c.request('PROPPATCH', CAL, `<d:propertyupdate ${NS}><d:set><d:prop><d:displayname>Hijacked</d:displayname></d:prop></d:set></d:propertyupdate>`);
    return res.status === 207 && /403 Forbidden/.test(res.text) ? 403 : res.status;
  } },
  { name: 'MKCALENDAR in the owner\'s home', needs: 'owner', run: async (c) => (await c.request('MKCALENDAR', `/dav/calendars/owner@example.test/x${counter++}/`)).status },
  { name: 'DELETE the calendar', needs: 'owner', run: async (c) => (await c.delete('/dav/calendars/owner@example.test/victim/')).status },
  { name: 'PROPFIND the address book', needs: 'read', run: async (c) => (await c.propfind(BOOK, '')).status, },
  { name: 'REPORT addressbook-query', needs: 'read', run: async (c) => (await c.report(BOOK, `<card:addressbook-query ${NS}><d:prop><d:getetag/></d:prop></card:addressbook-query>`)).status },
  { name: 'PUT a vCard', needs: 'write', run: async (c) => (await c.request('PUT', `${BOOK}v${counter}.vcf`, vcard(`v${counter++}`, 'New Card'), { 'content-type': 'text/vcard' })).status },
];

/** Which right each grantee holds on the calendar and on the address book. */
const grantees: { login: string; calendar: Right; book: Right }[] = [
  { login: 'stranger', calendar: 'none', book: 'none' },
  { login: 'reader', calendar: 'read', book: 'read' },
  { login: 'writer', calendar: 'write', book: 'none' },
  { login: 'assistant-read', calendar: 'read', book: 'none' },
  { login: 'assistant', calendar: 'write', book: 'none' },
  // Mailbox grants (issue 9): Full Access opens calendars and contacts; send-as alone opens nothing.
  { login: 'full-access', calendar: 'write', book: 'write' },
  { login: 'sender', calendar: 'none', book: 'none' },
];

const RANK: Record<Right, number> = { none: 0, read: 1, write: 2, owner: 3 };

describe('sharing matrix: no right that was not granted works', () => {
  let h: DavHarness;
  before(async () => {
    h = await openDavHarness();
    const sys = systemActor();
    const owner = await h.user('owner');
    for (const g of grantees) await h.user(g.login);
    const client = h.client('owner');
    await client.put(`${CAL}fixed.ics`, event('fixed', '20260102T100000Z'));
    await client.request('MKCALENDAR', '/dav/calendars/owner@example.test/victim/');
    await client.request('PUT', `${BOOK}c.vcf`, vcard('c', 'Some One'), { 'content-type': 'text/vcard' });
    // reader gets read through a group nested in another group.
    const inner = await h.directory.groups.create(sys, { address: 'inner@example.test', name: 'inner', members: [{ kind: 'account', id: (await h.directory.accounts.get(sys, 'reader@example.test')).id }] });
    const outer = await h.directory.groups.create(sys, { address: 'outer@example.test', name: 'outer', members: [{ kind: 'group', id: inner.id }] });
    const cal = (await h.services.collections.find(sys, owner.id, 'calendar', 'calendar')).collection.id;
    const book = (await h.services.collections.find(sys, owner.id, 'addressbook', 'contacts')).collection.id;
    const ownerActor = h.directory.actorFor(owner, null);
    await h.services.collections.share(ownerActor, cal, outer.address, 'read');
    await h.services.collections.share(ownerActor, book, outer.address, 'read');
    await h.services.collections.share(ownerActor, cal, 'writer@example.test', 'read-write');
    await h.services.collections.delegate(ownerActor, owner.id, 'assistant-read@example.test', 'read');
    await h.services.collections.delegate(ownerActor, owner.id, 'assistant@example.test', 'read-write');
    await h.directory.grants.grant(ownerActor, { kind: 'account', ref: owner.id }, { grantee: 'full-access@example.test', right: 'full-access' });
    await h.directory.grants.grant(ownerActor, { kind: 'account', ref: owner.id }, { grantee: 'sender@example.test', right: 'send-as' });
  });
  after(() => h.close());

  for (const g of grantees) {
    for (const op of ops) {
      const onBook = op.name.includes('address book') || op.name.includes('vCard') || op.name.includes('addressbook');
      const held = onBook ? g.book : g.calendar;
      const allowed = RANK[held] >= RANK[op.needs];
      it(`${g.login} (${held}) ${allowed ? 'may' : 'may not'} ${op.name}`, async () => {
        const status = await op.run(h.client(g.login), `${g.login}@example.test`);
        if (allowed) assert.ok(status >= 200 && status < 300, `expected success, got ${status}`);
        // Without any right the collection does not exist for them: 404, or 409 for a PUT into a missing parent (RFC 4918 §9.7.1).
        else if (held === 'none') assert.ok([403, 404, 409].includes(status), `expected 404 or 409, got ${status}`);
        else assert.ok(status === 403 || status === 404, `expected 403, got ${status}`);
      });
    }
  }

  it('shows a shared calendar in the sharee\'s own home, with the privileges granted', async () => {
    const res = await h.client('reader').propfind('/dav/calendars/reader@example.test/', `<d:propfind ${NS}><d:prop><d:current-user-privilege-set/><d:displayname/></d:prop></d:propfind>`, '1');
    const shared = res.text.split('<d:response>').find((r) => r.includes('/shared-'));
    assert.ok(shared, res.text);
    assert.match(shared!, /<d:read\/>/);
    assert.doesNotMatch(shared!, /<d:write-content\/>/);
  });

  it('lists delegations as calendar-proxy-*-for on the delegate\'s principal', async () => {
    const res = await h.client('assistant').propfind('/dav/principals/assistant@example.test/', `<d:propfind ${NS} xmlns:cs="http://calendarserver.org/ns/"><d:prop><cs:calendar-proxy-write-for/><cs:calendar-proxy-read-for/></d:prop></d:propfind>`);
    assert.match(res.text, /<cs:calendar-proxy-write-for><d:href>\/dav\/principals\/owner@example.test\/<\/d:href>/);
  });
});
