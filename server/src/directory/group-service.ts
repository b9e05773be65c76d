// Groups and distribution lists, with nested groups kept acyclic.
import type { Group, GroupCreate, GroupMember, GroupUpdate } from '../../../shared/src/schemas/directory.ts';
import { StoaError } from '../errors/catalogue.ts';
import type { StoreTx } from '../store/port.ts';
import { inScope, requireAdmin } from './access.ts';
import { listAddressed, loadAddressed } from './addressed-object.ts';
import type { Actor, GroupService } from './api.ts';
import { diff, writeAudit } from '../audit/audit-log.ts';
import type { DirectoryContext } from './context.ts';
import { homeDomainFor } from './domain-scope.ts';
import { expandGroup, findCycle, type MemberLoader } from './group-graph.ts';
import { isoNow, newId } from './ids.ts';
import { checkNewName } from './mixed-script.ts';
import { parseAddress } from './names.ts';
import { removeMemberEverywhere } from './reference-cleanup.ts';
import { guardManaged, guardManagedFields, MANAGED_GROUP_FIELDS, sourceForCreate, sourceForUpdate } from './directory-managed.ts';
import { publishGrantChange, removeGrantsHeldBy } from './delegation.ts';

function invalidMember(index: number, detail: string): StoaError {
  return new StoaError('STOA_INVALID_REFERENCE', detail, { errors: [{ path: `/members/${index}`, message: detail }] });
}

/**
 * Checks every member exists (and, for a domain admin, lies in their domains:
 * an out-of-scope id is reported exactly like a missing one), normalises
 * external addresses and drops duplicates.
 */
async function validateMembers(tx: StoreTx, actor: Actor, members: readonly GroupMember[], selfId: string | null): Promise<GroupMember[]> {
  const out: GroupMember[] = [];
  const seen = new Set<string>();
  for (const [i, member] of members.entries()) {
    let normalised: GroupMember;
    if (member.kind === 'external') {
      normalised = { kind: 'external', address: parseAddress(member.address).address };
    } else if (member.kind === 'account') {
      const account = await tx.accounts.get(member.id);
      if (!account || !inScope(actor, account.domainId)) throw invalidMember(i, `account "${member.id}" does not exist`);
      if (account.domainId === null) throw invalidMember(i, `"${account.address}" is a server operator without a mailbox`);
      normalised = { kind: 'account', id: account.id };
    } else {
      if (member.id === selfId) throw new StoaError('STOA_GROUP_CYCLE', 'a group cannot be a member of itself');
      const group = await tx.groups.get(member.id);
      if (!group || !inScope(actor, group.domainId)) throw invalidMember(i, `group "${member.id}" does not exist`);
      normalised = { kind: 'group', id: group.id };
    }
    const key = normalised.kind === 'external' ? `e:${normalised.address}` : `${normalised.kind}:${normalised.id}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(normalised);
  }
  return out;
}

function loaderFor(db: StoreTx): MemberLoader {
  return async (id) => (await db.groups.get(id))?.members ?? null;
}

function loadVisible(db: StoreTx, actor: Actor, key: string): Promise<Group> {
  return loadAddressed('group', db.groups, actor, key);
}

export function createGroupService(ctx: DirectoryContext): GroupService {
  const { store } = ctx;

  return {
    async create(actor, input: GroupCreate, opts) {
      requireAdmin(actor, 'create groups');
      const source = sourceForCreate(actor, opts);
      const parsed = parseAddress(input.address);
      checkNewName(actor, { local: parsed.local }, input.allowMixedScript);
      return store.atomic(async (tx) => {
        const domain = await homeDomainFor(tx, actor, parsed.domain, 'group');
        // A new group has no id anyone could have listed yet, so its members cannot form a cycle through it.
        const members = await validateMembers(tx, actor, input.members ?? [], null);
        const at = isoNow(ctx.now());
        const group: Group = {
          id: newId(),
          domainId: domain.id,
          address: parsed.address,
          name: input.name?.trim() || parsed.local,
          kind: input.kind ?? 'distribution',
          description: input.description ?? '',
          members,
          source,
          createdAt: at,
          updatedAt: at,
        };
        await tx.groups.create(group);
        await writeAudit(tx, actor, at, { action: 'create', objectType: 'group', objectId: group.id, domainId: group.domainId, before: null, after: group });
        return group;
      });
    },

    async get(actor, idOrAddress) {
      return loadVisible(store, actor, idOrAddress);
    },

    async update(actor, idOrAddress, patch: GroupUpdate, opts) {
      return store.atomic(async (tx) => {
        const before = await loadVisible(tx, actor, idOrAddress);
        guardManagedFields(actor, 'group', before.source, patch, MANAGED_GROUP_FIELDS);
        const source = sourceForUpdate(actor, before.source, opts);
        const at = isoNow(ctx.now());
        const changes: Partial<Group> = { updatedAt: at };
        if (source !== undefined) changes.source = source;
        if (patch.name !== undefined) changes.name = patch.name.trim() || before.name;
        if (patch.kind !== undefined) changes.kind = patch.kind;
        if (patch.description !== undefined) changes.description = patch.description;
        if (patch.members !== undefined) {
          const members = await validateMembers(tx, actor, patch.members, before.id);
          // Every member group is checked, not only new ones: a loop that slipped in
          // (an import, a race on another node) is then refused rather than kept.
          const memberGroups = members.flatMap((m) => (m.kind === 'group' ? [m.id] : []));
          const cycle = await findCycle(before.id, memberGroups, loaderFor(tx));
          if (cycle) {
            const names = await Promise.all(cycle.map(async (id) => (await tx.groups.get(id))?.address ?? id));
            throw new StoaError('STOA_GROUP_CYCLE', `the membership would make a loop: ${names.join(' → ')}`);
          }
          changes.members = members;
        }
        const after = await tx.groups.update(before.id, changes);
        await writeAudit(tx, actor, at, { action: 'update', objectType: 'group', objectId: before.id, domainId: before.domainId, ...diff(before, after) });
        return after;
      });
    },

    async delete(actor, idOrAddress) {
      const owners = await store.atomic(async (tx) => {
        const group = await loadVisible(tx, actor, idOrAddress);
        // It would come back at the next sync; detach it first to keep it local.
        guardManaged(actor, 'group', group.source, 'existence');
        const at = isoNow(ctx.now());
        await removeMemberEverywhere(tx, actor, at, { kind: 'group', id: group.id });
        await tx.dav.deleteForOwner(group.id);
        // Delegation grants given to the group go with it (delegation.ts).
        const affected = await removeGrantsHeldBy(tx, actor, at, group.id);
        await tx.groups.delete(group.id);
        await writeAudit(tx, actor, at, { action: 'delete', objectType: 'group', objectId: group.id, domainId: group.domainId, before: group, after: null });
        return affected;
      });
      await publishGrantChange(store, ctx.bus, owners);
    },

    async list(actor, params) {
      return listAddressed(store, actor, 'group', params, (opts) => store.groups.list(opts));
    },

    async expand(groupId) {
      return expandGroup(groupId, loaderFor(store));
    },
  };
}
