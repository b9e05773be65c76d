// Where one recipient address leads: local mailboxes and external addresses,
// after alias domains, aliases (chains of them), groups and distribution
// lists (nested), catch-all, resources (their managers), shared mailboxes
// (like accounts), addressed public folders (into the folder) and
// per-mailbox forwarding. The one expansion every path uses (SMTP, the queue's notices,
// Sieve redirects, webmail), with one set of limits: loops are cut by
// remembering every address and group seen, nesting stops at
// MAX_EXPANSION_DEPTH, and an expansion stops growing at MAX_EXPANSION_TARGETS
// (RFC 5321 §3.9.1: a list may expand to many, but not to this many).
import type { Account } from '../../../shared/src/schemas/directory.ts';
import { StoaError } from '../errors/catalogue.ts';
import type { Store } from '../store/port.ts';
import { toAccount } from './account-access.ts';
import type { AddressExpansion, AddressResolution, LocalTarget } from './api.ts';
import { expandGroup, type MemberLoader } from './group-graph.ts';
import { parseAddress } from './names.ts';
import { folderTarget } from './shared-mailbox-addresses.ts';

/** Aliases, lists and forwards followed this deep. */
export const MAX_EXPANSION_DEPTH = 20;
/** Local mailboxes plus external addresses one recipient may reach. */
export const MAX_EXPANSION_TARGETS = 10_000;

export interface ExpansionDeps {
  store: Store;
  resolve(address: string): Promise<AddressResolution>;
  isLocalDomain(domain: string): Promise<boolean>;
}

class Expansion {
  readonly local = new Map<string, LocalTarget>();
  readonly forward = new Set<string>();
  readonly seenAddresses = new Set<string>();
  readonly seenGroups = new Set<string>();
  readonly deps: ExpansionDeps;
  readonly members: MemberLoader;

  constructor(deps: ExpansionDeps) {
    this.deps = deps;
    this.members = async (id) => (await deps.store.groups.get(id))?.members ?? null;
  }

  get size(): number {
    return this.local.size + this.forward.size;
  }

  get full(): boolean {
    return this.size >= MAX_EXPANSION_TARGETS;
  }

  async address(raw: string, depth: number): Promise<void> {
    if (depth > MAX_EXPANSION_DEPTH || this.full) return;
    let address: string;
    let domain: string;
    try {
      ({ address, domain } = parseAddress(raw));
    } catch {
      return; // A malformed stored target must not bounce the whole message.
    }
    if (this.seenAddresses.has(address)) return;
    this.seenAddresses.add(address);
    if (!await this.deps.isLocalDomain(domain)) {
      this.forward.add(address);
      return;
    }
    await this.resolution(await this.deps.resolve(address), depth);
  }

  async resolution(r: AddressResolution, depth: number): Promise<void> {
    if (!r) return;
    switch (r.kind) {
      case 'account':
        return this.account(r.account, depth);
      case 'alias':
      case 'catch-all':
        for (const target of r.alias.targets) await this.address(target, depth + 1);
        return;
      case 'group':
        return this.group(r.group.id, depth);
      case 'resource':
        // A room or equipment has no mailbox of its own: its managers receive its mail.
        for (const id of r.resource.managerIds) await this.accountById(id, depth + 1);
        return;
      case 'shared-mailbox':
        // Delivered like an account's mail: its own mailbox tree, its own forwarding.
        return this.mailboxOwner(r.sharedMailbox, depth);
      case 'public-folder': {
        if (this.full) return;
        const target = folderTarget(r.folder);
        this.local.set(target.mailboxId!, target);
        return;
      }
    }
  }

  async group(groupId: string, depth: number): Promise<void> {
    if (this.seenGroups.has(groupId)) return;
    this.seenGroups.add(groupId);
    // Nested groups are followed (and their cycles cut) by the group graph, within the same depth limit.
    const { accountIds, external } = await expandGroup(groupId, this.members, MAX_EXPANSION_DEPTH - depth);
    for (const id of accountIds) {
      if (this.full) return;
      await this.accountById(id, depth + 1);
    }
    for (const address of external) await this.address(address, depth + 1);
  }

  async accountById(id: string, depth: number): Promise<void> {
    const record = await this.deps.store.accounts.get(id);
    if (record) await this.account(toAccount(record), depth);
  }

  async account(account: Account, depth: number): Promise<void> {
    return this.mailboxOwner(account, depth);
  }

  /** An account or a shared mailbox: its INBOX, and where it forwards. */
  async mailboxOwner(account: Pick<Account, 'id' | 'address' | 'enabled' | 'domainId' | 'forwardTo' | 'keepForwardedCopy'>, depth: number): Promise<void> {
    // Disabled accounts keep their mail out of lists; a direct recipient is refused by expand().
    if (!account.enabled || account.domainId === null || this.full) return;
    this.seenAddresses.add(account.address);
    if (account.forwardTo.length === 0 || account.keepForwardedCopy) {
      this.local.set(account.id, { accountId: account.id, address: account.address });
    }
    for (const target of account.forwardTo) await this.address(target, depth + 1);
  }
}

/**
 * Expands one recipient. Null when the address is in one of our domains but
 * nothing owns it; STOA_INVALID_ADDRESS on bad syntax; STOA_MAILBOX_DISABLED
 * when it names a disabled account directly.
 */
export async function expandRecipient(deps: ExpansionDeps, raw: string): Promise<AddressExpansion | null> {
  const parsed = parseAddress(raw);
  if (!await deps.isLocalDomain(parsed.domain)) {
    return { address: parsed.address, local: [], forward: [], remote: true, kind: 'remote', account: null };
  }
  const resolution = await deps.resolve(parsed.address);
  if (!resolution) return null;
  const account = resolution.kind === 'account' ? resolution.account : null;
  const sharedMailbox = resolution.kind === 'shared-mailbox' ? resolution.sharedMailbox : null;
  const owner = account ?? sharedMailbox;
  // RFC 3463 X.2.1: the mailbox exists but takes no mail.
  if (owner && !owner.enabled) throw new StoaError('STOA_MAILBOX_DISABLED', parsed.address);
  const expansion = new Expansion(deps);
  expansion.seenAddresses.add(parsed.address);
  await expansion.resolution(resolution, 0);
  // Forwarding that loops back (a → b → a) must not swallow the message: the addressee keeps it.
  if (owner && expansion.size === 0) expansion.local.set(owner.id, { accountId: owner.id, address: owner.address });
  return {
    address: parsed.address,
    local: [...expansion.local.values()],
    forward: [...expansion.forward],
    remote: false,
    kind: resolution.kind,
    account,
    sharedMailbox,
    folder: resolution.kind === 'public-folder' ? resolution.folder : null,
  };
}
