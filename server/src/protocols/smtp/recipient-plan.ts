// Where one RCPT TO leads: local mailboxes and external addresses, after alias
// domains, aliases (chains of them), groups and distribution lists (nested),
// catch-all and per-account forwarding. Loops are cut by remembering every
// address and group seen; a runaway expansion stops at a fixed size.
import type { Account } from '../../../../shared/src/schemas/directory.ts';
import { systemActor } from '../../directory/access.ts';
import type { AddressResolution, Directory } from '../../directory/api.ts';
import { parseAddress } from '../../directory/names.ts';
import { SmtpReply } from './smtp-reply.ts';

/** A mailbox this server stores a copy in. `address` is the account's primary address (Delivered-To). */
export interface LocalTarget { accountId: string; address: string }

export interface RecipientPlan {
  /** The RCPT address as the client gave it. */
  rcpt: string;
  /** Local copies (deduplicated by account). */
  local: LocalTarget[];
  /** External addresses reached through aliases, lists or forwarding: relayed through the queue. */
  forward: string[];
  /** True for a recipient outside our domains (only authenticated submission may use it). */
  remote: boolean;
  /** What the address was in the directory (for logs and the quota check). */
  kind: 'account' | 'alias' | 'catch-all' | 'group' | 'resource' | 'remote';
  /** The account, when the RCPT address is one account's address (quota can be checked at RCPT time). */
  account: Account | null;
}

/** RFC 5321 §3.9.1: a list may expand to many, but an expansion this large is a loop or an accident. */
const MAX_TARGETS = 10_000;
const MAX_DEPTH = 20;

class Expansion {
  readonly local = new Map<string, LocalTarget>();
  readonly forward = new Set<string>();
  readonly seenAddresses = new Set<string>();
  readonly seenGroups = new Set<string>();
  readonly directory: Directory;

  constructor(directory: Directory) {
    this.directory = directory;
  }

  get size(): number {
    return this.local.size + this.forward.size;
  }

  async address(raw: string, depth: number): Promise<void> {
    if (depth > MAX_DEPTH || this.size >= MAX_TARGETS) return;
    let address: string;
    let domain: string;
    try {
      ({ address, domain } = parseAddress(raw));
    } catch {
      return; // A malformed stored target must not bounce the whole message.
    }
    if (this.seenAddresses.has(address)) return;
    this.seenAddresses.add(address);
    if (!await this.directory.addresses.isLocalDomain(domain)) {
      this.forward.add(address);
      return;
    }
    await this.resolution(await this.directory.addresses.resolve(address), depth);
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
      case 'resource': {
        // A room or equipment has no mailbox of its own: its managers receive its mail.
        const actor = systemActor();
        for (const id of r.resource.managerIds) {
          const account = await this.directory.accounts.get(actor, id).catch(() => null);
          if (account) await this.account(account, depth + 1);
        }
        return;
      }
    }
  }

  async group(groupId: string, depth: number): Promise<void> {
    if (this.seenGroups.has(groupId)) return;
    this.seenGroups.add(groupId);
    // expand() already follows nested groups and cuts their cycles.
    const { accountIds, external } = await this.directory.groups.expand(groupId);
    const actor = systemActor();
    for (const id of accountIds) {
      if (this.size >= MAX_TARGETS) return;
      const account = await this.directory.accounts.get(actor, id).catch(() => null);
      if (account) await this.account(account, depth + 1);
    }
    for (const address of external) await this.address(address, depth + 1);
  }

  async account(account: Account, depth: number): Promise<void> {
    // Disabled accounts keep their mail out of lists; a direct RCPT is refused earlier.
    if (!account.enabled || account.domainId === null) return;
    this.seenAddresses.add(account.address);
    if (account.forwardTo.length === 0 || account.keepForwardedCopy) {
      this.local.set(account.id, { accountId: account.id, address: account.address });
    }
    for (const target of account.forwardTo) await this.address(target, depth + 1);
  }
}

/**
 * Expands one recipient. `null` when the address is in one of our domains but
 * nothing owns it (550 5.1.1). Throws STOA_INVALID_ADDRESS on bad syntax.
 */
export async function planRecipient(directory: Directory, rcpt: string): Promise<RecipientPlan | null> {
  const parsed = parseAddress(rcpt);
  if (!await directory.addresses.isLocalDomain(parsed.domain)) {
    return { rcpt, local: [], forward: [], remote: true, kind: 'remote', account: null };
  }
  const resolution = await directory.addresses.resolve(parsed.address);
  if (!resolution) return null;
  const account = resolution.kind === 'account' ? resolution.account : null;
  // RFC 3463 X.2.1: the mailbox exists but takes no mail.
  if (account && !account.enabled) throw new SmtpReply(550, '5.2.1', 'Mailbox disabled', 'unknown-recipient');
  const expansion = new Expansion(directory);
  expansion.seenAddresses.add(parsed.address);
  await expansion.resolution(resolution, 0);
  // Forwarding that loops back (a → b → a) must not swallow the message: the addressee keeps it.
  if (account && expansion.size === 0) expansion.local.set(account.id, { accountId: account.id, address: account.address });
  return {
    rcpt,
    local: [...expansion.local.values()],
    forward: [...expansion.forward],
    remote: false,
    kind: resolution.kind,
    account,
  };
}
