// Sample sources built by the tests from the shared mail corpus and from
// calendar and contact data written here: mbox (mboxrd quoting, client
// status headers), Maildir++ (flags in file names, Dovecot keywords, a
// modified UTF-7 folder name), a tree of .eml files, .ics, .vcf and an
// Outlook CSV export, each with some bad input.
import { mkdirSync, readFileSync, readdirSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CORPUS } from '../support/corpus.ts';

/** A corpus message as the message itself: without a leading mbox "From " line. */
export function corpusMessage(rel: string): Buffer {
  const raw = readFileSync(join(CORPUS, rel));
  if (raw.toString('latin1', 0, 5) !== 'From ') return raw;
  return raw.subarray(raw.indexOf(0x0a) + 1);
}

export function corpusFiles(category: string): string[] {
  return readdirSync(join(CORPUS, category)).filter((f) => f.endsWith('.eml')).sort().map((f) => `${category}/${f}`);
}

/** A spread of corpus messages that end with a line break (mbox adds one otherwise). */
export function corpusSample(count: number): { rel: string; bytes: Buffer }[] {
  const all = ['plain', 'encoded', 'multipart', 'attachments', 'calendar', 'signed', 'dsn', 'malformed'].flatMap(corpusFiles);
  const picked: { rel: string; bytes: Buffer }[] = [];
  for (const rel of all) {
    const bytes = corpusMessage(rel);
    if (bytes.length === 0 || bytes[bytes.length - 1] !== 0x0a || bytes.includes(Buffer.from('\r\r'))) continue;
    if (!/^[\x21-\x39\x3b-\x7e]+[ \t]*:/.test(bytes.toString('latin1', 0, 200))) continue;
    picked.push({ rel, bytes });
    if (picked.length === count) break;
  }
  return picked;
}

/** mboxrd: ">*From " lines gain one ">" (RFC 4155 §2). */
function quote(message: Buffer): Buffer {
  return Buffer.from(message.toString('latin1').replace(/^(>*From )/gm, '>$1'), 'latin1');
}

export function writeMbox(path: string, messages: readonly { bytes: Buffer; date?: string; status?: string }[]): void {
  const parts: Buffer[] = [];
  for (const m of messages) {
    parts.push(Buffer.from(`From MAILER-DAEMON ${m.date ?? 'Thu Nov 27 10:00:00 2025'}\n`));
    let bytes = m.bytes;
    if (m.status) bytes = Buffer.concat([Buffer.from(`${m.status}\n`), bytes]);
    parts.push(quote(bytes), Buffer.from('\n'));
  }
  writeFileSync(path, Buffer.concat(parts));
}

export function writeMaildir(root: string, folders: Record<string, { name: string; bytes: Buffer; mtime?: Date }[]>, keywords: string[] = []): void {
  for (const [folder, messages] of Object.entries(folders)) {
    const dir = folder === '' ? root : join(root, folder);
    for (const sub of ['cur', 'new', 'tmp']) mkdirSync(join(dir, sub), { recursive: true });
    for (const m of messages) {
      const file = join(dir, m.name.includes(':2,') ? 'cur' : 'new', m.name);
      writeFileSync(file, m.bytes);
      if (m.mtime) utimesSync(file, m.mtime, m.mtime);
    }
  }
  if (keywords.length > 0) writeFileSync(join(root, 'dovecot-keywords'), keywords.map((k, i) => `${i} ${k}\n`).join(''));
}

const CRLF = (lines: string[]) => `${lines.join('\r\n')}\r\n`;

export const BERLIN_TZ = [
  'BEGIN:VTIMEZONE', 'TZID:Europe/Berlin',
  'BEGIN:DAYLIGHT', 'TZOFFSETFROM:+0100', 'TZOFFSETTO:+0200', 'TZNAME:CEST', 'DTSTART:19700329T020000', 'RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU', 'END:DAYLIGHT',
  'BEGIN:STANDARD', 'TZOFFSETFROM:+0200', 'TZOFFSETTO:+0100', 'TZNAME:CET', 'DTSTART:19701025T030000', 'RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU', 'END:STANDARD',
  'END:VTIMEZONE',
];

