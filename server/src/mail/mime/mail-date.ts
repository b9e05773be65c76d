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

/** Parse a Date: header value; returns ISO 8601 UTC or null. */
export function parseMailDate(value: string | null): string | null {
  if (value === null) return null;
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
