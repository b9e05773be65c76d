// Calendars and address books as collections: what the calendar and
// contacts services build on and the DAV front end, the admin API and the
// migration tool call. Every method takes the caller (Actor) first and
// checks their rights itself: the owner holds every right; sharees get read
// or read-write through a share naming them or a group they belong to
// (nested groups included); calendar delegates (calendar-proxy-read /
// -write) get the same on every calendar of the owner; holders of a Full
// Access mailbox grant (directory/delegation.ts) are read-write delegates of
// the owner's calendars and address books; server admins and the domain
// admins of the owner's domain may manage the collections (properties,
// deletion, sharing) and read them; the system actor (systemActor(), for
// the scheduler and imports) holds every right. A collection the caller has
// no right on answers as missing (STOA_NOT_FOUND).
//
// Owners are accounts, shared mailboxes (collections opened by Full Access,
// as their mail is) and resources (bookings, written by the scheduler).
import type { Actor } from '../directory/api.ts';
import type {
  CollectionKind, DavChange, DavCollection, DavDelegation, DavObject, DavObjectInfo, DavShare, DavUsage, ShareAccess,
} from '../model/dav.ts';
import type { CollectionOwner } from './owners.ts';

/** RFC 3744 privileges, folded into what Stoa distinguishes. */
export interface CollectionAccess {
  /** DAV:read (and read-current-user-privilege-set). */
  read: boolean;
  /** DAV:write-content, DAV:bind, DAV:unbind: create, change and delete objects. */
  writeContent: boolean;
  /** DAV:write-properties of the collection. */
  writeProperties: boolean;
  /** Delete the collection, manage its shares (DAV:write-acl). */
  manage: boolean;
  /**
   * Why: owner, share, delegate (a DAV calendar delegation), full-access (a
   * Full Access mailbox grant), admin (also the system actor) or directory
   * (the read-only global address list).
   */
  via: readonly ('owner' | 'share' | 'delegate' | 'full-access' | 'admin' | 'directory')[];
}

export interface CollectionView {
  collection: DavCollection;
  access: CollectionAccess;
  owner: Pick<CollectionOwner, 'id' | 'address' | 'displayName'>;
}

/** A DAV principal: an account, or a shared mailbox (whose collections Full Access holders and admins reach). */
export type DavPrincipal = CollectionOwner & { kind: 'account' | 'shared-mailbox' };

export interface CollectionInput {
  uri: string;
  displayName?: string;
  description?: string;
  color?: string | null;
  order?: number | null;
  timezone?: string | null;
  components?: string[];
  properties?: Record<string, string>;
}

export type CollectionPatch = Partial<Omit<CollectionInput, 'uri' | 'properties'>> & {
  /** Dead properties to set (value) or remove (null), by Clark name. */
  properties?: Record<string, string | null>;
};

/** What a calendar or vCard codec makes of a body before it is stored. */
export interface ValidatedObject {
  uid: string;
  component: string;
  startMs: number;
  endMs: number;
  recurring: boolean;
  /** The text to store (line endings normalised). */
  data: string;
  scheduleTag: string | null;
}

/** Validation of object bodies per collection kind (calendar/ and contacts/ provide them). */
export interface ObjectCodec {
  /** Throws STOA_DAV_INVALID_DATA, STOA_DAV_TOO_LARGE, STOA_DAV_UNSUPPORTED_COMPONENT, STOA_DAV_TOO_MANY_INSTANCES. */
  validate(text: string, collection: DavCollection, name: string): ValidatedObject;
  /** Default collections created for every account. */
  defaults: readonly (Omit<CollectionInput, 'uri'> & { uri: string; role: DavCollection['role'] })[];
}

export interface WriteCondition {
  /** If-Match (a tag) / If-None-Match: * (null); see DavWriteCondition. */
  etag?: string | null;
  /** RFC 6638 §3.2.9 If-Schedule-Tag-Match: the object must exist with this schedule tag. */
  scheduleTag?: string;
}

export interface PutOptions {
  /**
   * RFC 6638 §3.2.10: keep the object's schedule tag (an attendee changing
   * their own answer, the server recording a reply in the organizer's copy);
   * otherwise a scheduling object gets a new one.
   */
  keepScheduleTag?: boolean;
}

export interface HomeEntry extends CollectionView {
  /** True for a collection shared with the home's owner, shown in their home under a mount name. */
  mounted: boolean;
}

export interface Grant {
  grantee: { kind: 'account' | 'group'; id: string; address: string | null };
  access: ShareAccess;
  /**
   * 'dav': a share or calendar delegation (set here); 'full-access': a Full
   * Access mailbox grant, listed among the delegates it makes (changed
   * through the mailbox grants, directory/mailbox-grant-service.ts).
   */
  source: 'dav' | 'full-access';
}

