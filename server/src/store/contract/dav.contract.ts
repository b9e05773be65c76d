// DavStore contract: collections, objects with conditions and UID
// uniqueness, the per-collection change log (sync tokens), time-range
// candidates, shares, delegation, usage and account removal.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { isStoaError } from '../../errors/catalogue.ts';
import { TIME_MAX, TIME_MIN, type CollectionKind } from '../../model/dav.ts';
import type { NewDavObject } from '../dav-port.ts';
import type { Store } from '../port.ts';
import { T0, at, newId, useHarness, type StoreFactory } from './harness.ts';

async function collection(s: Store, ownerId: string, uri: string, kind: CollectionKind = 'calendar') {
  return s.dav.createCollection({
    id: newId(), ownerId, kind, uri, role: null, displayName: uri, description: '', color: null, order: null, timezone: null,
    components: kind === 'calendar' ? ['VEVENT', 'VTODO'] : [], properties: {}, createdAt: T0, updatedAt: T0,
  });
}

function object(collectionId: string, name: string, extra: Partial<NewDavObject> = {}): NewDavObject {
  const data = `BEGIN:VCALENDAR\r\nUID:${extra.uid ?? name}\r\nEND:VCALENDAR\r\n`;
  return {
    collectionId, name, uid: name, etag: newId(), size: data.length, component: 'VEVENT', startMs: 0, endMs: 3_600_000,
    recurring: false, data, scheduleTag: null, updatedAt: T0, ...extra,
  };
}

