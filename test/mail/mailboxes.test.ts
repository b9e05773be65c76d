// MailboxService: default mailboxes, hierarchy, rename (INBOX included),
// deletion rules, sharing through ACLs and groups.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { isStoaError } from '../../server/src/errors/catalogue.ts';
import { groupFixture, domainFixture } from '../../server/src/store/contract/harness.ts';
import { ALL_RIGHTS } from '../../server/src/mail/mailbox-service.ts';
import { openMailHarness, simpleMessage, type MailHarness } from './harness.ts';

describe('mailbox service', () => {
  let h: MailHarness;
  before(async () => { h = await openMailHarness(); });
  after(async () => { await h.close(); });

  it('gives a new account INBOX, Drafts, Sent, Trash, Junk and Archive with special-use, once', async () => {
    const a = await h.account('defaults');
    const first = await h.mailboxes.ensureDefaultMailboxes(a.id);
    assert.deepEqual(first.map((m) => [m.name, m.specialUse, m.subscribed]), [
      ['Archive', '\\Archive', true], ['Drafts', '\\Drafts', true], ['INBOX', null, true],
      ['Junk', '\\Junk', true], ['Sent', '\\Sent', true], ['Trash', '\\Trash', true],
    ]);
    const again = await h.mailboxes.ensureDefaultMailboxes(a.id);
    assert.deepEqual(again, first);
  });

  it('does not add a second \\Sent when the account already has one under another name', async () => {
    const a = await h.account('imported');
    await h.mailboxes.create(a.id, 'Sent Items', { specialUse: '\\Sent' });
    const all = await h.mailboxes.ensureDefaultMailboxes(a.id);
    assert.deepEqual(all.filter((m) => m.specialUse === '\\Sent').map((m) => m.name), ['Sent Items']);
  });

  it('creates missing parents, finds INBOX in any case, refuses duplicates and bad names', async () => {
    const a = await h.account('tree');
    const leaf = await h.mailboxes.create(a.id, 'Projects/2026/Q1');
    assert.deepEqual((await h.mailboxes.list(a.id)).map((m) => m.name), ['Projects', 'Projects/2026', 'Projects/2026/Q1']);
    assert.equal((await h.mailboxes.find(a.id, 'projects/2026/Q1')), null, 'names other than INBOX are case-sensitive');
    assert.equal((await h.mailboxes.find(a.id, 'Projects/2026/Q1'))?.id, leaf.id);
    const inbox = await h.mailboxes.create(a.id, 'inbox');
    assert.equal(inbox.name, 'INBOX');
    assert.equal((await h.mailboxes.find(a.id, 'InBoX'))?.id, inbox.id);
    await assert.rejects(h.mailboxes.create(a.id, 'INBOX'), (e) => isStoaError(e, 'STOA_MAILBOX_EXISTS'));
    await assert.rejects(h.mailboxes.create(a.id, 'a//b'), (e) => isStoaError(e, 'STOA_MAILBOX_NAME_INVALID'));
  });

  it('renames with children and refuses moving a mailbox under itself', async () => {
    const a = await h.account('rename');
    const parent = await h.mailboxes.create(a.id, 'Old');
    await h.mailboxes.create(a.id, 'Old/Child');
    const renamed = await h.mailboxes.rename(parent.id, 'New/Place');
    assert.equal(renamed.uidValidity, parent.uidValidity);
    assert.deepEqual((await h.mailboxes.list(a.id)).map((m) => m.name), ['New', 'New/Place', 'New/Place/Child']);
    await assert.rejects(h.mailboxes.rename(parent.id, 'New/Place/Child/Deeper'), (e) => isStoaError(e, 'STOA_MAILBOX_PROTECTED'));
    await assert.rejects(h.mailboxes.rename(parent.id, 'New'), (e) => isStoaError(e, 'STOA_MAILBOX_EXISTS'));
  });

  it('renames INBOX by moving its messages to the new mailbox, leaving INBOX empty (RFC 9051 §6.3.6)', async () => {
    const a = await h.account('inbox-rename');
    const [inbox] = (await h.mailboxes.ensureDefaultMailboxes(a.id)).filter((m) => m.name === 'INBOX');
    await h.messages.append(inbox.id, { source: simpleMessage('one', 'first') });
    await h.messages.append(inbox.id, { source: simpleMessage('two', 'second') });
    const old = await h.mailboxes.rename(inbox.id, 'Old Inbox');
    assert.notEqual(old.id, inbox.id);
    assert.equal((await h.mailboxes.status(old.id)).messages, 2);
    assert.equal((await h.mailboxes.status(inbox.id)).messages, 0);
    assert.equal((await h.mailboxes.get(inbox.id)).name, 'INBOX');
  });

  it('deletes a mailbox and its messages, but not INBOX nor a mailbox with children', async () => {
    const a = await h.account('delete');
    const [inbox] = (await h.mailboxes.ensureDefaultMailboxes(a.id)).filter((m) => m.name === 'INBOX');
    const parent = await h.mailboxes.create(a.id, 'Parent/Child');
    await assert.rejects(h.mailboxes.delete(inbox.id), (e) => isStoaError(e, 'STOA_MAILBOX_PROTECTED'));
    const p = (await h.mailboxes.find(a.id, 'Parent'))!;
    await assert.rejects(h.mailboxes.delete(p.id), (e) => isStoaError(e, 'STOA_MAILBOX_HAS_CHILDREN'));
    await h.messages.append(parent.id, { source: simpleMessage('gone', 'soon') });
    await h.mailboxes.delete(parent.id);
    await h.mailboxes.delete(p.id);
    assert.equal(await h.mailboxes.find(a.id, 'Parent'), null);
    assert.deepEqual((await h.mailboxes.quota(a.id)).usage, { bytes: 0, messages: 0 });
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
    const team = await h.mailboxes.create(owner.id, 'Team');
    await h.mailboxes.setAcl(team.id, outer.id, 'lr');
    await h.mailboxes.setAcl(team.id, reader.id, 'rsw');
    assert.deepEqual((await h.mailboxes.sharedWith(reader.id)).map((s) => [s.mailbox.name, s.rights]).sort(), [['Team', 'lr'], ['Team', 'rsw']]);
    assert.equal(await h.mailboxes.rightsFor(reader.id, team), 'lrsw');
    assert.equal(await h.mailboxes.rightsFor(owner.id, team), ALL_RIGHTS);
    assert.equal(await h.mailboxes.rightsFor(outsider.id, team), '');
    await h.mailboxes.setAcl(team.id, 'anyone', 'l');
    assert.equal(await h.mailboxes.rightsFor(outsider.id, team), 'l');
    await assert.rejects(h.mailboxes.setAcl(team.id, reader.id, 'R!'), (e) => isStoaError(e, 'STOA_VALIDATION'));
  });

  it('publishes a mailbox event after create, rename and delete', async () => {
    const a = await h.account('events');
    const before = h.events.length;
    const m = await h.mailboxes.create(a.id, 'Watched');
    await h.mailboxes.rename(m.id, 'Watched2');
    await h.mailboxes.delete(m.id);
    assert.deepEqual(h.events.slice(before).map((e) => [e.kind, e.mailboxId]), [['mailbox', m.id], ['mailbox', m.id], ['mailbox', m.id]]);
  });
});
