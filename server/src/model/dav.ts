// Shared types of calendars and address books (CalDAV, CardDAV): what the
// store keeps, the domain services return and the DAV front end and admin
// API show. Pure types and constants, no imports, so every layer may use them.

/** Calendars (CalDAV), address books (CardDAV) and plain WebDAV folders (a user's file area). */
export type CollectionKind = 'calendar' | 'addressbook' | 'files';

/**
 * The default collections every account gets (created lazily, on first use);
 * 'inbox' is the schedule inbox (RFC 6638 §2.2), which holds the scheduling
 * messages the server delivered (with METHOD) rather than calendar objects.
 */
export type CollectionRole = 'calendar' | 'tasks' | 'inbox' | 'addressbook';

/** What a sharee may do: read, or read and change the objects (RFC 3744 read / write-content, bind, unbind). */
export type ShareAccess = 'read' | 'read-write';

/** Calendar components a calendar may hold (RFC 4791 §5.2.3). */
export const CALENDAR_COMPONENTS = ['VEVENT', 'VTODO', 'VJOURNAL'] as const;
export type CalendarComponent = (typeof CALENDAR_COMPONENTS)[number];

/** Start and end of time for open-ended spans, in ms since the epoch (the limits of a JavaScript Date). */
export const TIME_MIN = -8.64e15;
export const TIME_MAX = 8.64e15;

export interface DavCollection {
  id: string;
  ownerId: string;
  kind: CollectionKind;
  /** Last path segment under the owner's home; unique per owner and kind. */
  uri: string;
  role: CollectionRole | null;
  displayName: string;
  description: string;
  /** "#RRGGBB" or "#RRGGBBAA" (Apple calendar-color), null when unset. */
  color: string | null;
  /** Apple calendar-order. */
  order: number | null;
  /** A VCALENDAR with one VTIMEZONE (RFC 4791 §5.2.2), null when unset. */
  timezone: string | null;
  /** Calendars: subset of CALENDAR_COMPONENTS; address books: empty. */
  components: string[];
  /** Dead properties set by PROPPATCH: Clark name → serialized XML element. */
  properties: Record<string, string>;
  /** Sequence number of the last change in this collection (RFC 6578 sync token, getctag). */
  syncSeq: number;
  createdAt: string;
  updatedAt: string;
}

export interface DavObject {
  collectionId: string;
  /** Resource name (last path segment), e.g. "meeting.ics". */
  name: string;
  uid: string;
  /** Strong entity tag, without quotes. */
  etag: string;
  /** Octets of `data` (UTF-8). */
  size: number;
  /** Main component: VEVENT, VTODO, VJOURNAL, VFREEBUSY or VCARD. */
  component: string;
  /** Time span of every instance, computed at write time: [startMs, endMs), TIME_MIN/TIME_MAX when open. */
  startMs: number;
  endMs: number;
  /** Whether the object has recurrence (RRULE, RDATE or overrides): instances must be expanded to match a range. */
  recurring: boolean;
  /** The iCalendar or vCard text as stored. */
  data: string;
  /** Change sequence in its collection when last written. */
  seq: number;
  /** RFC 6638 §3.2.10 schedule tag, null for objects without scheduling. */
  scheduleTag: string | null;
  createdAt: string;
  updatedAt: string;
}

/** An object's summary without its data (listings, PROPFIND). */
export type DavObjectInfo = Omit<DavObject, 'data'>;

export interface DavChange {
  name: string;
  seq: number;
  deleted: boolean;
}

export interface DavShare {
  collectionId: string;
  granteeKind: 'account' | 'group';
  granteeId: string;
  access: ShareAccess;
  createdAt: string;
}

/** Calendar delegation (calendar-proxy-read / calendar-proxy-write): the delegate acts on every calendar of the owner. */
export interface DavDelegation {
  ownerId: string;
  delegateKind: 'account' | 'group';
  delegateId: string;
  access: ShareAccess;
  createdAt: string;
}

export interface DavUsage {
  objects: number;
  bytes: number;
}
