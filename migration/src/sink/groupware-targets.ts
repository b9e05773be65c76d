// The two narrow interfaces calendars and address books are written
// through (issue 15), and their implementation over Stoa's DAV services:
// davImportTargets() turns each call into one of the import service
// (services.migrations.importer, server/src/migration-jobs/import-service.ts),
// which checks that the acting principal may import into the account and
// stores through the collection service like a CalDAV/CardDAV PUT with
// If-None-Match: * (validation, quota, sync tokens, change events), without
// implicit scheduling. A sink built without them reports calendar, task and
// contact items as "unsupported" and the run exits non-zero, so nothing is
// silently left behind.
import type { Actor } from '../../../server/src/directory/api.ts';
import type { ImportService } from '../../../server/src/migration-jobs/import-service.ts';
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

/** The calendar and contacts targets over the DAV services, for one acting principal. */
export function davImportTargets(importer: ImportService, actor: Actor): { calendars: CalendarImportTarget; contacts: ContactsImportTarget } {
  async function* pages(collectionId: string): AsyncIterable<string[]> {
    const uids = await importer.objectUids(actor, collectionId);
    for (let i = 0; i < uids.length; i += 1000) yield uids.slice(i, i + 1000);
  }
  return {
    calendars: {
      async ensureCalendar(account, name, options) {
        const c = await importer.collection(actor, account.id, 'calendar', name, { displayName: options.displayName, components: options.components, create: true });
        return { id: c!.id, created: c!.created };
      },
      async findCalendar(account, name) {
        const c = await importer.collection(actor, account.id, 'calendar', name, { displayName: name, components: [], create: false });
        return c ? { id: c.id } : null;
      },
      uids: (_account, calendarId) => pages(calendarId),
      putObject: (_account, calendarId, object) => importer.importObject(actor, calendarId, { uid: object.uid, text: object.ics }),
      getObject: (_account, calendarId, uid) => importer.readObject(actor, calendarId, uid),
    },
    contacts: {
      async ensureAddressBook(account, name, options) {
        const c = await importer.collection(actor, account.id, 'addressbook', name, { displayName: options.displayName, components: [], create: true });
        return { id: c!.id, created: c!.created };
      },
      async findAddressBook(account, name) {
        const c = await importer.collection(actor, account.id, 'addressbook', name, { displayName: name, components: [], create: false });
        return c ? { id: c.id } : null;
      },
      uids: (_account, bookId) => pages(bookId),
      putCard: (_account, bookId, card) => importer.importObject(actor, bookId, { uid: card.uid, text: card.vcf }),
      getCard: (_account, bookId, uid) => importer.readObject(actor, bookId, uid),
    },
  };
}
