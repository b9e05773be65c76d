// Tables for the sources' parsers: IMAP server conventions and UID sets,
// EWS recurrence, SOAP faults and the FastTransfer reader (truncated and
// hostile streams), XML trees, Maildir names and flags, PST time zones,
// HTTP Retry-After.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { child, parseXml, XmlError } from '../xml/xml-tree.ts';
import { decodeModifiedUtf7, flagsFromInfo } from './files/maildir-source.ts';
import { retryAfterMs } from './http-client.ts';
import { rrule } from './ews/ews-recurrence.ts';
import { FtsError, parseFts } from './ews/fts-mime.ts';
import { NS } from './ews/soap.ts';
import { applyConventions, detectFlavor } from './imap/conventions.ts';
import { uidSet } from './imap/imap-source.ts';
import { parseTzReg, tzOffset } from './pst/pst-groupware.ts';
import { SourceError } from './source.ts';

describe('IMAP conventions', () => {
  const flavors: [Set<string>, string, Record<string, string> | null, string][] = [
    [new Set(['IMAP4rev1', 'X-GM-EXT-1']), '* OK Gimap ready', null, 'gmail'],
    [new Set(['IMAP4rev1']), '* OK The Microsoft Exchange IMAP4 service is ready.', null, 'exchange'],
    [new Set(['IMAP4rev1']), '* OK', { name: 'Kerio Connect', vendor: 'Kerio' }, 'kerio'],
    [new Set(['IMAP4rev1']), '* OK mail.example.com Zimbra IMAP4rev1 server ready', null, 'zimbra'],
    [new Set(['IMAP4rev1']), '* OK [CAPABILITY …] Dovecot (Debian) ready.', null, 'dovecot'],
    [new Set(['IMAP4rev1']), '* OK hello', null, 'generic'],
  ];
  for (const [caps, greeting, id, flavor] of flavors) test(`recognises ${flavor}`, () => assert.equal(detectFlavor(caps, greeting, id), flavor));
  const rules: [string, string[], string | null, { gmailAllMail?: boolean }, RegExp | null, string[]][] = [
    ['gmail', ['[Gmail]', 'Sent Mail'], '\\Sent', {}, null, ['Sent Mail']],
    ['gmail', ['[Gmail]', 'All Mail'], '\\All', {}, /All Mail/, ['[Gmail]', 'All Mail']],
    ['gmail', ['[Google Mail]', 'Alle Nachrichten'], '\\All', { gmailAllMail: true }, null, ['Alle Nachrichten']],
    ['gmail', ['[Gmail]', 'Starred'], '\\Flagged', {}, /view/, ['[Gmail]', 'Starred']],
    ['gmail', ['[Gmail]'], null, {}, /container/, ['[Gmail]']],
    ['gmail', ['Work'], null, {}, null, ['Work']],
    ['exchange', ['Kalender'], null, {}, /groupware/, ['Kalender']],
    ['kerio', ['Contacts'], null, {}, /Kerio groupware/, ['Contacts']],
    ['dovecot', ['Notes'], null, {}, null, ['Notes']],
  ];
  for (const [flavor, path, use, opts, skip, out] of rules) {
    test(`${flavor}: ${path.join('/')}`, () => {
      const v = applyConventions(flavor as never, path, use, opts);
      if (skip) assert.match(v.skip ?? '', skip);
      else assert.equal(v.skip, null);
      assert.deepEqual(v.path, out);
    });
  }
  const sets: [number[], string][] = [[[1, 2, 3, 5, 7, 8], '1:3,5,7:8'], [[9], '9'], [[4, 2, 3], '2:4'], [[], '']];
  for (const [uids, text] of sets) test(`UID set ${text || '(empty)'}`, () => assert.equal(uidSet(uids), text));
});

const T = `xmlns:t="${NS.t}"`;
const rec = (inner: string) => parseXml(`<t:Recurrence ${T}>${inner}</t:Recurrence>`);
const until = (d: string) => `${d.replace(/-/g, '')}T235959Z`;

