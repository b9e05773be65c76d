// The two address owners that have a mailbox tree but no login: shared
// mailboxes, and public folders given an address. How an address of each
// resolves (address-service.ts) and where it leads (recipient-expansion.ts).
import { publicFolderOwner } from '../mail/public-folders.ts';
import type { StoreTx } from '../store/port.ts';
import type { AddressResolution, LocalTarget } from './api.ts';

export async function loadDelegationOwner(
  store: Pick<StoreTx, 'sharedMailboxes' | 'publicFolderAddresses' | 'mailboxes'>, owner: { kind: 'shared-mailbox' | 'public-folder'; id: string },
): Promise<AddressResolution> {
  if (owner.kind === 'shared-mailbox') {
    const sharedMailbox = await store.sharedMailboxes.get(owner.id);
    return sharedMailbox ? { kind: 'shared-mailbox', sharedMailbox } : null;
  }
  const folder = await store.publicFolderAddresses.getByMailbox(owner.id);
  // A folder deleted under its address (by a user holding "x") takes no mail: the address reads as unknown.
  if (!folder || !await store.mailboxes.get(folder.mailboxId)) return null;
  return { kind: 'public-folder', folder };
}

/** The mailbox a public folder's address delivers into. */
export function folderTarget(folder: { domainId: string; mailboxId: string; address: string }): LocalTarget {
  return { accountId: publicFolderOwner(folder.domainId), address: folder.address, mailboxId: folder.mailboxId };
}
