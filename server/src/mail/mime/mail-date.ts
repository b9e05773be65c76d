// RFC 5322 §3.3 date-time, read tolerantly: the obsolete forms of §4.3
// (two- and three-digit years, named and military zones, comments and
// whitespace around the colons) and the usual real-world variants (asctime
// order, missing day name or seconds, "+02:00" zones).

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];

/** RFC 5322 §4.3 obs-zone, in minutes east of UTC. */
const ZONES: Record<string, number> = {
  ut: 0, utc: 0, gmt: 0, z: 0,
  est: -300, edt: -240, cst: -360, cdt: -300, mst: -420, mdt: -360, pst: -480, pdt: -420,
  // Common non-standard abbreviations seen in the field.
  cet: 60, cest: 120, met: 60, mest: 120, bst: 60, eet: 120, eest: 180, jst: 540, ist: 330, hkt: 480, aest: 600,
};

function stripComments(value: string): string {
  let out = '';
  let depth = 0;
  for (let i = 0; i < value.length; i++) {
    const c = value[i];
    if (c === '\\' && depth > 0) i++;
    else if (c === '(') depth++;
    else if (c === ')' && depth > 0) {
      depth--;
      out += ' ';
    } else if (depth === 0) out += c;
  }
  return out;
}

function parseZone(token: string): number | null {
  const lower = token.toLowerCase();
  const m = /^(?:gmt|utc|ut)?([+-])(\d{1,2}):?(\d{2})?$/.exec(lower);
  if (m) {
    // "+0200", "+02:00", "+200", "GMT+1"
    const hours = Number(m[2]);
    const minutes = m[3] === undefined ? 0 : Number(m[3]);
    if (hours > 23 || minutes > 59) return null;
    return (m[1] === '-' ? -1 : 1) * (hours * 60 + minutes);
  }
  if (lower in ZONES) return ZONES[lower];
  // RFC 5322 §4.3: military zones are unreliable and SHOULD be read as -0000.
  if (/^[a-ik-z]$/.test(lower)) return 0;
  return null;
}

/**
 * The form nearly every mail carries (RFC 5322 §3.3 with a numeric zone, or
 * GMT as toUTCString() writes it), read without the tolerant tokenizer
 * below; it gives the same answer for everything this matches.
 */
const CANONICAL = /^\s*(?:(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun), )?(\d{1,2}) (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) (\d{4}) (\d{2}):(\d{2}):(\d{2}) (?:([+-])(\d{2})(\d{2})|GMT|UT|UTC)\s*$/;
const MONTH_INDEX: Record<string, number> = { Jan: 0, Feb: 1, Mar: 2, Apr: 3, May: 4, Jun: 5, Jul: 6, Aug: 7, Sep: 8, Oct: 9, Nov: 10, Dec: 11 };

function parseCanonical(m: RegExpExecArray): string | null {
  const day = Number(m[1]);
  const year = Number(m[3]);
  const [h, min, sec] = [Number(m[4]), Number(m[5]), Number(m[6])];
  if (day < 1 || day > 31 || year < 1000 || h > 23 || min > 59 || sec > 60) return null;
  const zoneH = m[8] === undefined ? 0 : Number(m[8]);
  const zoneM = m[9] === undefined ? 0 : Number(m[9]);
  const local = Date.UTC(year, MONTH_INDEX[m[2]], day, h, min, Math.min(sec, 59));
  if (new Date(local).getUTCDate() !== day) return null;
  // An impossible offset counts as none, as parseZone() says.
  const zone = zoneH > 23 || zoneM > 59 ? 0 : (m[7] === '-' ? -1 : 1) * (zoneH * 60 + zoneM);
  return new Date(local - zone * 60_000).toISOString();
}

/** Parse a Date: header value; returns ISO 8601 UTC or null. */
export function parseMailDate(value: string | null): string | null {
  if (value === null) return null;
  const canonical = CANONICAL.exec(value);
  if (canonical) return parseCanonical(canonical);
  const text = stripComments(value).replace(/\s*:\s*/g, ':').trim();
  if (text === '') return null;
  let day: number | null = null;
  let month: number | null = null;
  let year: number | null = null;
  let time: number[] | null = null;
  let zone: number | null = null;
  for (const raw of text.split(/[\s,]+/)) {
    if (raw === '') continue;
    const token = raw.replace(/\.$/, '');
    const lower = token.toLowerCase();
    if (time === null && /^\d{1,2}:\d{1,2}(:\d{1,2})?$/.test(token)) {
      time = token.split(':').map(Number);
    } else if (month === null && /^[a-z]{3,}$/.test(lower) && MONTHS.includes(lower.slice(0, 3))) {
      month = MONTHS.indexOf(lower.slice(0, 3));
    } else if (/^\d+$/.test(token)) {
      const n = Number(token);
      if (day === null && token.length <= 2 && n >= 1 && n <= 31) day = n;
      else if (year === null) year = token.length === 2 ? (n < 50 ? 2000 + n : 1900 + n) : token.length === 3 ? 1900 + n : n;
    } else if (zone === null && time !== null) {
      zone = parseZone(token);
    }
  }
  if (day !== null && month !== null && year !== null && year >= 1000 && year <= 9999) {
    const [h = 0, m = 0, s = 0] = time ?? [];
    if (h > 23 || m > 59 || s > 60) return null;
    const local = Date.UTC(year, month, day, h, m, Math.min(s, 59));
    const check = new Date(local);
    if (check.getUTCDate() !== day) return null;
    return new Date(local - (zone ?? 0) * 60_000).toISOString();
  }
  // Not RFC 5322 at all (ISO 8601 and friends): let the platform try.
  const parsed = Date.parse(value);
  if (Number.isFinite(parsed) && /\d{4}/.test(value)) {
    const iso = new Date(parsed);
    const y = iso.getUTCFullYear();
    if (y >= 1000 && y <= 9999) return iso.toISOString();
  }
  return null;
}
