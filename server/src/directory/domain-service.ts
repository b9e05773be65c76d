// Mail domains and alias domains. Only server admins create and delete
// domains; a domain admin may read and tune the domains granted to them.
import { domainScriptOwner } from '../store/sieve-port.ts';
import type { Domain, DomainCreate, DomainUpdate } from '../../../shared/src/schemas/directory.ts';
import { StoaError } from '../errors/catalogue.ts';
import type { Page, StoreTx } from '../store/port.ts';
import { listScope, notFound, requireServerAdmin, requireVisible } from './access.ts';
import type { Actor, DomainService, ListParams } from './api.ts';
import { diff, writeAudit } from '../audit/audit-log.ts';
import type { DirectoryContext } from './context.ts';
import { isoNow, newId } from './ids.ts';
import { toListOptions } from './list-params.ts';
import { findDomain } from './lookup.ts';
import { checkNewName } from './mixed-script.ts';
import { parseDomain } from './names.ts';

async function loadVisible(db: StoreTx, actor: Actor, idOrName: string): Promise<Domain> {
  const domain = await findDomain(db, idOrName);
  if (!domain) {
    // Users are refused before anything is looked up, whether or not it exists.
    requireVisible(actor, null, 'domain', idOrName);
    throw notFound('domain', idOrName);
  }
  requireVisible(actor, domain.id, 'domain', idOrName);
  return domain;
}

export function createDomainService(ctx: DirectoryContext): DomainService {
  const { store } = ctx;

  return {
    async create(actor, input: DomainCreate) {
      requireServerAdmin(actor, 'create domains');
      const name = parseDomain(input.name);
      checkNewName(actor, { domainUnicode: name.unicode }, input.allowMixedScript);
      const aliasName = input.aliasOf ? parseDomain(input.aliasOf) : null;
      if (aliasName && aliasName.ascii === name.ascii) throw new StoaError('STOA_ALIAS_DOMAIN', 'a domain cannot be an alias of itself');
      const created = await store.atomic(async (tx) => {
        let aliasOf: string | null = null;
        if (aliasName) {
          const target = await tx.domains.getByName(aliasName.ascii);
          if (!target) throw new StoaError('STOA_UNKNOWN_DOMAIN', `the alias target "${aliasName.unicode}" is not served by this server`);
          // One level only: chains of alias domains make resolution order-dependent for no benefit.
          if (target.aliasOf !== null) throw new StoaError('STOA_ALIAS_DOMAIN', `"${target.unicodeName}" is itself an alias domain; point at its target instead`);
          aliasOf = target.id;
        }
        const at = isoNow(ctx.now());
        const domain: Domain = {
          id: newId(),
          name: name.ascii,
          unicodeName: name.unicode,
          aliasOf,
          enabled: input.enabled ?? true,
          description: input.description ?? '',
          // The server-wide default (directory.defaultQuotaBytes) unless the domain names its own; 0 = unlimited.
          defaultQuotaBytes: input.defaultQuotaBytes ?? ctx.config.directory.defaultQuotaBytes,
          defaultQuotaMessages: input.defaultQuotaMessages ?? ctx.config.directory.defaultQuotaMessages,
          createdAt: at,
          updatedAt: at,
        };
        await tx.domains.create(domain);
        await writeAudit(tx, actor, at, { action: 'create', objectType: 'domain', objectId: domain.id, domainId: domain.id, before: null, after: domain });
        return domain;
      });
      // Provisioning (DKIM keys …) happens here, once, whoever creates the domain: admin API, CLI, first start.
      await ctx.onDomainCreated?.(created);
      return created;
    },

    async get(actor, idOrName) {
      return loadVisible(store, actor, idOrName);
    },

    async update(actor, idOrName, patch: DomainUpdate) {
      return store.atomic(async (tx) => {
        const before = await loadVisible(tx, actor, idOrName);
        const at = isoNow(ctx.now());
        const changes: Partial<Domain> = { updatedAt: at };
        if (patch.enabled !== undefined) changes.enabled = patch.enabled;
        if (patch.description !== undefined) changes.description = patch.description;
        if (patch.defaultQuotaBytes !== undefined) changes.defaultQuotaBytes = patch.defaultQuotaBytes;
        if (patch.defaultQuotaMessages !== undefined) changes.defaultQuotaMessages = patch.defaultQuotaMessages;
        const after = await tx.domains.update(before.id, changes);
        await writeAudit(tx, actor, at, { action: 'update', objectType: 'domain', objectId: before.id, domainId: before.id, ...diff(before, after) });
        return after;
      });
    },

    async delete(actor, idOrName) {
      requireServerAdmin(actor, 'delete domains');
      await store.atomic(async (tx) => {
        const domain = await loadVisible(tx, actor, idOrName);
        const at = isoNow(ctx.now());
        // The store refuses while objects or alias domains remain (STOA_DOMAIN_NOT_EMPTY / STOA_DOMAIN_HAS_ALIASES).
        await tx.domains.delete(domain.id);
        // The domain's global Sieve scripts (sieve-port.ts) go with it.
        await tx.sieveScripts.deleteOwner(domainScriptOwner(domain.id));
        await writeAudit(tx, actor, at, { action: 'delete', objectType: 'domain', objectId: domain.id, domainId: domain.id, before: domain, after: null });
        // Domain admins of the deleted domain lose that grant, so no grant list
        // points at a domain that no longer exists.
        for (const admin of await allDomainAdmins(tx)) {
          if (!admin.adminDomainIds.includes(domain.id)) continue;
          const adminDomainIds = admin.adminDomainIds.filter((id) => id !== domain.id);
          await tx.accounts.update(admin.id, { adminDomainIds, updatedAt: at });
          await writeAudit(tx, actor, at, {
            action: 'grant-role', objectType: 'account', objectId: admin.id, domainId: admin.domainId,
            before: { role: admin.role, adminDomainIds: admin.adminDomainIds }, after: { role: admin.role, adminDomainIds },
          });
        }
      });
    },

    async list(actor, params: ListParams<'name' | 'createdAt'>): Promise<Page<Domain>> {
      const scope = listScope(actor, 'domains');
      return store.domains.list({ ...toListOptions(params, 'name'), scope });
    },
  };
}

async function allDomainAdmins(tx: StoreTx) {
  const out = [];
  const limit = 500;
  for (let offset = 0; ; offset += limit) {
    const page = await tx.accounts.list({ offset, limit, sort: 'createdAt', order: 'asc', scope: null, role: 'domain-admin' });
    out.push(...page.items);
    if (page.items.length < limit) return out;
  }
}
