// The mail domain's public face: what IMAP, POP3, the intake service, the
// admin API and the import tool call. Nothing here knows which protocol is
// calling. Every method takes the caller's Actor first and checks RFC 4314
// rights (mail-access.ts) against current data itself: a front end that
// forgets a check still cannot read or change what the caller may not.
// systemActor() (the server itself: delivery, first start, the CLI) holds
// every right.
import type { Readable } from 'node:stream';
import type { Actor } from '../directory/api.ts';
import type { StoaError } from '../errors/catalogue.ts';
import type { ByteRange } from '../model/blob.ts';
import type {
  AclEntry, AppendResult, Changes, ChangesOptions, CopyResult, ExpungeResult, Mailbox, MailboxSelection, MailboxStatus, MessageFilter, MessageList,
  MessageRecord, MessageSummary, SharedMailbox, SpecialUse, StoredBody, StoreFlagsRequest, StoreFlagsResult, UidSet, Usage,
} from '../model/mail.ts';

export interface QuotaReport {
  /** Bytes of mail and of calendars, address books and files (one budget, mail/quota.ts); messages of mail. */
  usage: Usage;
  /** 0 = unlimited (RFC 9208 STORAGE is in KiB; the front end converts). */
  limits: { bytes: number; messages: number };
}

/** A mailbox with the caller's RFC 4314 rights on it. */
export interface MailboxAccess { mailbox: Mailbox; rights: string }

/** Another owner's mailbox tree the caller holds full access on (a shared mailbox, or an account delegated to it). */
export interface DelegatedTree {
  ownerId: string;
  kind: 'shared-mailbox' | 'account';
  /** The owner's primary address: how IMAP names the tree. */
  address: string;
  mailboxes: Mailbox[];
}

/**
 * Mailboxes. `ownerId` names whose mailboxes are meant (an account id, or a
 * domain's public-folder owner id); the caller needs to be that account or
 * hold the rights RFC 4314 §4 names for the operation on someone else's.
 */
export interface MailboxService {
  /**
   * Creates the mailbox and any missing parents (RFC 9051 §6.3.4). In the
   * caller's own account, or below a mailbox of another owner on which the
   * caller holds "k" (RFC 4314 §4 CREATE).
   */
  create(actor: Actor, ownerId: string, name: string, options?: { specialUse?: SpecialUse | null; subscribe?: boolean }): Promise<Mailbox>;
  /** Needs "l" or "r". */
  get(actor: Actor, mailboxId: string): Promise<MailboxAccess>;
  /** INBOX matches case-insensitively. Null when there is no such mailbox or the caller holds neither "l" nor "r" on it. */
  find(actor: Actor, ownerId: string, name: string): Promise<MailboxAccess | null>;
  /** Every mailbox of the caller's own account (the server may list any). */
  list(actor: Actor, accountId: string): Promise<Mailbox[]>;
  /** Needs "x" on the mailbox, and "k" on the new parent in another owner's tree. Renaming INBOX moves its messages (RFC 9051 §6.3.6). */
  rename(actor: Actor, mailboxId: string, newName: string): Promise<Mailbox>;
  /** Needs "x". Refused for INBOX and for mailboxes with children. */
  delete(actor: Actor, mailboxId: string): Promise<void>;
  /** The owner's own choice (RFC 6154): only the owner. */
  setSpecialUse(actor: Actor, mailboxId: string, specialUse: SpecialUse | null): Promise<Mailbox>;
  /** Needs "r" (RFC 4314 §4 STATUS). */
  status(actor: Actor, mailboxId: string): Promise<MailboxStatus>;
  /** The caller's own subscription list (RFC 9051 §6.3.9); a name need not exist. */
  subscribe(actor: Actor, accountId: string, name: string): Promise<void>;
  unsubscribe(actor: Actor, accountId: string, name: string): Promise<void>;
  subscriptions(actor: Actor, accountId: string): Promise<string[]>;
  /** Needs "a" (RFC 4314 §3.1). The owner's own rights cannot be changed. */
  setAcl(actor: Actor, mailboxId: string, identifier: string, rights: string | null): Promise<void>;
  /** Needs "a". */
  getAcl(actor: Actor, mailboxId: string): Promise<AclEntry[]>;
  /** Mailboxes other accounts share with the caller, directly, through its groups or with "anyone" (public folders excluded), with its rights. */
  sharedWith(actor: Actor): Promise<Array<SharedMailbox & { myRights: string }>>;
  /**
   * The caller's RFC 4314 rights on a mailbox, as they are now: every right
   * for the owner; otherwise the union of the ACL entries naming it, a group
   * it is in (nested groups included) or "anyone"/"authenticated" (in the
   * owner's domain). On a public folder only accounts of its domain get rights.
   */
  myRights(actor: Actor, mailboxId: string): Promise<string>;
  /** The public folders of the caller's domain on which it holds any right, with those rights (public-folders.ts). */
  publicFolders(actor: Actor): Promise<MailboxAccess[]>;
  /**
   * INBOX, Drafts, Sent, Trash, Junk and Archive with their special-use
   * (RFC 6154); idempotent. The account itself or the server; refused for an
   * operator account, which has no mailbox.
   */
  ensureDefaultMailboxes(actor: Actor, accountId: string): Promise<Mailbox[]>;
  /** The account itself, the server, an admin whose scope holds the account, or a holder of full access on it. */
  quota(actor: Actor, accountId: string): Promise<QuotaReport>;
  /**
   * The mailbox trees the caller holds full access on (Exchange Full Access,
   * directory grants), each with every mailbox in it; an owner without
   * mailboxes yet (a shared mailbox never logs in) gets its default ones.
   */
  delegated(actor: Actor): Promise<DelegatedTree[]>;
}

