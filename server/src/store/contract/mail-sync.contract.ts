// MessageStore contract, part 2: STORE with UNCHANGEDSINCE, EXPUNGE and the
// expunge log, CONDSTORE/QRESYNC changes, COPY/MOVE with COPYUID, and the
// metadata and text search primitives.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { isStoaError } from '../../errors/catalogue.ts';
import { T0, at, newId, useHarness, type StoreFactory } from './harness.ts';
import { mailboxFixture, storedMessage } from './mail-fixtures.ts';

export function messageSyncContract(factory: StoreFactory): void {
  describe('messages: flags, expunge, changes, copy, move, search', () => {
    const h = useHarness(factory, { before, after });

    async function filled(count: number, flags: (i: number) => string[] = () => []) {
      const s = h().store;
      const owner = newId();
      const box = await mailboxFixture(s, owner, 'INBOX');
      const items = [];
      for (let i = 0; i < count; i++) items.push(await storedMessage(s, { subject: `m${i} ${newId()}`, text: `body ${i}` }, flags(i)));
      const r = await s.messages.append(box.id, items, T0);
      return { s, owner, box, items, r };
    }

    it('adds, removes and replaces flags, bumping MODSEQ once per command and only for changed messages', async () => {
      const { s, box, r } = await filled(3);
      const add = await s.messages.storeFlags(box.id, [[1, 2]], { mode: 'add', flags: ['\\Seen', 'Todo'] });
      assert.ok(add.modseq > r.modseq);
      assert.deepEqual(add.changed, [{ uid: 1, modseq: add.modseq, flags: ['\\Seen', 'Todo'] }, { uid: 2, modseq: add.modseq, flags: ['\\Seen', 'Todo'] }]);
      const again = await s.messages.storeFlags(box.id, [[1, 2]], { mode: 'add', flags: ['\\seen', 'todo'] });
      assert.deepEqual(again.changed, [], 'flags compare case-insensitively; nothing changed');
      assert.equal(again.modseq, add.modseq);
      const remove = await s.messages.storeFlags(box.id, [[1, 3]], { mode: 'remove', flags: ['Todo'] });
      assert.deepEqual(remove.changed.map((c) => [c.uid, c.flags]), [[1, ['\\Seen']], [2, ['\\Seen']]]);
      const replace = await s.messages.storeFlags(box.id, [[3, 3]], { mode: 'replace', flags: ['\\Answered', '\\Draft'] });
      assert.deepEqual(replace.changed[0].flags, ['\\Answered', '\\Draft']);
      assert.equal((await s.mailboxes.get(box.id))?.highestModSeq, replace.modseq);
      await assert.rejects(s.messages.storeFlags(box.id, [[1, 1]], { mode: 'add', flags: ['\\Recent'] }), (e) => isStoaError(e, 'STOA_VALIDATION'));
    });

    it('refuses UNCHANGEDSINCE for messages modified later and changes the others (RFC 7162 §3.1.3)', async () => {
      const { s, box, r } = await filled(3);
      const first = await s.messages.storeFlags(box.id, [[2, 2]], { mode: 'add', flags: ['\\Flagged'] });
      const cond = await s.messages.storeFlags(box.id, [[1, 3]], { mode: 'add', flags: ['\\Seen'], unchangedSince: r.modseq });
      assert.deepEqual(cond.failed, [2]);
      assert.deepEqual(cond.changed.map((c) => c.uid), [1, 3]);
      assert.ok(cond.modseq > first.modseq);
      assert.deepEqual((await s.messages.fetch(box.id, [[2, 2]]))[0].flags, ['\\Flagged']);
    });

    it('expunges \\Deleted messages, logs them for VANISHED and drops their refs', async () => {
      const { s, owner, box, items } = await filled(4, (i) => (i % 2 === 0 ? ['\\Deleted'] : []));
      const only = await s.messages.expunge(box.id, [[3, 4]]);
      assert.deepEqual(only.uids, [3], 'UID EXPUNGE touches only the given UIDs');
      const rest = await s.messages.expunge(box.id);
      assert.deepEqual(rest.uids, [1]);
      assert.ok(rest.modseq > only.modseq);
      assert.deepEqual([...(await s.messages.list(box.id)).uids], [2, 4]);
      assert.equal((await s.blobs.stat(items[0].blobId))?.refs, 0);
      assert.equal((await s.messages.body(items[0].blobId)), null);
      assert.equal((await s.messages.usage(owner)).messages, 2);
      const none = await s.messages.expunge(box.id);
      assert.deepEqual(none, { uids: [], modseq: rest.modseq });
      const changes = await s.messages.changesSince(box.id, only.modseq - 1);
      assert.deepEqual(changes.vanished, [[1, 1], [3, 3]]);
      assert.equal(changes.vanishedExact, true);
      assert.deepEqual((await s.messages.changesSince(box.id, only.modseq)).vanished, [[1, 1]]);
    });

    it('lets blob gc remove bodies whose last copy was expunged', async () => {
      const { s, box, items } = await filled(2, () => ['\\Deleted']);
      await s.messages.expunge(box.id);
      await s.blobs.gc(0, Date.now() + 1000);
      assert.equal(await s.blobs.stat(items[0].blobId), null);
      await assert.rejects(s.blobs.read(items[1].blobId), (e) => isStoaError(e, 'STOA_NOT_FOUND'));
    });

    it('answers CHANGEDSINCE with flag changes and new messages above a MODSEQ', async () => {
      const { s, box, r } = await filled(3);
      const st = await s.messages.storeFlags(box.id, [[2, 2]], { mode: 'add', flags: ['\\Seen'] });
      const more = await s.messages.append(box.id, [await storedMessage(s, { subject: 'late', text: 'late' })], T0);
      const changes = await s.messages.changesSince(box.id, r.modseq);
      assert.deepEqual(changes.changed, [{ uid: 2, modseq: st.modseq, flags: ['\\Seen'] }, { uid: 4, modseq: more.modseq, flags: [] }]);
      assert.deepEqual(changes.vanished, []);
      assert.equal(changes.highestModSeq, more.modseq);
      assert.deepEqual((await s.messages.changesSince(box.id, more.modseq)).changed, []);
    });

    it('copies with a COPYUID mapping, keeping flags and internal date, taking refs', async () => {
      const { s, owner, box, items } = await filled(3, (i) => (i === 0 ? ['\\Seen'] : []));
      const dest = await mailboxFixture(s, owner, 'Archive', '\\Archive');
      await s.messages.append(dest.id, [await storedMessage(s, { subject: 'x', text: 'already there' })], T0);
      const r = await s.messages.copy(box.id, [[1, 1], [3, 9]], dest.id, at(9));
      assert.deepEqual(r.sourceUids, [1, 3]);
      assert.deepEqual(r.destUids, [2, 3]);
      assert.equal(r.uidValidity, dest.uidValidity);
      assert.equal(r.expunged, undefined);
      const [c1] = await s.messages.fetch(dest.id, [[2, 2]]);
      const [o1] = await s.messages.fetch(box.id, [[1, 1]]);
      assert.deepEqual({ ...c1, mailboxId: box.id, uid: 1, modseq: o1.modseq, saveDate: o1.saveDate }, o1);
      assert.equal(c1.saveDate, at(9));
      assert.equal((await s.blobs.stat(items[0].blobId))?.refs, 2);
      assert.equal((await s.messages.usage(owner)).messages, 6);
      assert.deepEqual((await s.messages.copy(box.id, [[50, 60]], dest.id, T0)).destUids, []);
      await assert.rejects(s.messages.copy(box.id, [[1, 1]], newId(), T0), (e) => isStoaError(e, 'STOA_NOT_FOUND'));
    });

    it('copies into another account with that account\'s EMAILID and usage', async () => {
      const { s, owner, box, items } = await filled(1);
      const other = newId();
      const shared = await mailboxFixture(s, other, 'INBOX');
      await s.messages.copy(box.id, [[1, 1]], shared.id, T0);
      const [m] = await s.messages.fetch(shared.id, [[1, 1]]);
      const [o] = await s.messages.fetch(box.id, [[1, 1]]);
      assert.notEqual(m.emailId, o.emailId);
      assert.equal((await s.messages.usage(other)).bytes, items[0].index.size);
      assert.equal((await s.messages.usage(owner)).bytes, items[0].index.size);
    });

    it('moves atomically: destination UIDs, source expunged with VANISHED, refs unchanged', async () => {
      const { s, owner, box, items } = await filled(3);
      const dest = await mailboxFixture(s, owner, 'Trash', '\\Trash');
      const before = (await s.mailboxes.get(box.id))!.highestModSeq;
      const r = await s.messages.move(box.id, [[2, 3]], dest.id, T0);
      assert.deepEqual([r.sourceUids, r.destUids], [[2, 3], [1, 2]]);
      assert.deepEqual(r.expunged?.uids, [2, 3]);
      assert.deepEqual([...(await s.messages.list(box.id)).uids], [1]);
      assert.deepEqual((await s.messages.changesSince(box.id, before)).vanished, [[2, 3]]);
      assert.equal((await s.blobs.stat(items[1].blobId))?.refs, 1);
      assert.equal((await s.messages.usage(owner)).messages, 3);
      // RFC 6851 §3.3: the selected mailbox may be the target; the message gets a new UID there.
      const self = await s.messages.move(box.id, [[1, 1]], box.id, T0);
      assert.deepEqual([self.sourceUids, self.destUids, self.expunged?.uids], [[1], [4], [1]]);
      assert.deepEqual([...(await s.messages.list(box.id)).uids], [4]);
      assert.equal((await s.messages.usage(owner)).messages, 3);
    });

    it('filters by flags, keywords, size, date, MODSEQ and UID set', async () => {
      const s = h().store;
      const box = await mailboxFixture(s, newId(), 'INBOX');
      const a = await storedMessage(s, { subject: 'a', text: 'short' }, ['\\Seen', 'Work']);
      const b = await storedMessage(s, { subject: 'b', text: 'a much longer body '.repeat(20) }, ['\\Flagged']);
      const c = { ...await storedMessage(s, { subject: 'c', text: 'later' }, ['work']), internalDate: at(60 * 24 * 3) };
      await s.messages.append(box.id, [a, b, c], T0);
      const f = (filter: Parameters<typeof s.messages.filter>[1]) => s.messages.filter(box.id, filter);
      assert.deepEqual(await f({}), [1, 2, 3]);
      assert.deepEqual(await f({ withFlags: ['\\Seen'] }), [1]);
      assert.deepEqual(await f({ withoutFlags: ['\\Seen'] }), [2, 3]);
      assert.deepEqual(await f({ withFlags: ['WORK'] }), [1, 3]);
      assert.deepEqual(await f({ withoutFlags: ['Work', '\\Flagged'] }), []);
      assert.deepEqual(await f({ larger: a.index.size }), [2]);
      assert.deepEqual(await f({ smaller: b.index.size }), [1, 3]);
      assert.deepEqual(await f({ since: at(60 * 24) }), [3]);
      assert.deepEqual(await f({ before: at(60 * 24) }), [1, 2]);
      assert.deepEqual(await f({ uids: [[2, 3]] }), [2, 3]);
      assert.deepEqual(await f({ uids: Array.from({ length: 40 }, (_, i) => [i * 2 + 1, i * 2 + 1] as const) }), [1, 3]);
      const st = await s.messages.storeFlags(box.id, [[2, 2]], { mode: 'add', flags: ['\\Seen'] });
      assert.deepEqual(await f({ modseqAbove: st.modseq - 1 }), [2]);
    });

    it('finds substrings of body text, case- and accent-insensitively, within one mailbox', async () => {
      const s = h().store;
      const box = await mailboxFixture(s, newId(), 'INBOX');
      const other = await mailboxFixture(s, newId(), 'INBOX');
      const m1 = await storedMessage(s, { subject: 'Quarterly', text: 'The Überweisung for invoice INV-20417 is attached.' });
      const m2 = await storedMessage(s, { subject: 'Lunch', text: 'Shall we meet at the café at noon?' });
      await s.messages.append(box.id, [m1, m2], T0);
      await s.messages.append(other.id, [m1], T0);
      assert.deepEqual(await s.messages.searchText(box.id, 'berweis'), [1]);
      assert.deepEqual(await s.messages.searchText(box.id, 'uberweisung'), [1]);
      assert.deepEqual(await s.messages.searchText(box.id, 'inv-2041'), [1]);
      assert.deepEqual(await s.messages.searchText(box.id, 'CAFE AT'), [2]);
      assert.deepEqual(await s.messages.searchText(box.id, 'quarterly'), [1], 'subject is searchable');
      assert.deepEqual(await s.messages.searchText(box.id, 'at'), [1, 2], 'short terms still match');
      assert.deepEqual(await s.messages.searchText(box.id, 'é'), [1, 2]);
      assert.deepEqual(await s.messages.searchText(box.id, 'nowhere to be found'), []);
      assert.deepEqual(await s.messages.searchText(box.id, 'say "hi"'), []);
      assert.deepEqual(await s.messages.searchText(other.id, 'noon'), []);
    });

    it('finds text far into a long body, past any part an adapter indexes, and forgets it on expunge', async () => {
      const s = h().store;
      const box = await mailboxFixture(s, newId(), 'INBOX');
      const filler = 'lorem ipsum dolor sit amet\n'.repeat(4000);
      const long = await storedMessage(s, { subject: 'Long', text: `${filler}the Überweisung is at the very end\n` });
      const short = await storedMessage(s, { subject: 'Short', text: 'an überweisung, briefly' });
      await s.messages.append(box.id, [long, short], T0);
      assert.deepEqual(await s.messages.searchText(box.id, 'uberweisung'), [1, 2]);
      assert.deepEqual(await s.messages.searchText(box.id, 'very end'), [1]);
      assert.deepEqual(await s.messages.searchText(box.id, 'dolor sit'), [1]);
      await s.messages.storeFlags(box.id, [[1, 1]], { mode: 'add', flags: ['\\Deleted'] });
      await s.messages.expunge(box.id);
      assert.deepEqual(await s.messages.searchText(box.id, 'uberweisung'), [2]);
      assert.deepEqual(await s.messages.searchText(box.id, 'very end'), []);
    });
  });
}
