// Collections and indexes of the mail store on MongoDB. Message copies are
// one document each, keyed "<mailboxId>:<uid>", with the unique
// (mailboxId, uid) index doing what the primary key does on SQLite. Bodies
// are keyed by blob id and hold the MIME index once; `searchText` is stored
// folded (foldForSearch) so a case- and accent-insensitive substring match
// is a plain regex on it.
import type { IndexDescription } from 'mongodb';
import type { Envelope, IndexedHeaders, MimePart } from '../../../../shared/src/schemas/message-index.ts';
import type { SpecialUse } from '../mail-port.ts';

export const MAIL_COLLECTIONS = {
  mailboxes: 'mailboxes',
  bodies: 'mail_bodies',
  messages: 'mail_messages',
  expunged: 'mail_expunged',
  usage: 'mail_usage',
  subscriptions: 'mail_subscriptions',
  threads: 'mail_threads',
} as const;

export const MAILBOX_NAME_INDEX = 'account_name_unique';

export interface MailboxDoc {
  _id: string;
  accountId: string;
  name: string;
  specialUse: SpecialUse | null;
  uidValidity: number;
  uidNext: number;
  highestModSeq: number;
  /** RFC 3501 §2.3.2: first UID not yet claimed as \Recent (absent on documents from before migration 13: uidNext). */
  recentUid?: number;
  createdAt: string;
  /** RFC 4314 entries; small, so kept in the mailbox document. */
  acl: { identifier: string; rights: string }[];
  /** Highest modseq pruned from the expunge log (mail-expunge-log.ts); absent = 0, nothing pruned. */
  vanishedHorizon?: number;
}

export interface BodyDoc {
  _id: string;
  size: number;
  /**
   * POP3 size (MessageIndex.wireSize): octets with CRLF line endings. Null
   * for bodies stored before it was recorded (migration 8); absent only
   * until that migration has run.
   */
  wireSize?: number | null;
  envelope: Envelope;
  root: MimePart;
  headers: IndexedHeaders;
  hasAttachments: boolean;
  searchText: string;
}

export interface MessageDoc {
  _id: string;
  mailboxId: string;
  uid: number;
  modseq: number;
  blobId: string;
  emailId: string;
  threadId: string;
  size: number;
  internalDate: Date;
  saveDate: Date;
  flags: number;
  keywords: string[] | null;
}

/** `expungedAt`: when the entry was logged (set for every entry from migration 9 on), for pruning. */
export interface ExpungedDoc { _id: string; mailboxId: string; uid: number; modseq: number; expungedAt: Date }

/** Migration 9: finds the entries logged before the retention cut-off. */
export const EXPUNGED_AT_INDEX = { key: { expungedAt: 1 }, name: 'expunged_at' } satisfies IndexDescription;
export interface UsageDoc { _id: string; bytes: number; messages: number }
export interface SubscriptionDoc { _id: string; accountId: string; name: string }
export interface ThreadDoc { _id: string; threadId: string }

export const messageKey = (mailboxId: string, uid: number): string => `${mailboxId}:${uid}`;
export const pairKey = (a: string, b: string): string => `${a}\n${b}`;

export const MAIL_INDEXES: Record<string, IndexDescription[]> = {
  [MAIL_COLLECTIONS.mailboxes]: [
    { key: { accountId: 1, name: 1 }, name: MAILBOX_NAME_INDEX, unique: true },
    { key: { 'acl.identifier': 1 } },
  ],
  // Whole-word search for future clients (JMAP-style); IMAP's substring SEARCH uses a regex (mail-search.ts).
  [MAIL_COLLECTIONS.bodies]: [{ key: { searchText: 'text' }, default_language: 'none', name: 'search_text' }],
  [MAIL_COLLECTIONS.messages]: [
    { key: { mailboxId: 1, uid: 1 }, unique: true },
    { key: { mailboxId: 1, modseq: 1 } },
    { key: { blobId: 1 } },
  ],
  [MAIL_COLLECTIONS.expunged]: [{ key: { mailboxId: 1, modseq: 1 } }],
  [MAIL_COLLECTIONS.usage]: [],
  [MAIL_COLLECTIONS.subscriptions]: [{ key: { accountId: 1, name: 1 } }],
  [MAIL_COLLECTIONS.threads]: [],
};
