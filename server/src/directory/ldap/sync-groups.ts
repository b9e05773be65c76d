// The group half of a sync: directory groups with a mail address (or, with
// sync.groupAddressDomain, every group) become Stoa groups whose members are
// the accounts and groups linked to their member entries, so they serve as
// mailing lists and as sharing targets in ACLs. Nested directory groups stay
// nested; roles come from membership in the groups the admin chose.
import type { Group, GroupMember } from '../../../../shared/src/schemas/directory.ts';
import type { GroupService } from '../api.ts';
import { type DirectoryGroup, type DirectoryUser, dnKey } from './directory-entries.ts';
import type { RoleGrantSpec } from './directory-reader.ts';
import { DomainGate, type LinkedAccounts, sourceFor, SYNC_CONCURRENCY, type SyncScope } from './sync-accounts.ts';
import { forEachLimited } from './sync-report.ts';

/** A local part from a group name: "Sales EMEA" → "sales-emea". */
export function groupLocalPart(name: string): string {
  return name.normalize('NFKD').replace(/[\u0300-\u036f]/g, '').toLowerCase().replace(/[^a-z0-9._-]+/g, '-').replace(/^[-.]+|[-.]+$/g, '').slice(0, 64) || 'group';
}

const memberKey = (m: GroupMember) => (m.kind === 'external' ? `e:${m.address}` : `${m.kind}:${m.id}`);
const sameMembers = (a: readonly GroupMember[], b: readonly GroupMember[]) => {
  const x = a.map(memberKey).sort();
  const y = b.map(memberKey).sort();
  return x.length === y.length && x.every((k, i) => k === y[i]);
};

export async function syncGroups(
  scope: SyncScope & { groups: GroupService }, entries: readonly DirectoryGroup[], users: readonly DirectoryUser[], linkedAccounts: LinkedAccounts, gate: DomainGate,
): Promise<void> {
  const { record, actor, store, groups, report, dryRun, at, full } = scope;
  const linked = await store.groups.listLinked(record.id);
  const byExternal = new Map<string, Group>(linked.map((g) => [g.source!.externalId, g]));
  // Member DNs resolve through what is linked (accounts by their last DN), so an incremental sync needs no full read.
  const accountByDn = new Map<string, string>();
  for (const account of linkedAccounts.values()) if (account.source) accountByDn.set(dnKey(account.source.dn), account.id);
  for (const user of users) {
    const account = linkedAccounts.get(user.externalId);
    if (account) accountByDn.set(dnKey(user.dn), account.id);
  }
  const accountByLogin = new Map<string, string>();
  for (const user of users) {
    const account = linkedAccounts.get(user.externalId);
    if (account) for (const login of user.logins) accountByLogin.set(login.toLowerCase(), account.id);
  }

  // Pass 1: every group exists (members come in pass 2, when nested groups have ids).
  const present: { entry: DirectoryGroup; group: Group | null; address: string }[] = [];
  await forEachLimited(entries, SYNC_CONCURRENCY, async (entry) => {
    const existing = byExternal.get(entry.externalId);
    const kind = entry.security ? 'security' : 'distribution';
    if (existing) {
      const patch: { name?: string; kind?: 'security' | 'distribution' } = {};
      if (existing.name !== entry.name) patch.name = entry.name;
      if (existing.kind !== kind) patch.kind = kind;
      const moved = existing.source!.dn !== entry.dn || existing.source!.missingSince !== null;
      if (Object.keys(patch).length > 0 || moved) {
        report.add({ kind: existing.source!.missingSince !== null ? 'return' : 'change', object: 'group', address: existing.address, dn: entry.dn, detail: Object.keys(patch).join(', ') || 'moved' });
        if (!dryRun) {
          try {
            present.push({ entry, group: await groups.update(actor, existing.id, patch, { source: sourceFor(record, entry, at) }), address: existing.address });
            return;
          } catch (err) {
            report.error('group', existing.address, entry.dn, err);
          }
        }
      }
      present.push({ entry, group: existing, address: existing.address });
      return;
    }
    const mail = entry.mail ?? (record.sync.groupAddressDomain ? `${groupLocalPart(entry.name)}@${record.sync.groupAddressDomain}` : null);
    if (mail === null) {
      report.add({ kind: 'skip', object: 'group', address: '', dn: entry.dn, detail: 'the group has no mail address (set sync.groupAddressDomain to import it)' });
      return;
    }
    const where = await gate.place(mail);
    if ('skip' in where) {
      report.add({ kind: 'skip', object: 'group', address: mail, dn: entry.dn, detail: where.skip });
      return;
    }
    const owner = await store.addresses.resolve(where.address);
    if (owner) {
      report.add({ kind: 'skip', object: 'group', address: where.address, dn: entry.dn, detail: `the address belongs to a local ${owner.kind}` });
      return;
    }
    report.add({ kind: 'create', object: 'group', address: where.address, dn: entry.dn, detail: `"${entry.name}", ${entry.members.length} member entries` });
    if (dryRun) {
      present.push({ entry, group: null, address: where.address });
      return;
    }
    try {
      const group = await groups.create(actor, { address: where.address, name: entry.name, kind, members: [] }, { source: sourceFor(record, entry, at) });
      present.push({ entry, group, address: where.address });
    } catch (err) {
      report.error('group', where.address, entry.dn, err);
    }
  });

  // Pass 2: members.
  const groupByDn = new Map<string, string>();
  for (const g of linked) groupByDn.set(dnKey(g.source!.dn), g.id);
  for (const p of present) if (p.group) groupByDn.set(dnKey(p.entry.dn), p.group.id);
  await forEachLimited(present, SYNC_CONCURRENCY, async ({ entry, group, address }) => {
    const members: GroupMember[] = [];
    for (const value of entry.members) {
      if (!record.mapping.memberIsDn) {
        const id = accountByLogin.get(value.toLowerCase());
        if (id) members.push({ kind: 'account', id });
        continue;
      }
      const key = dnKey(value);
      const accountId = accountByDn.get(key);
      if (accountId) members.push({ kind: 'account', id: accountId });
      else {
        const groupId = groupByDn.get(key);
        if (groupId && groupId !== group?.id) members.push({ kind: 'group', id: groupId });
      }
    }
    // memberUid names only resolve against the users read in this run: an incremental run leaves such members alone.
    if (!record.mapping.memberIsDn && !full) return;
    if (group && sameMembers(group.members, members)) return;
    if (group) report.add({ kind: 'change', object: 'group', address, dn: entry.dn, detail: `${members.length} members` });
    if (dryRun || !group) return;
    try {
      await groups.update(actor, group.id, { members }, { source: sourceFor(record, entry, at) });
    } catch (err) {
      report.error('group', address, entry.dn, err);
    }
  });

  if (!full) return;
  const seen = new Set(entries.map((e) => e.externalId));
  for (const group of linked) {
    if (seen.has(group.source!.externalId) || group.source!.missingSince !== null) continue;
    report.add({ kind: 'missing', object: 'group', address: group.address, dn: group.source!.dn, detail: 'not returned by the directory; detach or delete it' });
    if (dryRun) continue;
    try {
      await groups.update(actor, group.id, {}, { source: { ...group.source!, missingSince: at } });
    } catch (err) {
      report.error('group', group.address, group.source!.dn, err);
    }
  }
}

