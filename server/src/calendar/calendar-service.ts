// CalDAV queries over the collection service: candidates come from the
// store's span index (objectsInRange), and only those are parsed and, when
// recurring, expanded inside the asked range. Parsed objects are cached by
// entity tag (content hash), so a repeated query parses nothing.
import type { CollectionService } from '../collections/api.ts';
import { StoaError } from '../errors/catalogue.ts';
import type { CalendarDataSpec, CompFilter, TimeRange } from '../model/dav-filter.ts';
import { TIME_MAX, TIME_MIN, type DavCollection, type DavObject } from '../model/dav.ts';
import type { CalendarObjectResult, CalendarService } from './api.ts';
import { calendarZone, withoutMethodLine, type CalendarCodecLimits } from './calendar-codec.ts';
import { busyPeriods, calendarData, freeBusyCalendar } from './ical/calendar-data.ts';
import { parseCalendarObject, type CalendarObject } from './ical/calendar-object.ts';
import { candidateRange, matchesCalendarFilter, plainTimeRange } from './query/calendar-filter.ts';
import { parseUtc } from './ical/zones.ts';
import type { Scheduler } from './scheduling.ts';
import { keepRecordedReplies, organizerOf, parseRoot } from './itip.ts';

export interface CalendarServiceDeps {
  collections: CollectionService;
  /** Implicit scheduling (scheduling.ts); without it objects are stored and nothing is sent. */
  scheduler?: Scheduler;
  limits: CalendarCodecLimits & { maxExpandDays: number };
  /** ms since the epoch (DTSTAMP of free-busy answers). */
  now?: () => number;
  cacheSize?: number;
}

