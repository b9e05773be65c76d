// Calendar objects as tables: what is accepted with which time span, and
// what is refused (malformed, truncated, oversized, hostile) with which code.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isStoaError, type ErrorCode } from '../../errors/catalogue.ts';
import { TIME_MAX, TIME_MIN } from '../../model/dav.ts';
import { parseCalendarObject } from './calendar-object.ts';
import { instancesIn, objectSpan } from './instances.ts';

const cal = (...lines: string[]): string => ['BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//t//EN', ...lines, 'END:VCALENDAR', ''].join('\r\n');
const ev = (...lines: string[]): string[] => ['BEGIN:VEVENT', 'UID:u1', 'DTSTAMP:20260101T000000Z', ...lines, 'END:VEVENT'];
const iso = (ms: number): string => new Date(ms).toISOString().replace('.000', '');

const WINDOWS_ZONE = [
  'BEGIN:VTIMEZONE', 'TZID:W. Europe Standard Time',
  'BEGIN:STANDARD', 'DTSTART:16010101T030000', 'TZOFFSETFROM:+0200', 'TZOFFSETTO:+0100', 'RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=10', 'END:STANDARD',
  'BEGIN:DAYLIGHT', 'DTSTART:16010101T020000', 'TZOFFSETFROM:+0100', 'TZOFFSETTO:+0200', 'RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=3', 'END:DAYLIGHT',
  'END:VTIMEZONE',
];

const spans: [string, string, [string, string] | 'open-end' | 'always' | 'never'][] = [
  ['a UTC event', cal(...ev('DTSTART:20260301T100000Z', 'DTEND:20260301T110000Z')), ['2026-03-01T10:00:00Z', '2026-03-01T11:00:00Z']],
  ['an event in an IANA zone', cal(...ev('DTSTART;TZID=Europe/Berlin:20260301T100000', 'DURATION:PT30M')), ['2026-03-01T09:00:00Z', '2026-03-01T09:30:00Z']],
  ['an event in a Windows zone defined by its VTIMEZONE', cal(...WINDOWS_ZONE, ...ev('DTSTART;TZID=W. Europe Standard Time:20260701T100000', 'DTEND;TZID=W. Europe Standard Time:20260701T110000')), ['2026-07-01T08:00:00Z', '2026-07-01T09:00:00Z']],
  ['an all-day event', cal(...ev('DTSTART;VALUE=DATE:20260301')), ['2026-03-01T00:00:00Z', '2026-03-02T00:00:00Z']],
  ['a weekly event with COUNT and EXDATE', cal(...ev('DTSTART:20260302T090000Z', 'DTEND:20260302T100000Z', 'RRULE:FREQ=WEEKLY;COUNT=4', 'EXDATE:20260323T090000Z')), ['2026-03-02T09:00:00Z', '2026-03-16T10:00:00Z']],
  ['a daily event with UNTIL and an RDATE after it', cal(...ev('DTSTART:20260302T090000Z', 'DTEND:20260302T100000Z', 'RRULE:FREQ=DAILY;UNTIL=20260304T090000Z', 'RDATE:20260310T090000Z')), ['2026-03-02T09:00:00Z', '2026-03-10T10:00:00Z']],
  ['an endless rule', cal(...ev('DTSTART:20260302T090000Z', 'RRULE:FREQ=MONTHLY')), 'open-end'],
  ['a task without dates', cal('BEGIN:VTODO', 'UID:t', 'DTSTAMP:20260101T000000Z', 'SUMMARY:x', 'END:VTODO'), 'always'],
  ['a journal without DTSTART', cal('BEGIN:VJOURNAL', 'UID:j', 'DTSTAMP:20260101T000000Z', 'END:VJOURNAL'), 'never'],
];