describe('EWS recurrence to RRULE', () => {
  const table: [string, string, string][] = [
    ['daily every 2 days, 5 times', '<t:DailyRecurrence><t:Interval>2</t:Interval></t:DailyRecurrence><t:NumberedRecurrence><t:StartDate>2025-01-01</t:StartDate><t:NumberOfOccurrences>5</t:NumberOfOccurrences></t:NumberedRecurrence>', 'FREQ=DAILY;INTERVAL=2;COUNT=5'],
    ['weekly Mon/Wed until a date', '<t:WeeklyRecurrence><t:Interval>1</t:Interval><t:DaysOfWeek>Monday Wednesday</t:DaysOfWeek><t:FirstDayOfWeek>Sunday</t:FirstDayOfWeek></t:WeeklyRecurrence><t:EndDateRecurrence><t:StartDate>2025-01-01</t:StartDate><t:EndDate>2025-06-30+02:00</t:EndDate></t:EndDateRecurrence>', 'FREQ=WEEKLY;BYDAY=MO,WE;WKST=SU;UNTIL=20250630T235959Z'],
    ['monthly on the 15th, no end', '<t:AbsoluteMonthlyRecurrence><t:Interval>1</t:Interval><t:DayOfMonth>15</t:DayOfMonth></t:AbsoluteMonthlyRecurrence><t:NoEndRecurrence><t:StartDate>2025-01-15</t:StartDate></t:NoEndRecurrence>', 'FREQ=MONTHLY;BYMONTHDAY=15'],
    ['the last Friday of every 3 months', '<t:RelativeMonthlyRecurrence><t:Interval>3</t:Interval><t:DaysOfWeek>Friday</t:DaysOfWeek><t:DayOfWeekIndex>Last</t:DayOfWeekIndex></t:RelativeMonthlyRecurrence><t:NoEndRecurrence/>', 'FREQ=MONTHLY;INTERVAL=3;BYDAY=-1FR'],
    ['the first weekday of the month', '<t:RelativeMonthlyRecurrence><t:Interval>1</t:Interval><t:DaysOfWeek>Weekday</t:DaysOfWeek><t:DayOfWeekIndex>First</t:DayOfWeekIndex></t:RelativeMonthlyRecurrence><t:NoEndRecurrence/>', 'FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=1'],
    ['every 24 December', '<t:AbsoluteYearlyRecurrence><t:DayOfMonth>24</t:DayOfMonth><t:Month>December</t:Month></t:AbsoluteYearlyRecurrence><t:NoEndRecurrence/>', 'FREQ=YEARLY;BYMONTH=12;BYMONTHDAY=24'],
    ['the fourth Thursday of November', '<t:RelativeYearlyRecurrence><t:DaysOfWeek>Thursday</t:DaysOfWeek><t:DayOfWeekIndex>Fourth</t:DayOfWeekIndex><t:Month>November</t:Month></t:RelativeYearlyRecurrence><t:NoEndRecurrence/>', 'FREQ=YEARLY;BYMONTH=11;BYDAY=4TH'],
  ];
  for (const [name, xml, expected] of table) test(name, () => assert.equal(rrule(rec(xml), until), expected));
  const bad: [string, string][] = [
    ['no pattern', '<t:NoEndRecurrence/>'],
    ['unknown day', '<t:WeeklyRecurrence><t:Interval>1</t:Interval><t:DaysOfWeek>Funday</t:DaysOfWeek></t:WeeklyRecurrence>'],
    ['interval out of range', '<t:DailyRecurrence><t:Interval>0</t:Interval></t:DailyRecurrence>'],
    ['day 32', '<t:AbsoluteMonthlyRecurrence><t:Interval>1</t:Interval><t:DayOfMonth>32</t:DayOfMonth></t:AbsoluteMonthlyRecurrence>'],
    ['unknown month', '<t:AbsoluteYearlyRecurrence><t:DayOfMonth>1</t:DayOfMonth><t:Month>Smarch</t:Month></t:AbsoluteYearlyRecurrence>'],
    ['negative count', '<t:DailyRecurrence><t:Interval>1</t:Interval></t:DailyRecurrence><t:NumberedRecurrence><t:NumberOfOccurrences>-3</t:NumberOfOccurrences></t:NumberedRecurrence>'],
  ];
  for (const [name, xml] of bad) test(`refused: ${name}`, () => assert.throws(() => rrule(rec(xml), until), /RecurrenceError|unknown|bad|no recurrence/));
});

/** A FastTransfer stream from property tags and values (test data). */
function fts(...parts: (number | Buffer)[]): Buffer {
  return Buffer.concat(parts.map((p) => {
    if (Buffer.isBuffer(p)) return p;
    const b = Buffer.alloc(4);
    b.writeUInt32LE(p >>> 0);
    return b;
  }));
}
const str16 = (s: string) => {
  const b = Buffer.from(`${s}\0`, 'utf16le');
  return Buffer.concat([Buffer.from([b.length & 0xff, (b.length >> 8) & 0xff, 0, 0]), b]);
};

describe('EWS FastTransfer streams', () => {
  test('properties, recipients and an attachment', () => {
    const m = parseFts(fts(0x0037001f, str16('Hello'), 0x40030003, 0x0c150003, 2, 0x39fe001f, str16('a@b.c'), 0x40040003, 0x40000003, 0x3707001f, str16('f.txt'), 0x37010102, Buffer.from([3, 0, 0, 0, 1, 2, 3]), 0x400e0003));
    assert.equal(m.subject, 'Hello');
    assert.deepEqual(m.cc, [{ name: null, address: 'a@b.c' }]);
    assert.equal(m.attachments[0].filename, 'f.txt');
    assert.deepEqual(m.attachments[0].data, Buffer.from([1, 2, 3]));
  });
  const hostile: [string, Buffer][] = [
    ['truncated inside a value', fts(0x0037001f, Buffer.from([100, 0, 0, 0, 65, 0]))],
    ['a length of 4 GB', fts(0x37010102, Buffer.from([0xff, 0xff, 0xff, 0xff]))],
    ['an unknown property type', fts(0x0037abcd, Buffer.from([0, 0, 0, 0]))],
    ['an attached message that never ends', fts(0x40000003, 0x40010003, 0x0037001f, str16('inner'))],
    ['an attached message outside an attachment', fts(0x40010003, 0x40020003)],
    ['a named property with a bad kind', fts(0x8001001f, Buffer.alloc(16), Buffer.from([7]))],
    ['a billion values', fts(0x1003101f, Buffer.from([0, 0xca, 0x9a, 0x3b]))],
  ];
  for (const [name, data] of hostile) test(`refused: ${name}`, () => assert.throws(() => parseFts(data), FtsError));
  test('attached messages nested too deep are refused', () => {
    const deep = fts(...Array.from({ length: 12 }, () => [0x40000003, 0x40010003]).flat());
    assert.throws(() => parseFts(deep), /too deep|does not end/);
  });
});

