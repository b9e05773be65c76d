// Rooms and equipment: addressable, bookable through CalDAV scheduling
// (RFC 6638), managed by the accounts listed in managerIds.
import type { Resource, ResourceCreate, ResourceUpdate } from '../../../shared/src/schemas/directory.ts';
import { StoaError } from '../errors/catalogue.ts';
import type { StoreTx } from '../store/port.ts';
import { inScope, requireAdmin } from './access.ts';
import { listAddressed, loadAddressed } from './addressed-object.ts';
import type { Actor, ResourceService } from './api.ts';
import { diff, writeAudit } from '../audit/audit-log.ts';
import type { DirectoryContext } from './context.ts';
import { homeDomainFor } from './domain-scope.ts';
import { isoNow, newId } from './ids.ts';
import { checkNewName } from './mixed-script.ts';
import { parseAddress } from './names.ts';

/** Managers must be mailbox accounts the actor can see; an out-of-scope id reads as missing. */
async function validateManagers(tx: StoreTx, actor: Actor, ids: readonly string[]): Promise<string[]> {
  const out = new Set<string>();
  for (const [i, id] of ids.entries()) {
    const account = await tx.accounts.get(id);
    if (!account || account.domainId === null || !inScope(actor, account.domainId)) {
      throw new StoaError('STOA_INVALID_REFERENCE', `account "${id}" does not exist`, { errors: [{ path: `/managerIds/${i}`, message: 'unknown account' }] });
    }
    out.add(account.id);
  }
  return [...out];
}

function resourceName(name: string): string {
  const trimmed = name.trim();
  if (trimmed === '') throw new StoaError('STOA_VALIDATION', 'a resource needs a name', { errors: [{ path: '/name', message: 'empty' }] });
  return trimmed;
}

function loadVisible(db: StoreTx, actor: Actor, key: string): Promise<Resource> {
  return loadAddressed('resource', db.resources, actor, key);
}

export function createResourceService(ctx: DirectoryContext): ResourceService {
  const { store } = ctx;

  return {
    async create(actor, input: ResourceCreate) {
      requireAdmin(actor, 'create resources');
      const parsed = parseAddress(input.address);
      checkNewName(actor, { local: parsed.local }, input.allowMixedScript);
      return store.atomic(async (tx) => {
        const domain = await homeDomainFor(tx, actor, parsed.domain, 'resource');
        const managerIds = await validateManagers(tx, actor, input.managerIds ?? []);
        const at = isoNow(ctx.now());
        const resource: Resource = {
          id: newId(),
          domainId: domain.id,
          address: parsed.address,
          name: resourceName(input.name),
          kind: input.kind,
          capacity: input.capacity ?? null,
          location: input.location ?? '',
          // Auto-accept is what Exchange room mailboxes default to, and what users expect of a free room.
          bookingPolicy: input.bookingPolicy ?? 'auto-accept',
          managerIds,
          enabled: input.enabled ?? true,
          createdAt: at,
          updatedAt: at,
        };
        await tx.resources.create(resource);
        await writeAudit(tx, actor, at, { action: 'create', objectType: 'resource', objectId: resource.id, domainId: resource.domainId, before: null, after: resource });
        return resource;
      });
    },

    async get(actor, idOrAddress) {
      return loadVisible(store, actor, idOrAddress);
    },

    async update(actor, idOrAddress, patch: ResourceUpdate) {
      return store.atomic(async (tx) => {
        const before = await loadVisible(tx, actor, idOrAddress);
        const at = isoNow(ctx.now());
        const changes: Partial<Resource> = { updatedAt: at };
        if (patch.name !== undefined) changes.name = resourceName(patch.name);
        if (patch.capacity !== undefined) changes.capacity = patch.capacity;
        if (patch.location !== undefined) changes.location = patch.location;
        if (patch.bookingPolicy !== undefined) changes.bookingPolicy = patch.bookingPolicy;
        if (patch.managerIds !== undefined) changes.managerIds = await validateManagers(tx, actor, patch.managerIds);
        if (patch.enabled !== undefined) changes.enabled = patch.enabled;
        const after = await tx.resources.update(before.id, changes);
        await writeAudit(tx, actor, at, { action: 'update', objectType: 'resource', objectId: before.id, domainId: before.domainId, ...diff(before, after) });
        return after;
      });
    },

    async delete(actor, idOrAddress) {
      await store.atomic(async (tx) => {
        const resource = await loadVisible(tx, actor, idOrAddress);
        await tx.resources.delete(resource.id);
        await writeAudit(tx, actor, isoNow(ctx.now()), { action: 'delete', objectType: 'resource', objectId: resource.id, domainId: resource.domainId, before: resource, after: null });
      });
    },

    async list(actor, params) {
      return listAddressed(store, actor, 'resource', params, (opts) => store.resources.list(opts));
    },
  };
}