const refused: [string, string, ErrorCode][] = [
  ['a VEVENT without UID', cal('BEGIN:VEVENT', 'DTSTART:20260301T100000Z', 'END:VEVENT'), 'STOA_DAV_INVALID_DATA'],
  ['broken line folding', cal(...ev('DTSTART:20260301T100000Z', 'DESCRIPTION:a long line that was', 'folded without its leading space')), 'STOA_DAV_INVALID_DATA'],
  ['a continuation line first', ' BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n', 'STOA_DAV_INVALID_DATA'],
  ['an unknown time zone', cal(...ev('DTSTART;TZID=Mars/Olympus_Mons:20260301T100000')), 'STOA_DAV_INVALID_DATA'],
  ['a finite rule with too many instances', cal(...ev('DTSTART:20260301T100000Z', 'RRULE:FREQ=SECONDLY;COUNT=100000000')), 'STOA_DAV_TOO_MANY_INSTANCES'],
  ['components nested too deep', cal(...ev('DTSTART:20260301T100000Z', ...Array.from({ length: 10 }, () => 'BEGIN:VALARM'), ...Array.from({ length: 10 }, () => 'END:VALARM'))), 'STOA_DAV_INVALID_DATA'],
  ['a truncated object', cal(...ev('DTSTART:20260301T100000Z')).replace('END:VCALENDAR\r\n', ''), 'STOA_DAV_INVALID_DATA'],
  ['two UIDs in one resource', cal(...ev('DTSTART:20260301T100000Z'), ...ev('DTSTART:20260302T100000Z').map((l) => l.replace('UID:u1', 'UID:u2'))), 'STOA_DAV_INVALID_DATA'],
  ['two masters of one UID', cal(...ev('DTSTART:20260301T100000Z'), ...ev('DTSTART:20260302T100000Z')), 'STOA_DAV_INVALID_DATA'],
  ['mixed component types', cal(...ev('DTSTART:20260301T100000Z'), 'BEGIN:VTODO', 'UID:u1', 'END:VTODO'), 'STOA_DAV_INVALID_DATA'],
  ['a METHOD (an iTIP message, not a stored object)', cal('METHOD:REQUEST', ...ev('DTSTART:20260301T100000Z')), 'STOA_DAV_INVALID_DATA'],
  ['not iCalendar at all', 'hello world\r\n', 'STOA_DAV_INVALID_DATA'],
  ['a vCard', 'BEGIN:VCARD\r\nVERSION:4.0\r\nFN:x\r\nEND:VCARD\r\n', 'STOA_DAV_INVALID_DATA'],
  ['an RRULE without FREQ', cal(...ev('DTSTART:20260301T100000Z', 'RRULE:COUNT=3')), 'STOA_DAV_INVALID_DATA'],
  ['an oversized object', cal(...ev('DTSTART:20260301T100000Z', `DESCRIPTION:${'x'.repeat(70)}`, ...Array.from({ length: 20_000 }, () => ` ${'y'.repeat(70)}`))), 'STOA_DAV_TOO_LARGE'],
];

describe('calendar objects', () => {
  for (const [name, text, expected] of spans) {
    it(`computes the span of ${name}`, () => {
      const span = objectSpan(parseCalendarObject(text));
      if (expected === 'open-end') assert.equal(span.endMs, TIME_MAX);
      else if (expected === 'always') assert.deepEqual([span.startMs, span.endMs], [TIME_MIN, TIME_MAX]);
      else if (expected === 'never') assert.equal(span.startMs, TIME_MAX);
      else assert.deepEqual([iso(span.startMs), iso(span.endMs)], expected);
    });
  }
  for (const [name, text, code] of refused) {
    it(`refuses ${name} with ${code}`, () => {
      assert.throws(() => objectSpan(parseCalendarObject(text)), (e: unknown) => isStoaError(e, code));
    });
  }

  it('expands overrides, moved instances and DST in the event\'s zone', () => {
    const obj = parseCalendarObject(cal(
      ...ev('DTSTART;TZID=Europe/Berlin:20260315T100000', 'DTEND;TZID=Europe/Berlin:20260315T110000', 'RRULE:FREQ=WEEKLY;COUNT=4', 'EXDATE;TZID=Europe/Berlin:20260322T100000'),
      ...ev('RECURRENCE-ID;TZID=Europe/Berlin:20260329T100000', 'DTSTART;TZID=Europe/Berlin:20260330T150000', 'DTEND;TZID=Europe/Berlin:20260330T160000'),
    ));
    const starts = instancesIn(obj, TIME_MIN, TIME_MAX).map((i) => iso(i.start));
    // 15 March is CET (UTC+1); 30 March and 5 April are CEST (UTC+2).
    assert.deepEqual(starts, ['2026-03-15T09:00:00Z', '2026-03-30T13:00:00Z', '2026-04-05T08:00:00Z']);
  });

  it('finds instances of an old endless rule far in the future without iterating from its start', () => {
    const obj = parseCalendarObject(cal(...ev('DTSTART:20000103T090000Z', 'DTEND:20000103T100000Z', 'RRULE:FREQ=DAILY')));
    const from = Date.UTC(2090, 0, 1);
    const found = instancesIn(obj, from, from + 3 * 86_400_000, { maxInstances: 100, maxIterations: 50 });
    assert.deepEqual(found.map((i) => iso(i.start)), ['2090-01-01T09:00:00Z', '2090-01-02T09:00:00Z', '2090-01-03T09:00:00Z']);
  });

  it('stops an expansion at its instance limit', () => {
    const obj = parseCalendarObject(cal(...ev('DTSTART:20260101T000000Z', 'RRULE:FREQ=MINUTELY')));
    assert.throws(() => instancesIn(obj, Date.UTC(2026, 0, 1), Date.UTC(2026, 1, 1), { maxInstances: 1000, maxIterations: 1_000_000 }), (e: unknown) => isStoaError(e, 'STOA_DAV_TOO_MANY_INSTANCES'));
  });
});

