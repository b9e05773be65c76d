// Who owns collections: an account; a shared mailbox (its calendars and
// address books are opened by Full Access grants, as its mail is; nobody logs
// in as it); or a resource (rooms and equipment keep their bookings in a
// calendar, written by the scheduler only).
import type { StoreTx } from '../store/port.ts';

export interface CollectionOwner {
  id: string;
  kind: 'account' | 'shared-mailbox' | 'resource';
  address: string;
  displayName: string;
  /** Null for server operators, who have no mailbox (and no collections but those an admin made). */
  domainId: string | null;
  enabled: boolean;
  /** The storage quota DAV objects count against with the owner's mail (0: none; resources have none). */
  quotaBytes: number;
}

/** The owner with this id, whatever kind it is; null when none. */
export async function loadOwner(store: Pick<StoreTx, 'accounts' | 'sharedMailboxes' | 'resources'>, id: string): Promise<CollectionOwner | null> {
  const account = await store.accounts.get(id);
  if (account) {
    return {
      id: account.id, kind: 'account', address: account.address, displayName: account.displayName, domainId: account.domainId,
      enabled: account.enabled, quotaBytes: account.quotaBytes,
    };
  }
  const shared = await store.sharedMailboxes.get(id);
  if (shared) {
    return {
      id: shared.id, kind: 'shared-mailbox', address: shared.address, displayName: shared.displayName, domainId: shared.domainId,
      enabled: shared.enabled, quotaBytes: shared.quotaBytes,
    };
  }
  const resource = await store.resources.get(id);
  if (resource) {
    return {
      id: resource.id, kind: 'resource', address: resource.address, displayName: resource.name, domainId: resource.domainId,
      enabled: resource.enabled, quotaBytes: 0,
    };
  }
  return null;
}
