// The delegation part of the storage port: shared mailboxes (directory
// objects that own an address and a mailbox tree but never log in), the
// grants that open a mailbox to other accounts or groups (full access, send
// as, send on behalf), and the addresses of public folders. Every method is
// one transaction of its own, or joins the enclosing Store.atomic() when
// called on its StoreTx handle.
import type { GrantRight, SharedMailbox } from '../../../shared/src/schemas/shared-mailboxes.ts';
import type { DomainScope, ListOptions, Page } from '../model/listing.ts';

export type { GrantRight, SharedMailbox };

export interface SharedMailboxStore {
  /** Claims `mailbox.address` in the shared address space (STOA_ADDRESS_TAKEN if taken); STOA_CONFLICT for a used id. */
  create(mailbox: SharedMailbox): Promise<void>;
  get(id: string): Promise<SharedMailbox | null>;
  getByAddress(address: string): Promise<SharedMailbox | null>;
  update(id: string, patch: Partial<Omit<SharedMailbox, 'id' | 'address' | 'domainId' | 'createdAt'>>): Promise<SharedMailbox>;
  /** Deletes the row and releases its address; STOA_NOT_FOUND when missing. Mailboxes and grants are the caller's. */
  delete(id: string): Promise<void>;
  list(opts: ListOptions<'address' | 'displayName' | 'createdAt'> & { scope: DomainScope; domainId?: string }): Promise<Page<SharedMailbox>>;
  countInDomain(domainId: string): Promise<number>;
}

/** One grant: `granteeId` (an account or a group) holds `right` on the mailboxes of `ownerId` (a shared mailbox or an account). */
export interface MailboxGrantRecord {
  id: string;
  ownerId: string;
  ownerKind: 'shared-mailbox' | 'account';
  /** The owner's domain, for scoped listing and audit. */
  domainId: string;
  granteeKind: 'account' | 'group';
  granteeId: string;
  right: GrantRight;
  createdAt: string;
}

export interface MailboxGrantStore {
  /** STOA_CONFLICT when the same grantee already holds the same right on the same owner. */
  add(grant: MailboxGrantRecord): Promise<void>;
  get(id: string): Promise<MailboxGrantRecord | null>;
  /** STOA_NOT_FOUND when there is no such grant. */
  remove(id: string): Promise<void>;
  /** Every grant on the owner's mailboxes, oldest first. */
  forOwner(ownerId: string): Promise<MailboxGrantRecord[]>;
  /** Grants held by any of these grantees (an account and its groups), optionally of one right. */
  forGrantees(granteeIds: readonly string[], right?: GrantRight): Promise<MailboxGrantRecord[]>;
  countForOwner(ownerId: string): Promise<number>;
  /** Removes and returns every grant on the owner (its deletion). */
  deleteForOwner(ownerId: string): Promise<MailboxGrantRecord[]>;
  /** Removes and returns every grant held by the grantee (its deletion, or an account becoming a shared mailbox). */
  deleteForGrantee(granteeId: string): Promise<MailboxGrantRecord[]>;
}

/** The address of a public folder: mail to it is filed in the folder (mail/public-folder-service.ts). */
export interface PublicFolderAddress {
  mailboxId: string;
  domainId: string;
  address: string;
  /** Whether senders who did not log in (mail from outside) may post; logged-in senders need the folder's "p" right. */
  acceptExternal: boolean;
  createdAt: string;
  updatedAt: string;
}

export interface PublicFolderAddressStore {
  /** Claims the address (STOA_ADDRESS_TAKEN); STOA_CONFLICT when the folder has an address already. */
  create(entry: PublicFolderAddress): Promise<void>;
  getByMailbox(mailboxId: string): Promise<PublicFolderAddress | null>;
  getByAddress(address: string): Promise<PublicFolderAddress | null>;
  update(mailboxId: string, patch: Partial<Pick<PublicFolderAddress, 'acceptExternal' | 'updatedAt'>>): Promise<PublicFolderAddress>;
  /** Releases the address; false when the folder had none. */
  delete(mailboxId: string): Promise<boolean>;
  listInDomain(domainId: string): Promise<PublicFolderAddress[]>;
}
