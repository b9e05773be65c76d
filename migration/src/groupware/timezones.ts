// Time zones for the iCalendar the importer writes from Exchange (EWS) and
// Outlook (PST) data: Windows zone names to IANA (CLDR windowsZones, via
// windows-iana), local times from UTC instants with the platform's tz
// database (Intl), and a VTIMEZONE (RFC 5545 §3.6.5) with the zone's
// yearly rules as they stand in the event's year.
import { findIana } from 'windows-iana';
import { ContentLines } from './content-lines.ts';

/** The IANA zone of a Windows zone name ("W. Europe Standard Time" → "Europe/Berlin"); null when unknown. */
export function ianaOfWindows(windowsId: string | null | undefined): string | null {
  if (!windowsId) return null;
  const found = findIana(windowsId.trim());
  return found.length > 0 ? found[0] : null;
}

/** True when the platform knows the zone. */
export function knownZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

interface Parts { y: number; mo: number; d: number; h: number; mi: number; s: number }

const formatters = new Map<string, Intl.DateTimeFormat>();

function parts(date: Date, tz: string): Parts {
  let f = formatters.get(tz);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', { timeZone: tz, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' });
    formatters.set(tz, f);
  }
  const p = Object.fromEntries(f.formatToParts(date).map((x) => [x.type, x.value]));
  return { y: Number(p.year), mo: Number(p.month), d: Number(p.day), h: Number(p.hour) % 24, mi: Number(p.minute), s: Number(p.second) };
}

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

/** Local date-time in `tz` as an iCalendar DATE-TIME without zone: 20250106T100000. */
export function localStamp(date: Date, tz: string): string {
  const p = parts(date, tz);
  return `${pad(p.y, 4)}${pad(p.mo)}${pad(p.d)}T${pad(p.h)}${pad(p.mi)}${pad(p.s)}`;
}

/** Local calendar day in `tz` as an iCalendar DATE: 20250106. */
export function localDate(date: Date, tz: string): string {
  const p = parts(date, tz);
  return `${pad(p.y, 4)}${pad(p.mo)}${pad(p.d)}`;
}

/** UTC offset of `tz` at `date`, in minutes east of UTC. */
export function offsetMinutes(date: Date, tz: string): number {
  const p = parts(date, tz);
  const asUtc = Date.UTC(p.y, p.mo - 1, p.d, p.h, p.mi, p.s);
  return Math.round((asUtc - Math.floor(date.getTime() / 1000) * 1000) / 60_000);
}

const offsetText = (minutes: number) => `${minutes < 0 ? '-' : '+'}${pad(Math.floor(Math.abs(minutes) / 60))}${pad(Math.abs(minutes) % 60)}`;
const DAYS = ['SU', 'MO', 'TU', 'WE', 'TH', 'FR', 'SA'];

/** The instants in `year` at which the zone's offset changes (to the minute). */
function transitions(tz: string, year: number): Date[] {
  const out: Date[] = [];
  let prev = new Date(Date.UTC(year, 0, 1));
  let prevOffset = offsetMinutes(prev, tz);
  for (let day = 1; day <= 366; day++) {
    const next = new Date(Date.UTC(year, 0, 1 + day));
    const o = offsetMinutes(next, tz);
    if (o !== prevOffset) {
      let lo = prev.getTime();
      let hi = next.getTime();
      while (hi - lo > 60_000) {
        const mid = Math.floor((lo + hi) / 120_000) * 60_000;
        if (offsetMinutes(new Date(mid), tz) === prevOffset) lo = mid;
        else hi = mid;
      }
      out.push(new Date(hi));
      prevOffset = o;
    }
    prev = next;
  }
  return out;
}

/** A VTIMEZONE for `tz` with the rules in force in `year`. */
export function vtimezone(tz: string, year: number): ContentLines {
  const lines = new ContentLines().begin('VTIMEZONE').raw('TZID', tz);
  const changes = transitions(tz, year);
  const name = (d: Date) => new Intl.DateTimeFormat('en-US', { timeZone: tz, timeZoneName: 'short' }).formatToParts(d).find((p) => p.type === 'timeZoneName')?.value ?? '';
  if (changes.length !== 2) {
    const at = new Date(Date.UTC(year, 0, 1));
    const o = offsetMinutes(at, tz);
    return lines.begin('STANDARD').raw('DTSTART', '19700101T000000').raw('TZOFFSETFROM', offsetText(o)).raw('TZOFFSETTO', offsetText(o)).text('TZNAME', name(at)).end('STANDARD').end('VTIMEZONE');
  }
  for (const at of changes) {
    const before = offsetMinutes(new Date(at.getTime() - 60_000), tz);
    const after = offsetMinutes(at, tz);
    // The onset is the local time in the offset before the change (RFC 5545 §3.6.5 DTSTART).
    const local = new Date(at.getTime() + before * 60_000);
    const day = local.getUTCDate();
    const daysInMonth = new Date(Date.UTC(local.getUTCFullYear(), local.getUTCMonth() + 1, 0)).getUTCDate();
    const nth = day + 7 > daysInMonth ? -1 : Math.ceil(day / 7);
    const kind = after > before ? 'DAYLIGHT' : 'STANDARD';
    lines.begin(kind)
      .raw('DTSTART', `${pad(local.getUTCFullYear(), 4)}${pad(local.getUTCMonth() + 1)}${pad(day)}T${pad(local.getUTCHours())}${pad(local.getUTCMinutes())}00`)
      .raw('RRULE', `FREQ=YEARLY;BYMONTH=${local.getUTCMonth() + 1};BYDAY=${nth}${DAYS[local.getUTCDay()]}`)
      .raw('TZOFFSETFROM', offsetText(before)).raw('TZOFFSETTO', offsetText(after)).text('TZNAME', name(at))
      .end(kind);
  }
  return lines.end('VTIMEZONE');
}

/** The instant at which the wall clock in `tz` shows `stamp` (YYYYMMDDTHHMMSS); the later one across a DST gap. */
export function utcOfLocal(stamp: string, tz: string): Date {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})$/.exec(stamp);
  if (!m) throw new Error(`not a local date-time: ${stamp}`);
  const asUtc = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6]));
  let guess = asUtc - offsetMinutes(new Date(asUtc), tz) * 60_000;
  // One correction covers the offset changing between the guess and the answer.
  guess = asUtc - offsetMinutes(new Date(guess), tz) * 60_000;
  return new Date(guess);
}
