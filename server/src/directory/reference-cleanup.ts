// When an account or group is deleted, the objects that point at it are
// updated in the same transaction (and audited), so no group lists a member
// and no resource a manager that no longer exists.
import type { GroupMember } from '../../../shared/src/schemas/directory.ts';
import type { StoreTx } from '../store/port.ts';
import type { Actor } from './api.ts';
import { writeAudit } from '../audit/audit-log.ts';

export async function removeMemberEverywhere(tx: StoreTx, actor: Actor, at: string, member: { kind: 'account' | 'group'; id: string }): Promise<void> {
  for (const group of await tx.groups.containing(member)) {
    const members = group.members.filter((m: GroupMember) => !(m.kind === member.kind && m.id === member.id));
    if (members.length === group.members.length) continue;
    await tx.groups.update(group.id, { members, updatedAt: at });
    await writeAudit(tx, actor, at, {
      action: 'update', objectType: 'group', objectId: group.id, domainId: group.domainId,
      before: { members: group.members }, after: { members },
    });
  }
}

export async function removeResourceManagerEverywhere(tx: StoreTx, actor: Actor, at: string, accountId: string): Promise<void> {
  const limit = 500;
  for (let offset = 0; ; offset += limit) {
    const page = await tx.resources.list({ offset, limit, sort: 'createdAt', order: 'asc', scope: null });
    for (const resource of page.items) {
      if (!resource.managerIds.includes(accountId)) continue;
      const managerIds = resource.managerIds.filter((id) => id !== accountId);
      await tx.resources.update(resource.id, { managerIds, updatedAt: at });
      await writeAudit(tx, actor, at, {
        action: 'update', objectType: 'resource', objectId: resource.id, domainId: resource.domainId,
        before: { managerIds: resource.managerIds }, after: { managerIds },
      });
    }
    if (page.items.length < limit) return;
  }
}