export interface AppendInput {
  source: Buffer | Readable;
  flags?: readonly string[];
  /** RFC 9051 §6.3.12 date-time; now when absent. */
  internalDate?: string;
}

/**
 * A COPY or MOVE a caller made, told after it committed: who, from which
 * mailbox to which, and the UIDs the messages got there. The filter's Junk
 * training listens (filter/junk-training.ts); an observer never delays or
 * fails the operation.
 */
export interface MessageTransfer {
  actor: Actor;
  kind: 'copy' | 'move';
  fromMailboxId: string;
  toMailboxId: string;
  /** The owner of the destination mailbox. */
  ownerId: string;
  destUids: readonly number[];
}

export type TransferObserver = (transfer: MessageTransfer) => void;

/**
 * Messages of one mailbox. Rights per RFC 4314 §4: reading needs "r";
 * APPEND and the target of COPY/MOVE "i" (flags the caller may not set —
 * \\Seen without "s", \\Deleted without "t", others without "w" — are
 * dropped, as RFC 4314 §4 allows); STORE "s", "t" or "w" by flag; EXPUNGE
 * "e"; the source of MOVE "r", "t" and "e".
 */
export interface MessageService {
  append(actor: Actor, mailboxId: string, input: AppendInput): Promise<AppendResult>;
  /** RFC 3502 MULTIAPPEND: all messages or none. */
  appendMany(actor: Actor, mailboxId: string, inputs: readonly AppendInput[]): Promise<AppendResult>;
  /** UID, MODSEQ, flags and size in UID order; only within `uids` when given. */
  list(actor: Actor, mailboxId: string, uids?: UidSet): Promise<MessageList>;
  /** What opening a mailbox needs (IMAP SELECT): UIDs, keywords in use, unseen counts, the mailbox row. */
  selection(actor: Actor, mailboxId: string): Promise<MailboxSelection>;
  /**
   * RFC 3501 §2.3.2 \\Recent: claims for the caller's session every message
   * through `throughUid` that no session has been told about yet, and
   * returns the first UID of the claim (the claim is empty when it is above
   * `throughUid`). Needs "r". IMAP4rev1 SELECT and the session's later
   * updates call it; EXAMINE does not (RFC 3501 §6.3.2).
   */
  claimRecent(actor: Actor, mailboxId: string, throughUid: number): Promise<number>;
  fetch(actor: Actor, mailboxId: string, uids: UidSet): Promise<MessageRecord[]>;
  /** The parsed body of a message read by fetch() (its mailbox's "r" right is checked again). */
  body(actor: Actor, message: Pick<MessageRecord, 'mailboxId' | 'blobId'>): Promise<StoredBody>;
  /** The raw message or a byte range of it (FETCH BODY[section] reads only its part). */
  open(actor: Actor, message: Pick<MessageRecord, 'mailboxId' | 'blobId'>, range?: ByteRange): Promise<Readable>;
  storeFlags(actor: Actor, mailboxId: string, uids: UidSet, request: StoreFlagsRequest): Promise<StoreFlagsResult>;
  expunge(actor: Actor, mailboxId: string, uids?: UidSet): Promise<ExpungeResult>;
  copy(actor: Actor, fromMailboxId: string, uids: UidSet, toMailboxId: string): Promise<CopyResult>;
  move(actor: Actor, fromMailboxId: string, uids: UidSet, toMailboxId: string): Promise<CopyResult>;
  /**
   * RFC 7162 CHANGEDSINCE / QRESYNC: flag changes and vanished UIDs (as ranges) after `modseq`.
   * Correct for any modseq: below the mailbox's vanished horizon (the expunge
   * log was pruned) every UID that no longer exists is reported, within `options.within`.
   */
  changesSince(actor: Actor, mailboxId: string, modseq: number, options?: ChangesOptions): Promise<Changes>;
  filter(actor: Actor, mailboxId: string, filter: MessageFilter): Promise<number[]>;
  searchText(actor: Actor, mailboxId: string, text: string): Promise<number[]>;
  /** Indexed headers (and envelopes on request) of many messages in one read, for SORT, THREAD and SEARCH. */
  summaries(actor: Actor, mailboxId: string, uids: UidSet, options?: { envelope?: boolean }): Promise<MessageSummary[]>;
}

