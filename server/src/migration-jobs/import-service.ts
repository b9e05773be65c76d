// What an import writes (issue 15), as the migration tool's sink calls
// it: the target folders, what they already hold, the messages themselves and
// the read-back of the content-hash sample. Every method takes the caller
// first and asks intake/import-policy.ts whether it may import into the
// folder's owner (server admins and the server itself anyone, domain admins
// the users and shared mailboxes of their domains, users nobody); the work is
// then done as the server, since an admin holds no right on a user's
// mailboxes. Messages go in through the intake with origin 'import'
// (intake/api.ts lists what that origin applies and skips), which asks the
// same policy again: a caller that reaches the intake directly meets it too.
// Calendar objects and cards go into the owner's calendars and address books
// through the collection service (docs/dav.md), like a CalDAV/CardDAV PUT with
// If-None-Match: * (validation, quota, sync tokens, change events), without
// implicit scheduling: an imported meeting sends no invitation or reply.
import type { Readable } from 'node:stream';
import { systemActor } from '../directory/access.ts';
import type { Actor } from '../directory/api.ts';
import { createHash } from 'node:crypto';
import type { CollectionService } from '../collections/api.ts';
import { StoaError, isStoaError } from '../errors/catalogue.ts';
import type { IntakeService, MessageSource } from '../intake/api.ts';
import { requireImportInto, type ImportOwner } from '../intake/import-policy.ts';
import type { Logger } from '../log/logger.ts';
import type { MailServices } from '../mail/mail-services.ts';
import type { SpecialUse } from '../model/mail.ts';
import type { StoreTx } from '../store/port.ts';

/** A target mail folder. */
export interface ImportFolder {
  id: string;
  /** The mailbox name ("/" between levels). */
  name: string;
  specialUse: SpecialUse | null;
  /** This call created it. */
  created: boolean;
}

/** One message a folder already holds: how the importer recognises it. */
export interface FolderItem {
  uid: number;
  /** The Message-ID header as indexed; null when the message has none. */
  messageId: string | null;
  /** SHA-256 (hex) of the stored bytes: the blob id (blobs are content addressed). */
  sha256: string;
}

export interface ImportedMessageInput {
  source: MessageSource;
  /** IMAP system flags and keywords. */
  flags: readonly string[];
  /** INTERNALDATE (ISO 8601); null: now. */
  internalDate: string | null;
}

/** A target calendar or address book. */
export interface ImportCollection {
  id: string;
  /** Its last path segment under the owner's home. */
  uri: string;
  /** This call created it. */
  created: boolean;
}

/** Calendars and address books (the DAV collection kinds that take imported objects). */
export type ImportCollectionKind = 'calendar' | 'addressbook';

/** Messages read per contents() page, at most. */
export const CONTENTS_PAGE_MAX = 1000;

export interface ImportService {
  /**
   * The owner's folder for imported mail: an existing one with this
   * special-use when there is one (the source's "Sent Items" fills Stoa's
   * Sent), else the one named `name`, created with its parents and
   * subscribed when `create` (the owner's default mailboxes are made first).
   * Null when it does not exist and `create` is false (dry runs).
   */
  mailFolder(actor: Actor, ownerId: string, name: string, options: { specialUse: SpecialUse | null; create: boolean }): Promise<ImportFolder | null>;
  /** What a folder holds, in UID order after `afterUid`, at most `limit` (≤ 1000) a page; `nextUid` null on the last page. */
  contents(actor: Actor, mailboxId: string, page: { afterUid: number; limit: number }): Promise<{ items: FolderItem[]; nextUid: number | null }>;
  /** Stores one message in the folder through the intake (origin 'import'), atomically; its UID there. */
  importMessage(actor: Actor, mailboxId: string, message: ImportedMessageInput): Promise<{ uid: number }>;
  /** The stored bytes of a message, for the content-hash sample; null when it is gone. */
  read(actor: Actor, mailboxId: string, uid: number): Promise<Readable | null>;

  /**
   * The owner's calendar or address book at `uri` (the defaults, "calendar",
   * "tasks" and "contacts", exist for every account), created with these
   * components when missing and `create`; null otherwise.
   */
  collection(actor: Actor, ownerId: string, kind: ImportCollectionKind, uri: string, options: { displayName: string; components: readonly string[]; create: boolean }): Promise<ImportCollection | null>;
  /** UIDs of the objects the collection holds, as it compares them (importUid). */
  objectUids(actor: Actor, collectionId: string): Promise<string[]>;
  /**
   * Stores one calendar object resource (RFC 4791 §4.1) or vCard under a name
   * made from its UID, refused when the UID is there already (If-None-Match: *),
   * the data is invalid or over quota. A calendar that does not take the
   * object's component (a task in the default calendar) is widened to take it.
   */
  importObject(actor: Actor, collectionId: string, object: { uid: string; text: string }): Promise<void>;
  /** The stored text of the object with this UID; null when there is none. */
  readObject(actor: Actor, collectionId: string, uid: string): Promise<string | null>;
}