describe('skipping ahead in long recurrences', () => {
  const cases: [string, string, number, number, string[]][] = [
    ['monthly from 2001', 'RRULE:FREQ=MONTHLY', Date.UTC(2031, 4, 1), Date.UTC(2031, 6, 1), ['2031-05-15T09:00:00Z', '2031-06-15T09:00:00Z']],
    ['every third month', 'RRULE:FREQ=MONTHLY;INTERVAL=3', Date.UTC(2031, 0, 1), Date.UTC(2031, 11, 31), ['2031-01-15T09:00:00Z', '2031-04-15T09:00:00Z', '2031-07-15T09:00:00Z', '2031-10-15T09:00:00Z']],
    ['yearly', 'RRULE:FREQ=YEARLY', Date.UTC(2040, 0, 1), Date.UTC(2041, 0, 1), ['2040-01-15T09:00:00Z']],
    ['weekly on two days', 'RRULE:FREQ=WEEKLY;BYDAY=MO,TU', Date.UTC(2031, 0, 6), Date.UTC(2031, 0, 8), ['2031-01-06T09:00:00Z', '2031-01-07T09:00:00Z']],
  ];
  for (const [name, rule, from, to, expected] of cases) {
    it(`finds the instances of a ${name} rule decades after DTSTART, as iterating from the start would`, () => {
      const obj = parseCalendarObject(cal(...ev('DTSTART:20010115T090000Z', 'DURATION:PT1H', rule).map((l) => (name.startsWith('weekly') ? l.replace('20010115', '20010101') : l))));
      const fast = instancesIn(obj, from, to).map((i) => iso(i.start));
      const slow = instancesIn(obj, TIME_MIN, to, { maxInstances: 100_000, maxIterations: 1_000_000 }).filter((i) => i.start >= from).map((i) => iso(i.start));
      assert.deepEqual(fast, slow);
      assert.deepEqual(fast, expected);
    });
  }
});

describe('matching simple rules without expansion', () => {
  it('agrees with expansion for endless and counted daily, weekly, monthly and yearly rules in windows of every size', async () => {
    const { surelyOverlaps } = await import('./instances.ts');
    const rules = [
      'RRULE:FREQ=MONTHLY', 'RRULE:FREQ=MONTHLY;INTERVAL=2', 'RRULE:FREQ=WEEKLY', 'RRULE:FREQ=DAILY;INTERVAL=3', 'RRULE:FREQ=YEARLY',
      'RRULE:FREQ=DAILY;COUNT=10', 'RRULE:FREQ=WEEKLY;INTERVAL=2;COUNT=6', 'RRULE:FREQ=MONTHLY;COUNT=5', 'RRULE:FREQ=WEEKLY;BYDAY=MO,TH',
    ];
    const starts = [
      'DTSTART:20250110T233000Z', 'DTSTART;TZID=Pacific/Auckland:20250128T080000', 'DTSTART;TZID=America/New_York:20250131T210000',
      'DTSTART:20240229T120000Z', 'DTSTART:20251230T090000Z', 'DTSTART:20250106T090000Z',
    ];
    let sure = 0;
    let checked = 0;
    for (const rule of rules) {
      for (const start of starts) {
        const obj = parseCalendarObject(cal(...ev(start, 'DURATION:PT1H', rule)));
        for (let day = -400; day < 500; day += 13) {
          for (const days of [1, 10, 31, 45]) {
            const from = Date.UTC(2026, 0, 1) + day * 86_400_000;
            const to = from + days * 86_400_000;
            // instancesIn itself is checked against iteration from DTSTART above.
            const found = instancesIn(obj, from, to).some((i) => i.start >= from && i.start < to);
            const claim = surelyOverlaps(obj, from, to);
            checked++;
            if (claim) {
              sure++;
              assert.ok(found, `${rule} ${start} claimed an instance starting in ${iso(from)}..${iso(to)}`);
            }
          }
        }
      }
    }
    // It answers most windows that hold an instance, or it would not save anything.
    assert.ok(sure > checked / 4, `${sure} of ${checked}`);
  });
});
