// MailboxStore contract: creation with a fresh UIDVALIDITY, lookups, rename
// with children, special-use, deletion (messages, refs, usage), ACLs and
// subscriptions.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { isStoaError } from '../../errors/catalogue.ts';
import { T0, newId, useHarness, type StoreFactory } from './harness.ts';
import { mailboxFixture, storedMessage } from './mail-fixtures.ts';

export function mailboxContract(factory: StoreFactory): void {
  describe('mailboxes', () => {
    const h = useHarness(factory, { before, after });
    const account = newId();

    it('creates a mailbox with uidNext 1, highestModSeq 1 and a uidValidity, and finds it by id and name', async () => {
      const s = h().store;
      const m = await mailboxFixture(s, account, 'INBOX');
      assert.equal(m.uidNext, 1);
      assert.equal(m.highestModSeq, 1);
      assert.ok(m.uidValidity > 0 && m.uidValidity <= 0xffffffff);
      assert.equal(m.subscribed, true);
      assert.deepEqual(await s.mailboxes.get(m.id), m);
      assert.deepEqual(await s.mailboxes.getByName(account, 'INBOX'), m);
      assert.equal(await s.mailboxes.getByName(newId(), 'INBOX'), null);
      assert.equal(await s.mailboxes.get(newId()), null);
    });

    it('hands each \\Recent UID to one claimer only (RFC 3501 §2.3.2), and counts the unclaimed in status', async () => {
      const s = h().store;
      const m = await mailboxFixture(s, account, 'Recent');
      assert.equal(m.recentUid, 1);
      await s.messages.append(m.id, [await storedMessage(s, { subject: 'r1', text: 'one' }), await storedMessage(s, { subject: 'r2', text: 'two' })], T0);
      assert.equal((await s.messages.status(m.id)).recent, 2);
      const claims = await Promise.all([s.mailboxes.claimRecent(m.id, 2), s.mailboxes.claimRecent(m.id, 2)]);
      // One claim starts at 1 (it gets 1..2), the other after it (it gets nothing).
      assert.deepEqual(claims.sort(), [1, 3]);
      assert.equal((await s.messages.status(m.id)).recent, 0);
      assert.equal((await s.mailboxes.get(m.id))!.recentUid, 3);
      assert.equal(await s.mailboxes.claimRecent(m.id, 1), 3);
      assert.equal((await s.mailboxes.get(m.id))!.recentUid, 3);
    });

    it('refuses a second mailbox with the same name in one account, allows it in another', async () => {
      const s = h().store;
      await mailboxFixture(s, account, 'Dup');
      await assert.rejects(mailboxFixture(s, account, 'Dup'), (e) => isStoaError(e, 'STOA_CONFLICT'));
      await mailboxFixture(s, newId(), 'Dup');
    });

    it('gives a recreated mailbox a new uidValidity', async () => {
      const s = h().store;
      const first = await mailboxFixture(s, account, 'Again');
      await s.mailboxes.delete(first.id);
      const second = await mailboxFixture(s, account, 'Again');
      assert.ok(second.uidValidity > first.uidValidity);
    });

    it('lists an account\'s mailboxes by name', async () => {
      const s = h().store;
      const owner = newId();
      for (const name of ['b', 'a/c', 'a']) await mailboxFixture(s, owner, name);
      assert.deepEqual((await s.mailboxes.list(owner)).map((m) => m.name), ['a', 'a/c', 'b']);
    });

    it('renames a mailbox with its children, keeping uidValidity and subscriptions', async () => {
      const s = h().store;
      const owner = newId();
      const parent = await mailboxFixture(s, owner, 'Work');
      const child = await mailboxFixture(s, owner, 'Work/2026');
      const unrelated = await mailboxFixture(s, owner, 'Workshop');
      const renamed = await s.mailboxes.rename(parent.id, 'Jobs/Old');
      assert.equal(renamed.name, 'Jobs/Old');
      assert.equal(renamed.uidValidity, parent.uidValidity);
      assert.equal((await s.mailboxes.get(child.id))?.name, 'Jobs/Old/2026');
      assert.equal((await s.mailboxes.get(unrelated.id))?.name, 'Workshop');
      assert.deepEqual(await s.mailboxes.subscriptions(owner), ['Jobs/Old', 'Jobs/Old/2026', 'Workshop']);
      await assert.rejects(s.mailboxes.rename(unrelated.id, 'Jobs/Old'), (e) => isStoaError(e, 'STOA_CONFLICT'));
      assert.equal((await s.mailboxes.get(unrelated.id))?.name, 'Workshop', 'a failed rename changes nothing');
    });

    it('sets and clears special-use', async () => {
      const s = h().store;
      const m = await mailboxFixture(s, account, 'Spam');
      assert.equal((await s.mailboxes.setSpecialUse(m.id, '\\Junk')).specialUse, '\\Junk');
      assert.equal((await s.mailboxes.setSpecialUse(m.id, null)).specialUse, null);
      await assert.rejects(s.mailboxes.setSpecialUse(newId(), '\\Junk'), (e) => isStoaError(e, 'STOA_NOT_FOUND'));
    });

    it('deletes a mailbox with its messages, dropping blob refs and usage', async () => {
      const s = h().store;
      const owner = newId();
      const keep = await mailboxFixture(s, owner, 'Keep');
      const doomed = await mailboxFixture(s, owner, 'Doomed');
      const shared = await storedMessage(s, { subject: 'shared', text: 'in both mailboxes' });
      const only = await storedMessage(s, { subject: 'only', text: 'only in the doomed one' });
      await s.messages.append(keep.id, [shared], T0);
      await s.messages.append(doomed.id, [shared, only], T0);
      assert.equal((await s.blobs.stat(shared.blobId))?.refs, 2);
      const result = await s.mailboxes.delete(doomed.id);
      assert.equal(result.messages, 2);
      assert.equal(await s.mailboxes.get(doomed.id), null);
      assert.equal((await s.blobs.stat(shared.blobId))?.refs, 1);
      assert.equal((await s.blobs.stat(only.blobId))?.refs, 0);
      assert.equal(await s.messages.body(only.blobId), null, 'a body without copies is gone');
      assert.notEqual(await s.messages.body(shared.blobId), null);
      assert.deepEqual(await s.messages.usage(owner), { bytes: shared.index.size, messages: 1 });
      await assert.rejects(s.mailboxes.delete(doomed.id), (e) => isStoaError(e, 'STOA_NOT_FOUND'));
    });

    it('keeps ACL entries per identifier and lists mailboxes shared with identifiers', async () => {
      const s = h().store;
      const owner = newId();
      const reader = newId();
      const group = newId();
      const m = await mailboxFixture(s, owner, 'Team');
      await s.mailboxes.setAcl(m.id, reader, 'lrs');
      await s.mailboxes.setAcl(m.id, group, 'lrswi');
      await s.mailboxes.setAcl(m.id, reader, 'lr');
      assert.deepEqual(await s.mailboxes.getAcl(m.id), [{ identifier: reader, rights: 'lr' }, { identifier: group, rights: 'lrswi' }]
        .sort((a, b) => a.identifier.localeCompare(b.identifier)));
      const shared = await s.mailboxes.sharedWith([reader, group, 'anyone']);
      assert.deepEqual(shared.map((x) => [x.mailbox.id, x.rights]).sort(), [[m.id, 'lr'], [m.id, 'lrswi']].sort());
      await s.mailboxes.setAcl(m.id, reader, null);
      assert.deepEqual((await s.mailboxes.sharedWith([reader])), []);
      assert.deepEqual(await s.mailboxes.sharedWith([]), []);
      await s.mailboxes.delete(m.id);
      assert.deepEqual(await s.mailboxes.sharedWith([group]), [], 'ACL goes with the mailbox');
    });

    it('keeps subscriptions for names without a mailbox (RFC 9051 §6.3.9)', async () => {
      const s = h().store;
      const owner = newId();
      const m = await mailboxFixture(s, owner, 'Lists');
      await s.mailboxes.subscribe(owner, 'Elsewhere');
      await s.mailboxes.subscribe(owner, 'Elsewhere');
      await s.mailboxes.unsubscribe(owner, 'Lists');
      assert.equal((await s.mailboxes.get(m.id))?.subscribed, false);
      await s.mailboxes.delete(m.id);
      assert.deepEqual(await s.mailboxes.subscriptions(owner), ['Elsewhere']);
    });
  });
}
