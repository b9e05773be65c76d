// Where an incoming address leads: the single place SMTP (RCPT TO), the
// delivery agent and the admin API ask. Order: alias domain → target domain,
// then the exact owner of the address, then the domain's catch-all.
import type { Domain } from '../../../shared/src/schemas/directory.ts';
import type { AddressOwnerKind, Store } from '../store/port.ts';
import { toAccount } from './account-access.ts';
import type { AddressResolution, AddressService } from './api.ts';
import type { DirectoryContext } from './context.ts';
import { parseAddress, parseDomain } from './names.ts';
import { expandRecipient } from './recipient-expansion.ts';
import { loadDelegationOwner } from './shared-mailbox-addresses.ts';

/** The domain whose objects serve `asciiName`: itself, or the target of an alias domain. Null when not served or disabled. */
export async function homeDomainOf(store: Store, asciiName: string): Promise<Domain | null> {
  const domain = await store.domains.getByName(asciiName);
  if (!domain || !domain.enabled) return null;
  if (domain.aliasOf === null) return domain;
  const target = await store.domains.get(domain.aliasOf);
  return target && target.enabled ? target : null;
}

async function loadOwner(store: Store, owner: { kind: AddressOwnerKind; id: string }): Promise<AddressResolution> {
  switch (owner.kind) {
    case 'account': {
      const account = await store.accounts.get(owner.id);
      return account ? { kind: 'account', account: toAccount(account) } : null;
    }
    case 'group': {
      const group = await store.groups.get(owner.id);
      return group ? { kind: 'group', group } : null;
    }
    case 'alias': {
      const alias = await store.aliases.get(owner.id);
      return alias ? { kind: 'alias', alias } : null;
    }
    case 'resource': {
      const resource = await store.resources.get(owner.id);
      return resource ? { kind: 'resource', resource } : null;
    }
    case 'shared-mailbox':
    case 'public-folder':
      return loadDelegationOwner(store, { kind: owner.kind, id: owner.id });
  }
}

export function createAddressService(ctx: DirectoryContext): AddressService {
  const { store } = ctx;
  const service: AddressService = {
    expand: (address) => expandRecipient({ store, resolve: service.resolve, isLocalDomain: service.isLocalDomain }, address),

    async resolve(address) {
      // Invalid syntax throws STOA_INVALID_ADDRESS (SMTP 501 5.1.3) rather than
      // reading as "unknown user" (550 5.1.1): the sender made a different mistake.
      const parsed = parseAddress(address);
      const home = await homeDomainOf(store, parsed.domain);
      if (!home) return null;
      const exact = await store.addresses.resolve(`${parsed.local}@${home.name}`);
      if (exact) return loadOwner(store, exact);
      const catchAll = await store.addresses.resolve(`*@${home.name}`);
      if (catchAll?.kind !== 'alias') return null;
      const alias = await store.aliases.get(catchAll.id);
      return alias ? { kind: 'catch-all', alias } : null;
    },

    async isLocalDomain(domain) {
      let ascii: string;
      try {
        ascii = parseDomain(domain).ascii;
      } catch {
        return false;
      }
      // A disabled domain is still ours: mail for it must not be relayed elsewhere.
      return (await store.domains.getByName(ascii)) !== null;
    },
  };
  return service;
}
