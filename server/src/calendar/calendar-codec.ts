// How calendar bodies become stored objects: parsed and checked
// (ical/calendar-object.ts), the component allowed by the calendar
// (RFC 4791 §5.3.2.1 supported-calendar-component), the time span of every
// instance computed once here (ical/instances.ts), line endings as CRLF.
import type { ObjectCodec, ValidatedObject } from '../collections/api.ts';
import { StoaError } from '../errors/catalogue.ts';
import type { DavCollection } from '../model/dav.ts';
import { TIME_MAX, TIME_MIN } from '../model/dav.ts';
import { checkLines, parseCalendarObject, type CalendarLimits } from './ical/calendar-object.ts';
import { objectSpan, type ExpansionLimits } from './ical/instances.ts';
import { attendeesOf, componentsOf, mailto, organizerOf, parseRoot, uidOf } from './itip.ts';

export interface CalendarCodecLimits extends CalendarLimits, ExpansionLimits {}

/** The IANA name of a calendar's CALDAV:calendar-timezone (its VTIMEZONE's TZID), for floating times. */
export function calendarZone(col: DavCollection): string | null {
  if (!col.timezone) return null;
  const m = /^TZID:(.+)$/m.exec(col.timezone.replace(/\r/g, ''));
  return m ? m[1].trim() : null;
}

/** A calendar object's text as the schedule inbox stores it: without its METHOD line. */
export function withoutMethodLine(data: string): string {
  return data.replace(/^METHOD:[^\r\n]*\r?\n/m, '');
}

/**
 * A scheduling message for the schedule inbox (RFC 6638 §2.2): an iTIP
 * message with METHOD, written by the server only. Its key in the inbox is
 * the event's UID and its originator (the organizer, or the attendee of a
 * REPLY), so each keeps its latest message. Replies and cancellations may
 * lack what a calendar object needs (DTSTART): their span is then open.
 */
function inboxMessage(data: string, limits: CalendarCodecLimits, collection: DavCollection): ValidatedObject {
  if (Buffer.byteLength(data) > limits.maxBytes) throw new StoaError('STOA_DAV_TOO_LARGE', `more than ${limits.maxBytes} bytes`);
  const method = /^METHOD:([A-Za-z-]+)\r?$/m.exec(data)?.[1]?.toUpperCase();
  if (!method) throw new StoaError('STOA_DAV_INVALID_DATA', 'a scheduling message carries METHOD (RFC 6638 §2.2)');
  checkLines(data, limits);
  let root;
  try {
    root = parseRoot(data);
  } catch (err) {
    throw new StoaError('STOA_DAV_INVALID_DATA', `not iCalendar: ${(err as Error).message}`);
  }
  const uid = uidOf(root);
  const first = componentsOf(root)[0];
  if (!uid || !first) throw new StoaError('STOA_DAV_INVALID_DATA', 'a scheduling message names one event or task by its UID');
  const originator = method === 'REPLY' ? mailto(attendeesOf(first)[0]?.getFirstValue()) : organizerOf(root);
  let span = { startMs: TIME_MIN, endMs: TIME_MAX, recurring: false };
  try {
    span = objectSpan(parseCalendarObject(withoutMethodLine(data), limits, calendarZone(collection)), limits);
  } catch {
    // Kept with an open span: the message is still worth showing.
  }
  return { uid: `${uid} ${originator}`, component: first.name.toUpperCase(), ...span, data, scheduleTag: null };
}

export function createCalendarCodec(limits: CalendarCodecLimits): ObjectCodec {
  return {
    validate(text, collection) {
      const data = text.replace(/\r?\n/g, '\r\n');
      if (collection.role === 'inbox') return inboxMessage(data, limits, collection);
      const obj = parseCalendarObject(data, limits, calendarZone(collection));
      if (!collection.components.includes(obj.type)) {
        throw new StoaError('STOA_DAV_UNSUPPORTED_COMPONENT', `this calendar holds ${collection.components.join(', ')}, not ${obj.type}`);
      }
      const span = objectSpan(obj, limits);
      // RFC 6638 §3.2.10: objects with an organizer get a schedule tag, changed on every write.
      const scheduleTag = obj.components.some((c) => c.hasProperty('organizer')) ? `st-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}` : null;
      return { uid: obj.uid, component: obj.type, ...span, data, scheduleTag };
    },
    defaults: [
      { uri: 'calendar', role: 'calendar', displayName: 'Calendar', components: ['VEVENT'], color: '#3A7BD5FF', order: 1 },
      { uri: 'tasks', role: 'tasks', displayName: 'Tasks', components: ['VTODO'], color: '#2E9E5BFF', order: 2 },
      { uri: 'inbox', role: 'inbox', displayName: 'Scheduling inbox', components: ['VEVENT', 'VTODO'] },
    ],
  };
}