export function davContract(factory: StoreFactory): void {
  describe('calendars and address books', () => {
    const h = useHarness(factory, { before, after });

    it('creates collections with sequence 0, unique per owner, kind and uri, and lists them', async () => {
      const s = h().store;
      const owner = newId();
      const cal = await collection(s, owner, 'work');
      assert.equal(cal.syncSeq, 0);
      assert.deepEqual(await s.dav.getCollection(cal.id), cal);
      assert.deepEqual(await s.dav.getCollectionByUri(owner, 'calendar', 'work'), cal);
      await assert.rejects(collection(s, owner, 'work'), (e) => isStoaError(e, 'STOA_CONFLICT'));
      await collection(s, owner, 'work', 'addressbook');
      await collection(s, newId(), 'work');
      assert.deepEqual((await s.dav.listCollections(owner, 'calendar')).map((c) => c.uri), ['work']);
      assert.equal((await s.dav.listCollections(owner)).length, 2);
      const updated = await s.dav.updateCollection(cal.id, { displayName: 'Work', color: '#ff0000', properties: { '{x:}y': '<y xmlns="x:">1</y>' }, updatedAt: at(1) });
      assert.equal(updated.displayName, 'Work');
      assert.equal(updated.color, '#ff0000');
      assert.deepEqual(updated.properties, { '{x:}y': '<y xmlns="x:">1</y>' });
      assert.equal(updated.syncSeq, 0, 'property changes do not move the sync sequence');
    });

    it('stores objects with their span, enforces If-Match / If-None-Match and UID uniqueness', async () => {
      const s = h().store;
      const cal = await collection(s, newId(), 'c');
      const first = await s.dav.putObject(object(cal.id, 'a.ics'), { etag: null });
      assert.equal(first.created, true);
      assert.equal(first.object.seq, 1);
      assert.deepEqual(await s.dav.getObject(cal.id, 'a.ics'), first.object);
      await assert.rejects(s.dav.putObject(object(cal.id, 'a.ics'), { etag: null }), (e) => isStoaError(e, 'STOA_PRECONDITION_FAILED'));
      await assert.rejects(s.dav.putObject(object(cal.id, 'a.ics'), { etag: 'stale' }), (e) => isStoaError(e, 'STOA_PRECONDITION_FAILED'));
      await assert.rejects(s.dav.putObject(object(cal.id, 'b.ics', { uid: 'a.ics' })), (e) => isStoaError(e, 'STOA_CONFLICT'));
      const second = await s.dav.putObject(object(cal.id, 'a.ics', { updatedAt: at(5) }), { etag: first.object.etag });
      assert.equal(second.created, false);
      assert.equal(second.object.createdAt, T0);
      assert.equal(second.object.seq, 2);
      assert.equal((await s.dav.getCollection(cal.id))?.syncSeq, 2, 'failed writes took no sequence number');
      await assert.rejects(s.dav.deleteObject(cal.id, 'a.ics', at(6), { etag: 'stale' }), (e) => isStoaError(e, 'STOA_PRECONDITION_FAILED'));
      await assert.rejects(s.dav.deleteObject(cal.id, 'zzz.ics', at(6)), (e) => isStoaError(e, 'STOA_NOT_FOUND'));
      await assert.rejects(s.dav.putObject(object(newId(), 'x.ics')), (e) => isStoaError(e, 'STOA_NOT_FOUND'));
    });

    it('answers sync with only the changes after a token, one entry per resource, tombstones included', async () => {
      const s = h().store;
      const cal = await collection(s, newId(), 'sync');
      for (let i = 0; i < 20; i++) await s.dav.putObject(object(cal.id, `${i}.ics`));
      const token = (await s.dav.getCollection(cal.id))!.syncSeq;
      await s.dav.putObject(object(cal.id, '3.ics', { etag: 'changed' }));
      await s.dav.putObject(object(cal.id, '3.ics', { etag: 'changed-again' }));
      await s.dav.deleteObject(cal.id, '4.ics', at(1));
      const since = await s.dav.changesSince(cal.id, token);
      assert.deepEqual(since?.changes.map((c) => [c.name, c.deleted]), [['3.ics', false], ['4.ics', true]]);
      assert.equal(since?.seq, token + 3);
      assert.deepEqual((await s.dav.changesSince(cal.id, 0))?.changes.length, 20);
      assert.equal(await s.dav.changesSince(cal.id, token + 99), null, 'a token from the future is invalid');
      assert.equal(await s.dav.pruneTombstones(at(2)), 1);
      assert.equal(await s.dav.changesSince(cal.id, token), null, 'a token below the pruned horizon is invalid');
      assert.deepEqual((await s.dav.changesSince(cal.id, token + 3))?.changes, []);
    });

    it('returns time-range candidates by span, open-ended spans included', async () => {
      const s = h().store;
      const cal = await collection(s, newId(), 'range');
      const hour = 3_600_000;
      await s.dav.putObject(object(cal.id, 'early.ics', { startMs: 0, endMs: hour }));
      await s.dav.putObject(object(cal.id, 'late.ics', { startMs: 10 * hour, endMs: 11 * hour }));
      await s.dav.putObject(object(cal.id, 'forever.ics', { startMs: 2 * hour, endMs: TIME_MAX, recurring: true }));
      await s.dav.putObject(object(cal.id, 'task.ics', { startMs: TIME_MIN, endMs: TIME_MAX, component: 'VTODO' }));
      const names = async (a: number, b: number, comp?: string) => (await s.dav.objectsInRange(cal.id, a * hour, b * hour, comp)).map((o) => o.name).sort();
      assert.deepEqual(await names(0, 1), ['early.ics', 'task.ics']);
      assert.deepEqual(await names(1, 2), ['task.ics'], 'end is exclusive');
      assert.deepEqual(await names(5, 6, 'VEVENT'), ['forever.ics']);
      assert.deepEqual(await names(100, 101), ['forever.ics', 'task.ics']);
      const found = (await s.dav.objectsInRange(cal.id, 0, hour)).find((o) => o.name === 'early.ics');
      assert.ok(found?.data.startsWith('BEGIN:VCALENDAR'));
      assert.deepEqual((await s.dav.listObjects(cal.id)).map((o) => o.name), ['early.ics', 'forever.ics', 'late.ics', 'task.ics']);
      assert.equal(await s.dav.countObjects(cal.id), 4);
      assert.equal(await s.dav.countObjects('no-such-collection'), 0);
      assert.equal((await s.dav.getObjects(cal.id, ['late.ics', 'nope.ics', 'early.ics'])).length, 2);
      assert.equal((await s.dav.getObjectByUid(cal.id, 'late.ics'))?.name, 'late.ics');
    });

    it('keeps shares and delegations, counts usage, and removes everything of a deleted account', async () => {
      const s = h().store;
      const owner = newId();
      const grantee = newId();
      const group = newId();
      const cal = await collection(s, owner, 'shared');
      const book = await collection(s, owner, 'contacts', 'addressbook');
      await s.dav.putObject(object(cal.id, 'a.ics', { size: 100 }));
      await s.dav.putObject(object(book.id, 'a.vcf', { size: 50, component: 'VCARD' }));
      assert.deepEqual(await s.dav.usage(owner), { objects: 2, bytes: 150 });
      await s.dav.setShare(cal.id, { kind: 'account', id: grantee }, 'read', T0);
      await s.dav.setShare(cal.id, { kind: 'group', id: group }, 'read', T0);
      await s.dav.setShare(cal.id, { kind: 'group', id: group }, 'read-write', at(1));
      assert.deepEqual((await s.dav.listShares(cal.id)).map((x) => [x.granteeKind, x.access]).sort(), [['account', 'read'], ['group', 'read-write']]);
      assert.deepEqual((await s.dav.sharesFor([group])).map((x) => x.collectionId), [cal.id]);
      await s.dav.setShare(cal.id, { kind: 'account', id: grantee }, null, T0);
      assert.deepEqual(await s.dav.sharesFor([grantee]), []);
      await s.dav.setDelegation(owner, { kind: 'account', id: grantee }, 'read-write', T0);
      assert.deepEqual((await s.dav.delegationsFor([grantee])).map((x) => [x.ownerId, x.access]), [[owner, 'read-write']]);
      assert.equal((await s.dav.delegationsOf(owner)).length, 1);
      assert.deepEqual(await s.dav.deleteCollection(book.id), { objects: 1, bytes: 50 });
      assert.equal(await s.dav.deleteForOwner(owner), 1);
      assert.equal(await s.dav.getCollection(cal.id), null);
      assert.deepEqual(await s.dav.sharesFor([group]), []);
      assert.deepEqual(await s.dav.delegationsFor([grantee]), []);
      assert.deepEqual(await s.dav.usage(owner), { objects: 0, bytes: 0 });
    });

    it('counts usage through every change of an object: a new one, a bigger or smaller version, a deletion, a deleted collection', async () => {
      const s = h().store;
      const owner = newId();
      const other = newId();
      const cal = await collection(s, owner, 'work');
      const book = await collection(s, owner, 'people', 'addressbook');
      const theirs = await collection(s, other, 'theirs');
      await s.dav.putObject(object(cal.id, 'a.ics', { size: 100 }));
      await s.dav.putObject(object(cal.id, 'b.ics', { size: 200 }));
      await s.dav.putObject(object(book.id, 'c.vcf', { size: 30, component: 'VCARD' }));
      await s.dav.putObject(object(theirs.id, 'x.ics', { size: 7 }));
      assert.deepEqual(await s.dav.usage(owner), { objects: 3, bytes: 330 });
      await s.dav.putObject(object(cal.id, 'a.ics', { size: 150 }));
      assert.deepEqual(await s.dav.usage(owner), { objects: 3, bytes: 380 }, 'a new version replaces the old one\'s size');
      await s.dav.putObject(object(cal.id, 'b.ics', { size: 20 }));
      assert.deepEqual(await s.dav.usage(owner), { objects: 3, bytes: 200 });
      await s.dav.deleteObject(cal.id, 'a.ics', T0);
      assert.deepEqual(await s.dav.usage(owner), { objects: 2, bytes: 50 });
      await assert.rejects(s.dav.deleteObject(cal.id, 'a.ics', T0), /does not exist/);
      assert.deepEqual(await s.dav.usage(owner), { objects: 2, bytes: 50 }, 'a failed deletion changes nothing');
      await s.dav.deleteCollection(book.id);
      assert.deepEqual(await s.dav.usage(owner), { objects: 1, bytes: 20 });
      assert.deepEqual(await s.dav.usage(other), { objects: 1, bytes: 7 }, 'another owner\'s usage is their own');
      assert.deepEqual(await s.dav.usage(newId()), { objects: 0, bytes: 0 });
    });

    it('removes the shares and delegations a grantee holds, leaving its own collections and others\' grants', async () => {
      const s = h().store;
      const owner = newId();
      const grantee = newId();
      const other = newId();
      const cal = await collection(s, owner, 'team');
      const own = await collection(s, grantee, 'mine');
      await s.dav.setShare(cal.id, { kind: 'account', id: grantee }, 'read', T0);
      await s.dav.setShare(cal.id, { kind: 'account', id: other }, 'read', T0);
      await s.dav.setDelegation(owner, { kind: 'account', id: grantee }, 'read-write', T0);
      await s.dav.setDelegation(grantee, { kind: 'account', id: other }, 'read', T0);
      assert.equal(await s.dav.deleteForGrantee(grantee), 2);
      assert.deepEqual(await s.dav.sharesFor([grantee]), []);
      assert.deepEqual(await s.dav.delegationsFor([grantee]), []);
      assert.deepEqual((await s.dav.sharesFor([other])).map((x) => x.collectionId), [cal.id]);
      assert.deepEqual((await s.dav.delegationsOf(grantee)).map((d) => d.delegateId), [other]);
      assert.ok(await s.dav.getCollection(own.id));
      assert.equal(await s.dav.deleteForGrantee(grantee), 0);
    });

    it('commits an object with the caller\'s other writes, or not at all', async () => {
      const s = h().store;
      const cal = await collection(s, newId(), 'atomic');
      await assert.rejects(s.atomic(async (tx) => {
        await tx.dav.putObject(object(cal.id, 'gone.ics'));
        throw new Error('abort');
      }));
      assert.equal(await s.dav.getObject(cal.id, 'gone.ics'), null);
      assert.equal((await s.dav.getCollection(cal.id))?.syncSeq, 0);
    });
  });
}