/**
 * Roles from group membership: members of a server-admin group become server
 * admins, of a domain-admin group domain admins of its domains, everyone else
 * linked to the connection a user. Only when the connection maps roles.
 */
export async function syncRoles(scope: SyncScope, grants: ReadonlyMap<string, RoleGrantSpec>, linkedAccounts: LinkedAccounts): Promise<void> {
  const { record, actor, store, accounts, report, dryRun } = scope;
  if (record.roleMappings.length === 0) return;
  const domainIds = new Map<string, string | null>();
  const idsOf = async (names: readonly string[]) => {
    const ids: string[] = [];
    for (const name of names) {
      if (!domainIds.has(name)) domainIds.set(name, (await store.domains.getByName(name.toLowerCase()))?.id ?? null);
      const id = domainIds.get(name);
      if (id) ids.push(id);
    }
    return ids.sort();
  };
  for (const [externalId, account] of linkedAccounts) {
    if (account.source?.missingSince) continue;
    const want = grants.get(externalId) ?? { role: 'user' as const, domains: [] };
    const wantIds = want.role === 'domain-admin' ? await idsOf(want.domains) : [];
    const haveIds = account.role === 'domain-admin' ? [...account.adminDomainIds].sort() : [];
    if (account.role === want.role && wantIds.join() === haveIds.join()) continue;
    report.add({ kind: 'change', object: 'account', address: account.address, dn: account.source?.dn ?? '', detail: `role ${account.role} → ${want.role}${want.domains.length ? ` of ${want.domains.join(', ')}` : ''}` });
    if (dryRun) continue;
    try {
      await accounts.grantRole(actor, account.id, want.role === 'domain-admin' ? { role: want.role, domains: want.domains } : { role: want.role });
    } catch (err) {
      report.error('account', account.address, account.source?.dn ?? '', err);
    }
  }
}
