// DAV changes on the change bus (events/change-bus.ts DavCollectionChange):
// what a console live view or a push service follows. A client's PUT and
// DELETE over HTTP reach a subscriber of the owner's topic, with the sync
// token the collection has after the change.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { ChangeEvent } from '../../server/src/events/change-bus.ts';
import { event, openDavHarness, type DavHarness } from './harness.ts';

const CAL = '/dav/calendars/alice@example.test/calendar/';

describe('DAV changes on the change bus', () => {
  let h: DavHarness;
  before(async () => {
    h = await openDavHarness();
  });
  after(() => h.close());

  it('tells a subscriber of the owner about a PUT and a DELETE, with the new sync token', async () => {
    const alice = await h.user('alice');
    const seen: ChangeEvent[] = [];
    const unsubscribe = h.all.bus.subscribe({ accountId: alice.id }, (e) => seen.push(e));
    try {
      const put = await h.client('alice').put(`${CAL}bus.ics`, event('bus', '20260601T090000Z'));
      assert.equal(put.status, 201, put.text);
      const written = seen.find((e) => e.kind === 'dav' && e.name === 'bus.ics');
      assert.ok(written && written.kind === 'dav');
      assert.equal(written.change, 'written');
      assert.equal(written.collectionKind, 'calendar');
      const token = await h.client('alice').propfind(CAL, '<d:propfind xmlns:d="DAV:"><d:prop><d:sync-token/></d:prop></d:propfind>');
      assert.match(token.text, new RegExp(`<d:sync-token>[^<]*${written.syncSeq}</d:sync-token>`), 'the event carries the collection\'s sync token');

      assert.equal((await h.client('alice').delete(`${CAL}bus.ics`)).status, 204);
      const deleted = seen.find((e) => e.kind === 'dav' && e.change === 'deleted');
      assert.ok(deleted && deleted.kind === 'dav');
      assert.equal(deleted.name, 'bus.ics');
      assert.ok(deleted.syncSeq > written.syncSeq);
    } finally {
      unsubscribe();
    }
  });

  it('tells nobody else: a subscriber of another account hears nothing', async () => {
    const bob = await h.user('bob');
    const seen: ChangeEvent[] = [];
    const unsubscribe = h.all.bus.subscribe({ accountId: bob.id }, (e) => seen.push(e));
    try {
      assert.equal((await h.client('alice').put(`${CAL}quiet.ics`, event('quiet', '20260602T090000Z'))).status, 201);
      assert.deepEqual(seen, []);
    } finally {
      unsubscribe();
    }
  });
});