export interface Recipient {
  accountId: string;
  /**
   * Where the copy goes: INBOX (the default); Junk, where the filter put it
   * (INBOX when the account has none); or a mailbox of the account by name,
   * as a Sieve fileinto asks, created when `create` is set (RFC 5490 §3.2),
   * and INBOX when it cannot take the message (a rule never loses mail);
   * or one mailbox by id (an addressed public folder, a shared mailbox's
   * Sent folder), which fails rather than falls back when it is gone.
   */
  mailbox?: 'INBOX' | 'Junk' | { name: string; create?: boolean } | { id: string };
  /** Flags of this copy (Sieve imap4flags); the delivery's `options.flags` otherwise. */
  flags?: readonly string[];
}

export type RecipientOutcome =
  | { accountId: string; status: 'delivered'; mailboxId: string; uid: number }
  | { accountId: string; status: 'failed'; error: StoaError };

export interface DeliveryService {
  /**
   * Only the server itself (systemActor) delivers: users put mail into
   * mailboxes through APPEND, other servers and users through the intake
   * service, which calls this.
   *
   * Stores the final message bytes (built by SMTP, trace headers included)
   * once and links it into every recipient's mailbox in one transaction.
   * Recipients over quota fail alone; when this resolves, the delivered
   * copies are committed and SMTP may answer 250 for them. One outcome per
   * recipient entry, in order (one account may get several copies).
   */
  deliver(actor: Actor, body: Buffer | Readable, recipients: readonly Recipient[], options?: { internalDate?: string; flags?: readonly string[] }): Promise<RecipientOutcome[]>;
}
