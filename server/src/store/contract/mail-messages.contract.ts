// MessageStore contract, part 1: APPEND (single and MULTIAPPEND), delivery
// to many mailboxes, listing, FETCH metadata, STATUS, usage and bodies.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { isStoaError } from '../../errors/catalogue.ts';
import { emailIdFor } from '../../model/mail-ids.ts';
import { FLAG_BITS } from '../mail-port.ts';
import { T0, accountFixture, at, domainFixture, newId, useHarness, type StoreFactory } from './harness.ts';
import { mailboxFixture, storedMessage } from './mail-fixtures.ts';

export function messageContract(factory: StoreFactory): void {
  describe('messages: append, deliver, list, fetch, status', () => {
    const h = useHarness(factory, { before, after });

    it('sums usage per account in one query and per domain for the console', async () => {
      const s = h().store;
      const domain = domainFixture(`usage-${newId().toLowerCase()}.example`);
      await s.domains.create(domain);
      const one = accountFixture(domain, 'one');
      const two = accountFixture(domain, 'two');
      const idle = accountFixture(domain, 'idle');
      for (const a of [one, two, idle]) await s.accounts.create(a);
      const m = await storedMessage(s, { subject: 'usage', text: 'counted' });
      await s.messages.append((await mailboxFixture(s, one.id, 'INBOX')).id, [m, m], at(1));
      await s.messages.append((await mailboxFixture(s, two.id, 'INBOX')).id, [m], at(1));
      const byAccount = await s.messages.usageOf([one.id, two.id, idle.id]);
      assert.deepEqual(byAccount.get(one.id), { bytes: 2 * m.index.size, messages: 2 });
      assert.deepEqual(byAccount.get(two.id), { bytes: m.index.size, messages: 1 });
      assert.equal(byAccount.has(idle.id), false);
      const row = (await s.messages.usageByDomain()).find((u) => u.domainId === domain.id);
      assert.deepEqual(row, { domainId: domain.id, accounts: 2, bytes: 3 * m.index.size, messages: 3 });
    });

    it('appends with consecutive UIDs, one MODSEQ, a blob ref per copy and usage', async () => {
      const s = h().store;
      const owner = newId();
      const box = await mailboxFixture(s, owner, 'INBOX');
      const a = await storedMessage(s, { subject: 'one', text: 'first' }, ['\\Seen', 'Work']);
      const b = await storedMessage(s, { subject: 'two', text: 'second' });
      const r1 = await s.messages.append(box.id, [a], at(1));
      const r2 = await s.messages.append(box.id, [b, a], at(2));
      assert.equal(r1.uidValidity, box.uidValidity);
      assert.deepEqual(r1.uids, [1]);
      assert.deepEqual(r2.uids, [2, 3]);
      assert.ok(r2.modseq > r1.modseq && r1.modseq > box.highestModSeq);
      assert.equal((await s.blobs.stat(a.blobId))?.refs, 2);
      const after = await s.mailboxes.get(box.id);
      assert.equal(after?.uidNext, 4);
      assert.equal(after?.highestModSeq, r2.modseq);
      assert.deepEqual(await s.messages.usage(owner), { bytes: 2 * a.index.size + b.index.size, messages: 3 });
      const [m1, m2, m3] = await s.messages.fetch(box.id, [[1, 3]]);
      assert.deepEqual(m1, {
        mailboxId: box.id, uid: 1, modseq: r1.modseq, emailId: emailIdFor(owner, a.blobId), threadId: m1.threadId,
        blobId: a.blobId, size: a.index.size, wireSize: a.index.wireSize, internalDate: T0, saveDate: at(1), flags: ['\\Seen', 'Work'],
      });
      // A body indexed before the POP3 size was recorded has none.
      const old = await storedMessage(s, { subject: 'legacy', text: 'old body' });
      const { wireSize: _, ...legacy } = old.index;
      const r3 = await s.messages.append(box.id, [{ ...old, index: legacy }], at(3));
      assert.equal((await s.messages.fetch(box.id, [[r3.uids[0], r3.uids[0]]]))[0].wireSize, null);
      assert.equal(m3.emailId, m1.emailId, 'RFC 8474: copies of one content share EMAILID');
      assert.notEqual(m2.emailId, m1.emailId);
      assert.match(m1.threadId, /^[A-Za-z0-9_-]+$/);
    });

    it('reads the SELECT view: UIDs, keywords in use, unseen count and first unseen, and lists a UID range', async () => {
      const s = h().store;
      const box = await mailboxFixture(s, newId(), 'INBOX');
      const empty = await s.messages.selection(box.id);
      assert.deepEqual([...empty.uids], []);
      assert.deepEqual({ keywords: empty.keywords, unseen: empty.unseen, first: empty.firstUnseenUid }, { keywords: [], unseen: 0, first: 0 });
      const seen = await storedMessage(s, { subject: 'seen', text: 'a' }, ['\\Seen']);
      const tagged = await storedMessage(s, { subject: 'tagged', text: 'b' }, ['\\Seen', 'Work', '$Label1']);
      const plain = await storedMessage(s, { subject: 'plain', text: 'c' });
      await s.messages.append(box.id, [seen, tagged, plain, seen, plain, { ...plain, flags: ['Work'] }], at(1));
      await s.messages.storeFlags(box.id, [[4, 4]], { mode: 'add', flags: ['\\Deleted'] });
      await s.messages.expunge(box.id);
      const view = await s.messages.selection(box.id);
      assert.ok(view.uids instanceof Uint32Array);
      assert.deepEqual([...view.uids], [1, 2, 3, 5, 6]);
      assert.deepEqual(view.keywords, ['$Label1', 'Work']);
      assert.equal(view.unseen, 3);
      assert.equal(view.firstUnseenUid, 3);
      assert.equal(view.mailbox.id, box.id);
      assert.equal(view.mailbox.uidNext, 7);
      assert.equal(view.mailbox.highestModSeq, (await s.mailboxes.get(box.id))!.highestModSeq);
      await s.messages.storeFlags(box.id, [[1, 6]], { mode: 'add', flags: ['\\Seen'] });
      await s.messages.storeFlags(box.id, [[1, 6]], { mode: 'remove', flags: ['Work', '$Label1'] });
      const later = await s.messages.selection(box.id);
      assert.deepEqual({ keywords: later.keywords, unseen: later.unseen, first: later.firstUnseenUid }, { keywords: [], unseen: 0, first: 0 });
      const part = await s.messages.list(box.id, [[2, 3], [6, 9]]);
      assert.deepEqual([...part.uids], [2, 3, 6]);
      assert.equal(part.sizes[0], tagged.index.size);
      await assert.rejects(s.messages.selection(newId()), (e) => isStoaError(e, 'STOA_NOT_FOUND'));
    });

    it('keeps nothing of a MULTIAPPEND when one message fails', async () => {
      const s = h().store;
      const owner = newId();
      const box = await mailboxFixture(s, owner, 'INBOX');
      const good = await storedMessage(s, { subject: 'good', text: 'fine' });
      const bad = { ...await storedMessage(s, { subject: 'bad', text: 'never stored' }), blobId: 'f'.repeat(64) };
      await assert.rejects(s.messages.append(box.id, [good, bad], T0), (e) => isStoaError(e, 'STOA_NOT_FOUND'));
      await assert.rejects(s.messages.append(box.id, [good, { ...good, flags: ['bad flag'] }], T0), (e) => isStoaError(e, 'STOA_VALIDATION'));
      assert.equal((await s.messages.list(box.id)).uids.length, 0);
      assert.equal((await s.blobs.stat(good.blobId))?.refs, 0);
      assert.equal((await s.mailboxes.get(box.id))?.uidNext, 1);
      assert.deepEqual(await s.messages.usage(owner), { bytes: 0, messages: 0 });
      assert.equal(await s.messages.body(good.blobId), null);
      await assert.rejects(s.messages.append(newId(), [good], T0), (e) => isStoaError(e, 'STOA_NOT_FOUND'));
    });

    it('delivers one body into mailboxes of several accounts: one blob, one body, N refs', async () => {
      const s = h().store;
      const owners = [newId(), newId(), newId()];
      const boxes = await Promise.all(owners.map((o) => mailboxFixture(s, o, 'INBOX')));
      const junk = await mailboxFixture(s, owners[0], 'Junk', '\\Junk');
      const msg = await storedMessage(s, { subject: 'to all', text: 'broadcast' });
      const delivered = await s.messages.deliver(
        [...boxes.map((b) => ({ mailboxId: b.id })), { mailboxId: junk.id, flags: ['$Junk'] }], msg, at(5),
      );
      assert.deepEqual(delivered.map((d) => [d.mailboxId, d.accountId, d.uid]), [
        ...boxes.map((b, i) => [b.id, owners[i], 1]), [junk.id, owners[0], 1],
      ]);
      assert.equal((await s.blobs.stat(msg.blobId))?.refs, 4);
      for (const [i, b] of boxes.entries()) {
        const [m] = await s.messages.fetch(b.id, [[1, 1]]);
        assert.equal(m.emailId, emailIdFor(owners[i], msg.blobId));
        const copies = i === 0 ? 2 : 1; // the first account also got the Junk copy
        assert.deepEqual(await s.messages.usage(owners[i]), { bytes: copies * msg.index.size, messages: copies });
      }
      assert.deepEqual((await s.messages.fetch(junk.id, [[1, 1]]))[0].flags, ['$Junk']);
      const body = await s.messages.body(msg.blobId);
      assert.equal(body?.headers.subject, 'to all');
      assert.equal(body?.root.contentType.subtype, 'plain');
      await assert.rejects(s.messages.deliver([{ mailboxId: boxes[0].id }, { mailboxId: newId() }], msg, T0), (e) => isStoaError(e, 'STOA_NOT_FOUND'));
      assert.equal((await s.blobs.stat(msg.blobId))?.refs, 4, 'a failed delivery delivers nowhere');
    });

    it('lists UIDs, MODSEQs, flags and sizes as compact arrays', async () => {
      const s = h().store;
      const box = await mailboxFixture(s, newId(), 'INBOX');
      const items = await Promise.all([0, 1, 2].map((i) => storedMessage(s, { subject: `l${i}`, text: `list ${i}` }, i === 1 ? ['\\Flagged', '$Label1'] : [])));
      const r = await s.messages.append(box.id, items, T0);
      const list = await s.messages.list(box.id);
      assert.deepEqual([...list.uids], [1, 2, 3]);
      assert.deepEqual([...list.modseqs], [r.modseq, r.modseq, r.modseq]);
      assert.deepEqual([...list.systemFlags], [0, FLAG_BITS['\\Flagged'], 0]);
      assert.deepEqual([...list.keywords], [[2, ['$Label1']]]);
      assert.deepEqual([...list.sizes], items.map((m) => m.index.size));
      await assert.rejects(s.messages.list(newId()), (e) => isStoaError(e, 'STOA_NOT_FOUND'));
    });

    it('reports STATUS counts and sizes', async () => {
      const s = h().store;
      const box = await mailboxFixture(s, newId(), 'INBOX');
      const items = [
        await storedMessage(s, { subject: 's1', text: 'a' }, ['\\Seen']),
        await storedMessage(s, { subject: 's2', text: 'b' }, ['\\Deleted']),
        await storedMessage(s, { subject: 's3', text: 'c' }, ['\\Seen', '\\Deleted']),
      ];
      const r = await s.messages.append(box.id, items, T0);
      assert.deepEqual(await s.messages.status(box.id), {
        // No session has claimed them yet: all three are \Recent to the next one (RFC 3501 §2.3.2).
        messages: 3, unseen: 1, deleted: 2, size: items.reduce((n, m) => n + m.index.size, 0), recent: 3,
        uidNext: 4, uidValidity: box.uidValidity, highestModSeq: r.modseq,
      });
      const empty = await mailboxFixture(s, newId(), 'Empty');
      assert.deepEqual(await s.messages.status(empty.id), {
        messages: 0, unseen: 0, deleted: 0, size: 0, recent: 0, uidNext: 1, uidValidity: empty.uidValidity, highestModSeq: 1,
      });
    });

    it('threads a reply with its parent within the account', async () => {
      const s = h().store;
      const owner = newId();
      const box = await mailboxFixture(s, owner, 'INBOX');
      const parent = await storedMessage(s, { subject: 'q', text: 'question', messageId: '<parent@example.org>' });
      const reply = await storedMessage(s, { subject: 'Re: q', text: 'answer', references: ['<parent@example.org>'] });
      const other = await storedMessage(s, { subject: 'new', text: 'unrelated' });
      await s.messages.append(box.id, [parent], T0);
      await s.messages.append(box.id, [reply, other], T0);
      const [p, r, o] = await s.messages.fetch(box.id, [[1, 3]]);
      assert.equal(r.threadId, p.threadId);
      assert.notEqual(o.threadId, p.threadId);
    });

    it('fetches by scattered UID ranges, skipping missing UIDs', async () => {
      const s = h().store;
      const box = await mailboxFixture(s, newId(), 'INBOX');
      const items = await Promise.all([0, 1, 2, 3, 4].map((i) => storedMessage(s, { subject: `f${i}`, text: `fetch ${i}` })));
      await s.messages.append(box.id, items, T0);
      assert.deepEqual((await s.messages.fetch(box.id, [[1, 1], [3, 4], [9, 20]])).map((m) => m.uid), [1, 3, 4]);
      assert.deepEqual(await s.messages.fetch(box.id, []), []);
    });
  });
}