/**
 * A UID as the collection stores and compares it: the vCard codec drops a
 * "urn:uuid:" prefix (contacts/vcard.ts), the calendar keeps UIDs as they are.
 */
export function importUid(kind: ImportCollectionKind, uid: string): string {
  return kind === 'addressbook' ? uid.trim().replace(/^urn:uuid:/i, '') : uid;
}

/** A resource name for a UID: the UID itself when it is a plain one, else a digest of it (stable across runs). */
export function objectName(uid: string, kind: ImportCollectionKind): string {
  const ext = kind === 'calendar' ? '.ics' : '.vcf';
  uid = importUid(kind, uid);
  return /^[A-Za-z0-9@._+=-]{1,200}$/.test(uid) && uid !== '.' && uid !== '..'
    ? `${uid}${ext}`
    : `${createHash('sha256').update(uid).digest('hex').slice(0, 40)}${ext}`;
}

export interface ImportServiceDeps {
  /** Owner rows (accounts and shared mailboxes) and mailbox owners; read only. */
  store: Pick<StoreTx, 'accounts' | 'sharedMailboxes' | 'mailboxes'>;
  mail: Pick<MailServices, 'mailboxes' | 'messages'>;
  intake: Pick<IntakeService, 'accept'>;
  /** Calendars and address books (services.dav.collections). */
  collections: CollectionService;
  log: Logger;
}

const OWNER_CACHE_MAX = 10_000;

