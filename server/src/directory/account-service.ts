// Mailbox accounts: create, read, update, delete, passwords and roles.
// Server operator accounts (no domain) are created by operator-service.ts.
import type { Account, AccountCreate, AccountUpdate, RoleGrant } from '../../../shared/src/schemas/directory.ts';
import { StoaError } from '../errors/catalogue.ts';
import type { AccountRecord, StoreTx } from '../store/port.ts';
import { forbidden, inScope, listScope, requireAdmin, requireServerAdmin, SELF_SERVICE_FIELDS } from './access.ts';
import { guardLastAdmin, loadAccount, toAccount } from './account-access.ts';
import { importAccounts, newAccountRecord } from './account-import.ts';
import type { AccountService, Actor } from './api.ts';
import { diff, writeAudit } from '../audit/audit-log.ts';
import type { DirectoryContext } from './context.ts';
import { domainFilter, homeDomainFor } from './domain-scope.ts';
import { normaliseForwardTo } from './forwarding.ts';
import { isoNow } from './ids.ts';
import { toListOptions } from './list-params.ts';
import { findDomain } from './lookup.ts';
import { checkNewName } from './mixed-script.ts';
import { parseAddress } from './names.ts';
import { hashPassword } from './password-hash.ts';
import { checkPasswordPolicy } from './password-policy.ts';
import { removeMemberEverywhere, removeResourceManagerEverywhere } from './reference-cleanup.ts';
import { guardManaged, guardManagedFields, MANAGED_ACCOUNT_FIELDS, sourceForCreate, sourceForUpdate } from './directory-managed.ts';
import { publishGrantChange, removeGrantsHeldBy, removeGrantsOn } from './delegation.ts';

