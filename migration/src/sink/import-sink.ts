// The importer's one way into Stoa. The engine never touches the store: it
// hands folders and items to an ImportSink, whose implementation calls the
// same services live mail and DAV use, so quotas, indexes, change events and
// audit entries are the same as for live data (issue 15).
//
// services-sink.ts implements it over the server's import service
// (services.migrations.importer: mail through the intake, origin 'import')
// for one acting principal, and over two narrow groupware targets
// (groupware-targets.ts) that the calendar and contacts services plug into.
import type { Readable } from 'node:stream';
import type { CollectionKind, ItemKind, SpecialUse } from '../model.ts';

/** A Stoa account as the importer knows it. */
export interface TargetAccount {
  id: string;
  address: string;
}

/** A folder, calendar or address book of the target account. */
export interface TargetFolder {
  /** Service id of the mailbox or collection. */
  id: string;
  /** Stoa path ("/" between levels). */
  path: string;
  kind: CollectionKind;
  specialUse: SpecialUse | null;
  /** True when this call created it (the report lists created folders). */
  created: boolean;
}

export interface ImportMessage {
  /** The first bytes of the message (all of it when small): the header section, read without opening it. */
  head: Buffer;
  /** The raw message: a Buffer, or a fresh stream of its spool file for large messages, at each call. */
  open(): Buffer | Readable;
  size: number;
  /** SHA-256 (hex) of exactly these bytes, computed while reading the source. */
  sha256: string;
  /** IMAP system flags. */
  flags: readonly string[];
  /** IMAP keywords. */
  keywords: readonly string[];
  /** RFC 9051 INTERNALDATE; null: the service uses now. */
  internalDate: Date | null;
}

/** Where an imported message landed, to read it back for the sample check. */
export interface ImportedMessage {
  uid: number;
}

export interface ImportObject {
  kind: Exclude<ItemKind, 'message'>;
  /** iCalendar UID or vCard UID: the resource's identity in its collection. */
  uid: string;
  /** One calendar object resource (RFC 4791 §4.1) or one vCard. */
  text: string;
}

/** What a target mail folder already holds, read once when the engine opens the folder. */
export interface ExistingMessage {
  messageId: string | null;
  sha256: string;
}

export interface ImportSink {
  /** Item kinds this sink can store; the others are reported as "unsupported". */
  readonly accepts: ReadonlySet<ItemKind>;
  /**
   * The target folder for a source folder: an existing folder with the same
   * special-use when there is one (the source's "Sent Items" fills Stoa's
   * Sent), else the folder at `path`, created (with parents) if missing.
   */
  ensureFolder(account: TargetAccount, path: string, kind: CollectionKind, specialUse: SpecialUse | null): Promise<TargetFolder>;
  /** The folder if it exists, without creating it (dry runs). */
  findFolder(account: TargetAccount, path: string, kind: CollectionKind, specialUse: SpecialUse | null): Promise<TargetFolder | null>;

  /** Every message already in a mail folder (Message-ID and content hash), in pages. */
  existingMessages(account: TargetAccount, folder: TargetFolder): AsyncIterable<ExistingMessage[]>;
  /** Stores one message with its flags and INTERNALDATE, atomically. */
  importMessage(account: TargetAccount, folder: TargetFolder, message: ImportMessage): Promise<ImportedMessage>;
  /**
   * Stores several messages, each atomically on its own, several at once (a
   * failure of one leaves the others stored); outcomes in input order.
   */
  importMessages(account: TargetAccount, folder: TargetFolder, messages: readonly ImportMessage[]): Promise<Array<ImportedMessage | { error: Error }>>;
  /** The stored bytes of an imported message, for the content-hash sample. */
  readMessage(account: TargetAccount, folder: TargetFolder, imported: ImportedMessage): Promise<Readable>;

  /** UIDs of the objects already in a calendar or address book, as the target compares them (objectIdentity). */
  existingObjects(account: TargetAccount, folder: TargetFolder): AsyncIterable<string[]>;
  /** How the target compares an object's UID (CardDAV ignores a vCard UID's "urn:uuid:" prefix); the UID itself when absent. */
  objectIdentity?(kind: Exclude<ItemKind, 'message'>, uid: string): string;
  /** Stores one calendar object (event or task) atomically. */
  importCalendarObject(account: TargetAccount, calendar: TargetFolder, object: ImportObject): Promise<void>;
  /** Stores one vCard atomically. */
  importContact(account: TargetAccount, book: TargetFolder, object: ImportObject): Promise<void>;
  /** The stored text of an object, for the content-hash sample; null when missing. */
  readObject(account: TargetAccount, folder: TargetFolder, uid: string): Promise<string | null>;
}

/** The directory side: source identities become Stoa accounts, created when the CSV says so. */
export interface TargetDirectory {
  /** The account with this address; null when there is none. */
  find(address: string): Promise<TargetAccount | null>;
  /** Creates the account through the directory service (its rules, audit entry and default mailboxes). */
  create(address: string, options: { displayName?: string; password?: string; quotaBytes?: number }): Promise<TargetAccount>;
}
