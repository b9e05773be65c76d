// Reads what a sync needs from a directory: users (all, or those changed since
// the high-water mark), which of them are disabled, groups with their
// members, and who belongs — directly or through nested groups — to the
// groups that grant roles.
import type { DirectoryMapping, RoleMapping } from '../../../../shared/src/schemas/directory-sync.ts';
import { StoaError } from '../../errors/catalogue.ts';
import { type DirectoryGroup, type DirectoryUser, dnKey, externalIdOf, groupFromEntry, laterChange, userFromEntry } from './directory-entries.ts';
import { andFilter, equalityFilter, escapeFilterValue } from './ldap-filter.ts';
import { MATCHING_RULE_IN_CHAIN } from './mapping-presets.ts';
import { asStrings, attribute, type LdapSession } from './ldap-session.ts';

export interface ReadScope {
  baseDn: string;
  groupBaseDn: string | null;
  mapping: DirectoryMapping;
}

/** Nested groups deeper than this are cut when walking member attributes (AD's own limit for IN_CHAIN is similar). */
const MAX_WALK_GROUPS = 10_000;

/** Entries changed after `highWater`: uSNChanged is a counter, modifyTimestamp a GeneralizedTime (RFC 4517 §3.3.13). */
export function changedSince(mapping: DirectoryMapping, highWater: string | null): string | null {
  if (highWater === null || mapping.changeAttribute === null) return null;
  if (mapping.changeKind === 'usn') {
    if (!/^\d+$/.test(highWater)) return null;
    return `(${mapping.changeAttribute}>=${(BigInt(highWater) + 1n).toString()})`;
  }
  return `(${mapping.changeAttribute}>=${escapeFilterValue(highWater)})`;
}

/** AD's current USN (rootDSE highestCommittedUSN, MS-ADTS §3.1.1.3.2.8): where the next incremental sync starts. */
export async function currentUsn(session: LdapSession): Promise<string | null> {
  const [root] = await session.search({ base: '', scope: 'base', filter: '(objectClass=*)', attributes: ['highestCommittedUSN'] });
  const value = root ? asStrings(attribute(root, 'highestCommittedUSN'))[0] : undefined;
  return value && /^\d+$/.test(value) ? value : null;
}

export function userAttributes(mapping: DirectoryMapping): string[] {
  return [...new Set([
    mapping.idAttribute, mapping.mailAttribute, ...mapping.aliasAttributes, mapping.displayNameAttribute, 'cn',
    ...mapping.loginAttributes, ...(mapping.changeAttribute ? [mapping.changeAttribute] : []),
  ])];
}

const binary = (mapping: DirectoryMapping) => (mapping.idBinary ? [mapping.idAttribute] : []);

/** Ids of the users the disabled filter matches (all of them, or among `extra`). */
async function disabledIds(session: LdapSession, scope: ReadScope, extra: string | null): Promise<Set<string>> {
  const { mapping } = scope;
  if (mapping.disabledFilter === null) return new Set();
  const ids = new Set<string>();
  for await (const page of session.pages({
    base: scope.baseDn, filter: andFilter(mapping.userFilter, mapping.disabledFilter, extra),
    attributes: [mapping.idAttribute], binary: binary(mapping), pageSize: mapping.pageSize,
  })) {
    for (const entry of page) {
      const id = externalIdOf(entry, mapping);
      if (id !== null) ids.add(id);
    }
  }
  return ids;
}

export async function readUsers(session: LdapSession, scope: ReadScope, highWater: string | null): Promise<{ users: DirectoryUser[]; highWater: string | null }> {
  const { mapping } = scope;
  const since = changedSince(mapping, highWater);
  // Read first, so that changes made while we search are seen again next time.
  const usn = mapping.changeKind === 'usn' ? await currentUsn(session) : null;
  const disabled = await disabledIds(session, scope, since);
  const users: DirectoryUser[] = [];
  let mark = mapping.changeKind === 'usn' ? (usn ?? highWater) : highWater;
  for await (const page of session.pages({
    base: scope.baseDn, filter: andFilter(mapping.userFilter, since), attributes: userAttributes(mapping),
    binary: binary(mapping), pageSize: mapping.pageSize,
  })) {
    for (const entry of page) {
      const id = externalIdOf(entry, mapping);
      const user = userFromEntry(entry, mapping, id !== null && disabled.has(id));
      if (!user) continue;
      users.push(user);
      if (mapping.changeKind === 'timestamp') mark = laterChange(mark, user.change, 'timestamp');
    }
  }
  return { users, highWater: mark };
}

