// What the importer moves: folders and items as a source describes them, and
// the outcome of each item as the report shows it. Sources produce these;
// the engine (engine/) consumes them and hands them to an ImportSink.
import type { Readable } from 'node:stream';

/** RFC 6154 special-use attributes, spelled as Stoa stores them (store/mail-port.ts SpecialUse). */
export type SpecialUse = '\\Sent' | '\\Drafts' | '\\Trash' | '\\Junk' | '\\Archive' | '\\All' | '\\Flagged';

/** What a source folder holds, which decides the kind of target collection. */
export type CollectionKind = 'mail' | 'calendar' | 'tasks' | 'contacts';

/** The kinds of items the importer moves; `--kinds` and the report speak of these. */
export type ItemKind = 'message' | 'event' | 'task' | 'contact';

export const ITEM_KINDS: readonly ItemKind[] = ['message', 'event', 'task', 'contact'];

export const KIND_OF_COLLECTION: Readonly<Record<CollectionKind, ItemKind>> = {
  mail: 'message', calendar: 'event', tasks: 'task', contacts: 'contact',
};

export interface SourceFolder {
  /** Stable identity at the source (IMAP name, EWS FolderId, PST node id, file path); the checkpoint key. */
  key: string;
  /** Levels of the folder's path at the source, decoded (no hierarchy delimiter inside). */
  path: readonly string[];
  kind: CollectionKind;
  /** As the source declares it (SPECIAL-USE, XLIST, the Exchange well-known folder, a PST default folder). */
  specialUse: SpecialUse | null;
  /** The account's main calendar, address book or task list at the source (EWS well-known folder, PST default folder): it fills Stoa's default one. */
  isDefault?: boolean;
  /** Changes when the source renumbers the folder (IMAP UIDVALIDITY): earlier checkpoints no longer apply. */
  validity: string;
  /** Items at the source when the source knows it cheaply; otherwise counted while listing. */
  count?: number;
  /** Why the source itself says to leave this folder out (Gmail's All Mail, Exchange's Sync Issues …); null to import it. */
  skipReason?: string | null;
}

/** One item as listed, before its content is fetched. */
export interface ItemRef {
  /** Stable identity within the folder (IMAP UID, EWS ItemId, mbox offset, PST node id). */
  key: string;
  /** Bytes at the source when known, to plan fetches and streaming. */
  size?: number;
}

export interface FetchedMessage {
  kind: 'message';
  /** The raw RFC 5322 message: a Buffer for small messages, a stream for large ones (never held whole). */
  body: Buffer | (() => Readable);
  /** IMAP system flags (\Seen, \Answered, \Flagged, \Draft, \Deleted). */
  flags: readonly string[];
  /** IMAP keywords ($Forwarded, $Junk, categories …). */
  keywords: readonly string[];
  /** INTERNALDATE as the source keeps it (RFC 9051 §2.3.3); null lets the target use the Date header or now. */
  internalDate: Date | null;
}

export interface FetchedObject {
  kind: 'event' | 'task' | 'contact';
  /** iCalendar (RFC 5545) for events and tasks, vCard (RFC 6350, or 3.0) for contacts. */
  text: string;
}

export type FetchedItem = FetchedMessage | FetchedObject;

/** What happened to one item; the report keeps counts per folder and the reasons of the rest. */
export type ItemStatus = 'imported' | 'skipped' | 'failed';

/**
 * Why an item was skipped or failed, as stable codes (docs/migration.md
 * "Report"); the report adds the detail in words.
 */
export type ReasonCode =
  | 'already-imported'      // the ledger says an earlier run imported it
  | 'duplicate'             // the target folder already holds the same message (Message-ID + SHA-256) or UID
  | 'duplicate-uid'         // another item of this source folder has the same iCalendar/vCard UID
  | 'filtered'              // --kinds, --since or the folder mapping leaves it out
  | 'malformed'             // not a message, invalid iCalendar/vCard, unreadable PST block
  | 'too-large'             // over --max-message-size
  | 'source-error'          // the source failed to deliver it (after retries)
  | 'target-error'          // the target refused it (quota, validation)
  | 'unsupported';          // no service to import this kind into (calendar/contacts not wired)

export interface ItemReason {
  code: ReasonCode;
  detail: string;
}
