// The directory's face for shared mailboxes and delegation (Exchange's shared
// mailboxes, Full Access, Send As and Send on Behalf): what the admin API,
// /api/v1/me, the CLI, the intake's sender policy and Autodiscover call.
// docs/shared-mailboxes.md explains it for an admin coming from Exchange.
import type { Account } from '../../../shared/src/schemas/directory.ts';
import type {
  DelegatedAccess, GrantRight, MailboxGrant, MailboxGrantCreate, SharedMailbox, SharedMailboxCreate, SharedMailboxToAccount, SharedMailboxUpdate,
} from '../../../shared/src/schemas/shared-mailboxes.ts';
import type { Page } from '../model/listing.ts';
import type { Actor, ListParams } from './api.ts';

/**
 * Shared mailboxes: an address (more through aliases), a quota and a mailbox
 * tree, and no password: nobody logs in as one (AuthService finds no
 * account). Server admins, and domain admins in their domains, manage them.
 */
export interface SharedMailboxService {
  create(actor: Actor, input: SharedMailboxCreate): Promise<SharedMailbox>;
  /** By id or address. STOA_NOT_FOUND when unknown or outside the actor's domains. */
  get(actor: Actor, idOrAddress: string): Promise<SharedMailbox>;
  update(actor: Actor, idOrAddress: string, patch: SharedMailboxUpdate): Promise<SharedMailbox>;
  /** Its mailboxes, messages and grants go in the same transaction, each audited. */
  delete(actor: Actor, idOrAddress: string): Promise<void>;
  list(actor: Actor, params: ListParams<'address' | 'displayName' | 'createdAt'> & { domain?: string }): Promise<Page<SharedMailbox>>;
  /**
   * Turns an account (role user) into a shared mailbox under the same id and
   * address: its mail and the grants on it stay; its password, app
   * passwords, console sessions, API tokens and the grants it held go in the
   * same transaction, and its open IMAP/POP3 sessions end.
   */
  fromAccount(actor: Actor, accountIdOrAddress: string): Promise<SharedMailbox>;
  /** The way back: an account with the same id, address and mail, and the password given (or none yet). */
  toAccount(actor: Actor, idOrAddress: string, input: SharedMailboxToAccount): Promise<Account>;
}

/** Whose mailbox a grant is about: a shared mailbox, or an account (delegation of one's own mailbox). */
export interface MailboxRef {
  kind: 'shared-mailbox' | 'account';
  /** Id or address. */
  ref: string;
}

/**
 * Grants on a mailbox. On a shared mailbox: server admins, and domain admins
 * of its domain. On an account's mailbox: the same admins (not on other
 * admins' mailboxes), and the account itself (/api/v1/me/grants), who may
 * grant only to accounts and groups of its own domain. Grantees are accounts
 * or groups the actor can see; anything else answers STOA_INVALID_REFERENCE.
 */
export interface MailboxGrantService {
  list(actor: Actor, mailbox: MailboxRef): Promise<MailboxGrant[]>;
  grant(actor: Actor, mailbox: MailboxRef, input: MailboxGrantCreate): Promise<MailboxGrant>;
  /** STOA_NOT_FOUND when the grant is not one of this mailbox's. */
  revoke(actor: Actor, mailbox: MailboxRef, grantId: string): Promise<void>;
  /** Which mailboxes an account can open, send as and send on behalf of: the account itself or its admins. */
  accessOf(actor: Actor, accountIdOrAddress: string): Promise<DelegatedAccess>;
  /**
   * Whether the actor holds `right` on the mailboxes of `ownerId` (directly
   * or through its groups): the question the sender policy and the mail
   * access rules ask about the principal itself. The server holds every right.
   */
  holds(actor: Actor, ownerId: string, right: GrantRight): Promise<boolean>;
}
