// MessageStore contract, search part: the filters behind SEARCH SAVED*,
// EMAILID and THREADID, and the batch summaries SORT, THREAD and header
// SEARCH keys read (mail/search/).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { T0, at, newId, useHarness, type StoreFactory } from './harness.ts';
import { mailboxFixture, storedMessage } from './mail-fixtures.ts';

export function messageSearchContract(factory: StoreFactory): void {
  describe('messages: search filters and summaries', () => {
    const h = useHarness(factory, { before, after });

    it('filters by save date, EMAILID and THREADID', async () => {
      const s = h().store;
      const box = await mailboxFixture(s, newId(), 'INBOX');
      const root = await storedMessage(s, { subject: 'root', text: 'x', messageId: '<root@example.org>' });
      const reply = await storedMessage(s, { subject: 'Re: root', text: 'y', references: ['<root@example.org>'] });
      const other = await storedMessage(s, { subject: 'other', text: 'z' });
      await s.messages.append(box.id, [root, reply], at(10));
      await s.messages.append(box.id, [other], at(20));
      const [m1, m2, m3] = await s.messages.fetch(box.id, [[1, 3]]);
      const f = (filter: Parameters<typeof s.messages.filter>[1]) => s.messages.filter(box.id, filter);
      assert.deepEqual(await f({ savedSince: at(15) }), [3]);
      assert.deepEqual(await f({ savedBefore: at(15) }), [1, 2]);
      assert.deepEqual(await f({ savedSince: at(10), savedBefore: at(11) }), [1, 2]);
      assert.deepEqual(await f({ emailId: m2.emailId }), [2]);
      assert.equal(m1.threadId, m2.threadId);
      assert.deepEqual(await f({ threadId: m1.threadId }), [1, 2]);
      assert.deepEqual(await f({ threadId: m3.threadId, uids: [[1, 2]] }), []);
      assert.deepEqual(await f({ emailId: 'Mnope' }), []);
    });

    it('returns summaries for a UID set, envelopes only on request', async () => {
      const s = h().store;
      const box = await mailboxFixture(s, newId(), 'INBOX');
      const items = await Promise.all(['one', 'two', 'three'].map((subject) => storedMessage(s, { subject, text: subject })));
      await s.messages.append(box.id, items, T0);
      const plain = await s.messages.summaries(box.id, [[1, 1], [3, 9]]);
      assert.deepEqual(plain.map((m) => [m.uid, m.blobId, m.size, m.internalDate, m.headers.subject, m.envelope]), [
        [1, items[0].blobId, items[0].index.size, T0, 'one', null],
        [3, items[2].blobId, items[2].index.size, T0, 'three', null],
      ]);
      const full = await s.messages.summaries(box.id, [[2, 2]], { envelope: true });
      assert.deepEqual(full[0].envelope, items[1].index.envelope);
      assert.deepEqual(full[0].headers, items[1].index.headers);
      // A scattered set (more ranges than go into one query) gives the same rows.
      const scattered = Array.from({ length: 40 }, (_, i) => [i * 2 + 1, i * 2 + 1] as const);
      assert.deepEqual((await s.messages.summaries(box.id, scattered)).map((m) => m.uid), [1, 3]);
      assert.deepEqual(await s.messages.summaries(box.id, []), []);
    });
  });
}
