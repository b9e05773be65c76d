// Nested groups form a directed graph (group → member group). Adding a
// membership must keep it acyclic, and expansion must terminate even if a
// cycle slipped in (an import, a concurrent edit on another node).
import type { GroupMember } from '../../../shared/src/schemas/directory.ts';

/** How to read a group's members; null when the group no longer exists. */
export type MemberLoader = (groupId: string) => Promise<readonly GroupMember[] | null>;

/** Nesting deeper than this is almost certainly a mistake and is cut during expansion. */
export const MAX_GROUP_DEPTH = 32;

/**
 * The path of group ids by which `groupId` would contain itself if it got
 * `memberGroupIds` as direct members, or null when no cycle would form.
 * A cycle exists exactly when `groupId` is reachable from one of the new members.
 */
export async function findCycle(groupId: string, memberGroupIds: readonly string[], load: MemberLoader): Promise<string[] | null> {
  const seen = new Set<string>();
  const stack: { id: string; path: string[] }[] = memberGroupIds.map((id) => ({ id, path: [groupId, id] }));
  while (stack.length > 0) {
    const { id, path } = stack.pop()!;
    if (id === groupId) return path;
    if (seen.has(id)) continue;
    seen.add(id);
    const members = await load(id);
    if (!members) continue;
    for (const m of members) {
      if (m.kind === 'group') stack.push({ id: m.id, path: [...path, m.id] });
    }
  }
  return null;
}

export interface Expansion { accountIds: string[]; external: string[] }

/**
 * Every account and external address reached from `groupId`, breadth first.
 * Each group is visited once (which cuts cycles) and nesting stops at
 * `maxDepth`. Order is first-seen, without duplicates.
 */
export async function expandGroup(groupId: string, load: MemberLoader, maxDepth: number = MAX_GROUP_DEPTH): Promise<Expansion> {
  const accounts = new Set<string>();
  const external = new Set<string>();
  const visited = new Set<string>([groupId]);
  let frontier = [groupId];
  for (let depth = 0; frontier.length > 0 && depth <= maxDepth; depth++) {
    const next: string[] = [];
    for (const id of frontier) {
      const members = await load(id);
      if (!members) continue;
      for (const m of members) {
        if (m.kind === 'account') accounts.add(m.id);
        else if (m.kind === 'external') external.add(m.address);
        else if (!visited.has(m.id)) {
          visited.add(m.id);
          next.push(m.id);
        }
      }
    }
    frontier = next;
  }
  return { accountIds: [...accounts], external: [...external] };
}
