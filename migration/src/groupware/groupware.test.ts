// Tables for iCalendar/vCard splitting and validation, content lines, time
// zones and the Outlook CSV mapping, including malformed, truncated and
// hostile input.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ContentLines, escapeText, foldLine } from './content-lines.ts';
import { DuplicateUidError, MalformedError, splitCalendar, splitVCards } from './objects.ts';
import { isOutlookHeader, outlookDate } from './outlook-csv.ts';
import { ianaOfWindows, localStamp, offsetMinutes, utcOfLocal, vtimezone } from './timezones.ts';

const cal = (...lines: string[]) => ['BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//t//EN', ...lines, 'END:VCALENDAR', ''].join('\r\n');
const ev = (uid: string | null, ...lines: string[]) => ['BEGIN:VEVENT', ...(uid ? [`UID:${uid}`] : []), 'DTSTAMP:20250101T000000Z', ...lines, 'END:VEVENT'];

describe('iCalendar input', () => {
  test('one resource comes back byte for byte', () => {
    const text = cal(...ev('a', 'DTSTART:20250101T100000Z', 'SUMMARY:long summary that is folded by the writer and must be kept exactly as'));
    const [r] = splitCalendar(text);
    assert.ok('object' in r);
    assert.equal(r.object.text, text);
  });
  test('folded lines and LF line endings are read', () => {
    const [r] = splitCalendar('BEGIN:VCALENDAR\nVERSION:2.0\nBEGIN:VEVENT\nUID:fol\n ded\nDTSTART:20250101T100000Z\nEND:VEVENT\nEND:VCALENDAR\n');
    assert.ok('object' in r && r.object.uid === 'folded');
  });
  const bad: [string, string, RegExp][] = [
    ['not iCalendar at all', 'hello world', /does not start with BEGIN:VCALENDAR/],
    ['truncated', 'BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:x\r\nDTSTART:20250101T100000Z\r\n', /began but did not end/],
    ['a bad date', cal(...ev('x', 'DTSTART:2025-99-99')), /DTSTART is not valid/],
    ['a bad rule', cal(...ev('x', 'DTSTART:20250101T100000Z', 'RRULE:FREQ=SOMETIMES')), /RRULE|invalid/i],
    ['VEVENT without DTSTART', cal(...ev('x', 'SUMMARY:no start')), /without DTSTART/],
    ['VALARM without TRIGGER', cal(...ev('x', 'DTSTART:20250101T100000Z', 'BEGIN:VALARM', 'ACTION:DISPLAY', 'END:VALARM')), /VALARM without TRIGGER/],
    ['only a VJOURNAL', cal('BEGIN:VJOURNAL', 'UID:j', 'END:VJOURNAL'), /no VEVENT or VTODO/],
    ['a VEVENT and a VTODO with one UID', cal(...ev('x', 'DTSTART:20250101T100000Z'), 'BEGIN:VTODO', 'UID:x', 'END:VTODO'), /share one UID/],
    ['two overrides of one occurrence', cal(...ev('x', 'DTSTART:20250101T100000Z', 'RRULE:FREQ=DAILY'), ...ev('x', 'RECURRENCE-ID:20250102T100000Z', 'DTSTART:20250102T110000Z'), ...ev('x', 'RECURRENCE-ID:20250102T100000Z', 'DTSTART:20250102T120000Z')), /same RECURRENCE-ID/],
  ];
  for (const [name, input, reason] of bad) {
    test(`refused with the reason: ${name}`, () => {
      const out = splitCalendar(input);
      const err = out.find((o) => 'error' in o);
      assert.ok(err && 'error' in err, JSON.stringify(out));
      assert.ok(err.error instanceof MalformedError);
      assert.match(err.error.message, reason);
    });
  }
  test('a second master with the same UID is a duplicate; the first is kept', () => {
    const out = splitCalendar(cal(...ev('x', 'DTSTART:20250101T100000Z', 'SUMMARY:first'), ...ev('x', 'DTSTART:20250201T100000Z', 'SUMMARY:second')));
    assert.ok(out.some((o) => 'error' in o && o.error instanceof DuplicateUidError));
    const kept = out.find((o) => 'object' in o);
    assert.ok(kept && 'object' in kept && /SUMMARY:first/.test(kept.object.text) && !/second/.test(kept.object.text));
  });
  test('a UID missing is derived from the content, the same in every run', () => {
    const input = cal(...ev(null, 'DTSTART:20250101T100000Z'));
    const [a] = splitCalendar(input);
    const [b] = splitCalendar(input);
    assert.ok('object' in a && 'object' in b && a.object.uid === b.object.uid && a.object.uid.startsWith('stoa-import-'));
    assert.match(a.object.text, new RegExp(`UID:${a.object.uid}`));
  });
  test('many objects: each with only the VTIMEZONEs it uses', () => {
    const tz = (id: string) => ['BEGIN:VTIMEZONE', `TZID:${id}`, 'BEGIN:STANDARD', 'DTSTART:19700101T000000', 'TZOFFSETFROM:+0100', 'TZOFFSETTO:+0100', 'END:STANDARD', 'END:VTIMEZONE'];
    const out = splitCalendar(cal(...tz('A'), ...tz('B'), ...ev('1', 'DTSTART;TZID=A:20250101T100000'), ...ev('2', 'DTSTART;TZID="B":20250101T100000')));
    const texts = out.map((o) => ('object' in o ? o.object.text : ''));
    assert.match(texts[0], /TZID:A/);
    assert.doesNotMatch(texts[0], /TZID:B/);
    assert.match(texts[1], /TZID:B/);
  });
  test('a hostile input of a million tiny events is split without blowing up, each checked', () => {
    const many = cal(...Array.from({ length: 2000 }, (_, i) => ev(`u${i}`, 'DTSTART:20250101T100000Z')).flat());
    assert.equal(splitCalendar(many).filter((o) => 'object' in o).length, 2000);
  });
});

