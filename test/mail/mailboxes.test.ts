// MailboxService: default mailboxes, hierarchy, rename (INBOX included),
// deletion rules, sharing through ACLs and groups.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { isStoaError } from '../../server/src/errors/catalogue.ts';
import { groupFixture, domainFixture } from '../../server/src/store/contract/harness.ts';
import { ALL_RIGHTS } from '../../server/src/mail/mailbox-service.ts';
import { openMailHarness, simpleMessage, type MailHarness } from './harness.ts';
import { actorFor, systemActor as makeSystemActor } from '../../server/src/directory/access.ts';
import type { MailboxChange } from '../../server/src/events/change-bus.ts';

const SYSTEM = makeSystemActor();

describe('mailbox service', () => {
  let h: MailHarness;
  before(async () => { h = await openMailHarness(); });
  after(async () => { await h.close(); });

  it('gives a new account INBOX, Drafts, Sent, Trash, Junk and Archive with special-use, once', async () => {
    const a = await h.account('defaults');
    const first = await h.mailboxes.ensureDefaultMailboxes(SYSTEM, a.id);
    assert.deepEqual(first.map((m) => [m.name, m.specialUse, m.subscribed]), [
      ['Archive', '\\Archive', true], ['Drafts', '\\Drafts', true], ['INBOX', null, true],
      ['Junk', '\\Junk', true], ['Sent', '\\Sent', true], ['Trash', '\\Trash', true],
    ]);
    const again = await h.mailboxes.ensureDefaultMailboxes(SYSTEM, a.id);
    assert.deepEqual(again, first);
  });

  it('does not add a second \\Sent when the account already has one under another name', async () => {
    const a = await h.account('imported');
    await h.mailboxes.create(SYSTEM, a.id, 'Sent Items', { specialUse: '\\Sent' });
    const all = await h.mailboxes.ensureDefaultMailboxes(SYSTEM, a.id);
    assert.deepEqual(all.filter((m) => m.specialUse === '\\Sent').map((m) => m.name), ['Sent Items']);
  });

  it('creates missing parents, finds INBOX in any case, refuses duplicates and bad names', async () => {
    const a = await h.account('tree');
    const leaf = await h.mailboxes.create(SYSTEM, a.id, 'Projects/2026/Q1');
    assert.deepEqual((await h.mailboxes.list(SYSTEM, a.id)).map((m) => m.name), ['Projects', 'Projects/2026', 'Projects/2026/Q1']);
    assert.equal((await h.mailboxes.find(SYSTEM, a.id, 'projects/2026/Q1')), null, 'names other than INBOX are case-sensitive');
    assert.equal((await h.mailboxes.find(SYSTEM, a.id, 'Projects/2026/Q1'))?.mailbox.id, leaf.id);
    const inbox = await h.mailboxes.create(SYSTEM, a.id, 'inbox');
    assert.equal(inbox.name, 'INBOX');
    assert.equal((await h.mailboxes.find(SYSTEM, a.id, 'InBoX'))?.mailbox.id, inbox.id);
    await assert.rejects(h.mailboxes.create(SYSTEM, a.id, 'INBOX'), (e) => isStoaError(e, 'STOA_MAILBOX_EXISTS'));
    await assert.rejects(h.mailboxes.create(SYSTEM, a.id, 'a//b'), (e) => isStoaError(e, 'STOA_MAILBOX_NAME_INVALID'));
  });

  it('renames with children and refuses moving a mailbox under itself', async () => {
    const a = await h.account('rename');
    const parent = await h.mailboxes.create(SYSTEM, a.id, 'Old');
    await h.mailboxes.create(SYSTEM, a.id, 'Old/Child');
    const renamed = await h.mailboxes.rename(SYSTEM, parent.id, 'New/Place');
    assert.equal(renamed.uidValidity, parent.uidValidity);
    assert.deepEqual((await h.mailboxes.list(SYSTEM, a.id)).map((m) => m.name), ['New', 'New/Place', 'New/Place/Child']);
    await assert.rejects(h.mailboxes.rename(SYSTEM, parent.id, 'New/Place/Child/Deeper'), (e) => isStoaError(e, 'STOA_MAILBOX_PROTECTED'));
    await assert.rejects(h.mailboxes.rename(SYSTEM, parent.id, 'New'), (e) => isStoaError(e, 'STOA_MAILBOX_EXISTS'));
  });

  it('renames INBOX by moving its messages to the new mailbox, leaving INBOX empty (RFC 9051 §6.3.6)', async () => {
    const a = await h.account('inbox-rename');
    const [inbox] = (await h.mailboxes.ensureDefaultMailboxes(SYSTEM, a.id)).filter((m) => m.name === 'INBOX');
    await h.messages.append(SYSTEM, inbox.id, { source: simpleMessage('one', 'first') });
    await h.messages.append(SYSTEM, inbox.id, { source: simpleMessage('two', 'second') });
    const old = await h.mailboxes.rename(SYSTEM, inbox.id, 'Old Inbox');
    assert.notEqual(old.id, inbox.id);
    assert.equal((await h.mailboxes.status(SYSTEM, old.id)).messages, 2);
    assert.equal((await h.mailboxes.status(SYSTEM, inbox.id)).messages, 0);
    assert.equal((await h.mailboxes.get(SYSTEM, inbox.id)).mailbox.name, 'INBOX');
  });

  it('deletes a mailbox and its messages, but not INBOX nor a mailbox with children', async () => {
    const a = await h.account('delete');
    const [inbox] = (await h.mailboxes.ensureDefaultMailboxes(SYSTEM, a.id)).filter((m) => m.name === 'INBOX');
    const parent = await h.mailboxes.create(SYSTEM, a.id, 'Parent/Child');
    await assert.rejects(h.mailboxes.delete(SYSTEM, inbox.id), (e) => isStoaError(e, 'STOA_MAILBOX_PROTECTED'));
    const p = (await h.mailboxes.find(SYSTEM, a.id, 'Parent'))!.mailbox;
    await assert.rejects(h.mailboxes.delete(SYSTEM, p.id), (e) => isStoaError(e, 'STOA_MAILBOX_HAS_CHILDREN'));
    await h.messages.append(SYSTEM, parent.id, { source: simpleMessage('gone', 'soon') });
    await h.mailboxes.delete(SYSTEM, parent.id);
    await h.mailboxes.delete(SYSTEM, p.id);
    assert.equal(await h.mailboxes.find(SYSTEM, a.id, 'Parent'), null);
    assert.deepEqual((await h.mailboxes.quota(SYSTEM, a.id)).usage, { bytes: 0, messages: 0 });
  });

  it('shares a mailbox with an account through a nested group, and reports rights', async () => {
    const owner = await h.account('owner');
    const reader = await h.account('reader');
    const outsider = await h.account('outsider');
    const domain = domainFixture('groups.test');
    await h.store.domains.create(domain);
    const inner = groupFixture(domain, 'inner', { members: [{ kind: 'account', id: reader.id }] });
    const outer = groupFixture(domain, 'outer', { members: [{ kind: 'group', id: inner.id }] });
    await h.store.groups.create(inner);
    await h.store.groups.create(outer);
    const team = await h.mailboxes.create(SYSTEM, owner.id, 'Team');
    await h.mailboxes.setAcl(SYSTEM, team.id, outer.id, 'lr');
    await h.mailboxes.setAcl(SYSTEM, team.id, reader.id, 'rsw');
    // One entry per shared mailbox, with the union of the rights that reach the reader.
    assert.deepEqual((await h.mailboxes.sharedWith(actorFor(reader, null))).map((s) => [s.mailbox.name, s.myRights]), [['Team', 'lrsw']]);
    assert.equal(await h.mailboxes.myRights(actorFor(reader, null), team.id), 'lrsw');
    assert.equal(await h.mailboxes.myRights(actorFor(owner, null), team.id), ALL_RIGHTS);
    assert.equal(await h.mailboxes.myRights(actorFor(outsider, null), team.id), '');
    await h.mailboxes.setAcl(SYSTEM, team.id, 'anyone', 'l');
    assert.equal(await h.mailboxes.myRights(actorFor(outsider, null), team.id), 'l');
    await assert.rejects(h.mailboxes.setAcl(SYSTEM, team.id, reader.id, 'R!'), (e) => isStoaError(e, 'STOA_VALIDATION'));
  });

  it('publishes a mailbox event after create, rename and delete', async () => {
    const a = await h.account('events');
    const before = h.events.length;
    const m = await h.mailboxes.create(SYSTEM, a.id, 'Watched');
    await h.mailboxes.rename(SYSTEM, m.id, 'Watched2');
    await h.mailboxes.delete(SYSTEM, m.id);
    assert.deepEqual(h.events.slice(before).map((e) => [e.kind, (e as MailboxChange).mailboxId]), [['mailbox', m.id], ['mailbox', m.id], ['mailbox', m.id]]);
  });
});
