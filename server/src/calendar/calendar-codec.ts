// How calendar bodies become stored objects: parsed and checked
// (ical/calendar-object.ts), the component allowed by the calendar
// (RFC 4791 §5.3.2.1 supported-calendar-component), the time span of every
// instance computed once here (ical/instances.ts), line endings as CRLF.
import type { ObjectCodec } from '../collections/api.ts';
import { StoaError } from '../errors/catalogue.ts';
import type { DavCollection } from '../model/dav.ts';
import { parseCalendarObject, type CalendarLimits } from './ical/calendar-object.ts';
import { objectSpan, type ExpansionLimits } from './ical/instances.ts';

export interface CalendarCodecLimits extends CalendarLimits, ExpansionLimits {}

/** The IANA name of a calendar's CALDAV:calendar-timezone (its VTIMEZONE's TZID), for floating times. */
export function calendarZone(col: DavCollection): string | null {
  if (!col.timezone) return null;
  const m = /^TZID:(.+)$/m.exec(col.timezone.replace(/\r/g, ''));
  return m ? m[1].trim() : null;
}

export function createCalendarCodec(limits: CalendarCodecLimits): ObjectCodec {
  return {
    validate(text, collection) {
      const data = text.replace(/\r?\n/g, '\r\n');
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
    ],
  };
}
