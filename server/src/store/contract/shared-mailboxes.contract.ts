// Shared mailboxes, delegation grants and public-folder addresses: one owner
// per address across every kind, an account turned into a shared mailbox in
// one transaction under the same id, grants unique per owner/grantee/right,
// and nothing half-written when a transaction fails.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { isStoaError } from '../../errors/catalogue.ts';
import type { MailboxGrantRecord, PublicFolderAddress, SharedMailbox } from '../shared-mailbox-port.ts';
import { T0, accountFixture, aliasFixture, at, domainFixture, groupFixture, newId, useHarness, type StoreFactory } from './harness.ts';
import type { Domain } from '../../../../shared/src/schemas/directory.ts';

export function sharedMailboxFixture(domain: Domain, local: string, extra: Partial<SharedMailbox> = {}): SharedMailbox {
  return {
    id: newId(), domainId: domain.id, address: `${local}@${domain.name}`, displayName: local, enabled: true,
    quotaBytes: 0, quotaMessages: 0, forwardTo: [], keepForwardedCopy: true, copySent: true, createdAt: T0, updatedAt: T0, ...extra,
  };
}

function grantFixture(ownerId: string, domainId: string, granteeId: string, right: MailboxGrantRecord['right'], extra: Partial<MailboxGrantRecord> = {}): MailboxGrantRecord {
  return { id: newId(), ownerId, ownerKind: 'shared-mailbox', domainId, granteeKind: 'account', granteeId, right, createdAt: T0, ...extra };
}

