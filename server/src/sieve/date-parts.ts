// RFC 5260 date parts: a point in time shown in a zone, cut into the
// strings the "date" and "currentdate" tests compare (§4.2), and header dates
// read with the mail module's RFC 5322 parser, keeping their own zone for
// ":originalzone" (§4.1.2).
import { parseMailDate } from '../mail/mime/mail-date.ts';
import type { DatePart } from './ir.ts';

export interface ZonedTime {
  /** Milliseconds since the epoch. */
  ms: number;
  /** Minutes east of UTC the date is shown in. */
  zone: number;
}

const pad = (n: number, w = 2): string => String(n).padStart(w, '0');
const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
/** Modified Julian Day 0 is 1858-11-17 (RFC 5260 §4.2 "julian"). */
const MJD_EPOCH_MS = Date.UTC(1858, 10, 17);

function zoneText(minutes: number, colon: boolean): string {
  const sign = minutes < 0 ? '-' : '+';
  const m = Math.abs(minutes);
  return `${sign}${pad(Math.floor(m / 60))}${colon ? ':' : ''}${pad(m % 60)}`;
}

/** The value of one date part (RFC 5260 §4.2 table). */
export function datePart(t: ZonedTime, part: DatePart): string {
  const d = new Date(t.ms + t.zone * 60_000);
  const y = pad(d.getUTCFullYear(), 4);
  const mo = pad(d.getUTCMonth() + 1);
  const day = pad(d.getUTCDate());
  const h = pad(d.getUTCHours());
  const mi = pad(d.getUTCMinutes());
  const s = pad(d.getUTCSeconds());
  switch (part) {
    case 'year': return y;
    case 'month': return mo;
    case 'day': return day;
    case 'date': return `${y}-${mo}-${day}`;
    case 'julian': return String(Math.floor((Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()) - MJD_EPOCH_MS) / 86_400_000));
    case 'hour': return h;
    case 'minute': return mi;
    case 'second': return s;
    case 'time': return `${h}:${mi}:${s}`;
    // RFC 3339 date-time, the zone always as an offset so that values compare as strings.
    case 'iso8601': return `${y}-${mo}-${day}T${h}:${mi}:${s}${zoneText(t.zone, true)}`;
    case 'std11': return `${DAYS[d.getUTCDay()]}, ${day} ${MONTHS[d.getUTCMonth()]} ${y} ${h}:${mi}:${s} ${zoneText(t.zone, false)}`;
    case 'zone': return zoneText(t.zone, false);
    case 'weekday': return String(d.getUTCDay());
  }
}

/** A Date: (or Received:, Resent-Date: …) value as an instant and the zone it was written in; null when it does not parse. */
export function parseHeaderDate(value: string): ZonedTime | null {
  // Received: carries its date after the last ";" (RFC 5321 §4.4).
  const text = value.includes(';') ? value.slice(value.lastIndexOf(';') + 1) : value;
  const iso = parseMailDate(text);
  if (iso === null) return null;
  const zone = /(?:^|\s)([+-])(\d\d):?(\d\d)(?:\s|\(|$)/.exec(text);
  const minutes = zone ? (zone[1] === '-' ? -1 : 1) * (Number(zone[2]) * 60 + Number(zone[3])) : 0;
  return { ms: Date.parse(iso), zone: minutes };
}
