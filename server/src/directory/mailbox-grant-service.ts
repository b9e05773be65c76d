// Delegation grants (Exchange's Full Access, Send As and Send on Behalf) on a
// shared mailbox or on an account's own mailbox, to accounts or groups. The
// grant rows are the one source of truth: rights are resolved from them when
// they are needed (delegation.ts, mail/mail-access.ts), never copied into
// per-mailbox ACL rows that could drift. Each change commits with its audit
// entry, then open sessions hear about it on the change bus.
import type { Account, Group } from '../../../shared/src/schemas/directory.ts';
import type { DelegatedAccess, DelegatedAccessEntry, DelegatedMailbox, GrantGrantee, MailboxGrant } from '../../../shared/src/schemas/shared-mailboxes.ts';
import { StoaError } from '../errors/catalogue.ts';
import type { StoreTx } from '../store/port.ts';
import type { MailboxGrantRecord } from '../store/shared-mailbox-port.ts';
import { inScope, isServerAdmin } from './access.ts';
import { loadAccount } from './account-access.ts';
import type { Actor } from './api.ts';
import type { DirectoryContext } from './context.ts';
import { auditGrant, grantsHeldBy, holdsGrant, publishGrantChange } from './delegation.ts';
import { isoNow, newId } from './ids.ts';
import { findAccount, findByIdOrAddress } from './lookup.ts';
import type { MailboxGrantService, MailboxRef } from './shared-mailbox-api.ts';
import { loadSharedMailbox } from './shared-mailbox-service.ts';

/** A mailbox owner as grants see it. */
interface Owner extends DelegatedMailbox { domainId: string }

function invalidGrantee(ref: string): StoaError {
  return new StoaError('STOA_INVALID_REFERENCE', `no account or group "${ref}" you can grant to`, { errors: [{ path: '/grantee', message: 'unknown account or group' }] });
}

