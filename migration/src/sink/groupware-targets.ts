// The two narrow interfaces the calendar and contacts services plug into
// (issue 15: "calendar/contacts implementations left as clearly-marked
// adapters the lead connects when those services land").
//
// ADAPTER — TO CONNECT AT MERGE: when server/src/calendar and
// server/src/contacts exist, implement CalendarImportTarget and
// ContactsImportTarget over them (one small function each, beside the
// composition root) and pass them to createServicesSink(). Each call must go
// through the service — rights, quotas, sync tokens, change events and audit
// as for a DAV PUT — never straight into the store. Until then the sink
// reports calendar, task and contact items as "unsupported" and the run
// exits non-zero, so nothing is silently left behind.
import type { TargetAccount } from './import-sink.ts';

/** Components a calendar collection accepts (RFC 4791 §5.2.3 supported-calendar-component-set). */
export type CalendarComponent = 'VEVENT' | 'VTODO';

export interface CalendarImportTarget {
  /**
   * The account's calendar collection named `name` (a path below the
   * account's calendar home), created with `components` when missing.
   */
  ensureCalendar(account: TargetAccount, name: string, options: { displayName: string; components: readonly CalendarComponent[] }): Promise<{ id: string; created: boolean }>;
  /** The collection if it exists. */
  findCalendar(account: TargetAccount, name: string): Promise<{ id: string } | null>;
  /** UIDs of the calendar object resources already in the collection, in pages. */
  uids(account: TargetAccount, calendarId: string): AsyncIterable<string[]>;
  /**
   * Stores one calendar object resource (RFC 4791 §4.1: one UID with its
   * overrides and the VTIMEZONEs it uses) as a DAV PUT with If-None-Match: *
   * would: atomically, refused (StoaError) when the data is invalid, over
   * quota or the UID exists.
   */
  putObject(account: TargetAccount, calendarId: string, object: { uid: string; ics: string }): Promise<void>;
  /** The stored iCalendar text of the object with this UID, or null. */
  getObject(account: TargetAccount, calendarId: string, uid: string): Promise<string | null>;
}

export interface ContactsImportTarget {
  /** The account's address book named `name`, created when missing. */
  ensureAddressBook(account: TargetAccount, name: string, options: { displayName: string }): Promise<{ id: string; created: boolean }>;
  findAddressBook(account: TargetAccount, name: string): Promise<{ id: string } | null>;
  /** UIDs of the vCards already in the address book, in pages. */
  uids(account: TargetAccount, bookId: string): AsyncIterable<string[]>;
  /** Stores one vCard (RFC 6352 §5.1: one UID per resource) atomically, like a CardDAV PUT with If-None-Match: *. */
  putCard(account: TargetAccount, bookId: string, card: { uid: string; vcf: string }): Promise<void>;
  getCard(account: TargetAccount, bookId: string, uid: string): Promise<string | null>;
}