export interface CollectionService {
  /**
   * The account or shared mailbox behind a principal name (address or id),
   * if enabled. Users see those of their own domain; admins their scope.
   */
  principal(actor: Actor, address: string): Promise<DavPrincipal>;
  /** Creates the default collections of an owner that lacks them (the owner, its admins or the system). */
  ensureDefaults(actor: Actor, ownerId: string): Promise<void>;
  /** The collections of `ownerId` the caller may see; for the owner, also those shared with them (mounted). */
  home(actor: Actor, ownerId: string, kind: CollectionKind): Promise<HomeEntry[]>;
  get(actor: Actor, id: string): Promise<CollectionView>;
  find(actor: Actor, ownerId: string, kind: CollectionKind, uri: string): Promise<CollectionView>;
  create(actor: Actor, ownerId: string, kind: CollectionKind, input: CollectionInput): Promise<CollectionView>;
  update(actor: Actor, id: string, patch: CollectionPatch): Promise<CollectionView>;
  delete(actor: Actor, id: string): Promise<DavUsage>;

  listObjects(actor: Actor, id: string): Promise<DavObjectInfo[]>;
  listObjectData(actor: Actor, id: string): Promise<DavObject[]>;
  getObject(actor: Actor, id: string, name: string): Promise<DavObject>;
  getObjects(actor: Actor, id: string, names: readonly string[]): Promise<DavObject[]>;
  /** With `withData` false, non-recurring objects come without their text (their span is exact). */
  objectsInRange(actor: Actor, id: string, startMs: number, endMs: number, component?: string, withData?: boolean): Promise<DavObject[]>;
  /**
   * Stores an object as it is: validated by the collection's codec, counted
   * in the owner's quota, logged for sync; no scheduling (CalendarService.put
   * adds that). What an import (the migration tool) calls, as systemActor()
   * or as the owner. STOA_DAV_UID_CONFLICT, STOA_PRECONDITION_FAILED,
   * STOA_OVER_QUOTA, STOA_DAV_LIMIT and the codec's errors; the schedule
   * inbox takes no writes but the server's (RFC 6638 §2.2): STOA_FORBIDDEN
   * for anyone else.
   */
  putObject(actor: Actor, id: string, name: string, text: string, condition?: WriteCondition, options?: PutOptions): Promise<{ object: DavObject; created: boolean }>;
  deleteObject(actor: Actor, id: string, name: string, condition?: WriteCondition): Promise<void>;
  /** COPY / MOVE of one object (RFC 4918 §9.8, §9.9); `overwrite` false fails on an existing target. */
  transferObject(actor: Actor, from: { id: string; name: string }, to: { id: string; name: string }, options: { move: boolean; overwrite: boolean; condition?: WriteCondition }): Promise<{ created: boolean }>;
  /** RFC 6578: changes after `seq`; null when the token is no longer (or not) valid. */
  changes(actor: Actor, id: string, seq: number): Promise<{ changes: DavChange[]; seq: number } | null>;

  /** Who the collection is shared with (the owner's side: owner and admins). */
  shares(actor: Actor, id: string): Promise<Grant[]>;
  /**
   * `grantee`: an account or group (address or id) of the owner's domain;
   * null access removes the share. STOA_INVALID_REFERENCE for anyone else,
   * STOA_GRANT_INVALID for the owner itself or past dav.maxGrants.
   */
  share(actor: Actor, id: string, grantee: string, access: ShareAccess | null): Promise<Grant[]>;
  /** Calendar delegates of an owner: DAV delegations, then the Full Access holders of its mailbox (source 'full-access'). */
  delegations(actor: Actor, ownerId: string): Promise<Grant[]>;
  /** Sets (null: removes) a DAV calendar delegation; the grantee rules of share(). Returns delegations(). */
  delegate(actor: Actor, ownerId: string, delegate: string, access: ShareAccess | null): Promise<Grant[]>;
  /**
   * Owners (accounts and shared mailboxes) whose calendars this account may
   * act on, directly or through a group: by DAV delegation or Full Access
   * (read-write). For calendar-proxy-*-for. The account itself or its admins.
   */
  delegators(actor: Actor, accountId: string): Promise<{ owner: DavPrincipal; access: ShareAccess; source: Grant['source'] }[]>;
  usage(actor: Actor, ownerId: string): Promise<DavUsage>;
  /** The account's one storage quota (mail and DAV together, mail/quota.ts): bytes used and the limit (0 = none). */
  quota(actor: Actor, ownerId: string): Promise<{ usedBytes: number; quotaBytes: number }>;
}

export type { DavShare, DavDelegation, CollectionOwner };
