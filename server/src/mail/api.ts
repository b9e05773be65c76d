// The mail domain's public face: what IMAP, POP3, the SMTP MDA, the admin API
// and the import tool call. Nothing here knows which protocol is calling;
// access control (RFC 4314 rights) is checked by the caller with rightsFor().
import type { Readable } from 'node:stream';
import type { StoaError } from '../errors/catalogue.ts';
import type {
  AclEntry, AppendResult, Changes, ChangesOptions, CopyResult, ExpungeResult, Mailbox, MailboxSelection, MailboxStatus, MessageFilter, MessageList,
  MessageRecord, MessageSummary, SharedMailbox, SpecialUse, StoredBody, StoreFlagsRequest, StoreFlagsResult, UidSet, Usage,
} from '../store/mail-port.ts';
import type { ByteRange } from '../store/port.ts';

export interface QuotaReport {
  usage: Usage;
  /** 0 = unlimited (RFC 9208 STORAGE is in KiB; the front end converts). */
  limits: { bytes: number; messages: number };
}

export interface MailboxService {
  /** Creates the mailbox and any missing parents (RFC 9051 §6.3.4). */
  create(accountId: string, name: string, options?: { specialUse?: SpecialUse | null; subscribe?: boolean }): Promise<Mailbox>;
  get(mailboxId: string): Promise<Mailbox>;
  /** INBOX matches case-insensitively. Null when there is no such mailbox. */
  find(accountId: string, name: string): Promise<Mailbox | null>;
  list(accountId: string): Promise<Mailbox[]>;
  /** Renames with children; renaming INBOX moves its messages to the new name and leaves INBOX empty (RFC 9051 §6.3.6). */
  rename(mailboxId: string, newName: string): Promise<Mailbox>;
  /** Refused for INBOX and for mailboxes with children. */
  delete(mailboxId: string): Promise<void>;
  setSpecialUse(mailboxId: string, specialUse: SpecialUse | null): Promise<Mailbox>;
  status(mailboxId: string): Promise<MailboxStatus>;
  subscribe(accountId: string, name: string): Promise<void>;
  unsubscribe(accountId: string, name: string): Promise<void>;
  subscriptions(accountId: string): Promise<string[]>;
  setAcl(mailboxId: string, identifier: string, rights: string | null): Promise<void>;
  getAcl(mailboxId: string): Promise<AclEntry[]>;
  /** Mailboxes other accounts share with this account, directly, through its groups or with "anyone" (public folders excluded). */
  sharedWith(accountId: string): Promise<SharedMailbox[]>;
  /**
   * RFC 4314 rights of an account on a mailbox: every right for the owner;
   * otherwise the union of the ACL entries naming the account, a group it is
   * in (nested groups included) or "anyone". On a public folder only accounts
   * of the folder's domain get rights.
   */
  rightsFor(accountId: string, mailbox: Mailbox): Promise<string>;
  /** The public folders of the account's domain on which it holds any right, with those rights (public-folders.ts). */
  publicFolders(accountId: string): Promise<{ mailbox: Mailbox; rights: string }[]>;
  /** INBOX, Drafts, Sent, Trash, Junk and Archive with their special-use (RFC 6154); idempotent. */
  ensureDefaultMailboxes(accountId: string): Promise<Mailbox[]>;
  quota(accountId: string): Promise<QuotaReport>;
}

export interface AppendInput {
  source: Buffer | Readable;
  flags?: readonly string[];
  /** RFC 9051 §6.3.12 date-time; now when absent. */
  internalDate?: string;
}

export interface MessageService {
  append(mailboxId: string, input: AppendInput): Promise<AppendResult>;
  /** RFC 3502 MULTIAPPEND: all messages or none. */
  appendMany(mailboxId: string, inputs: readonly AppendInput[]): Promise<AppendResult>;
  /** UID, MODSEQ, flags and size in UID order; only within `uids` when given. */
  list(mailboxId: string, uids?: UidSet): Promise<MessageList>;
  /** What opening a mailbox needs (IMAP SELECT): UIDs, keywords in use, unseen counts, the mailbox row. */
  selection(mailboxId: string): Promise<MailboxSelection>;
  fetch(mailboxId: string, uids: UidSet): Promise<MessageRecord[]>;
  body(blobId: string): Promise<StoredBody>;
  /** The raw message or a byte range of it (FETCH BODY[section] reads only its part). */
  open(blobId: string, range?: ByteRange): Promise<Readable>;
  storeFlags(mailboxId: string, uids: UidSet, request: StoreFlagsRequest): Promise<StoreFlagsResult>;
  expunge(mailboxId: string, uids?: UidSet): Promise<ExpungeResult>;
  copy(fromMailboxId: string, uids: UidSet, toMailboxId: string): Promise<CopyResult>;
  move(fromMailboxId: string, uids: UidSet, toMailboxId: string): Promise<CopyResult>;
  /**
   * RFC 7162 CHANGEDSINCE / QRESYNC: flag changes and vanished UIDs (as ranges) after `modseq`.
   * Correct for any modseq: below the mailbox's vanished horizon (the expunge
   * log was pruned) every UID that no longer exists is reported, within `options.within`.
   */
  changesSince(mailboxId: string, modseq: number, options?: ChangesOptions): Promise<Changes>;
  filter(mailboxId: string, filter: MessageFilter): Promise<number[]>;
  searchText(mailboxId: string, text: string): Promise<number[]>;
  /** Indexed headers (and envelopes on request) of many messages in one read, for SORT, THREAD and SEARCH. */
  summaries(mailboxId: string, uids: UidSet, options?: { envelope?: boolean }): Promise<MessageSummary[]>;
}

export interface Recipient {
  accountId: string;
  /** Where the filter put it; Junk falls back to INBOX if the account has none. */
  mailbox?: 'INBOX' | 'Junk';
}

export type RecipientOutcome =
  | { accountId: string; status: 'delivered'; mailboxId: string; uid: number }
  | { accountId: string; status: 'failed'; error: StoaError };

export interface DeliveryService {
  /**
   * Stores the final message bytes (built by SMTP, trace headers included)
   * once and links it into every recipient's mailbox in one transaction.
   * Recipients over quota fail alone; when this resolves, the delivered
   * copies are committed and SMTP may answer 250 for them.
   */
  deliver(body: Buffer | Readable, recipients: readonly Recipient[], options?: { internalDate?: string; flags?: readonly string[] }): Promise<RecipientOutcome[]>;
}
