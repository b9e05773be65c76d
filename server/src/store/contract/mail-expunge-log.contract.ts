// MessageStore contract, part 3: pruning the expunge log below a vanished
// horizon, and changesSince staying correct on both sides of it (RFC 7162
// §3.2.5.2: below the horizon every UID no longer present is reported).
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import { T0, newId, useHarness, type StoreFactory } from './harness.ts';
import { mailboxFixture, storedMessage } from './mail-fixtures.ts';

export function expungeLogContract(factory: StoreFactory): void {
  describe('messages: expunge log pruning and the vanished horizon', () => {
    const h = useHarness(factory, { before, after });

    async function filled(count: number) {
      const s = h().store;
      const box = await mailboxFixture(s, newId(), 'INBOX');
      const items = [];
      for (let i = 0; i < count; i++) items.push(await storedMessage(s, { subject: `m${i} ${newId()}`, text: `body ${i}` }));
      const r = await s.messages.append(box.id, items, T0);
      const expunge = async (ranges: [number, number][]) => {
        await s.messages.storeFlags(box.id, ranges, { mode: 'add', flags: ['\\Deleted'] });
        return s.messages.expunge(box.id, ranges);
      };
      return { s, box, r, expunge };
    }

    /** An instant strictly between two expunges (the log keeps milliseconds). */
    async function cutoff(): Promise<string> {
      await sleep(5);
      const at = new Date().toISOString();
      await sleep(5);
      return at;
    }

    it('prunes only entries older than the cut-off and records the horizon', async () => {
      const { s, box, r, expunge } = await filled(10);
      const other = await filled(3);
      const old = await expunge([[2, 4]]);
      const otherOld = await other.expunge([[1, 1]]);
      const cut = await cutoff();
      const recent = await expunge([[6, 6]]);
      const otherRecent = await other.expunge([[3, 3]]);

      const pruned = await s.messages.pruneExpungeLog(cut);
      assert.deepEqual(pruned, { entries: 4, mailboxes: 2 });
      assert.deepEqual(await s.messages.pruneExpungeLog(cut), { entries: 0, mailboxes: 0 }, 'a second run finds nothing');

      // At or above the horizon (the highest pruned modseq): the log answers exactly, recent entries kept.
      const above = await s.messages.changesSince(box.id, old.modseq);
      assert.deepEqual([above.vanished, above.vanishedExact], [[[6, 6]], true]);
      assert.deepEqual((await s.messages.changesSince(other.box.id, otherOld.modseq)).vanished, [[3, 3]]);
      assert.deepEqual((await s.messages.changesSince(box.id, recent.modseq)).vanished, []);
      // Below it: every UID under uidNext that no longer exists, as ranges.
      const below = await s.messages.changesSince(box.id, r.modseq);
      assert.deepEqual([below.vanished, below.vanishedExact], [[[2, 4], [6, 6]], false]);
      assert.deepEqual(below.changed.map((c) => c.uid), [], 'flag changes of expunged messages are not reported');
      assert.equal(below.highestModSeq, recent.modseq);
      assert.deepEqual((await s.messages.changesSince(other.box.id, 0)).vanished, [[1, 1], [3, 3]]);
      assert.ok(otherRecent.modseq > otherOld.modseq);
    });

    it('answers below the horizon with exactly the missing UIDs, bounded by a known-uids set', async () => {
      const { s, box, r, expunge } = await filled(200);
      await expunge([[1, 1]]);
      await expunge([[10, 150]]);
      await expunge([[152, 152]]);
      const last = await expunge([[199, 200]]);
      await s.messages.pruneExpungeLog(new Date(Date.now() + 60_000).toISOString());
      const tail = await s.messages.append(box.id, [await storedMessage(s, { subject: 'late', text: 'late' })], T0);
      const all = await s.messages.changesSince(box.id, r.modseq);
      assert.deepEqual(all.vanished, [[1, 1], [10, 150], [152, 152], [199, 200]]);
      assert.equal(all.vanishedExact, false);
      assert.deepEqual(all.changed.map((c) => c.uid), [201], 'new messages still come from the messages themselves');
      const within = await s.messages.changesSince(box.id, r.modseq, { within: [[100, 160], [198, 300]] });
      assert.deepEqual(within.vanished, [[100, 150], [152, 152], [199, 200]]);
      // At the horizon the (now empty) log is exact again.
      const at = await s.messages.changesSince(box.id, last.modseq);
      assert.deepEqual([at.vanished, at.vanishedExact], [[], true]);
      assert.deepEqual(at.changed.map((c) => [c.uid, c.modseq]), [[201, tail.modseq]]);
    });

    it('keeps the exact answer for a mailbox that was never pruned', async () => {
      const { s, box, r, expunge } = await filled(5);
      await expunge([[2, 3]]);
      const since = await s.messages.changesSince(box.id, 0, { within: [[3, 5]] });
      assert.deepEqual([since.vanished, since.vanishedExact], [[[3, 3]], true]);
      assert.deepEqual((await s.messages.changesSince(box.id, r.modseq)).vanished, [[2, 3]]);
    });
  });
}