export function createAccountService(ctx: DirectoryContext): AccountService {
  const { store, config } = ctx;

  /** Domain ids for a domain-admin grant: each must exist and be a real (non-alias) domain. */
  async function grantDomains(tx: StoreTx, names: readonly string[]): Promise<string[]> {
    const ids = new Set<string>();
    for (const name of names) {
      const domain = await findDomain(tx, name);
      if (!domain) throw new StoaError('STOA_INVALID_REFERENCE', `the domain "${name}" does not exist`);
      if (domain.aliasOf !== null) throw new StoaError('STOA_ALIAS_DOMAIN', `"${domain.unicodeName}" is an alias domain; grant its target instead`);
      ids.add(domain.id);
    }
    return [...ids];
  }

  return {
    async create(actor, input: AccountCreate, opts) {
      requireAdmin(actor, 'create accounts');
      const source = sourceForCreate(actor, opts);
      const parsed = parseAddress(input.address);
      checkNewName(actor, { local: parsed.local }, input.allowMixedScript);
      // Check scope and domain before the (deliberately slow) hash.
      await homeDomainFor(store, actor, parsed.domain, 'account');
      if (input.password !== undefined) checkPasswordPolicy(input.password, parsed.address, config.auth.minPasswordLength);
      const forwardTo = normaliseForwardTo(input.forwardTo ?? [], parsed.address);
      const passwordHash = input.password !== undefined ? await hashPassword(input.password, config.auth.argon2) : null;
      return store.atomic(async (tx) => {
        const domain = await homeDomainFor(tx, actor, parsed.domain, 'account');
        const at = isoNow(ctx.now());
        const record = newAccountRecord(domain, parsed, input, forwardTo, passwordHash, at, source);
        await tx.accounts.create(record);
        await writeAudit(tx, actor, at, { action: 'create', objectType: 'account', objectId: record.id, domainId: domain.id, before: null, after: record });
        return toAccount(record);
      });
    },

    async importMany(actor, inputs, options) {
      return importAccounts(ctx, actor, inputs, options);
    },

    async get(actor, idOrAddress) {
      return toAccount(await loadAccount(store, actor, idOrAddress, 'read'));
    },

    async update(actor, idOrAddress, patch: AccountUpdate, opts) {
      let goneFromDirectory = false;
      const after = await store.atomic(async (tx) => {
        const before = await loadAccount(tx, actor, idOrAddress, 'change');
        // A user, or an admin editing their own mailbox in a domain they do not
        // manage, may change only what a mail client's settings page offers.
        const selfService = actor.role === 'user' || (actor.id === before.id && !inScope(actor, before.domainId));
        if (selfService) {
          const denied = Object.entries(patch).filter(([k, v]) => v !== undefined && !SELF_SERVICE_FIELDS.has(k)).map(([k]) => k);
          if (denied.length > 0) throw forbidden(`you may not change ${denied.join(', ')} of your own account`);
        }
        guardManagedFields(actor, 'account', before.source, patch, MANAGED_ACCOUNT_FIELDS);
        const source = sourceForUpdate(actor, before.source, opts);
        if (patch.enabled === false) await guardLastAdmin(tx, before, false);
        const at = isoNow(ctx.now());
        const changes: Partial<AccountRecord> = { updatedAt: at };
        if (source !== undefined) changes.source = source;
        if (patch.displayName !== undefined) changes.displayName = patch.displayName.trim();
        if (patch.enabled !== undefined) changes.enabled = patch.enabled;
        if (patch.quotaBytes !== undefined) changes.quotaBytes = patch.quotaBytes;
        if (patch.quotaMessages !== undefined) changes.quotaMessages = patch.quotaMessages;
        if (patch.forwardTo !== undefined) changes.forwardTo = normaliseForwardTo(patch.forwardTo, before.address);
        if (patch.keepForwardedCopy !== undefined) changes.keepForwardedCopy = patch.keepForwardedCopy;
        const updated = await tx.accounts.update(before.id, changes);
        await writeAudit(tx, actor, at, { action: 'update', objectType: 'account', objectId: before.id, domainId: before.domainId, ...diff(toAccount(before), toAccount(updated)) });
        // Its sync found the directory no longer returns it: no login stands for it any more (AuthService.stillValid()).
        goneFromDirectory = before.source?.missingSince === null && updated.source?.missingSince != null;
        // A disabled account's console sessions and API tokens end now, not at expiry.
        if (!updated.enabled || goneFromDirectory) await tx.credentials.deleteForAccount(updated.id);
        return updated;
      });
      // …and so do its IMAP, POP3 and other protocol sessions.
      if (patch.enabled === false || goneFromDirectory) ctx.bus?.publish({ kind: 'account', accountId: after.id, change: 'disabled' });
      return toAccount(after);
    },

    async delete(actor, idOrAddress) {
      // Users may not delete themselves: mailbox removal is an admin decision.
      requireAdmin(actor, 'delete accounts');
      await store.atomic(async (tx) => {
        const account = await loadAccount(tx, actor, idOrAddress, 'change');
        await guardLastAdmin(tx, account, false);
        const at = isoNow(ctx.now());
        await removeMemberEverywhere(tx, actor, at, { kind: 'account', id: account.id });
        await removeResourceManagerEverywhere(tx, actor, at, account.id);
        // Calendars, address books, and the shares and delegations naming the account go with it.
        await tx.dav.deleteForOwner(account.id);
        await tx.appPasswords.deleteForAccount(account.id);
        await tx.credentials.deleteForAccount(account.id);
        // Sieve scripts belong to the account (server/src/sieve/); they go with it.
        await tx.sieveScripts.deleteOwner(account.id);
        // Delegation grants it held, and those on its own mailbox, go too (delegation.ts).
        const owners = [...await removeGrantsHeldBy(tx, actor, at, account.id)];
        if (await removeGrantsOn(tx, actor, at, account.id) > 0) owners.push(account.id);
        await tx.accounts.delete(account.id);
        await writeAudit(tx, actor, at, { action: 'delete', objectType: 'account', objectId: account.id, domainId: account.domainId, before: account, after: null });
        return { id: account.id, owners };
      }).then(async ({ id, owners }) => {
        ctx.bus?.publish({ kind: 'account', accountId: id, change: 'deleted' });
        await publishGrantChange(store, ctx.bus, owners);
      });
    },

    async list(actor, params) {
      const scope = listScope(actor, 'accounts');
      const domainId = await domainFilter(store, actor, params.domain);
      const page = await store.accounts.list({
        ...toListOptions(params, 'address'),
        scope,
        ...(domainId !== undefined ? { domainId } : {}),
        ...(params.enabled !== undefined ? { enabled: params.enabled } : {}),
        ...(params.role !== undefined ? { role: params.role } : {}),
      });
      return { ...page, items: page.items.map(toAccount) };
    },

    async setPassword(actor, idOrAddress, password, options = {}) {
      // Checked once before hashing (fast refusal) and again inside the transaction.
      const target = await loadAccount(store, actor, idOrAddress, 'change');
      // The directory checks the password at every login; a local hash would never be used.
      guardManaged(actor, 'account', target.source, 'password');
      checkPasswordPolicy(password, target.address, config.auth.minPasswordLength);
      const passwordHash = await hashPassword(password, config.auth.argon2);
      await store.atomic(async (tx) => {
        const before = await loadAccount(tx, actor, target.id, 'change');
        // A sync may have linked it to a directory meanwhile.
        guardManaged(actor, 'account', before.source, 'password');
        const at = isoNow(ctx.now());
        await tx.accounts.update(before.id, { passwordHash, passwordSetAt: at, updatedAt: at });
        // A password reset ends every console session and API token of the account, in the same
        // transaction, whoever resets it (admin API, console, CLI): a leaked password must not live on
        // in a session opened with it. The session asking for the change may keep itself.
        for (const kind of ['session', 'token'] as const) {
          for (const c of await tx.credentials.listForAccount(before.id, kind)) {
            if (c.id !== options.keepCredentialId) await tx.credentials.delete(c.id);
          }
        }
        await writeAudit(tx, actor, at, {
          action: 'set-password', objectType: 'account', objectId: before.id, domainId: before.domainId,
          before: { passwordHash: before.passwordHash }, after: { passwordHash },
        });
      });
      // Open IMAP, POP3 and other protocol sessions end too (change-bus.ts AccountChange).
      ctx.bus?.publish({ kind: 'account', accountId: target.id, change: 'password' });
    },

    async grantRole(actor: Actor, idOrAddress: string, grant: RoleGrant): Promise<Account> {
      requireServerAdmin(actor, 'grant roles');
      return store.atomic(async (tx) => {
        const before = await loadAccount(tx, actor, idOrAddress, 'change');
        if (before.source?.managesRole) guardManaged(actor, 'account', before.source, 'role');
        let adminDomainIds: string[] = [];
        if (grant.role === 'domain-admin') {
          if (!grant.domains || grant.domains.length === 0) {
            throw new StoaError('STOA_VALIDATION', 'a domain admin needs at least one domain', { errors: [{ path: '/domains', message: 'required for domain-admin' }] });
          }
          adminDomainIds = await grantDomains(tx, grant.domains);
        } else if (grant.domains && grant.domains.length > 0) {
          throw new StoaError('STOA_VALIDATION', `domains apply only to the domain-admin role, not ${grant.role}`, { errors: [{ path: '/domains', message: 'only for domain-admin' }] });
        }
        if (before.domainId === null && grant.role !== 'server-admin') {
          // An operator account has no mailbox: with any other role it could do nothing at all.
          throw new StoaError('STOA_VALIDATION', 'server operator accounts are always server admins');
        }
        await guardLastAdmin(tx, before, grant.role === 'server-admin');
        const at = isoNow(ctx.now());
        const after = await tx.accounts.update(before.id, { role: grant.role, adminDomainIds, updatedAt: at });
        await writeAudit(tx, actor, at, {
          action: 'grant-role', objectType: 'account', objectId: before.id, domainId: before.domainId,
          before: { role: before.role, adminDomainIds: before.adminDomainIds }, after: { role: after.role, adminDomainIds: after.adminDomainIds },
        });
        return toAccount(after);
      });
    },
  };
}
