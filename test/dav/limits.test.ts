// What a client can hold is bounded (dav.maxCollections, dav.maxObjectsPerCollection):
// MKCALENDAR, MKCOL, PUT, COPY and scheduling copies past the limit answer
// 507 with nothing stored; replacing an object and the default collections
// always work.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { systemActor } from '../../server/src/directory/access.ts';
import { isStoaError } from '../../server/src/errors/catalogue.ts';
import { event, openDavHarness, type DavHarness } from './harness.ts';

const CAL = '/dav/calendars/alice@example.test/calendar/';

describe('DAV limits', () => {
  let h: DavHarness;
  before(async () => {
    h = await openDavHarness((c) => {
      c.dav.maxCollections = 6;
      c.dav.maxObjectsPerCollection = 3;
    });
    await h.user('alice');
    await h.user('bob');
  });
  after(() => h.close());

  it('refuses a collection past dav.maxCollections with 507, whatever its kind, and keeps the defaults', async () => {
    const alice = h.client('alice');
    assert.equal((await alice.propfind('/dav/calendars/alice@example.test/', '', '1')).status, 207);
    const owner = (await h.directory.accounts.get(systemActor(), 'alice@example.test')).id;
    const defaults = (await h.store.dav.listCollections(owner)).length;
    assert.ok(defaults < 6, `the default collections (${defaults}) fit`);
    const made: number[] = [];
    for (let i = 0; defaults + i < 6; i++) made.push((await alice.request('MKCALENDAR', `/dav/calendars/alice@example.test/extra-${i}/`)).status);
    assert.ok(made.every((s) => s === 201), made.join());
    const refused = await alice.request('MKCALENDAR', '/dav/calendars/alice@example.test/one-too-many/');
    assert.equal(refused.status, 507, refused.text);
    assert.equal((await alice.request('MKCOL', '/dav/files/alice@example.test/folder/')).status, 507, 'folders count too');
    assert.equal((await alice.propfind('/dav/calendars/alice@example.test/one-too-many/', '')).status, 404, 'nothing stored');
    await assert.rejects(h.services.collections.create(systemActor(), owner, 'addressbook', { uri: 'admin-made' }), (e) => isStoaError(e, 'STOA_DAV_LIMIT'));
  });

  it('refuses a new object past dav.maxObjectsPerCollection with 507, but lets existing ones change', async () => {
    const alice = h.client('alice');
    for (const n of [1, 2, 3]) assert.equal((await alice.put(`${CAL}e${n}.ics`, event(`e${n}`, '20260301T100000Z'))).status, 201);
    const full = await alice.put(`${CAL}e4.ics`, event('e4', '20260301T100000Z'));
    assert.equal(full.status, 507, full.text);
    assert.equal((await alice.get(`${CAL}e4.ics`)).status, 404);
    assert.equal((await alice.put(`${CAL}e1.ics`, event('e1', '20260302T100000Z'))).status, 204, 'a replacement is not a new object');
    // COPY into the full calendar is refused; a MOVE within it renames and is allowed.
    await alice.put('/dav/calendars/alice@example.test/extra-0/c.ics', event('c', '20260303T100000Z'));
    assert.equal((await alice.request('COPY', '/dav/calendars/alice@example.test/extra-0/c.ics', undefined, { destination: `${CAL}c.ics` })).status, 507);
    assert.equal((await alice.request('MOVE', `${CAL}e3.ics`, undefined, { destination: `${CAL}e3-renamed.ics` })).status, 201);
  });

  it('does not let invitations overflow an attendee\'s calendar: the copy is refused, the organizer\'s event stored', async () => {
    const bob = h.client('bob');
    const bobCal = '/dav/calendars/bob@example.test/calendar/';
    for (const n of [1, 2, 3]) assert.equal((await bob.put(`${bobCal}b${n}.ics`, event(`b${n}`, '20260301T100000Z'))).status, 201);
    const meeting = event('inv', '20260305T100000Z', 'ORGANIZER:mailto:alice@example.test\nATTENDEE;PARTSTAT=ACCEPTED:mailto:alice@example.test\nATTENDEE;PARTSTAT=NEEDS-ACTION:mailto:bob@example.test');
    const alice = h.client('alice');
    assert.equal((await alice.request('DELETE', `${CAL}e2.ics`)).status, 204);
    const put = await alice.put(`${CAL}inv.ics`, meeting);
    assert.equal(put.status, 201, put.text);
    const bobId = (await h.directory.accounts.get(systemActor(), 'bob@example.test')).id;
    const bobCalId = (await h.services.collections.find(systemActor(), bobId, 'calendar', 'calendar')).collection.id;
    assert.equal(await h.store.dav.countObjects(bobCalId), 3);
  });
});
