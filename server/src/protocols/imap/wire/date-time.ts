// RFC 9051 §9 date and date-time: search dates ("1-Feb-1994") and APPEND /
// INTERNALDATE date-times ("17-Jul-1996 02:44:25 -0700").
import { type Lexer } from './lexer.ts';

const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];
const MONTH_NAMES = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
}

/** date-text = date-day "-" date-month "-" date-year → "YYYY-MM-DD", or null. */
export function parseDateText(text: string): string | null {
  const m = /^([0-9]{1,2})-([A-Za-z]{3})-([0-9]{4})$/.exec(text);
  if (!m) return null;
  const day = Number(m[1]);
  const month = MONTHS.indexOf(m[2].toUpperCase());
  const year = Number(m[3]);
  if (month < 0 || day < 1 || day > daysInMonth(year, month)) return null;
  return `${m[3]}-${String(month + 1).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

/** date = date-text / DQUOTE date-text DQUOTE. */
export function readDate(lx: Lexer): string {
  const text = lx.peek() === 0x22 ? lx.quoted().toString('latin1') : lx.atom();
  const date = parseDateText(text);
  if (date === null) lx.fail(`Invalid date "${text}"`, 'invalid-date');
  return date;
}

/**
 * date-time = DQUOTE date-day-fixed "-" date-month "-" date-year SP time SP zone DQUOTE.
 * A one-digit day without the leading space is accepted too: some clients send it.
 */
export function parseDateTimeText(text: string): Date | null {
  const m = /^ ?([0-9]{1,2})-([A-Za-z]{3})-([0-9]{4}) ([0-9]{2}):([0-9]{2}):([0-9]{2}) ([+-])([0-9]{2})([0-9]{2})$/.exec(text);
  if (!m) return null;
  const day = Number(m[1]);
  const month = MONTHS.indexOf(m[2].toUpperCase());
  const year = Number(m[3]);
  const [h, min, s, zh, zm] = [m[4], m[5], m[6], m[8], m[9]].map(Number);
  if (month < 0 || day < 1 || day > daysInMonth(year, month) || h > 23 || min > 59 || s > 60 || zm > 59) return null;
  const offset = (m[7] === '-' ? -1 : 1) * (zh * 60 + zm);
  return new Date(Date.UTC(year, month, day, h, min, Math.min(s, 59)) - offset * 60_000);
}

export function readDateTime(lx: Lexer): Date {
  const text = lx.quoted().toString('latin1');
  const date = parseDateTimeText(text);
  if (date === null) lx.fail(`Invalid date-time "${text}"`, 'invalid-date');
  return date;
}

/** Formats a date-time for INTERNALDATE / SAVEDATE (RFC 9051 §7.5.2), in the given zone offset (minutes east of UTC). */
export function formatDateTime(date: Date, offsetMinutes = 0): string {
  const local = new Date(date.getTime() + offsetMinutes * 60_000);
  const p2 = (n: number): string => String(n).padStart(2, '0');
  const day = local.getUTCDate();
  const sign = offsetMinutes < 0 ? '-' : '+';
  const abs = Math.abs(offsetMinutes);
  return `${day < 10 ? ' ' + day : day}-${MONTH_NAMES[local.getUTCMonth()]}-${local.getUTCFullYear()} `
    + `${p2(local.getUTCHours())}:${p2(local.getUTCMinutes())}:${p2(local.getUTCSeconds())} `
    + `${sign}${p2(Math.floor(abs / 60))}${p2(abs % 60)}`;
}
