// The mail model: mailboxes, message copies, bodies with their MIME index,
// flags, UID sets and the results of mail operations. Every layer speaks
// these types (front ends, the mail services, the store adapters); they hold
// no behaviour and import nothing but shared/ schemas.
import type { Envelope, IndexedHeaders, MessageIndex, MimePart } from '../../../shared/src/schemas/message-index.ts';

/** RFC 6154 special-use attributes. */
export type SpecialUse = '\\Sent' | '\\Drafts' | '\\Trash' | '\\Junk' | '\\Archive' | '\\All' | '\\Flagged';

export const SPECIAL_USES: readonly SpecialUse[] = ['\\Sent', '\\Drafts', '\\Trash', '\\Junk', '\\Archive', '\\All', '\\Flagged'];

export interface Mailbox {
  id: string;
  accountId: string;
  /** Full UTF-8 path, "/" between levels; "INBOX" always spelled in upper case. */
  name: string;
  specialUse: SpecialUse | null;
  /** Whether the owner's subscription list holds this name (RFC 9051 §6.3.9). */
  subscribed: boolean;
  /** RFC 9051 §2.3.1.1: new value for every incarnation of a name, kept by RENAME. */
  uidValidity: number;
  uidNext: number;
  /** RFC 7162 §3.1.1; 1 for a new mailbox. */
  highestModSeq: number;
  /**
   * RFC 3501 §2.3.2 \Recent: the first UID no session has yet been told is
   * recent. The first IMAP4rev1 session to see a message claims it
   * (MessageService.claimRecent); every UID from here on is recent to nobody yet.
   */
  recentUid: number;
  createdAt: string;
}

export interface NewMailbox {
  id: string;
  accountId: string;
  name: string;
  specialUse: SpecialUse | null;
  subscribe: boolean;
  createdAt: string;
}

/** IMAP system flags as bits (the common case costs one small integer per message). */
export const FLAG_BITS = {
  '\\Seen': 1,
  '\\Answered': 2,
  '\\Flagged': 4,
  '\\Deleted': 8,
  '\\Draft': 16,
} as const;

export type SystemFlag = keyof typeof FLAG_BITS;

/** Inclusive UID ranges, ascending and disjoint (see uid-set.ts). */
export type UidSet = readonly (readonly [number, number])[];

/** One copy of a message in a mailbox. */
export interface MessageRecord {
  mailboxId: string;
  uid: number;
  modseq: number;
  /** RFC 8474 EMAILID: the same for every copy of one content within an account. */
  emailId: string;
  /** RFC 8474 THREADID. */
  threadId: string;
  blobId: string;
  size: number;
  /**
   * The body's POP3 size (MessageIndex.wireSize): octets with CRLF line
   * endings. Null for bodies stored before it was recorded.
   */
  wireSize: number | null;
  internalDate: string;
  /** RFC 8514 SAVEDATE: when this copy was stored in this mailbox. */
  saveDate: string;
  /** System flags first (as in FLAG_BITS order), then keywords. */
  flags: string[];
}

/** The parsed form of a body, stored once per blob, shared by every copy. */
export interface StoredBody {
  blobId: string;
  size: number;
  envelope: Envelope;
  root: MimePart;
  headers: IndexedHeaders;
  hasAttachments: boolean;
}

export interface NewMessage {
  blobId: string;
  /** Used only when no copy of this body exists yet; otherwise the stored index is kept. */
  index: MessageIndex;
  flags: readonly string[];
  internalDate: string;
}

/** Every message of a mailbox in UID order, as parallel arrays (compact for 100k+ messages). */
export interface MessageList {
  uids: Uint32Array;
  /** Integers below 2^53. */
  modseqs: Float64Array;
  /** FLAG_BITS of each message. */
  systemFlags: Uint8Array;
  /** Keywords by UID, only for messages that have any. */
  keywords: Map<number, readonly string[]>;
  sizes: Float64Array;
}

/**
 * What SELECT/EXAMINE needs, read in one snapshot (RFC 9051 §6.3.2): the
 * mailbox row, the UIDs from a narrow index (no flags, sizes or keywords per
 * message) and the counts from aggregate reads. FETCH reads flags later, per range.
 */