export async function readGroups(session: LdapSession, scope: ReadScope, highWater: string | null): Promise<DirectoryGroup[]> {
  const { mapping } = scope;
  const groups: DirectoryGroup[] = [];
  const attributes = [...new Set([mapping.idAttribute, mapping.groupNameAttribute, mapping.groupMailAttribute, mapping.memberAttribute, 'groupType', ...(mapping.changeAttribute ? [mapping.changeAttribute] : [])])];
  for await (const page of session.pages({
    base: scope.groupBaseDn ?? scope.baseDn, filter: andFilter(mapping.groupFilter, changedSince(mapping, highWater)),
    attributes, binary: binary(mapping), pageSize: mapping.pageSize,
  })) {
    for (const entry of page) {
      const group = groupFromEntry(entry, mapping, await session.allValues(entry, mapping.memberAttribute));
      if (group) groups.push(group);
    }
  }
  return groups;
}

export interface RoleGrantSpec { role: 'server-admin' | 'domain-admin'; domains: string[] }

/** Adds a grant: server admin outranks domain admin; domain-admin grants add up. */
export function mergeGrant(current: RoleGrantSpec | undefined, next: RoleGrantSpec): RoleGrantSpec {
  if (!current) return { role: next.role, domains: [...next.domains] };
  if (current.role === 'server-admin' || next.role === 'server-admin') return { role: 'server-admin', domains: [] };
  return { role: 'domain-admin', domains: [...new Set([...current.domains, ...next.domains])].sort() };
}

/** The users (by external id) each role mapping reaches, through nested groups. */
export async function readRoleMembers(session: LdapSession, scope: ReadScope, roles: readonly RoleMapping[]): Promise<Map<string, RoleGrantSpec>> {
  const grants = new Map<string, RoleGrantSpec>();
  for (const mapping of roles) {
    const spec: RoleGrantSpec = { role: mapping.role, domains: mapping.role === 'domain-admin' ? [...(mapping.domains ?? [])] : [] };
    const ids = scope.mapping.nestedGroups === 'in-chain'
      ? await inChainMembers(session, scope, mapping.group)
      : await walkedMembers(session, scope, mapping.group);
    for (const id of ids) grants.set(id, mergeGrant(grants.get(id), spec));
  }
  return grants;
}

async function inChainMembers(session: LdapSession, scope: ReadScope, groupDn: string): Promise<string[]> {
  const { mapping } = scope;
  const filter = andFilter(mapping.userFilter, `(memberOf:${MATCHING_RULE_IN_CHAIN}:=${escapeFilterValue(groupDn)})`);
  const ids: string[] = [];
  for await (const page of session.pages({ base: scope.baseDn, filter, attributes: [mapping.idAttribute], binary: binary(mapping), pageSize: mapping.pageSize })) {
    for (const entry of page) {
      const id = externalIdOf(entry, mapping);
      if (id !== null) ids.push(id);
    }
  }
  return ids;
}

/** Follows member attributes from `groupDn` down (groupOfNames, posixGroup), each group once. */
async function walkedMembers(session: LdapSession, scope: ReadScope, groupDn: string): Promise<string[]> {
  const { mapping } = scope;
  const ids = new Set<string>();
  const seen = new Set<string>();
  const queue = [groupDn];
  while (queue.length > 0) {
    const dn = queue.shift()!;
    if (seen.has(dnKey(dn))) continue;
    seen.add(dnKey(dn));
    if (seen.size > MAX_WALK_GROUPS) throw new StoaError('STOA_DIRECTORY_ERROR', `more than ${MAX_WALK_GROUPS} nested groups under ${groupDn}`);
    const [group] = await baseSearch(session, dn, mapping.groupFilter, [mapping.memberAttribute]);
    if (!group) continue;
    for (const member of await session.allValues(group, mapping.memberAttribute)) {
      if (!mapping.memberIsDn) {
        const found = await session.search({ base: scope.baseDn, filter: andFilter(mapping.userFilter, equalityFilter(mapping.loginAttributes[0], member)), attributes: [mapping.idAttribute], binary: binary(mapping), sizeLimit: 2 });
        for (const entry of found) {
          const id = externalIdOf(entry, mapping);
          if (id !== null) ids.add(id);
        }
        continue;
      }
      const [user] = await baseSearch(session, member, mapping.userFilter, [mapping.idAttribute], binary(mapping));
      const id = user ? externalIdOf(user, mapping) : null;
      if (id !== null) ids.add(id);
      else queue.push(member);
    }
  }
  return [...ids];
}

/** The entry at `dn` if it matches `filter`; nothing when it does not exist. */
async function baseSearch(session: LdapSession, dn: string, filter: string, attributes: string[], binaryAttrs: string[] = []) {
  try {
    return await session.search({ base: dn, scope: 'base', filter, attributes, binary: binaryAttrs });
  } catch (err) {
    // resultCode 32 noSuchObject: a dangling member value.
    if (err instanceof StoaError && /LDAP result 32\b/.test(err.detail ?? '')) return [];
    throw err;
  }
}
