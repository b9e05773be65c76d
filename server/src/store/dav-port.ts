// The calendar and address book part of the storage port (CalDAV, CardDAV):
// collections, their objects with a precomputed time span, sharing grants,
// calendar delegation and a per-collection change log. Every method is one
// transaction of its own, or joins the enclosing Store.atomic() when called
// on its StoreTx handle. Each write to an object takes the next value of its
// collection's sequence (DavCollection.syncSeq) inside that transaction and
// records it in the change log, keyed by resource name: the log holds one
// entry per name (the latest change), so a sync-collection after n changes
// reads n entries, whatever the collection's size (RFC 6578).
import type {
  CollectionKind, DavChange, DavCollection, DavDelegation, DavObject, DavObjectInfo, DavShare, DavUsage, ShareAccess,
} from '../model/dav.ts';

export type NewDavCollection = Omit<DavCollection, 'syncSeq'>;

export type DavCollectionPatch = Partial<Pick<DavCollection,
  'displayName' | 'description' | 'color' | 'order' | 'timezone' | 'components' | 'properties' | 'updatedAt'>>;

export type NewDavObject = Omit<DavObject, 'seq' | 'createdAt'> & { updatedAt: string };

/**
 * Conditions checked inside the write's transaction: `etag` undefined = any
 * state; null = the resource must not exist (If-None-Match: *); a string =
 * it must exist with this entity tag (If-Match). A failed condition throws
 * STOA_PRECONDITION_FAILED and changes nothing.
 */
export interface DavWriteCondition {
  etag?: string | null;
}

export interface DavStore {
  /** STOA_CONFLICT when the owner already has a collection of that kind with this uri. */
  createCollection(collection: NewDavCollection): Promise<DavCollection>;
  getCollection(id: string): Promise<DavCollection | null>;
  getCollectionByUri(ownerId: string, kind: CollectionKind, uri: string): Promise<DavCollection | null>;
  /** By uri. */
  listCollections(ownerId: string, kind?: CollectionKind): Promise<DavCollection[]>;
  getCollections(ids: readonly string[]): Promise<DavCollection[]>;
  /** Changes properties; does not move the sync sequence (RFC 6578 tracks member changes). */
  updateCollection(id: string, patch: DavCollectionPatch): Promise<DavCollection>;
  /** Removes the collection with its objects, change log and shares. */
  deleteCollection(id: string): Promise<DavUsage>;

  /**
   * Creates or replaces the object `name`. STOA_CONFLICT when another object
   * of the collection has the same UID; STOA_NOT_FOUND for a missing collection.
   */
  putObject(object: NewDavObject, condition?: DavWriteCondition): Promise<{ object: DavObject; created: boolean }>;
  getObject(collectionId: string, name: string): Promise<DavObject | null>;
  /** The named objects that exist, in no particular order. */
  getObjects(collectionId: string, names: readonly string[]): Promise<DavObject[]>;
  getObjectByUid(collectionId: string, uid: string): Promise<DavObject | null>;
  /** Every object's summary, by name. */
  listObjects(collectionId: string): Promise<DavObjectInfo[]>;
  /** How many objects the collection holds (dav.maxObjectsPerCollection). */
  countObjects(collectionId: string): Promise<number>;
  /** Every object with its data, by name (full-collection reports). */
  listObjectData(collectionId: string): Promise<DavObject[]>;
  /**
   * Objects whose span overlaps [startMs, endMs) (RFC 4791 §9.9), optionally
   * of one component, with their data. Recurring ones must still be
   * expanded by the caller to confirm an instance falls in the range.
   * With `withData` false, `data` is left empty for non-recurring objects
   * (their span is exact: a query that wants no calendar-data needs no text).
   */
  objectsInRange(collectionId: string, startMs: number, endMs: number, component?: string, withData?: boolean): Promise<DavObject[]>;
  /** Removes the object; returns it as it was. STOA_NOT_FOUND when missing. */
  deleteObject(collectionId: string, name: string, at: string, condition?: DavWriteCondition): Promise<DavObject>;

  /**
   * Changes after `seq`, oldest first, and the collection's current sequence.
   * Null when `seq` is below the collection's horizon (tombstones pruned)
   * or beyond its current sequence: the client must sync from scratch.
   */
  changesSince(collectionId: string, seq: number): Promise<{ changes: DavChange[]; seq: number } | null>;
  /** Forgets deletions recorded before `before` (ISO time) and raises each affected collection's horizon. */
  pruneTombstones(before: string): Promise<number>;
  /** Objects and bytes of every collection an account owns. */
  usage(ownerId: string): Promise<DavUsage>;

  /** Sets (null: removes) one grantee's access to a collection. */
  setShare(collectionId: string, grantee: { kind: 'account' | 'group'; id: string }, access: ShareAccess | null, at: string): Promise<void>;
  listShares(collectionId: string): Promise<DavShare[]>;
  /** Shares naming any of these account or group ids. */
  sharesFor(granteeIds: readonly string[]): Promise<DavShare[]>;

  setDelegation(ownerId: string, delegate: { kind: 'account' | 'group'; id: string }, access: ShareAccess | null, at: string): Promise<void>;
  delegationsOf(ownerId: string): Promise<DavDelegation[]>;
  /** Delegations naming any of these account or group ids. */
  delegationsFor(delegateIds: readonly string[]): Promise<DavDelegation[]>;

  /** Removes every collection of an account and every grant naming it (account deletion); returns the collections removed. */
  deleteForOwner(ownerId: string): Promise<number>;
  /**
   * Removes the shares and delegations naming this account or group, its own
   * collections staying (an account turned into a shared mailbox, which
   * nobody logs in as); returns how many grants went.
   */
  deleteForGrantee(granteeId: string): Promise<number>;
}
