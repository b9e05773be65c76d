// The calendar domain's public face beyond plain collections (which the
// collection service handles): CalDAV queries, multiget with calendar-data
// shaping, and free-busy. Every method takes the caller first; rights are
// those of the collection service.
import type { Actor } from '../directory/api.ts';
import type { CalendarDataSpec, CompFilter, TimeRange } from '../model/dav-filter.ts';
import type { DavObject } from '../model/dav.ts';
import type { WriteCondition } from '../collections/api.ts';
import type { SchedulingOutcome } from './scheduling.ts';

export interface CalendarObjectResult {
  object: DavObject;
  /** calendar-data as asked (projected, expanded …); the stored text when nothing was asked. */
  data: string;
}

export interface CalendarService {
  /** RFC 4791 §7.8 calendar-query: every object of the calendar matching the filter. */
  /** `withData` false: the results carry no calendar-data (a client asking only for entity tags). */
  query(actor: Actor, collectionId: string, filter: CompFilter, spec: CalendarDataSpec | null, withData?: boolean): Promise<CalendarObjectResult[]>;
  /** RFC 4791 §7.9 calendar-multiget: the named objects that exist, and the names that do not. */
  multiget(actor: Actor, collectionId: string, names: readonly string[], spec: CalendarDataSpec | null): Promise<{ found: CalendarObjectResult[]; missing: string[] }>;
  /** calendar-data for one object (GET needs none; REPORTs do). */
  shape(actor: Actor, collectionId: string, object: DavObject, spec: CalendarDataSpec | null): Promise<string>;
  /**
   * Stores a calendar object (as the collection service does) and then does
   * what RFC 6638 implicit scheduling asks: invitations to attendees,
   * answers of resources, replies to the organizer.
   */
  put(actor: Actor, collectionId: string, name: string, text: string, condition?: WriteCondition): Promise<{ object: DavObject; created: boolean; scheduling: SchedulingOutcome | null }>;
  /** Deletes a calendar object; an organizer's deletion cancels the event for its attendees. */
  remove(actor: Actor, collectionId: string, name: string, condition?: WriteCondition): Promise<{ scheduling: SchedulingOutcome | null }>;
  /** RFC 6638 §5: busy time of users and resources of the caller's domain (a VFREEBUSY REQUEST posted to the outbox). */
  scheduleFreeBusy(actor: Actor, request: string): Promise<{ address: string; status: string; data: string | null }[]>;
  /** RFC 4791 §7.10 free-busy-query: a VCALENDAR with one VFREEBUSY. */
  freeBusy(actor: Actor, collectionId: string, range: TimeRange): Promise<string>;
}