export function createMailboxGrantService(ctx: DirectoryContext): MailboxGrantService {
  const { store } = ctx;
  const maxGrants = ctx.config.mail.sharedMailboxes.maxGrantsPerMailbox;

  /** The owner, if the actor may read ('read') or change ('change') its grants; NOT_FOUND / FORBIDDEN as for the object itself. */
  async function ownerOf(db: StoreTx, actor: Actor, mailbox: MailboxRef, mode: 'read' | 'change'): Promise<Owner> {
    if (mailbox.kind === 'shared-mailbox') {
      const shared = await loadSharedMailbox(db, actor, mailbox.ref);
      return { kind: 'shared-mailbox', id: shared.id, address: shared.address, domainId: shared.domainId };
    }
    const account = await loadAccount(db, actor, mailbox.ref, mode);
    if (account.domainId === null) throw new StoaError('STOA_GRANT_INVALID', `"${account.address}" is a server operator without a mailbox`);
    return { kind: 'account', id: account.id, address: account.address, domainId: account.domainId };
  }

  /**
   * The grantee, if the actor may name it: an admin any account or group of
   * the domains it administers, a user delegating their own mailbox any of
   * their own domain. Anything else reads as missing.
   */
  async function granteeOf(db: StoreTx, actor: Actor, owner: Owner, ref: string): Promise<{ kind: 'account'; found: Account } | { kind: 'group'; found: Group }> {
    const selfService = actor.id !== null && actor.id === owner.id && !inScope(actor, owner.domainId);
    const visible = (domainId: string | null): boolean => domainId !== null && (selfService ? domainId === owner.domainId : inScope(actor, domainId));
    const account = await findAccount(db, ref);
    if (account && visible(account.domainId)) {
      if (account.id === owner.id) throw new StoaError('STOA_GRANT_INVALID', 'a mailbox already holds every right on itself', { errors: [{ path: '/grantee', message: 'the mailbox itself' }] });
      const { passwordHash: _hash, ...plain } = account;
      return { kind: 'account', found: plain };
    }
    const group = await findByIdOrAddress(ref.startsWith('$') ? ref.slice(1) : ref, (id) => db.groups.get(id), (a) => db.groups.getByAddress(a));
    if (group && visible(group.domainId)) return { kind: 'group', found: group };
    if (account?.domainId === null && isServerAdmin(actor)) {
      throw new StoaError('STOA_GRANT_INVALID', `"${account.address}" is a server operator without a mailbox`, { errors: [{ path: '/grantee', message: 'operator' }] });
    }
    // A shared mailbox cannot open another: nobody logs in as it.
    throw invalidGrantee(ref);
  }

  async function ownerView(db: StoreTx, ownerId: string, kind: Owner['kind']): Promise<DelegatedMailbox> {
    const address = kind === 'shared-mailbox' ? (await db.sharedMailboxes.get(ownerId))?.address : (await db.accounts.get(ownerId))?.address;
    return { kind, id: ownerId, address: address ?? ownerId };
  }

  async function granteeView(db: StoreTx, grant: Pick<MailboxGrantRecord, 'granteeKind' | 'granteeId'>): Promise<GrantGrantee> {
    const found = grant.granteeKind === 'account' ? await db.accounts.get(grant.granteeId) : await db.groups.get(grant.granteeId);
    return { kind: grant.granteeKind, id: grant.granteeId, address: found?.address ?? null };
  }

  async function view(db: StoreTx, grant: MailboxGrantRecord, owner?: DelegatedMailbox): Promise<MailboxGrant> {
    return {
      id: grant.id,
      mailbox: owner ?? await ownerView(db, grant.ownerId, grant.ownerKind),
      grantee: await granteeView(db, grant),
      right: grant.right,
      createdAt: grant.createdAt,
    };
  }

  return {
    async list(actor, mailbox) {
      const owner = await ownerOf(store, actor, mailbox, 'read');
      const { domainId: _d, ...ref } = owner;
      const out: MailboxGrant[] = [];
      for (const grant of await store.mailboxGrants.forOwner(owner.id)) out.push(await view(store, grant, ref));
      return out;
    },

    async grant(actor, mailbox, input) {
      const created = await store.atomic(async (tx) => {
        const owner = await ownerOf(tx, actor, mailbox, 'change');
        const grantee = await granteeOf(tx, actor, owner, input.grantee);
        if (await tx.mailboxGrants.countForOwner(owner.id) >= maxGrants) {
          throw new StoaError('STOA_GRANT_INVALID', `a mailbox carries at most ${maxGrants} grants (mail.sharedMailboxes.maxGrantsPerMailbox)`);
        }
        const at = isoNow(ctx.now());
        const record: MailboxGrantRecord = {
          id: newId(), ownerId: owner.id, ownerKind: owner.kind, domainId: owner.domainId,
          granteeKind: grantee.kind, granteeId: grantee.found.id, right: input.right, createdAt: at,
        };
        await tx.mailboxGrants.add(record);
        await auditGrant(tx, actor, at, record, true);
        const { domainId: _d, ...ref } = owner;
        return view(tx, record, ref);
      });
      await publishGrantChange(store, ctx.bus, [created.mailbox.id]);
      return created;
    },

    async revoke(actor, mailbox, grantId) {
      const ownerId = await store.atomic(async (tx) => {
        const owner = await ownerOf(tx, actor, mailbox, 'change');
        const grant = await tx.mailboxGrants.get(grantId);
        if (!grant || grant.ownerId !== owner.id) throw new StoaError('STOA_NOT_FOUND', `grant "${grantId}" does not exist`);
        await tx.mailboxGrants.remove(grant.id);
        await auditGrant(tx, actor, isoNow(ctx.now()), grant, false);
        return owner.id;
      });
      // Sessions that have one of its folders open re-read their rights before their next command.
      await publishGrantChange(store, ctx.bus, [ownerId]);
    },

    async accessOf(actor, accountIdOrAddress) {
      const account = await loadAccount(store, actor, accountIdOrAddress, 'read');
      const access: DelegatedAccess = { open: [], sendAs: [], sendOnBehalf: [] };
      if (account.domainId === null) return access;
      const key = { 'full-access': 'open', 'send-as': 'sendAs', 'send-on-behalf': 'sendOnBehalf' } as const;
      const entries = new Map<string, DelegatedAccessEntry>();
      for (const grant of await grantsHeldBy(store, account.id)) {
        const id = `${grant.right}\0${grant.ownerId}`;
        let entry = entries.get(id);
        if (!entry) {
          entry = { mailbox: await ownerView(store, grant.ownerId, grant.ownerKind), via: [] };
          entries.set(id, entry);
          access[key[grant.right]].push(entry);
        }
        entry.via.push(await granteeView(store, grant));
      }
      for (const list of Object.values(access)) list.sort((a, b) => (a.mailbox.address < b.mailbox.address ? -1 : a.mailbox.address > b.mailbox.address ? 1 : 0));
      return access;
    },

    async holds(actor, ownerId, right) {
      if (actor.id === null || actor.id === ownerId) return true;
      return holdsGrant(store, actor.id, ownerId, right);
    },
  };
}

