// EWS recurrence (t:Recurrence: a pattern and a range, as in MS-OXWSCDATA
// RecurrenceType) as an RFC 5545 §3.3.10 RRULE. Patterns: Daily, Weekly,
// AbsoluteMonthly, RelativeMonthly, AbsoluteYearly, RelativeYearly (and the
// task regeneration patterns, whose next date depends on completion, as the
// nearest fixed rule). Ranges: NoEnd, EndDate (UNTIL), Numbered (COUNT).
import { child, childText, type XmlNode } from '../../xml/xml-tree.ts';
import { NS } from './soap.ts';

const DAY: Record<string, string> = { Sunday: 'SU', Monday: 'MO', Tuesday: 'TU', Wednesday: 'WE', Thursday: 'TH', Friday: 'FR', Saturday: 'SA' };
const GROUPS: Record<string, string[]> = {
  Day: ['SU', 'MO', 'TU', 'WE', 'TH', 'FR', 'SA'],
  Weekday: ['MO', 'TU', 'WE', 'TH', 'FR'],
  WeekendDay: ['SA', 'SU'],
};
const INDEX: Record<string, number> = { First: 1, Second: 2, Third: 3, Fourth: 4, Last: -1 };
const MONTH: Record<string, number> = {
  January: 1, February: 2, March: 3, April: 4, May: 5, June: 6, July: 7, August: 8, September: 9, October: 10, November: 11, December: 12,
};

export class RecurrenceError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RecurrenceError';
  }
}

/** "Monday Wednesday" → ["MO", "WE"]; "Weekday" → its days and whether BYSETPOS is needed. */
function days(text: string | null): { days: string[]; group: boolean } {
  const names = (text ?? '').split(/\s+/).filter(Boolean);
  if (names.length === 1 && GROUPS[names[0]]) return { days: GROUPS[names[0]], group: true };
  const out = names.map((n) => DAY[n]);
  if (out.length === 0 || out.some((d) => d === undefined)) throw new RecurrenceError(`unknown days of week "${text ?? ''}"`);
  return { days: out, group: false };
}

function relativeDay(pattern: XmlNode): string {
  const { days: list, group } = days(childText(pattern, NS.t, 'DaysOfWeek'));
  const n = INDEX[childText(pattern, NS.t, 'DayOfWeekIndex') ?? ''];
  if (n === undefined) throw new RecurrenceError(`unknown DayOfWeekIndex "${childText(pattern, NS.t, 'DayOfWeekIndex') ?? ''}"`);
  // "the last weekday" is BYDAY=MO,…,FR;BYSETPOS=-1 (RFC 5545 §3.3.10 example); one named day is BYDAY=-1FR.
  return group ? `BYDAY=${list.join(',')};BYSETPOS=${n}` : `BYDAY=${n}${list[0]}`;
}

const interval = (pattern: XmlNode) => {
  const n = Number(childText(pattern, NS.t, 'Interval') ?? '1');
  if (!Number.isInteger(n) || n < 1 || n > 1000) throw new RecurrenceError(`bad Interval ${childText(pattern, NS.t, 'Interval')}`);
  return n === 1 ? '' : `;INTERVAL=${n}`;
};

function month(pattern: XmlNode): number {
  const m = MONTH[childText(pattern, NS.t, 'Month') ?? ''];
  if (!m) throw new RecurrenceError(`unknown Month "${childText(pattern, NS.t, 'Month') ?? ''}"`);
  return m;
}

function dayOfMonth(pattern: XmlNode): number {
  const d = Number(childText(pattern, NS.t, 'DayOfMonth'));
  if (!Number.isInteger(d) || d < 1 || d > 31) throw new RecurrenceError(`bad DayOfMonth ${childText(pattern, NS.t, 'DayOfMonth')}`);
  return d;
}

/** The FREQ… part of the rule; null when the element holds no pattern we know. */
function pattern(rec: XmlNode): string | null {
  for (const p of rec.children) {
    if (p.ns !== NS.t) continue;
    switch (p.name) {
      case 'DailyRecurrence': return `FREQ=DAILY${interval(p)}`;
      case 'WeeklyRecurrence': {
        const wkst = DAY[childText(p, NS.t, 'FirstDayOfWeek') ?? ''];
        return `FREQ=WEEKLY${interval(p)};BYDAY=${days(childText(p, NS.t, 'DaysOfWeek')).days.join(',')}${wkst ? `;WKST=${wkst}` : ''}`;
      }
      case 'AbsoluteMonthlyRecurrence': return `FREQ=MONTHLY${interval(p)};BYMONTHDAY=${dayOfMonth(p)}`;
      case 'RelativeMonthlyRecurrence': return `FREQ=MONTHLY${interval(p)};${relativeDay(p)}`;
      case 'AbsoluteYearlyRecurrence': return `FREQ=YEARLY;BYMONTH=${month(p)};BYMONTHDAY=${dayOfMonth(p)}`;
      case 'RelativeYearlyRecurrence': return `FREQ=YEARLY;BYMONTH=${month(p)};${relativeDay(p)}`;
      // Task regeneration: "n days/weeks/months/years after completion" has no iCalendar form; the fixed interval is closest.
      case 'DailyRegeneration': return `FREQ=DAILY${interval(p)}`;
      case 'WeeklyRegeneration': return `FREQ=WEEKLY${interval(p)}`;
      case 'MonthlyRegeneration': return `FREQ=MONTHLY${interval(p)}`;
      case 'YearlyRegeneration': return `FREQ=YEARLY${interval(p)}`;
      default: continue;
    }
  }
  return null;
}

export interface RecurrenceRange {
  /** The range's StartDate as YYYY-MM-DD. */
  startDate: string | null;
  /** EndDateRecurrence's EndDate as YYYY-MM-DD. */
  endDate: string | null;
  count: number | null;
}

export function range(rec: XmlNode): RecurrenceRange {
  const date = (text: string | null) => (text ? text.slice(0, 10) : null);
  const end = child(rec, NS.t, 'EndDateRecurrence');
  if (end) return { startDate: date(childText(end, NS.t, 'StartDate')), endDate: date(childText(end, NS.t, 'EndDate')), count: null };
  const numbered = child(rec, NS.t, 'NumberedRecurrence');
  if (numbered) {
    const n = Number(childText(numbered, NS.t, 'NumberOfOccurrences'));
    if (!Number.isInteger(n) || n < 1) throw new RecurrenceError(`bad NumberOfOccurrences ${childText(numbered, NS.t, 'NumberOfOccurrences')}`);
    return { startDate: date(childText(numbered, NS.t, 'StartDate')), endDate: null, count: n };
  }
  const open = child(rec, NS.t, 'NoEndRecurrence');
  return { startDate: date(childText(open, NS.t, 'StartDate')), endDate: null, count: null };
}

/**
 * The RRULE value for a t:Recurrence; `until` turns the range's last day
 * into the UNTIL value (UTC date-time for timed events, DATE for all-day
 * ones, RFC 5545 §3.3.10).
 */
export function rrule(rec: XmlNode, until: (endDate: string) => string): string {
  const freq = pattern(rec);
  if (!freq) throw new RecurrenceError('no recurrence pattern this importer knows');
  const r = range(rec);
  if (r.count !== null) return `${freq};COUNT=${r.count}`;
  if (r.endDate !== null) return `${freq};UNTIL=${until(r.endDate)}`;
  return freq;
}
