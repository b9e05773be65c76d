// The account and alias half of a sync: directory users become accounts (in
// the domain of their mail address), their other addresses aliases of them;
// changed names and disabled flags follow; entries that disappear are marked
// missing and wait for an admin. Every write goes through the directory
// services as the connection's sync actor, so their rules and audit apply.
import type { Account, DirectorySource } from '../../../../shared/src/schemas/directory.ts';
import type { DirectoryConnectionRecord } from '../../store/directory-sync-port.ts';
import type { AccountRecord, Store } from '../../store/port.ts';
import type { AccountService, Actor, AliasService } from '../api.ts';
import { parseAddress } from '../names.ts';
import type { DirectoryUser } from './directory-entries.ts';
import { forEachLimited, type SyncReport } from './sync-report.ts';

/** Writes in flight at once: enough for the SQLite group commit to batch them. */
export const SYNC_CONCURRENCY = 8;

export interface SyncScope {
  record: DirectoryConnectionRecord;
  actor: Actor;
  store: Store;
  accounts: AccountService;
  aliases: AliasService;
  report: SyncReport;
  dryRun: boolean;
  full: boolean;
  at: string;
}

/** Domain names (ASCII) this connection may place objects in, resolved through alias domains; null = not allowed. */
export class DomainGate {
  readonly #scope: SyncScope;
  readonly #cache = new Map<string, string | null>();
  constructor(scope: SyncScope) { this.#scope = scope; }

  /** The normalised address in the home domain, or a reason it cannot be used. */
  async place(address: string): Promise<{ address: string } | { skip: string }> {
    let parsed;
    try {
      parsed = parseAddress(address);
    } catch {
      return { skip: `"${address}" is not a valid address` };
    }
    if (!this.#cache.has(parsed.domain)) this.#cache.set(parsed.domain, await this.#home(parsed.domain));
    const home = this.#cache.get(parsed.domain);
    if (!home) return { skip: `the domain ${parsed.domain} is not served here or not assigned to this directory` };
    return { address: `${parsed.local}@${home}` };
  }

  async #home(ascii: string): Promise<string | null> {
    const { store, record } = this.#scope;
    let domain = await store.domains.getByName(ascii);
    if (domain?.aliasOf) domain = await store.domains.get(domain.aliasOf);
    if (!domain) return null;
    const allowed = record.domains.length === 0 || record.domains.some((d) => d.toLowerCase() === domain!.name || d === domain!.unicodeName);
    return allowed ? domain.name : null;
  }
}

export function sourceFor(record: DirectoryConnectionRecord, user: { externalId: string; dn: string }, at: string, managesRole = false): DirectorySource {
  return { connectionId: record.id, externalId: user.externalId, dn: user.dn, syncedAt: at, missingSince: null, managesRole };
}

/** Accounts by directory id after this phase (existing and created), for aliases, groups and roles. */
export type LinkedAccounts = Map<string, Account>;

export async function syncAccounts(scope: SyncScope, users: readonly DirectoryUser[], gate: DomainGate): Promise<LinkedAccounts> {
  const { record, actor, store, accounts, report, dryRun, at } = scope;
  const managesRole = record.roleMappings.length > 0;
  const linked = await store.accounts.listLinked(record.id);
  const byExternal = new Map<string, AccountRecord>(linked.map((a) => [a.source!.externalId, a]));
  const result: LinkedAccounts = new Map(linked.map((a) => [a.source!.externalId, a]));

  // Where two entries claim one address, neither gets it unless one already has the account.
  const placed = new Map<DirectoryUser, string>();
  const claims = new Map<string, DirectoryUser[]>();
  for (const user of users) {
    if (user.mail === null) continue;
    const where = await gate.place(user.mail);
    if ('address' in where) {
      placed.set(user, where.address);
      claims.set(where.address, [...(claims.get(where.address) ?? []), user]);
    }
  }

  const creates: { user: DirectoryUser; address: string }[] = [];
  const updates: (() => Promise<void>)[] = [];
  for (const user of users) {
    const existing = byExternal.get(user.externalId);
    if (existing) {
      const change = accountChange(existing, user, record, at, managesRole);
      if (change === null) continue;
      report.add({ kind: change.kind, object: 'account', address: existing.address, dn: user.dn, detail: change.detail });
      if (!dryRun) {
        updates.push(async () => {
          try {
            result.set(user.externalId, await accounts.update(actor, existing.id, change.patch, { source: change.source }));
          } catch (err) {
            report.error('account', existing.address, user.dn, err);
          }
        });
      }
      continue;
    }
    if (user.mail === null) {
      report.add({ kind: 'skip', object: 'account', address: '', dn: user.dn, detail: 'the entry has no mail address' });
      continue;
    }
    const address = placed.get(user);
    if (address === undefined) {
      const where = await gate.place(user.mail);
      report.add({ kind: 'skip', object: 'account', address: user.mail, dn: user.dn, detail: 'skip' in where ? where.skip : 'not placed' });
      continue;
    }
    const rivals = (claims.get(address) ?? []).filter((u) => u !== user);
    if (rivals.length > 0) {
      const owner = rivals.find((u) => byExternal.has(u.externalId));
      report.add({ kind: 'skip', object: 'account', address, dn: user.dn, detail: owner ? `the address belongs to ${owner.dn}` : `the address is also the mail of ${rivals.map((u) => u.dn).join('; ')}` });
      continue;
    }
    if (user.disabled) {
      report.add({ kind: 'skip', object: 'account', address, dn: user.dn, detail: 'disabled in the directory; not created' });
      continue;
    }
    const owner = await store.addresses.resolve(address);
    if (owner) {
      report.add({ kind: 'skip', object: 'account', address, dn: user.dn, detail: `the address belongs to a local ${owner.kind}; detach or remove it first` });
      continue;
    }
    report.add({ kind: 'create', object: 'account', address, dn: user.dn, detail: user.displayName ? `"${user.displayName}"` : '' });
    creates.push({ user, address });
  }

  if (!dryRun) {
    await forEachLimited(updates, SYNC_CONCURRENCY, (run) => run());
    await forEachLimited(creates, SYNC_CONCURRENCY, async ({ user, address }) => {
      try {
        const account = await accounts.create(actor, { address, displayName: user.displayName }, { source: sourceFor(record, user, at, managesRole) });
        result.set(user.externalId, account);
      } catch (err) {
        report.error('account', address, user.dn, err);
      }
    });
  }

  if (scope.full) await markMissing(scope, linked, new Set(users.map((u) => u.externalId)));
  return result;
}

interface AccountChange {
  kind: 'change' | 'disable' | 'enable' | 'return';
  patch: { displayName?: string; enabled?: boolean };
  source: DirectorySource;
  detail: string;
}

/** What the directory entry changes on its account; null when nothing does (no write, no audit entry). */
export function accountChange(existing: AccountRecord, user: DirectoryUser, record: DirectoryConnectionRecord, at: string, managesRole: boolean): AccountChange | null {
  const source = existing.source!;
  const patch: AccountChange['patch'] = {};
  const notes: string[] = [];
  if (user.displayName !== existing.displayName) {
    patch.displayName = user.displayName;
    notes.push(`displayName "${existing.displayName}" → "${user.displayName}"`);
  }
  if (existing.enabled === user.disabled) patch.enabled = !user.disabled;
  if (source.dn !== user.dn) notes.push(`moved to ${user.dn}`);
  if (source.managesRole !== managesRole) notes.push(managesRole ? 'role now from directory groups' : 'role no longer from directory groups');
  const returned = source.missingSince !== null;
  if (Object.keys(patch).length === 0 && notes.length === 0 && !returned) return null;
  const kind = patch.enabled === false ? 'disable' : patch.enabled === true ? 'enable' : returned ? 'return' : 'change';
  if (returned) notes.push('back in the directory');
  return { kind, patch, source: { ...sourceFor(record, user, at, managesRole) }, detail: notes.join('; ') || (patch.enabled === false ? 'disabled in the directory' : 'enabled in the directory') };
}

/**
 * Linked accounts the full read did not return. They are only marked: a
 * mailbox is never deleted because of what a directory did not say (it may be
 * a wrong base DN or a filter); an admin detaches or deletes them.
 */
async function markMissing(scope: SyncScope, linked: readonly AccountRecord[], seen: ReadonlySet<string>): Promise<void> {
  const { accounts, actor, report, dryRun, at } = scope;
  const gone = linked.filter((a) => !seen.has(a.source!.externalId) && a.source!.missingSince === null);
  for (const account of gone) report.add({ kind: 'missing', object: 'account', address: account.address, dn: account.source!.dn, detail: 'not returned by the directory; waiting for an admin to detach or delete it' });
  if (dryRun) return;
  await forEachLimited(gone, SYNC_CONCURRENCY, async (account) => {
    try {
      await accounts.update(actor, account.id, {}, { source: { ...account.source!, missingSince: at } });
    } catch (err) {
      report.error('account', account.address, account.source!.dn, err);
    }
  });
}

/**
 * Aliases of directory users: each other address of the entry (proxyAddresses
 * smtp:, mailAlternateAddress, further mail values) in a domain served here
 * points at the user's account. Addresses dropped in the directory are
 * removed; those of users the read did not return stay as they are.
 */
export async function syncAliases(scope: SyncScope, users: readonly DirectoryUser[], linkedAccounts: LinkedAccounts, gate: DomainGate): Promise<void> {
  const { record, actor, store, aliases, report, dryRun, at } = scope;
  const current = new Map<string, { id: string; address: string; targets: string[] }[]>();
  for (const alias of await store.aliases.listLinked(record.id)) {
    const key = alias.source!.externalId;
    current.set(key, [...(current.get(key) ?? []), alias]);
  }
  const work: (() => Promise<void>)[] = [];
  for (const user of users) {
    const account = linkedAccounts.get(user.externalId);
    const target = account?.address ?? (user.mail ? (await gate.place(user.mail) as { address?: string }).address : undefined);
    if (!target) continue;
    const wanted = new Set<string>();
    const candidates = [...user.aliases];
    // A changed mail attribute cannot rename the account (addresses are its identity): the new one becomes an alias.
    if (account && user.mail) {
      const placed = await gate.place(user.mail);
      if ('address' in placed && placed.address !== account.address) candidates.push(placed.address);
    }
    for (const candidate of candidates) {
      const where = await gate.place(candidate);
      if ('skip' in where) {
        report.add({ kind: 'skip', object: 'alias', address: candidate, dn: user.dn, detail: where.skip });
        continue;
      }
      if (where.address !== target) wanted.add(where.address);
    }
    const have = current.get(user.externalId) ?? [];
    for (const alias of have) {
      if (wanted.has(alias.address)) {
        if (alias.targets.length !== 1 || alias.targets[0] !== target) {
          report.add({ kind: 'change', object: 'alias', address: alias.address, dn: user.dn, detail: `now points at ${target}` });
          if (!dryRun) work.push(() => aliases.update(actor, alias.id, { targets: [target] }, { source: sourceFor(record, user, at) }).then(() => undefined));
        }
        continue;
      }
      report.add({ kind: 'change', object: 'alias', address: alias.address, dn: user.dn, detail: 'no longer in the directory entry; removed' });
      if (!dryRun) work.push(() => aliases.delete(actor, alias.id));
    }
    for (const address of wanted) {
      if (have.some((a) => a.address === address)) continue;
      const owner = await store.addresses.resolve(address);
      if (owner) {
        if (!(owner.kind === 'account' && account && owner.id === account.id)) {
          report.add({ kind: 'skip', object: 'alias', address, dn: user.dn, detail: `the address belongs to another ${owner.kind}` });
        }
        continue;
      }
      report.add({ kind: 'create', object: 'alias', address, dn: user.dn, detail: `→ ${target}` });
      if (!dryRun && account) work.push(() => aliases.create(actor, { address, targets: [target] }, { source: sourceFor(record, user, at) }).then(() => undefined));
    }
  }
  await forEachLimited(work, SYNC_CONCURRENCY, async (run) => {
    try {
      await run();
    } catch (err) {
      report.error('alias', '', '', err);
    }
  });
}