describe('XML', () => {
  test('namespaces are resolved', () => {
    const root = parseXml(`<d:multistatus xmlns:d="DAV:"><d:response><d:href>/a</d:href></d:response></d:multistatus>`);
    assert.equal(root.ns, 'DAV:');
    assert.equal(child(child(root, 'DAV:', 'response'), 'DAV:', 'href')?.text, '/a');
  });
  const bad: [string, string][] = [['truncated', '<a><b>'], ['garbage', 'not xml at all'], ['empty', ''], ['two roots', '<a/><b/>']];
  for (const [name, input] of bad) test(`malformed: ${name}`, () => assert.throws(() => parseXml(input), XmlError));
  test('entities of a DTD are not expanded (no billion laughs, no external files)', () => {
    const hostile = '<!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;"><!ENTITY c SYSTEM "file:///etc/passwd">]><x>&b;&c;</x>';
    let text = '';
    try {
      text = parseXml(hostile).text;
    } catch (err) {
      assert.ok(err instanceof XmlError);
    }
    assert.ok(!text.includes('aaaaaaaaaa') && !text.includes('root:'));
  });
});

describe('Maildir names and flags', () => {
  const names: [string, string][] = [['Entw&APw-rfe', 'Entwürfe'], ['&-Tickets', '&Tickets'], ['&ZeVnLIqe-', '日本語'], ['plain', 'plain']];
  for (const [input, out] of names) test(`modified UTF-7 "${input}"`, () => assert.equal(decodeModifiedUtf7(input), out));
  const infos: [string, string[], string[]][] = [['2,S', ['\\Seen'], []], ['2,DFPRST', ['\\Draft', '\\Flagged', '\\Answered', '\\Seen', '\\Deleted'], ['$Forwarded']], ['2,ab', [], ['$Forwarded', 'Work']], ['1,S', [], []], ['', [], []]];
  for (const [info, f, k] of infos) test(`info "${info}"`, () => assert.deepEqual(flagsFromInfo(info, ['$Forwarded', 'Work']), { flags: f, keywords: k }));
});

describe('PST time zones (TZREG)', () => {
  /** W. Europe: bias -60, daylight -60 from the last Sunday in March 02:00 to the last Sunday in October 03:00. */
  const tzreg = (() => {
    const b = Buffer.alloc(48);
    b.writeInt32LE(-60, 0);
    b.writeInt32LE(0, 4);
    b.writeInt32LE(-60, 8);
    const st = (at: number, month: number, hour: number) => { b.writeUInt16LE(month, at + 2); b.writeUInt16LE(0, at + 4); b.writeUInt16LE(5, at + 6); b.writeUInt16LE(hour, at + 8); };
    st(14, 10, 3);
    st(32, 3, 2);
    return b;
  })();
  test('offsets on both sides of the changes', () => {
    const tz = parseTzReg(tzreg, 'W. Europe')!;
    assert.equal(tzOffset(tz, new Date('2025-01-15T12:00:00Z')), 60);
    assert.equal(tzOffset(tz, new Date('2025-07-15T12:00:00Z')), 120);
    assert.equal(tzOffset(tz, new Date('2025-03-30T00:59:00Z')), 60);
    assert.equal(tzOffset(tz, new Date('2025-03-30T01:00:00Z')), 120);
    assert.equal(tzOffset(tz, new Date('2025-10-26T00:59:00Z')), 120);
    assert.equal(tzOffset(tz, new Date('2025-10-26T01:00:00Z')), 60);
  });
  test('a short or missing TZREG gives no zone', () => {
    assert.equal(parseTzReg(Buffer.alloc(10), 'x'), null);
    assert.equal(parseTzReg(null, 'x'), null);
  });
});

describe('HTTP Retry-After', () => {
  test('seconds and dates', () => {
    assert.equal(retryAfterMs('120'), 120_000);
    assert.equal(retryAfterMs('Wed, 21 Oct 2015 07:28:30 GMT', Date.parse('Wed, 21 Oct 2015 07:28:00 GMT')), 30_000);
    assert.equal(retryAfterMs('soon'), null);
    assert.equal(retryAfterMs(undefined), null);
  });
  test('SourceError kinds', () => assert.equal(new SourceError('busy', 'x', { retryAfterMs: 5 }).retryAfterMs, 5));
});
