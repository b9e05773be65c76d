// Aliases (one address → one or more targets) and per-domain catch-alls
// ("*@domain": mail for any local part nobody else owns).
import type { Alias, AliasCreate, AliasUpdate } from '../../../shared/src/schemas/directory.ts';
import { StoaError } from '../errors/catalogue.ts';
import type { StoreTx } from '../store/port.ts';
import { inScope, requireAdmin } from './access.ts';
import { listAddressed, loadAddressed } from './addressed-object.ts';
import type { Actor, AliasService } from './api.ts';
import { diff, writeAudit } from '../audit/audit-log.ts';
import type { DirectoryContext } from './context.ts';
import { homeDomainFor } from './domain-scope.ts';
import { isoNow, newId } from './ids.ts';
import { checkNewName } from './mixed-script.ts';
import { parseAddress } from './names.ts';
import { guardManaged, guardManagedFields, MANAGED_ALIAS_FIELDS, sourceForCreate, sourceForUpdate } from './directory-managed.ts';

/**
 * Normalised, de-duplicated targets. A target in a domain the actor
 * administers must exist (after alias-domain mapping), so an alias never
 * silently bounces; other targets are only checked for syntax. For a domain
 * admin, another tenant's domain is "outside" like a remote one: whether an
 * address exists there is not theirs to learn, so an existing and a missing
 * address in it answer the same (issue 16 item 10).
 */
async function validateTargets(tx: StoreTx, actor: Actor, aliasAddress: string, targets: readonly string[]): Promise<string[]> {
  const out = new Set<string>();
  for (const [i, target] of targets.entries()) {
    const parsed = parseAddress(target);
    if (parsed.address === aliasAddress) {
      throw new StoaError('STOA_VALIDATION', 'an alias cannot point at itself', { errors: [{ path: `/targets/${i}`, message: 'loop' }] });
    }
    const domain = await tx.domains.getByName(parsed.domain);
    const homeId = domain ? domain.aliasOf ?? domain.id : null;
    if (domain && inScope(actor, homeId)) {
      const home = domain.aliasOf !== null ? await tx.domains.get(domain.aliasOf) : domain;
      const local = home ? `${parsed.local}@${home.name}` : parsed.address;
      if (!(await tx.addresses.resolve(local))) {
        throw new StoaError('STOA_INVALID_REFERENCE', `nothing here has the address "${parsed.address}"`, { errors: [{ path: `/targets/${i}`, message: 'unknown local address' }] });
      }
    }
    out.add(parsed.address);
  }
  return [...out];
}

function loadVisible(db: StoreTx, actor: Actor, key: string): Promise<Alias> {
  return loadAddressed('alias', db.aliases, actor, key, true);
}

export function createAliasService(ctx: DirectoryContext): AliasService {
  const { store } = ctx;

  return {
    async create(actor, input: AliasCreate, opts) {
      requireAdmin(actor, 'create aliases');
      const source = sourceForCreate(actor, opts);
      const parsed = parseAddress(input.address, { allowCatchAll: true });
      checkNewName(actor, { local: parsed.local }, input.allowMixedScript);
      return store.atomic(async (tx) => {
        const domain = await homeDomainFor(tx, actor, parsed.domain, parsed.catchAll ? 'catch-all' : 'alias');
        const targets = await validateTargets(tx, actor, parsed.address, input.targets);
        if (targets.length === 0) throw new StoaError('STOA_VALIDATION', 'an alias needs at least one target', { errors: [{ path: '/targets', message: 'empty' }] });
        const at = isoNow(ctx.now());
        const alias: Alias = {
          id: newId(),
          domainId: domain.id,
          address: parsed.address,
          targets,
          description: input.description ?? '',
          source,
          createdAt: at,
          updatedAt: at,
        };
        await tx.aliases.create(alias);
        await writeAudit(tx, actor, at, { action: 'create', objectType: 'alias', objectId: alias.id, domainId: alias.domainId, before: null, after: alias });
        return alias;
      });
    },

    async get(actor, idOrAddress) {
      return loadVisible(store, actor, idOrAddress);
    },

    async update(actor, idOrAddress, patch: AliasUpdate, opts) {
      return store.atomic(async (tx) => {
        const before = await loadVisible(tx, actor, idOrAddress);
        guardManagedFields(actor, 'alias', before.source, patch, MANAGED_ALIAS_FIELDS);
        const source = sourceForUpdate(actor, before.source, opts);
        const at = isoNow(ctx.now());
        const changes: Partial<Pick<Alias, 'targets' | 'description' | 'source' | 'updatedAt'>> = { updatedAt: at };
        if (source !== undefined) changes.source = source;
        if (patch.targets !== undefined) {
          changes.targets = await validateTargets(tx, actor, before.address, patch.targets);
          if (changes.targets.length === 0) throw new StoaError('STOA_VALIDATION', 'an alias needs at least one target', { errors: [{ path: '/targets', message: 'empty' }] });
        }
        if (patch.description !== undefined) changes.description = patch.description;
        const after = await tx.aliases.update(before.id, changes);
        await writeAudit(tx, actor, at, { action: 'update', objectType: 'alias', objectId: before.id, domainId: before.domainId, ...diff(before, after) });
        return after;
      });
    },

    async delete(actor, idOrAddress) {
      await store.atomic(async (tx) => {
        const alias = await loadVisible(tx, actor, idOrAddress);
        guardManaged(actor, 'alias', alias.source, 'existence');
        await tx.aliases.delete(alias.id);
        await writeAudit(tx, actor, isoNow(ctx.now()), { action: 'delete', objectType: 'alias', objectId: alias.id, domainId: alias.domainId, before: alias, after: null });
      });
    },

    async list(actor, params) {
      return listAddressed(store, actor, 'alias', params, (opts) => store.aliases.list(opts));
    },
  };
}
