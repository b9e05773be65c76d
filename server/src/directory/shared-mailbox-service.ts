// Shared mailboxes (Exchange's shared mailbox, Kerio's public mailbox):
// directory objects with an address, a quota, forwarding and a mailbox tree
// owned under their own id, and no password. Nobody logs in as one; people
// open it and send from it through grants (mailbox-grant-service.ts). Every
// change commits with its audit entry; what open sessions must hear goes out
// on the change bus after the commit.
import type { Account } from '../../../shared/src/schemas/directory.ts';
import type { SharedMailbox, SharedMailboxCreate, SharedMailboxUpdate } from '../../../shared/src/schemas/shared-mailboxes.ts';
import { diff, writeAudit } from '../audit/audit-log.ts';
import { StoaError } from '../errors/catalogue.ts';
import type { AccountRecord, StoreTx } from '../store/port.ts';
import { listScope, notFound, requireAdmin, requireVisible } from './access.ts';
import { loadAccount, toAccount } from './account-access.ts';
import type { Actor } from './api.ts';
import type { DirectoryContext } from './context.ts';
import { publishGrantChange, removeGrantsHeldBy, removeGrantsOn } from './delegation.ts';
import { domainFilter, homeDomainFor } from './domain-scope.ts';
import { normaliseForwardTo } from './forwarding.ts';
import { refuseForwardingLoop } from './forwarding-loop.ts';
import { isoNow } from './ids.ts';
import { toListOptions } from './list-params.ts';
import { findByIdOrAddress } from './lookup.ts';
import { checkNewName } from './mixed-script.ts';
import { parseAddress } from './names.ts';
import { hashPassword } from './password-hash.ts';
import { checkPasswordPolicy } from './password-policy.ts';
import { removeResourceManagerEverywhere } from './reference-cleanup.ts';
import type { SharedMailboxService } from './shared-mailbox-api.ts';
import { newId } from './ids.ts';

const WHAT = 'shared mailbox';

/** The shared mailbox with this id or address, if the actor administers its domain (NOT_FOUND otherwise). */
export async function loadSharedMailbox(db: StoreTx, actor: Actor, key: string): Promise<SharedMailbox> {
  requireAdmin(actor, 'manage shared mailboxes');
  const found = await findByIdOrAddress(key, (id) => db.sharedMailboxes.get(id), (a) => db.sharedMailboxes.getByAddress(a));
  if (!found) throw notFound(WHAT, key);
  requireVisible(actor, found.domainId, WHAT, key);
  return found;
}

/**
 * An account's group memberships become memberships of its address: a list
 * that mailed the account keeps mailing the shared mailbox, and no security
 * group lists an id that no longer logs in.
 */
async function membershipsToAddress(tx: StoreTx, actor: Actor, at: string, account: AccountRecord): Promise<void> {
  for (const group of await tx.groups.containing({ kind: 'account', id: account.id })) {
    const members = group.members.map((m) => (m.kind === 'account' && m.id === account.id ? { kind: 'external' as const, address: account.address } : m));
    await tx.groups.update(group.id, { members, updatedAt: at });
    await writeAudit(tx, actor, at, {
      action: 'update', objectType: 'group', objectId: group.id, domainId: group.domainId, before: { members: group.members }, after: { members },
    });
  }
}