/** A calendar export: a weekly meeting with a moved occurrence, a one-off event, a task, an invalid event and a second object claiming a UID. */
export const CALENDAR_ICS = CRLF([
  'BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//Example Corp//Calendar Export//EN',
  ...BERLIN_TZ,
  'BEGIN:VEVENT', 'UID:weekly-1@example.com', 'DTSTAMP:20250101T000000Z', 'DTSTART;TZID=Europe/Berlin:20250106T100000',
  'DTEND;TZID=Europe/Berlin:20250106T110000', 'RRULE:FREQ=WEEKLY;BYDAY=MO;COUNT=10', 'SUMMARY:Team meeting',
  'ATTENDEE;CN=Bob;PARTSTAT=ACCEPTED:mailto:bob@example.com', 'ORGANIZER;CN=Alice:mailto:alice@example.com',
  'BEGIN:VALARM', 'ACTION:DISPLAY', 'DESCRIPTION:Reminder', 'TRIGGER:-PT15M', 'END:VALARM', 'END:VEVENT',
  'BEGIN:VEVENT', 'UID:weekly-1@example.com', 'DTSTAMP:20250101T000000Z', 'RECURRENCE-ID;TZID=Europe/Berlin:20250113T100000',
  'DTSTART;TZID=Europe/Berlin:20250114T100000', 'DTEND;TZID=Europe/Berlin:20250114T110000', 'SUMMARY:Team meeting (moved)', 'END:VEVENT',
  'BEGIN:VEVENT', 'UID:lunch-2@example.com', 'DTSTAMP:20250101T000000Z', 'DTSTART:20250201T120000Z', 'DTEND:20250201T130000Z', 'SUMMARY:Lunch, with a comma', 'END:VEVENT',
  'BEGIN:VEVENT', 'UID:broken-3@example.com', 'DTSTAMP:20250101T000000Z', 'DTSTART:not-a-date', 'SUMMARY:Broken', 'END:VEVENT',
  'BEGIN:VEVENT', 'UID:lunch-2@example.com', 'DTSTAMP:20250101T000000Z', 'DTSTART:20250301T120000Z', 'SUMMARY:Same UID again', 'END:VEVENT',
  'BEGIN:VTODO', 'UID:todo-4@example.com', 'DTSTAMP:20250101T000000Z', 'DUE;VALUE=DATE:20250315', 'SUMMARY:File taxes', 'STATUS:NEEDS-ACTION', 'END:VTODO',
  'END:VCALENDAR',
]);

export const CONTACTS_VCF = [
  'BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Anna Müller\r\nN:Müller;Anna;;;\r\nEMAIL;TYPE=INTERNET:anna@example.com\r\nEND:VCARD\r\n',
  'BEGIN:VCARD\r\nVERSION:4.0\r\nUID:urn:uuid:4fbe8971-0bc3-424c-9c26-36c3e1eff6b1\r\nFN:Bob Smith\r\nTEL;TYPE=cell:+1 555 0100\r\nEND:VCARD\r\n',
  'BEGIN:VCARD\r\nVERSION:4.0\r\nUID:no-name-card\r\nEMAIL:nobody@example.com\r\nEND:VCARD\r\n',
  'BEGIN:VCARD\r\nVERSION:4.0\r\nUID:urn:uuid:4fbe8971-0bc3-424c-9c26-36c3e1eff6b1\r\nFN:Bob Again\r\nEND:VCARD\r\n',
].join('');

export const OUTLOOK_CSV = [
  '"First Name","Middle Name","Last Name","Company","Job Title","E-mail Address","Mobile Phone","Business Street","Business City","Business Postal Code","Birthday","Categories","Notes"',
  '"Carla","","Rossi","ACME; Italy","Engineer","carla@example.com","+39 333 1234567","Via Roma 1","Milano","20100","4/12/1980","Work;VIP","Met at ""the fair""\nsecond line"',
  '"Dirk","J.","Jansen","","","dirk@example.com","","","","","0/0/00","",""',
  '"","","","","","","","","","","","",""',
].join('\r\n');