export function sharedMailboxContract(factory: StoreFactory): void {
  describe('shared mailboxes, grants and public-folder addresses', () => {
    const h = useHarness(factory, { before, after });
    const d = domainFixture('shared.example');
    const other = domainFixture('other-shared.example');
    before(async () => {
      await h().store.domains.create(d);
      await h().store.domains.create(other);
    });

    it('a shared mailbox owns its address against every other kind, and frees it on delete', async () => {
      const s = h().store;
      const sales = sharedMailboxFixture(d, 'sales');
      await s.sharedMailboxes.create(sales);
      assert.deepEqual(await s.addresses.resolve(sales.address), { kind: 'shared-mailbox', id: sales.id });
      assert.deepEqual(await s.sharedMailboxes.getByAddress(sales.address), sales);
      await assert.rejects(s.accounts.create(accountFixture(d, 'sales')), (e) => isStoaError(e, 'STOA_ADDRESS_TAKEN'));
      await assert.rejects(s.aliases.create(aliasFixture(d, 'sales')), (e) => isStoaError(e, 'STOA_ADDRESS_TAKEN'));
      await assert.rejects(s.sharedMailboxes.create(sharedMailboxFixture(d, 'sales')), (e) => isStoaError(e, 'STOA_ADDRESS_TAKEN'));
      const account = accountFixture(d, 'taken-first');
      await s.accounts.create(account);
      await assert.rejects(s.sharedMailboxes.create(sharedMailboxFixture(d, 'taken-first')), (e) => isStoaError(e, 'STOA_ADDRESS_TAKEN'));
      await s.sharedMailboxes.delete(sales.id);
      assert.equal(await s.addresses.resolve(sales.address), null);
      assert.equal(await s.sharedMailboxes.get(sales.id), null);
      await assert.rejects(s.sharedMailboxes.delete(sales.id), (e) => isStoaError(e, 'STOA_NOT_FOUND'));
    });

    it('updates change only what the patch names; address, domain and creation time stay', async () => {
      const s = h().store;
      const box = sharedMailboxFixture(d, 'patchme');
      await s.sharedMailboxes.create(box);
      const after = await s.sharedMailboxes.update(box.id, { displayName: 'Patched', copySent: false, updatedAt: at(5) });
      assert.deepEqual(after, { ...box, displayName: 'Patched', copySent: false, updatedAt: at(5) });
      await assert.rejects(s.sharedMailboxes.update('missing-id', { displayName: 'x' }), (e) => isStoaError(e, 'STOA_NOT_FOUND'));
    });

    it('lists by domain scope, sorted, with a substring filter and counts per domain', async () => {
      const s = h().store;
      for (const local of ['list-a', 'list-b', 'list-c']) await s.sharedMailboxes.create(sharedMailboxFixture(d, local));
      await s.sharedMailboxes.create(sharedMailboxFixture(other, 'list-z'));
      const mine = await s.sharedMailboxes.list({ offset: 0, limit: 50, sort: 'address', order: 'asc', scope: [d.id], q: 'list-' });
      assert.deepEqual(mine.items.map((m) => m.address), ['list-a', 'list-b', 'list-c'].map((l) => `${l}@${d.name}`));
      assert.equal(mine.total, 3);
      const none = await s.sharedMailboxes.list({ offset: 0, limit: 50, sort: 'address', order: 'asc', scope: [] });
      assert.equal(none.total, 0);
      const all = await s.sharedMailboxes.list({ offset: 0, limit: 50, sort: 'address', order: 'desc', scope: null, q: 'list-' });
      assert.equal(all.items[0].address, `list-z@${other.name}`);
      assert.equal(await s.sharedMailboxes.countInDomain(other.id), 1);
    });

    it('a domain with a shared mailbox cannot be deleted', async () => {
      const s = h().store;
      const lone = domainFixture('lone-shared.example');
      await s.domains.create(lone);
      const box = sharedMailboxFixture(lone, 'only');
      await s.sharedMailboxes.create(box);
      await assert.rejects(s.domains.delete(lone.id), (e) => isStoaError(e, 'STOA_DOMAIN_NOT_EMPTY'));
      await s.sharedMailboxes.delete(box.id);
      await s.domains.delete(lone.id);
    });

    it('an account becomes a shared mailbox under the same id and address in one transaction, and back', async () => {
      const s = h().store;
      const account = accountFixture(d, 'convert-me', { quotaBytes: 1234 });
      await s.accounts.create(account);
      await s.atomic(async (tx) => {
        await tx.accounts.delete(account.id);
        await tx.sharedMailboxes.create(sharedMailboxFixture(d, 'convert-me', { id: account.id, quotaBytes: 1234 }));
      });
      assert.deepEqual(await s.addresses.resolve(account.address), { kind: 'shared-mailbox', id: account.id });
      assert.equal(await s.accounts.get(account.id), null);
      await s.atomic(async (tx) => {
        await tx.sharedMailboxes.delete(account.id);
        await tx.accounts.create(account);
      });
      assert.deepEqual(await s.addresses.resolve(account.address), { kind: 'account', id: account.id });
      assert.equal(await s.sharedMailboxes.get(account.id), null);
    });

    it('a conversion that fails half-way leaves the account as it was', async () => {
      const s = h().store;
      const account = accountFixture(d, 'stays-account');
      await s.accounts.create(account);
      await assert.rejects(s.atomic(async (tx) => {
        await tx.accounts.delete(account.id);
        await tx.sharedMailboxes.create(sharedMailboxFixture(d, 'stays-account', { id: account.id }));
        throw new Error('crash before commit');
      }), /crash before commit/);
      assert.deepEqual(await s.accounts.get(account.id), account);
      assert.deepEqual(await s.addresses.resolve(account.address), { kind: 'account', id: account.id });
      assert.equal(await s.sharedMailboxes.get(account.id), null);
    });

    it('grants are unique per owner, grantee and right, and are found by owner and by grantee', async () => {
      const s = h().store;
      const box = sharedMailboxFixture(d, 'granted');
      await s.sharedMailboxes.create(box);
      const alice = accountFixture(d, 'g-alice');
      const team = groupFixture(d, 'g-team');
      await s.accounts.create(alice);
      await s.groups.create(team);
      const full = grantFixture(box.id, d.id, team.id, 'full-access', { granteeKind: 'group', createdAt: at(1) });
      const sendAs = grantFixture(box.id, d.id, alice.id, 'send-as', { createdAt: at(2) });
      await s.mailboxGrants.add(full);
      await s.mailboxGrants.add(sendAs);
      await assert.rejects(s.mailboxGrants.add(grantFixture(box.id, d.id, team.id, 'full-access', { granteeKind: 'group' })), (e) => isStoaError(e, 'STOA_CONFLICT'));
      await s.mailboxGrants.add(grantFixture(box.id, d.id, alice.id, 'send-on-behalf', { createdAt: at(3) }));
      assert.deepEqual((await s.mailboxGrants.forOwner(box.id)).map((g) => g.right), ['full-access', 'send-as', 'send-on-behalf']);
      assert.deepEqual(await s.mailboxGrants.get(full.id), full);
      assert.equal(await s.mailboxGrants.countForOwner(box.id), 3);
      assert.deepEqual((await s.mailboxGrants.forGrantees([alice.id, team.id], 'full-access')).map((g) => g.id), [full.id]);
      assert.equal((await s.mailboxGrants.forGrantees([alice.id])).length, 2);
      assert.deepEqual(await s.mailboxGrants.forGrantees([]), []);
      await s.mailboxGrants.remove(sendAs.id);
      await assert.rejects(s.mailboxGrants.remove(sendAs.id), (e) => isStoaError(e, 'STOA_NOT_FOUND'));
      assert.deepEqual((await s.mailboxGrants.deleteForGrantee(alice.id)).map((g) => g.right), ['send-on-behalf']);
      assert.deepEqual((await s.mailboxGrants.deleteForOwner(box.id)).map((g) => g.id), [full.id]);
      assert.equal(await s.mailboxGrants.countForOwner(box.id), 0);
    });

    it('a grant written in a failed transaction is not there', async () => {
      const s = h().store;
      const box = sharedMailboxFixture(d, 'rollback-grant');
      await s.sharedMailboxes.create(box);
      await assert.rejects(s.atomic(async (tx) => {
        await tx.mailboxGrants.add(grantFixture(box.id, d.id, 'someone', 'send-as'));
        throw new Error('abort');
      }), /abort/);
      assert.deepEqual(await s.mailboxGrants.forOwner(box.id), []);
    });

    it('a public folder address is claimed like any other, one per folder, and released on delete', async () => {
      const s = h().store;
      const entry: PublicFolderAddress = { mailboxId: newId(), domainId: d.id, address: `invoices@${d.name}`, acceptExternal: false, createdAt: T0, updatedAt: T0 };
      await s.publicFolderAddresses.create(entry);
      assert.deepEqual(await s.addresses.resolve(entry.address), { kind: 'public-folder', id: entry.mailboxId });
      assert.deepEqual(await s.publicFolderAddresses.getByMailbox(entry.mailboxId), entry);
      assert.deepEqual(await s.publicFolderAddresses.getByAddress(entry.address), entry);
      await assert.rejects(s.accounts.create(accountFixture(d, 'invoices')), (e) => isStoaError(e, 'STOA_ADDRESS_TAKEN'));
      await assert.rejects(s.publicFolderAddresses.create({ ...entry, address: `second@${d.name}` }), (e) => isStoaError(e, 'STOA_CONFLICT'));
      assert.equal(await s.addresses.resolve(`second@${d.name}`), null, 'the refused second address was not claimed');
      await assert.rejects(s.publicFolderAddresses.create({ ...entry, mailboxId: newId() }), (e) => isStoaError(e, 'STOA_ADDRESS_TAKEN'));
      const changed = await s.publicFolderAddresses.update(entry.mailboxId, { acceptExternal: true, updatedAt: at(9) });
      assert.deepEqual(changed, { ...entry, acceptExternal: true, updatedAt: at(9) });
      assert.deepEqual((await s.publicFolderAddresses.listInDomain(d.id)).map((e) => e.address), [entry.address]);
      assert.equal(await s.publicFolderAddresses.delete(entry.mailboxId), true);
      assert.equal(await s.publicFolderAddresses.delete(entry.mailboxId), false);
      assert.equal(await s.addresses.resolve(entry.address), null);
    });
  });
}