export function createSharedMailboxService(ctx: DirectoryContext): SharedMailboxService {
  const { store, config } = ctx;

  async function forwarding(tx: StoreTx, own: string, targets: readonly string[] | undefined, fallback: string[]): Promise<string[]> {
    if (targets === undefined) return fallback;
    const normalised = normaliseForwardTo(targets, own);
    await refuseForwardingLoop(tx, own, normalised);
    return normalised;
  }

  return {
    async create(actor, input: SharedMailboxCreate) {
      requireAdmin(actor, 'create shared mailboxes');
      const parsed = parseAddress(input.address);
      checkNewName(actor, { local: parsed.local }, input.allowMixedScript);
      return store.atomic(async (tx) => {
        const domain = await homeDomainFor(tx, actor, parsed.domain, WHAT);
        const at = isoNow(ctx.now());
        const mailbox: SharedMailbox = {
          id: newId(),
          domainId: domain.id,
          address: parsed.address,
          displayName: input.displayName?.trim() ?? '',
          enabled: input.enabled ?? true,
          quotaBytes: input.quotaBytes ?? domain.defaultQuotaBytes,
          quotaMessages: input.quotaMessages ?? domain.defaultQuotaMessages,
          forwardTo: await forwarding(tx, parsed.address, input.forwardTo, []),
          keepForwardedCopy: input.keepForwardedCopy ?? true,
          // Exchange files mail sent as a shared mailbox in its Sent Items when asked; users expect it, so on by default.
          copySent: input.copySent ?? true,
          createdAt: at,
          updatedAt: at,
        };
        await tx.sharedMailboxes.create(mailbox);
        await writeAudit(tx, actor, at, { action: 'create', objectType: 'shared-mailbox', objectId: mailbox.id, domainId: domain.id, before: null, after: mailbox });
        return mailbox;
      });
    },

    async get(actor, idOrAddress) {
      return loadSharedMailbox(store, actor, idOrAddress);
    },

    async update(actor, idOrAddress, patch: SharedMailboxUpdate) {
      return store.atomic(async (tx) => {
        const before = await loadSharedMailbox(tx, actor, idOrAddress);
        const at = isoNow(ctx.now());
        const changes: Partial<SharedMailbox> = { updatedAt: at };
        if (patch.displayName !== undefined) changes.displayName = patch.displayName.trim();
        if (patch.enabled !== undefined) changes.enabled = patch.enabled;
        if (patch.quotaBytes !== undefined) changes.quotaBytes = patch.quotaBytes;
        if (patch.quotaMessages !== undefined) changes.quotaMessages = patch.quotaMessages;
        if (patch.forwardTo !== undefined) changes.forwardTo = await forwarding(tx, before.address, patch.forwardTo, before.forwardTo);
        if (patch.keepForwardedCopy !== undefined) changes.keepForwardedCopy = patch.keepForwardedCopy;
        if (patch.copySent !== undefined) changes.copySent = patch.copySent;
        const after = await tx.sharedMailboxes.update(before.id, changes);
        await writeAudit(tx, actor, at, { action: 'update', objectType: 'shared-mailbox', objectId: before.id, domainId: before.domainId, ...diff(before, after) });
        return after;
      });
    },

    async delete(actor, idOrAddress) {
      const gone = await store.atomic(async (tx) => {
        const mailbox = await loadSharedMailbox(tx, actor, idOrAddress);
        const at = isoNow(ctx.now());
        const grants = await removeGrantsOn(tx, actor, at, mailbox.id);
        const folders = await tx.mailboxes.list(mailbox.id);
        for (const folder of folders) await tx.mailboxes.delete(folder.id);
        // Sieve scripts kept from the mailbox's days as an account go with it.
        await tx.sieveScripts.deleteOwner(mailbox.id);
        // So do its calendars and address books, with their shares and delegations (docs/dav.md).
        const collections = await tx.dav.deleteForOwner(mailbox.id);
        await tx.sharedMailboxes.delete(mailbox.id);
        await writeAudit(tx, actor, at, {
          action: 'delete', objectType: 'shared-mailbox', objectId: mailbox.id, domainId: mailbox.domainId,
          before: { ...mailbox, grantsRemoved: grants, mailboxesRemoved: folders.length, collectionsRemoved: collections }, after: null,
        });
        return folders;
      });
      // Sessions that had one of its folders open learn it is gone (RFC 4314 §4: it no longer exists for them).
      for (const m of gone) ctx.bus?.publish({ accountId: m.accountId, mailboxId: m.id, kind: 'mailbox', uids: [], modseq: m.highestModSeq });
    },

    async list(actor, params) {
      const scope = listScope(actor, 'shared mailboxes');
      const domainId = await domainFilter(store, actor, params.domain);
      return store.sharedMailboxes.list({ ...toListOptions(params, 'address'), scope, ...(domainId !== undefined ? { domainId } : {}) });
    },

    async fromAccount(actor, accountIdOrAddress) {
      requireAdmin(actor, 'convert accounts');
      const { mailbox, owners } = await store.atomic(async (tx) => {
        const account = await loadAccount(tx, actor, accountIdOrAddress, 'change');
        if (account.domainId === null || account.role !== 'user') {
          throw new StoaError('STOA_CONVERSION_REFUSED', `"${account.address}" is ${account.domainId === null ? 'a server operator' : `a ${account.role}`}; only users become shared mailboxes (demote it first)`);
        }
        if (actor.id === account.id) throw new StoaError('STOA_CONVERSION_REFUSED', 'you cannot convert your own account');
        // A synced account belongs to its directory entry: converted in place, the next sync could neither update
        // nor recreate it. Detaching it from the directory is the admin's explicit step before (directory-sync.md).
        if (account.source !== null) {
          throw new StoaError('STOA_DIRECTORY_MANAGED', `"${account.address}" is synced from an external directory; detach it first (stoa directory resolve ${account.address} --detach, or POST /api/v1/directory/accounts/{id}/resolve {"action":"detach"}), then convert it`);
        }
        const at = isoNow(ctx.now());
        await membershipsToAddress(tx, actor, at, account);
        await removeResourceManagerEverywhere(tx, actor, at, account.id);
        // What let anyone log in as the account goes with the account row: password, app passwords, sessions, tokens.
        await tx.appPasswords.deleteForAccount(account.id);
        await tx.credentials.deleteForAccount(account.id);
        const owners = await removeGrantsHeldBy(tx, actor, at, account.id);
        // Its calendars and address books stay with it (Full Access holders open them); the DAV shares and delegations it held go.
        await tx.dav.deleteForGrantee(account.id);
        await tx.accounts.delete(account.id);
        const mailbox: SharedMailbox = {
          id: account.id,
          domainId: account.domainId,
          address: account.address,
          displayName: account.displayName,
          enabled: account.enabled,
          quotaBytes: account.quotaBytes,
          quotaMessages: account.quotaMessages,
          forwardTo: account.forwardTo,
          keepForwardedCopy: account.keepForwardedCopy,
          copySent: true,
          createdAt: account.createdAt,
          updatedAt: at,
        };
        await tx.sharedMailboxes.create(mailbox);
        await writeAudit(tx, actor, at, {
          action: 'convert', objectType: 'shared-mailbox', objectId: mailbox.id, domainId: mailbox.domainId, before: toAccount(account), after: mailbox,
        });
        return { mailbox, owners };
      });
      // Open IMAP, POP3 and other sessions of the account end, as after a password change (change-bus.ts AccountChange).
      ctx.bus?.publish({ kind: 'account', accountId: mailbox.id, change: 'password' });
      await publishGrantChange(store, ctx.bus, owners);
      return mailbox;
    },

    async toAccount(actor, idOrAddress, input) {
      requireAdmin(actor, 'convert shared mailboxes');
      const target = await loadSharedMailbox(store, actor, idOrAddress);
      if (input.password !== undefined) checkPasswordPolicy(input.password, target.address, config.auth.minPasswordLength);
      const passwordHash = input.password !== undefined ? await hashPassword(input.password, config.auth.argon2) : null;
      return store.atomic(async (tx): Promise<Account> => {
        const mailbox = await loadSharedMailbox(tx, actor, target.id);
        const at = isoNow(ctx.now());
        await tx.sharedMailboxes.delete(mailbox.id);
        const record: AccountRecord = {
          id: mailbox.id,
          domainId: mailbox.domainId,
          address: mailbox.address,
          displayName: mailbox.displayName,
          enabled: mailbox.enabled,
          role: 'user',
          adminDomainIds: [],
          quotaBytes: mailbox.quotaBytes,
          quotaMessages: mailbox.quotaMessages,
          forwardTo: mailbox.forwardTo,
          keepForwardedCopy: mailbox.keepForwardedCopy,
          passwordHash,
          passwordSetAt: passwordHash ? at : null,
          // A local account: shared mailboxes are never linked to a directory (a synced account is detached before it is converted).
          source: null,
          createdAt: mailbox.createdAt,
          updatedAt: at,
        };
        await tx.accounts.create(record);
        await writeAudit(tx, actor, at, {
          action: 'convert', objectType: 'account', objectId: record.id, domainId: record.domainId, before: mailbox, after: toAccount(record),
        });
        return toAccount(record);
      });
    },
  };
}