export function createImportService(deps: ImportServiceDeps): ImportService {
  const { store, mail, intake, collections } = deps;
  const system = systemActor();
  // An owner's id, domain and address never change; its role may, so only the mailbox → owner link is cached.
  const mailboxOwners = new Map<string, string>();
  /** Owners whose default mailboxes exist: imports fill Stoa's own Sent, Drafts … rather than creating copies. */
  const prepared = new Set<string>();

  async function ownerOf(ownerId: string): Promise<ImportOwner & { address: string }> {
    const account = await store.accounts.get(ownerId);
    if (account) return { id: account.id, domainId: account.domainId, role: account.role, address: account.address };
    const shared = await store.sharedMailboxes.get(ownerId);
    if (shared) return { id: shared.id, domainId: shared.domainId, role: null, address: shared.address };
    throw new StoaError('STOA_NOT_FOUND', `mailbox owner ${ownerId}`);
  }

  async function ownerOfMailbox(mailboxId: string): Promise<ImportOwner & { address: string }> {
    let ownerId = mailboxOwners.get(mailboxId);
    if (ownerId === undefined) {
      const mailbox = await store.mailboxes.get(mailboxId);
      if (!mailbox) throw new StoaError('STOA_NOT_FOUND', `mailbox ${mailboxId}`);
      ownerId = mailbox.accountId;
      if (mailboxOwners.size >= OWNER_CACHE_MAX) mailboxOwners.clear();
      mailboxOwners.set(mailboxId, ownerId);
    }
    return ownerOf(ownerId);
  }

  /** The owner of the mailbox, once the actor is known to may import into it. */
  async function permitted(actor: Actor, mailboxId: string): Promise<ImportOwner & { address: string }> {
    const owner = await ownerOfMailbox(mailboxId).catch((err: unknown) => {
      // A mailbox an out-of-scope admin names answers as missing, whether or not it exists.
      if (isStoaError(err, 'STOA_NOT_FOUND')) throw new StoaError('STOA_NOT_FOUND', `mailbox ${mailboxId}`);
      throw err;
    });
    requireImportInto(actor, owner);
    return owner;
  }

  /** The collection and its owner, once the actor is known to may import into it. */
  async function permittedCollection(actor: Actor, collectionId: string) {
    const view = await collections.get(system, collectionId).catch((err: unknown) => {
      if (isStoaError(err, 'STOA_NOT_FOUND')) throw new StoaError('STOA_NOT_FOUND', `collection ${collectionId}`);
      throw err;
    });
    const kind = view.collection.kind;
    if (kind !== 'calendar' && kind !== 'addressbook') throw new StoaError('STOA_VALIDATION', 'objects are imported into calendars and address books');
    requireImportInto(actor, await ownerOf(view.collection.ownerId));
    // The schedule inbox holds what the server delivered (RFC 6638 §2.2), never imported objects.
    if (view.collection.role === 'inbox') throw new StoaError('STOA_FORBIDDEN', 'nothing is imported into a schedule inbox');
    return { collection: view.collection, kind: kind as ImportCollectionKind };
  }

  return {
    async mailFolder(actor, ownerId, name, { specialUse, create }) {
      const owner = await ownerOf(ownerId);
      requireImportInto(actor, owner);
      if (create && !prepared.has(owner.id)) {
        await mail.mailboxes.ensureDefaultMailboxes(system, owner.id);
        prepared.add(owner.id);
      }
      const all = await mail.mailboxes.list(system, owner.id);
      const found = (specialUse ? all.find((m) => m.specialUse === specialUse) : undefined) ?? (await mail.mailboxes.find(system, owner.id, name))?.mailbox;
      if (found) return { id: found.id, name: found.name, specialUse: found.specialUse, created: false };
      if (!create) return null;
      try {
        const made = await mail.mailboxes.create(system, owner.id, name, { specialUse, subscribe: true });
        return { id: made.id, name: made.name, specialUse: made.specialUse, created: true };
      } catch (err) {
        // Another worker of the same run made it first.
        const again = (await mail.mailboxes.find(system, owner.id, name))?.mailbox;
        if (again) return { id: again.id, name: again.name, specialUse: again.specialUse, created: false };
        throw err;
      }
    },

    async contents(actor, mailboxId, { afterUid, limit }) {
      await permitted(actor, mailboxId);
      if (!Number.isSafeInteger(afterUid) || afterUid < 0) throw new StoaError('STOA_VALIDATION', 'afterUid is a UID or 0');
      const max = Math.min(CONTENTS_PAGE_MAX, Math.max(1, Math.floor(limit)));
      const { uids } = await mail.messages.list(system, mailboxId, [[afterUid + 1, 0xffffffff]]);
      if (uids.length === 0) return { items: [], nextUid: null };
      const last = uids[Math.min(max, uids.length) - 1];
      const page = await mail.messages.summaries(system, mailboxId, [[uids[0], last]]);
      return {
        items: page.map((s) => ({ uid: s.uid, messageId: s.headers.messageId, sha256: s.blobId })),
        nextUid: uids.length > max ? last : null,
      };
    },

    async importMessage(actor, mailboxId, message) {
      const owner = await permitted(actor, mailboxId);
      const result = await intake.accept({
        envelope: { sender: '', recipients: [{ address: owner.address }] },
        message: message.source,
        principal: actor,
        origin: { kind: 'import', log: deps.log, import: { mailboxId, flags: message.flags, internalDate: message.internalDate } },
      });
      const outcome = result.outcomes[0];
      if (outcome?.status !== 'delivered' || !outcome.stored?.[0]) {
        throw outcome?.status === 'failed' ? outcome.error : new StoaError('STOA_INTERNAL', 'the intake did not store the imported message');
      }
      return { uid: outcome.stored[0].uid };
    },

    async read(actor, mailboxId, uid) {
      await permitted(actor, mailboxId);
      const [record] = await mail.messages.fetch(system, mailboxId, [[uid, uid]]);
      return record ? mail.messages.open(system, record) : null;
    },

    async collection(actor, ownerId, kind, uri, { displayName, components, create }) {
      requireImportInto(actor, await ownerOf(ownerId));
      // Every account has its default calendar, task list and address book; an import fills them rather than making copies.
      if (create) await collections.ensureDefaults(system, ownerId);
      const found = await collections.find(system, ownerId, kind, uri).catch((err: unknown) => {
        if (isStoaError(err, 'STOA_NOT_FOUND')) return null;
        throw err;
      });
      if (found) return { id: found.collection.id, uri: found.collection.uri, created: false };
      if (!create) return null;
      try {
        // As the importer (an admin's creation is audited under their name; the policy above let them in).
        const made = await collections.create(actor, ownerId, kind, { uri, displayName, ...(kind === 'calendar' ? { components: [...components] } : {}) });
        return { id: made.collection.id, uri: made.collection.uri, created: true };
      } catch (err) {
        // Another worker of the same run made it first.
        if (!isStoaError(err, 'STOA_DAV_COLLECTION_EXISTS')) throw err;
        const again = await collections.find(system, ownerId, kind, uri);
        return { id: again.collection.id, uri: again.collection.uri, created: false };
      }
    },

    async objectUids(actor, collectionId) {
      await permittedCollection(actor, collectionId);
      return (await collections.listObjects(system, collectionId)).map((o) => o.uid);
    },

    async importObject(actor, collectionId, object) {
      const { collection, kind } = await permittedCollection(actor, collectionId);
      const name = objectName(object.uid, kind);
      // If-None-Match: * — an object already at this name, or this UID under another name, is refused.
      const put = () => collections.putObject(system, collectionId, name, object.text, { etag: null });
      try {
        await put();
      } catch (err) {
        const component = /^BEGIN:(VEVENT|VTODO|VJOURNAL)\r?$/m.exec(object.text)?.[1];
        if (!isStoaError(err, 'STOA_DAV_UNSUPPORTED_COMPONENT') || !component || collection.components.includes(component)) throw err;
        // The source kept tasks beside events (most CalDAV servers do): the calendar takes them too, as it did there.
        await collections.update(system, collectionId, { components: [...collection.components, component] });
        await put();
      }
    },

    async readObject(actor, collectionId, uid) {
      const { kind } = await permittedCollection(actor, collectionId);
      const named = await collections.getObject(system, collectionId, objectName(uid, kind)).catch((err: unknown) => {
        if (isStoaError(err, 'STOA_NOT_FOUND')) return null;
        throw err;
      });
      const key = importUid(kind, uid);
      if (named?.uid === key) return named.data;
      // Put there by a client under another name before the import.
      const info = (await collections.listObjects(system, collectionId)).find((o) => o.uid === key);
      return info ? (await collections.getObject(system, collectionId, info.name)).data : null;
    },
  };
}
