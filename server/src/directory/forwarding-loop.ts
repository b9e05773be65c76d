// Refusing forwarding that leads back to the mailbox it is set on (a shared
// mailbox forwarding to itself, directly, through an alias, a list or
// another mailbox's forwarding). Delivery cuts such loops anyway
// (recipient-expansion.ts keeps the message with the addressee); refusing
// the setting tells the admin at once instead of after the first message.
import { StoaError } from '../errors/catalogue.ts';
import type { StoreTx } from '../store/port.ts';
import { loadDelegationOwner } from './shared-mailbox-addresses.ts';
import { parseAddress } from './names.ts';
import { MAX_EXPANSION_DEPTH } from './recipient-expansion.ts';

/** Addresses looked at before giving up (the answer is then "no loop found"; delivery still cuts one). */
const MAX_VISITED = 10_000;

type Store = Pick<StoreTx, 'addresses' | 'accounts' | 'groups' | 'aliases' | 'resources' | 'sharedMailboxes' | 'publicFolderAddresses' | 'mailboxes' | 'domains'>;

async function homeAddress(store: Store, address: string): Promise<string | null> {
  let parsed: { local: string; domain: string };
  try {
    parsed = parseAddress(address);
  } catch {
    return null;
  }
  const domain = await store.domains.getByName(parsed.domain);
  if (!domain) return null;
  const home = domain.aliasOf ? await store.domains.get(domain.aliasOf) : domain;
  return home ? `${parsed.local}@${home.name}` : null;
}

/** Every address one hop from `address`: alias targets, list members, forwarding targets. */
async function nextHops(store: Store, address: string): Promise<string[]> {
  const owner = await store.addresses.resolve(address);
  if (!owner) return [];
  switch (owner.kind) {
    case 'alias':
      return (await store.aliases.get(owner.id))?.targets ?? [];
    case 'account':
      return (await store.accounts.get(owner.id))?.forwardTo ?? [];
    case 'shared-mailbox': {
      const r = await loadDelegationOwner(store, { kind: 'shared-mailbox', id: owner.id });
      return r?.kind === 'shared-mailbox' ? r.sharedMailbox.forwardTo : [];
    }
    case 'group': {
      const out: string[] = [];
      for (const m of (await store.groups.get(owner.id))?.members ?? []) {
        if (m.kind === 'external') out.push(m.address);
        else if (m.kind === 'account') {
          const a = await store.accounts.get(m.id);
          if (a) out.push(a.address);
        } else {
          const g = await store.groups.get(m.id);
          if (g) out.push(g.address);
        }
      }
      return out;
    }
    case 'resource': {
      const out: string[] = [];
      for (const id of (await store.resources.get(owner.id))?.managerIds ?? []) {
        const a = await store.accounts.get(id);
        if (a) out.push(a.address);
      }
      return out;
    }
    case 'public-folder':
      return [];
  }
}

/** Throws STOA_FORWARD_LOOP when mail forwarded from `own` to `targets` would come back to `own`. */
export async function refuseForwardingLoop(store: Store, own: string, targets: readonly string[]): Promise<void> {
  const seen = new Set<string>();
  let frontier: { address: string; depth: number }[] = targets.map((address) => ({ address, depth: 0 }));
  while (frontier.length > 0 && seen.size < MAX_VISITED) {
    const next: typeof frontier = [];
    for (const { address, depth } of frontier) {
      const home = await homeAddress(store, address);
      if (home === null || seen.has(home)) continue;
      if (home === own) {
        throw new StoaError('STOA_FORWARD_LOOP', `forwarding to ${targets.join(', ')} leads back to ${own}`, { errors: [{ path: '/forwardTo', message: 'leads back to this mailbox' }] });
      }
      seen.add(home);
      if (depth < MAX_EXPANSION_DEPTH) for (const hop of await nextHops(store, home)) next.push({ address: hop, depth: depth + 1 });
    }
    frontier = next;
  }
}