export function createCalendarService({ collections, scheduler, limits, now = Date.now, cacheSize = 20_000 }: CalendarServiceDeps): CalendarService {
  const cache = new Map<string, CalendarObject>();

  function parsed(obj: DavObject, col: DavCollection): CalendarObject {
    const zone = calendarZone(col);
    const key = `${obj.etag}|${zone ?? ''}`;
    let hit = cache.get(key);
    if (hit) {
      // Least recently used goes first: re-insert on use.
      cache.delete(key);
      cache.set(key, hit);
      return hit;
    }
    // Schedule inbox messages carry METHOD (RFC 6638 §2.2); their event is read without it.
    hit = parseCalendarObject(col.role === 'inbox' ? withoutMethodLine(obj.data) : obj.data, { ...limits, maxBytes: Number.MAX_SAFE_INTEGER }, zone);
    cache.set(key, hit);
    if (cache.size > cacheSize) cache.delete(cache.keys().next().value!);
    return hit;
  }

  function matches(obj: DavObject, col: DavCollection, filter: CompFilter): boolean {
    try {
      return matchesCalendarFilter(parsed(obj, col), filter, limits);
    } catch (err) {
      // A reply or cancellation in the schedule inbox may lack what a query looks at (DTSTART): it does not match.
      if (col.role === 'inbox') return false;
      throw err;
    }
  }

  function checkRange(r: TimeRange | null, what: string): void {
    if (!r) return;
    const span = (r.end ?? TIME_MAX) - (r.start ?? TIME_MIN);
    if (span > limits.maxExpandDays * 86_400_000) throw new StoaError('STOA_DAV_RANGE_TOO_WIDE', `${what} over more than ${limits.maxExpandDays} days`);
  }

  function shapeData(obj: DavObject, col: DavCollection, spec: CalendarDataSpec | null): string {
    if (!spec || (!spec.comp && !spec.expand && !spec.limitRecurrenceSet)) return obj.data;
    checkRange(spec.expand, 'expand');
    checkRange(spec.limitRecurrenceSet, 'limit-recurrence-set');
    return calendarData(parsed(obj, col), obj.data, spec, limits);
  }

  return {
    async query(actor, collectionId, filter, spec, withData = true) {
      const { collection } = await collections.get(actor, collectionId);
      const narrow = candidateRange(filter);
      const candidates = narrow?.range
        ? await collections.objectsInRange(actor, collectionId, narrow.range.start ?? TIME_MIN, narrow.range.end ?? TIME_MAX, narrow.component, withData || !plainTimeRange(filter))
        : await collections.listObjectData(actor, collectionId);
      const out: CalendarObjectResult[] = [];
      const plain = narrow?.range ? plainTimeRange(filter) : null;
      for (const obj of candidates) {
        // The store already checked the span; without recurrence the span is the one instance.
        const exact = plain !== null && obj.component === plain.component && !obj.recurring;
        if (!exact && !matches(obj, collection, filter)) continue;
        out.push({ object: obj, data: withData ? shapeData(obj, collection, spec) : '' });
      }
      return out.sort((a, b) => a.object.name.localeCompare(b.object.name));
    },

    async multiget(actor, collectionId, names, spec) {
      const { collection } = await collections.get(actor, collectionId);
      const found = await collections.getObjects(actor, collectionId, names);
      const present = new Set(found.map((o) => o.name));
      return {
        found: found.map((object) => ({ object, data: shapeData(object, collection, spec) })),
        missing: names.filter((n) => !present.has(n)),
      };
    },

    async shape(actor, collectionId, object, spec) {
      const { collection } = await collections.get(actor, collectionId);
      return shapeData(object, collection, spec);
    },

    async put(actor, collectionId, name, text, condition = {}) {
      const view = await collections.get(actor, collectionId);
      const previous = view.access.read ? await collections.getObject(actor, collectionId, name).catch(() => null) : null;
      const scheduling = view.collection.kind === 'calendar' && /^ORGANIZER[;:]/m.test(text);
      let body = text;
      let keepScheduleTag = false;
      if (scheduling && previous) {
        const root = parseRoot(text.replace(/\r?\n/g, '\r\n'));
        if (organizerOf(root) !== view.owner.address.toLowerCase()) {
          // RFC 6638 §3.2.10: an attendee's own changes leave the schedule tag as it was.
          keepScheduleTag = true;
        } else if (condition.scheduleTag !== undefined) {
          // The organizer's client wrote on a schedule tag: replies recorded since it read the event stay.
          keepRecordedReplies(parseRoot(previous.data), root);
          body = root.toString();
        }
      }
      const stored = await collections.putObject(actor, collectionId, name, body, condition, { keepScheduleTag });
      if (!scheduler || !scheduling) return { ...stored, scheduling: null };
      // The object is stored either way; a scheduling failure is reported, not thrown (RFC 6638 SCHEDULE-STATUS).
      const outcome = await scheduler.afterWrite(actor, collectionId, stored.object.data, previous?.data ?? null)
        .catch((err: unknown) => ({ attendees: { '*': `failed: ${(err as Error).message}` } }));
      return { ...stored, scheduling: outcome };
    },

    async remove(actor, collectionId, name, condition) {
      const view = await collections.get(actor, collectionId);
      const previous = await collections.getObject(actor, collectionId, name);
      await collections.deleteObject(actor, collectionId, name, condition);
      if (!scheduler || view.collection.kind !== 'calendar' || !/^ORGANIZER[;:]/m.test(previous.data)) return { scheduling: null };
      const scheduling = await scheduler.afterDelete(actor, collectionId, previous.data)
        .catch((err: unknown) => ({ attendees: { '*': `failed: ${(err as Error).message}` } }));
      return { scheduling };
    },

    async scheduleFreeBusy(actor, request) {
      if (!scheduler) throw new StoaError('STOA_FORBIDDEN', 'scheduling is not enabled');
      const m = /BEGIN:VFREEBUSY[\s\S]*?END:VFREEBUSY/.exec(request.replace(/\r?\n[ \t]/g, ''));
      if (!m || !/^METHOD:REQUEST\r?$/m.test(request)) throw new StoaError('STOA_DAV_INVALID_DATA', 'expected a VCALENDAR with METHOD:REQUEST and one VFREEBUSY');
      const field = (name: string) => new RegExp(`^${name}[^:\r\n]*:(.*?)\r?$`, 'm').exec(m[0])?.[1]?.trim();
      const start = parseUtc(field('DTSTART') ?? '');
      const end = parseUtc(field('DTEND') ?? '');
      if (start === null || end === null || end <= start) throw new StoaError('STOA_DAV_INVALID_DATA', 'VFREEBUSY needs DTSTART and DTEND in UTC');
      checkRange({ start, end }, 'free-busy');
      const attendees = [...m[0].matchAll(/^ATTENDEE[^:\r\n]*:(.*?)\r?$/gm)].map((a) => a[1]);
      return scheduler.freeBusyOf(actor, attendees, start, end, now());
    },

    async freeBusy(actor, collectionId, range) {
      const { collection } = await collections.get(actor, collectionId);
      if (range.start === null || range.end === null) throw new StoaError('STOA_VALIDATION', 'free-busy-query needs a time-range with start and end');
      checkRange(range, 'free-busy-query');
      const objects = await collections.objectsInRange(actor, collectionId, range.start, range.end);
      const periods = objects.flatMap((o) => busyPeriods(parsed(o, collection), range.start!, range.end!, limits));
      return freeBusyCalendar(periods, range.start, range.end, now());
    },
  };
}
