// The mail part of the storage port: mailboxes, message copies, shared
// message bodies with their MIME index, the expunge log, usage for QUOTA,
// ACLs and subscriptions. Every method is one transaction of its own, or
// joins the enclosing Store.atomic() when called on its StoreTx handle.
// UIDs and MODSEQs are allocated inside that transaction from the mailbox
// row, so racing writers (other connections, other processes) never collide.
import type {
  AclEntry, AppendResult, Changes, ChangesOptions, CopyResult, Delivered, DeliveryTarget, ExpungeLogPruneResult, ExpungeResult, Mailbox,
  MailboxSelection, MailboxStatus, MessageFilter, MessageList, MessageRecord, MessageSummary, NewMailbox, NewMessage, SharedMailbox,
  SpecialUse, StoredBody, StoreFlagsRequest, StoreFlagsResult, UidSet, Usage,
} from '../model/mail.ts';

// The adapters and the contract suite name the model types through this port.
export * from '../model/mail.ts';

export interface MailboxStore {
  /** Allocates a fresh uidValidity. STOA_CONFLICT if the name exists in the account. */
  create(input: NewMailbox): Promise<Mailbox>;
  get(id: string): Promise<Mailbox | null>;
  getByName(accountId: string, name: string): Promise<Mailbox | null>;
  /** Every mailbox of the account, ordered by name. */
  list(accountId: string): Promise<Mailbox[]>;
  /** Renames the mailbox and every child ("name/…"); uidValidity is kept. STOA_CONFLICT if a target name exists. */
  rename(id: string, newName: string): Promise<Mailbox>;
  setSpecialUse(id: string, specialUse: SpecialUse | null): Promise<Mailbox>;
  /** Deletes the mailbox, its messages (dropping blob refs and usage), expunge log and ACL. */
  delete(id: string): Promise<{ messages: number; bytes: number }>;
  /** RFC 4314 SETACL; `rights` null or "" removes the entry. */
  setAcl(mailboxId: string, identifier: string, rights: string | null): Promise<void>;
  getAcl(mailboxId: string): Promise<AclEntry[]>;
  /** Mailboxes of other accounts with an ACL entry for one of these identifiers. */
  sharedWith(identifiers: readonly string[]): Promise<SharedMailbox[]>;
  /**
   * RFC 3501 §2.3.2 \Recent: raises the mailbox's recentUid past
   * `throughUid` and returns the value it had, in one atomic step, so two
   * sessions never both get a message as \Recent. UIDs from the returned
   * value through `throughUid` are recent to the caller (none when it is higher).
   */
  claimRecent(id: string, throughUid: number): Promise<number>;
  subscribe(accountId: string, name: string): Promise<void>;
  unsubscribe(accountId: string, name: string): Promise<void>;
  subscriptions(accountId: string): Promise<string[]>;
}

export interface MessageStore {
  /** Appends all items (MULTIAPPEND: all or nothing) with consecutive UIDs and one MODSEQ. */
  append(mailboxId: string, items: readonly NewMessage[], now: string): Promise<AppendResult>;
  /** Links one body into many mailboxes (of many accounts): the MDA's single write. */
  deliver(targets: readonly DeliveryTarget[], item: NewMessage, now: string): Promise<Delivered[]>;
  /** UID order; only the messages within `uids` when given (FETCH reads a large set range by range). */
  list(mailboxId: string, uids?: UidSet): Promise<MessageList>;
  /** Distinct keywords of the mailbox's messages (case-insensitively distinct), sorted: what the keyword limit counts. */
  keywordsInUse(mailboxId: string): Promise<string[]>;
  /** The light read behind SELECT: UIDs, keywords in use, unseen count and first unseen UID, with the mailbox row. */
  selection(mailboxId: string): Promise<MailboxSelection>;
  fetch(mailboxId: string, uids: UidSet): Promise<MessageRecord[]>;
  storeFlags(mailboxId: string, uids: UidSet, request: StoreFlagsRequest): Promise<StoreFlagsResult>;
  /** Removes \Deleted messages (only those within `uids` when given). */
  expunge(mailboxId: string, uids?: UidSet): Promise<ExpungeResult>;
  copy(fromMailboxId: string, uids: UidSet, toMailboxId: string, now: string): Promise<CopyResult>;
  /** RFC 6851: copy and expunge from the source in one transaction. */
  move(fromMailboxId: string, uids: UidSet, toMailboxId: string, now: string): Promise<CopyResult>;
  /**
   * CONDSTORE/QRESYNC changes after `modseq`. Vanished UIDs come from the
   * expunge log when `modseq` is at or above the mailbox's vanished horizon,
   * otherwise from the gaps in 1..uidNext-1 (see Changes.vanished).
   */
  changesSince(mailboxId: string, modseq: number, options?: ChangesOptions): Promise<Changes>;
  /**
   * Prunes expunge-log entries logged before `before` (ISO): per mailbox, the
   * horizon becomes the highest pruned modseq and every entry at or below it
   * goes. The horizon is raised before entries are removed, so a concurrent
   * changesSince never trusts a log that lost entries it needs.
   */
  pruneExpungeLog(before: string): Promise<ExpungeLogPruneResult>;
  /** UIDs matching the metadata filter, ascending. */
  filter(mailboxId: string, filter: MessageFilter): Promise<number[]>;
  /** UIDs whose body text contains `text` (case- and accent-insensitive substring), ascending. */
  searchText(mailboxId: string, text: string): Promise<number[]>;
  /** Summaries of the messages in `uids`, ascending UIDs; envelopes only with `envelope: true`. */
  summaries(mailboxId: string, uids: UidSet, options?: { envelope?: boolean }): Promise<MessageSummary[]>;
  body(blobId: string): Promise<StoredBody | null>;
  status(mailboxId: string): Promise<MailboxStatus>;
  usage(accountId: string): Promise<Usage>;
  /** Usage of several accounts in one query; accounts with no mail are absent. */
  usageOf(accountIds: readonly string[]): Promise<Map<string, Usage>>;
  /** Usage summed per domain, for the console's storage view; domains with no mail are absent. */
  usageByDomain(): Promise<DomainUsage[]>;
}

export interface DomainUsage extends Usage { domainId: string; accounts: number }
