// Turning iCalendar local times into instants. A TZID is resolved, in this
// order, by a VTIMEZONE in the same object (RFC 5545 §3.6.5, what Outlook
// sends for its Windows zone names) or by the IANA database that Node's Intl
// carries (RFC 7809: time zones by reference, what most clients rely on).
// A TZID neither knows is an unknown time zone and the object is refused.
// Floating times and dates (RFC 4791 §9.9) are read in the calendar's zone.
import type ICAL from 'ical.js';
import { ical } from './ical.ts';

type Time = InstanceType<typeof ICAL.Time>;
type Timezone = InstanceType<typeof ICAL.Timezone>;

const formatters = new Map<string, Intl.DateTimeFormat | null>();

function formatterFor(tzid: string): Intl.DateTimeFormat | null {
  let f = formatters.get(tzid);
  if (f === undefined) {
    try {
      f = new Intl.DateTimeFormat('en-US', {
        timeZone: tzid, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric',
      });
    } catch {
      f = null;
    }
    // The cache is bounded: names come from stored objects, but a hostile client could send many.
    if (formatters.size > 1000) formatters.clear();
    formatters.set(tzid, f);
  }
  return f;
}

/** Whether the IANA database (through Intl) knows this zone. */
export function isKnownZone(tzid: string): boolean {
  return formatterFor(tzid) !== null;
}

/** Offset of the zone from UTC at an instant, in ms. */
function offsetAt(f: Intl.DateTimeFormat, ms: number): number {
  const parts: Record<string, number> = {};
  for (const p of f.formatToParts(new Date(ms))) if (p.type !== 'literal') parts[p.type] = Number(p.value);
  const asUtc = Date.UTC(parts.year, parts.month - 1, parts.day, parts.hour, parts.minute, parts.second);
  return asUtc - Math.floor(ms / 1000) * 1000;
}

/** Local wall time in an IANA zone → instant; a time skipped by DST moves forward, a repeated one takes the first. */
function zonedToUtc(f: Intl.DateTimeFormat, localMs: number): number {
  const first = localMs - offsetAt(f, localMs);
  const second = localMs - offsetAt(f, first);
  return second === first ? first : Math.min(first, second, localMs - offsetAt(f, second));
}

/** What resolves the TZIDs of one calendar object. */
export class ZoneResolver {
  readonly #vtimezones = new Map<string, Timezone>();
  readonly #floatingZone: string | null;

  /** `floatingZone`: IANA zone for floating times and dates (the calendar's CALDAV:calendar-timezone), UTC when null. */
  constructor(vtimezones: readonly InstanceType<typeof ICAL.Component>[], floatingZone: string | null = null) {
    for (const vtz of vtimezones) {
      const tzid = vtz.getFirstPropertyValue('tzid');
      if (typeof tzid === 'string' && tzid !== '') this.#vtimezones.set(tzid, new (ical().Timezone)(vtz));
    }
    this.#floatingZone = floatingZone && isKnownZone(floatingZone) ? floatingZone : null;
  }

  /** Whether a TZID can be resolved here. */
  knows(tzid: string): boolean {
    return this.#vtimezones.has(tzid) || isKnownZone(tzid);
  }

  /** The instant (ms since the epoch) of a time, with its TZID if it had one. */
  instant(t: Time, tzid?: string | null): number {
    const zoneId = t.zone?.tzid;
    const local = Date.UTC(t.year, t.month - 1, t.day, t.isDate ? 0 : t.hour, t.isDate ? 0 : t.minute, t.isDate ? 0 : t.second);
    // UTC needs no zone arithmetic (and ical.js's toUnixTime is slow).
    if (zoneId === 'UTC') return local;
    const known = zoneId && zoneId !== 'floating' ? zoneId : null;
    const name = tzid ?? (t as unknown as { timezone?: string }).timezone ?? known;
    if (name && !t.isDate) {
      const vtz = this.#vtimezones.get(name);
      if (vtz) return local - vtz.utcOffset(t) * 1000;
      const f = formatterFor(name);
      if (f) return zonedToUtc(f, local);
      // A zone ical.js resolved from the object's own VTIMEZONE.
      if (known === name) return t.toUnixTime() * 1000;
      throw new Error(`unknown time zone "${name}"`);
    }
    if (this.#floatingZone) {
      const f = formatterFor(this.#floatingZone);
      if (f) return zonedToUtc(f, local);
    }
    return local;
  }
}

/** ms since the epoch → iCalendar UTC date-time ("20260301T100000Z"). */
export function formatUtc(ms: number): string {
  return new Date(ms).toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
}

/** iCalendar UTC date-time ("20260301T100000Z", RFC 4791 time-range attributes) → ms; null when malformed. */
export function parseUtc(value: string): number | null {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value);
  if (!m) return null;
  const ms = Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6]);
  return Number.isNaN(ms) ? null : ms;
}