export interface MailboxSelection {
  mailbox: Mailbox;
  /** Every UID in ascending order. */
  uids: Uint32Array;
  /** Distinct keywords in use in the mailbox, sorted (the FLAGS response). */
  keywords: string[];
  /** Messages without \Seen. */
  unseen: number;
  /** UID of the first message without \Seen; 0 when every message is seen. */
  firstUnseenUid: number;
}

export interface AppendResult {
  uidValidity: number;
  uids: number[];
  modseq: number;
}

export interface DeliveryTarget { mailboxId: string; flags?: readonly string[] }

export interface Delivered { mailboxId: string; accountId: string; uid: number; modseq: number }

export type FlagMode = 'add' | 'remove' | 'replace';

export interface StoreFlagsRequest {
  mode: FlagMode;
  flags: readonly string[];
  /** RFC 7162 §3.1.3 UNCHANGEDSINCE. */
  unchangedSince?: number;
}

export interface StoreFlagsResult {
  /** The MODSEQ given to every changed message (highestModSeq unchanged when nothing changed). */
  modseq: number;
  changed: { uid: number; modseq: number; flags: string[] }[];
  /** Messages whose modseq exceeded UNCHANGEDSINCE: the MODIFIED response code. */
  failed: number[];
}

export interface ExpungeResult { uids: number[]; modseq: number }

/** RFC 4315 COPYUID; `modseq` is the destination's, `expunged` the source's (MOVE only). */
export interface CopyResult {
  uidValidity: number;
  sourceUids: number[];
  destUids: number[];
  modseq: number;
  expunged?: ExpungeResult;
}

export interface Changes {
  /** Messages whose flags changed (or that arrived) after the given modseq, ascending UIDs. */
  changed: { uid: number; modseq: number; flags: string[] }[];
  /**
   * RFC 7162 §3.2.10 VANISHED (EARLIER), as UID ranges: expunged after the
   * given modseq. When the modseq is below the mailbox's vanished horizon
   * (the expunge log was pruned past it), every UID below uidNext that no
   * longer exists, a superset the client must tolerate (§3.2.5.2).
   */
  vanished: UidSet;
  /** False when `vanished` is the superset answer below the horizon. */
  vanishedExact: boolean;
  highestModSeq: number;
}

export interface ChangesOptions {
  /** Report only vanished UIDs within this set (QRESYNC known-uids, the UID FETCH set). */
  within?: UidSet;
}

export interface ExpungeLogPruneResult {
  /** Log entries removed. */
  entries: number;
  /** Mailboxes whose vanished horizon moved. */
  mailboxes: number;
}

export interface MailboxStatus {
  messages: number;
  unseen: number;
  deleted: number;
  /** RFC 8438 STATUS SIZE. */
  size: number;
  /** RFC 3501 §2.3.2: messages no session has claimed as \Recent yet (RFC 9051 dropped \Recent). */
  recent: number;
  uidNext: number;
  uidValidity: number;
  highestModSeq: number;
}

export interface Usage { bytes: number; messages: number }

export interface AclEntry { identifier: string; rights: string }

export interface SharedMailbox { mailbox: Mailbox; identifier: string; rights: string }

/** Metadata filters that run beside the full-text index (RFC 9051 §6.4.4). */
export interface MessageFilter {
  uids?: UidSet;
  /** All of these flags set / none of them set. */
  withFlags?: readonly string[];
  withoutFlags?: readonly string[];
  larger?: number;
  smaller?: number;
  /** internalDate bounds, ISO; since inclusive, before exclusive. */
  since?: string;
  before?: string;
  modseqAbove?: number;
  /** RFC 8514 save date bounds, ISO; since inclusive, before exclusive. */
  savedSince?: string;
  savedBefore?: string;
  /** RFC 8474 §5 SEARCH EMAILID / THREADID. */
  emailId?: string;
  threadId?: string;
}

/**
 * What SORT, THREAD and header SEARCH keys read of many messages at once:
 * one query for a whole UID set instead of one body() per message.
 */
export interface MessageSummary {
  uid: number;
  blobId: string;
  /** RFC822.SIZE. */
  size: number;
  internalDate: string;
  headers: IndexedHeaders;
  /** Present only when asked for: it is most of the row's weight. */
  envelope: Envelope | null;
}