describe('vCard input', () => {
  const bad: [string, string, RegExp][] = [
    ['no card', 'nothing here', /no BEGIN:VCARD/],
    ['unterminated', 'BEGIN:VCARD\nVERSION:4.0\nFN:x\n', /began but did not end/],
    ['unsupported version', 'BEGIN:VCARD\nVERSION:2.1\nFN:x\nEND:VCARD\n', /unsupported vCard VERSION 2\.1/],
    ['no FN', 'BEGIN:VCARD\nVERSION:4.0\nN:a;b;;;\nEND:VCARD\n', /without FN/],
    ['not a vCard', 'BEGIN:VCALENDAR\nEND:VCALENDAR\n', /expected VCARD/],
  ];
  for (const [name, input, reason] of bad) {
    test(`refused: ${name}`, () => {
      const [r] = splitVCards(input);
      assert.ok('error' in r);
      assert.match(r.error.message, reason);
    });
  }
  test('a card is stored as written; a missing UID is added before END', () => {
    const [r] = splitVCards('BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Anna\r\nEND:VCARD\r\n');
    assert.ok('object' in r);
    assert.match(r.object.text, /^BEGIN:VCARD\r\nVERSION:3\.0\r\nFN:Anna\r\nUID:stoa-import-[0-9a-f-]+\r\nEND:VCARD\r\n$/);
  });
});

describe('content lines', () => {
  test('escaping (RFC 5545 §3.3.11)', () => assert.equal(escapeText('a,b;c\\d\ne'), 'a\\,b\\;c\\\\d\\ne'));
  test('folding at 75 octets without cutting a UTF-8 sequence', () => {
    const folded = foldLine(`SUMMARY:${'ü'.repeat(60)}`);
    for (const line of folded.split('\r\n')) assert.ok(Buffer.byteLength(line) <= 75);
    assert.equal(folded.split('\r\n').map((l, i) => (i === 0 ? l : l.slice(1))).join(''), `SUMMARY:${'ü'.repeat(60)}`);
  });
  test('parameters with ":" ";" "," are quoted, quotes removed', () => {
    assert.equal(new ContentLines().raw('ATTENDEE', 'mailto:a@b', { CN: 'Doe, "Jane"' }).toString(), 'ATTENDEE;CN="Doe, Jane":mailto:a@b\r\n');
  });
});

describe('time zones', () => {
  test('Windows names to IANA', () => {
    assert.equal(ianaOfWindows('W. Europe Standard Time'), 'Europe/Berlin');
    assert.equal(ianaOfWindows('Pacific Standard Time'), 'America/Los_Angeles');
    assert.equal(ianaOfWindows('No Such Time'), null);
    assert.equal(ianaOfWindows(null), null);
  });
  test('local times across a daylight-saving change', () => {
    assert.equal(localStamp(new Date('2025-03-29T09:00:00Z'), 'Europe/Berlin'), '20250329T100000');
    assert.equal(localStamp(new Date('2025-03-31T08:00:00Z'), 'Europe/Berlin'), '20250331T100000');
    assert.equal(offsetMinutes(new Date('2025-07-01T00:00:00Z'), 'America/Los_Angeles'), -420);
    assert.equal(utcOfLocal('20250331T100000', 'Europe/Berlin').toISOString(), '2025-03-31T08:00:00.000Z');
  });
  const zones: [string, RegExp[]][] = [
    ['Europe/Berlin', [/BEGIN:DAYLIGHT\r\nDTSTART:20250330T020000\r\nRRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU\r\nTZOFFSETFROM:\+0100\r\nTZOFFSETTO:\+0200/, /RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU/]],
    ['America/New_York', [/BYMONTH=3;BYDAY=2SU/, /BYMONTH=11;BYDAY=1SU/]],
    ['Australia/Sydney', [/BEGIN:STANDARD[\s\S]*BYMONTH=4;BYDAY=1SU/, /BEGIN:DAYLIGHT[\s\S]*BYMONTH=10;BYDAY=1SU/]],
    ['Asia/Tokyo', [/BEGIN:STANDARD\r\nDTSTART:19700101T000000\r\nTZOFFSETFROM:\+0900\r\nTZOFFSETTO:\+0900/]],
  ];
  for (const [zone, patterns] of zones) {
    test(`VTIMEZONE of ${zone} with its yearly rules`, () => {
      const text = vtimezone(zone, 2025).toString();
      for (const p of patterns) assert.match(text, p);
      assert.ok('object' in splitCalendar(cal(...text.trim().split('\r\n'), ...ev('z', `DTSTART;TZID=${zone}:20250101T100000`)))[0]);
    });
  }
});

describe('Outlook CSV', () => {
  const dates: [string, string | null][] = [['4/12/1980', '19800412'], ['12.04.1980', '19800412'], ['1980-04-12', '19800412'], ['0/0/00', null], ['31/31/2000', null], ['', null], ['next week', null]];
  for (const [input, out] of dates) test(`date "${input}"`, () => assert.equal(outlookDate(input), out));
  test('export headers are recognised in English, German and French', () => {
    assert.ok(isOutlookHeader(['First Name', 'Last Name', 'E-mail Address']));
    assert.ok(isOutlookHeader(['Vorname', 'Nachname', 'E-Mail-Adresse']));
    assert.ok(isOutlookHeader(['Prénom', 'Nom', 'Adresse de messagerie']));
    assert.ok(!isOutlookHeader(['source', 'target']));
  });
});
