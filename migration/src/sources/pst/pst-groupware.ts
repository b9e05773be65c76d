// Outlook appointments, contacts and tasks from a PST as iCalendar and
// vCard. Times of appointments are shown in the appointment's own zone,
// written as a VTIMEZONE from its TZREG (MS-OXOCAL §2.2.1.39
// PidLidTimeZoneStruct: bias and the yearly standard/daylight switch);
// recurrence comes from PidLidAppointmentRecur (MS-OXOCAL §2.2.1.44), its
// deleted occurrences become EXDATEs. Occurrences changed in Outlook keep
// their original time here: their changes live in exception attachments
// this importer does not read (docs/migration.md says so).
import { RecurrencePattern } from 'pst-extractor/dist/RecurrencePattern.class.js';
import type { PSTMessage } from 'pst-extractor';
import { ContentLines, dateStamp, escapeText, utcStamp } from '../../groupware/content-lines.ts';
import { derivedUid, MalformedError } from '../../groupware/objects.ts';

interface Raw {
  getIntItem(id: number, fallback?: number): number;
  getStringItem(id: number): string;
  getBinaryItem(id: number): Buffer | null;
  pstFile: { getNameToIdMapItem(key: number, set: number): number };
}
const raw = (o: unknown) => o as Raw;
const PSETID_APPOINTMENT = 4;
const PSETID_MEETING = 5;

// ---- Time zone from TZREG -------------------------------------------------

interface SystemTime { month: number; dayOfWeek: number; week: number; hour: number; minute: number }
export interface TzReg { name: string; standard: number; daylight: number | null; std: SystemTime | null; dst: SystemTime | null }

const DAYS = ['SU', 'MO', 'TU', 'WE', 'TH', 'FR', 'SA'];

function systemTime(b: Buffer, at: number): SystemTime {
  return { month: b.readUInt16LE(at + 2), dayOfWeek: b.readUInt16LE(at + 4), week: b.readUInt16LE(at + 6), hour: b.readUInt16LE(at + 8), minute: b.readUInt16LE(at + 10) };
}

/** TZREG (48 bytes): lBias, lStandardBias, lDaylightBias, wStandardYear, stStandardDate, wDaylightYear, stDaylightDate. */
export function parseTzReg(b: Buffer | null, name: string | null): TzReg | null {
  if (!b || b.length < 48) return null;
  const bias = b.readInt32LE(0);
  const std = systemTime(b, 14);
  const dst = systemTime(b, 32);
  const hasDst = std.month !== 0 && dst.month !== 0;
  // Bias is minutes west of UTC (UTC = local + bias): offsets east are its negation.
  return {
    name: name || `Outlook UTC${-(bias + b.readInt32LE(4)) >= 0 ? '+' : '-'}${Math.abs(bias + b.readInt32LE(4))}`,
    standard: -(bias + b.readInt32LE(4)), daylight: hasDst ? -(bias + b.readInt32LE(8)) : null, std: hasDst ? std : null, dst: hasDst ? dst : null,
  };
}

/** The local wall-clock instant (as a UTC-fields Date) of the n-th weekday rule in a year. */
function ruleDate(year: number, t: SystemTime): Date {
  const first = new Date(Date.UTC(year, t.month - 1, 1, t.hour, t.minute));
  let day = 1 + ((t.dayOfWeek - first.getUTCDay() + 7) % 7) + (Math.min(t.week, 5) - 1) * 7;
  const inMonth = new Date(Date.UTC(year, t.month, 0)).getUTCDate();
  while (day > inMonth) day -= 7;
  return new Date(Date.UTC(year, t.month - 1, day, t.hour, t.minute));
}

/** Offset east of UTC, in minutes, at a UTC instant. */
export function tzOffset(tz: TzReg, at: Date): number {
  if (tz.daylight === null || !tz.std || !tz.dst) return tz.standard;
  const y = at.getUTCFullYear();
  // The switch to daylight happens at standard local time, back to standard at daylight local time.
  const toDst = ruleDate(y, tz.dst).getTime() - tz.standard * 60_000;
  const toStd = ruleDate(y, tz.std).getTime() - tz.daylight * 60_000;
  const t = at.getTime();
  const inDst = toDst < toStd ? t >= toDst && t < toStd : t >= toDst || t < toStd;
  return inDst ? tz.daylight : tz.standard;
}

const pad = (n: number, w = 2) => String(n).padStart(w, '0');
const wall = (d: Date, offset: number) => new Date(d.getTime() + offset * 60_000);
const stamp = (d: Date) => `${pad(d.getUTCFullYear(), 4)}${pad(d.getUTCMonth() + 1)}${pad(d.getUTCDate())}T${pad(d.getUTCHours())}${pad(d.getUTCMinutes())}${pad(d.getUTCSeconds())}`;
const offsetText = (m: number) => `${m < 0 ? '-' : '+'}${pad(Math.floor(Math.abs(m) / 60))}${pad(Math.abs(m) % 60)}`;

function vtimezone(tz: TzReg): ContentLines {
  const l = new ContentLines().begin('VTIMEZONE').raw('TZID', tz.name);
  if (tz.daylight === null || !tz.std || !tz.dst) {
    return l.begin('STANDARD').raw('DTSTART', '16010101T000000').raw('TZOFFSETFROM', offsetText(tz.standard)).raw('TZOFFSETTO', offsetText(tz.standard)).end('STANDARD').end('VTIMEZONE');
  }
  const rule = (t: SystemTime) => `FREQ=YEARLY;BYMONTH=${t.month};BYDAY=${t.week >= 5 ? -1 : t.week}${DAYS[t.dayOfWeek]}`;
  // DTSTART is the rule's first onset (1970, a year every client expands from).
  l.begin('DAYLIGHT').raw('DTSTART', stamp(ruleDate(1970, tz.dst))).raw('RRULE', rule(tz.dst))
    .raw('TZOFFSETFROM', offsetText(tz.standard)).raw('TZOFFSETTO', offsetText(tz.daylight)).end('DAYLIGHT');
  l.begin('STANDARD').raw('DTSTART', stamp(ruleDate(1970, tz.std))).raw('RRULE', rule(tz.std))
    .raw('TZOFFSETFROM', offsetText(tz.daylight)).raw('TZOFFSETTO', offsetText(tz.standard)).end('STANDARD');
  return l.end('VTIMEZONE');
}

// ---- Recurrence -------------------------------------------------------------

const MINUTES_1601 = Date.UTC(1601, 0, 1);
const fromMinutes = (m: number) => new Date(MINUTES_1601 + m * 60_000);

/** Deleted and modified occurrence dates of PidLidAppointmentRecur (MS-OXOCAL §2.2.1.44.1, after the pattern). */
export function recurrenceExceptions(blob: Buffer, patternType: number): { deleted: Date[]; modified: Date[] } {
  const specific = patternType === 0 ? 0 : patternType === 3 ? 8 : 4;
  let at = 22 + specific + 12;
  const read = () => {
    if (at + 4 > blob.length) throw new MalformedError('truncated recurrence pattern');
    const v = blob.readUInt32LE(at);
    at += 4;
    return v;
  };
  const deletedCount = read();
  if (deletedCount > 10_000) throw new MalformedError('implausible recurrence pattern');
  const deleted = Array.from({ length: deletedCount }, () => fromMinutes(read()));
  const modifiedCount = read();
  if (modifiedCount > 10_000) throw new MalformedError('implausible recurrence pattern');
  const modified = Array.from({ length: modifiedCount }, () => fromMinutes(read()));
  return { deleted, modified };
}

function rrule(p: RecurrencePattern, untilOf: (day: Date) => string): string {
  const period = p.period;
  let rule: string;
  const days = (w: boolean[]) => w.map((on, i) => (on ? DAYS[i] : null)).filter(Boolean).join(',');
  switch (p.patternType) {
    case 0: rule = `FREQ=DAILY${period > 1440 ? `;INTERVAL=${Math.round(period / 1440)}` : ''}`; break;
    case 1: rule = `FREQ=WEEKLY${period > 1 ? `;INTERVAL=${period}` : ''};BYDAY=${days(p.patternTypeSpecific as boolean[])}`; break;
    case 2: case 4: {
      const yearly = p.recurFrequency === 8205;
      const monthDay = p.patternType === 4 ? -1 : Number(p.patternTypeSpecific);
      rule = yearly
        ? `FREQ=YEARLY;BYMONTH=${p.startDate.getUTCMonth() + 1};BYMONTHDAY=${monthDay}`
        : `FREQ=MONTHLY${period > 1 ? `;INTERVAL=${period}` : ''};BYMONTHDAY=${monthDay}`;
      break;
    }
    case 3: {
      const s = p.patternTypeSpecific as { weekdays: boolean[]; nth: number };
      const n = s.nth === 5 ? -1 : s.nth;
      const list = days(s.weekdays);
      const byday = list.includes(',') ? `BYDAY=${list};BYSETPOS=${n}` : `BYDAY=${n}${list}`;
      rule = p.recurFrequency === 8205 ? `FREQ=YEARLY;BYMONTH=${p.startDate.getUTCMonth() + 1};${byday}` : `FREQ=MONTHLY${period > 1 ? `;INTERVAL=${period}` : ''};${byday}`;
      break;
    }
    default: throw new MalformedError(`recurrence pattern type ${p.patternType} is not known`);
  }
  if (p.firstDOW >= 0 && p.firstDOW < 7 && p.patternType === 1) rule += `;WKST=${DAYS[p.firstDOW]}`;
  if (p.endType === 8226) rule += `;COUNT=${p.occurrenceCount}`;
  else if (p.endType === 8225) rule += `;UNTIL=${untilOf(p.endDate)}`;
  return rule;
}

// ---- Appointments -------------------------------------------------------------

const PARTSTAT: Record<number, string> = { 1: 'ACCEPTED', 2: 'TENTATIVE', 3: 'ACCEPTED', 4: 'DECLINED', 5: 'NEEDS-ACTION' };

export function appointmentToICalendar(appt: PSTMessage & { startTime: Date | null; endTime: Date | null; subType: boolean; location: string; isRecurring: boolean; recurrenceStructure: Buffer | null; timezone: Buffer | null; busyStatus: number }, nodeId: string): { uid: string; ics: string } {
  const r = raw(appt);
  const start = appt.startTime;
  if (!start) throw new MalformedError('appointment without a start time');
  const end = appt.endTime;
  const gid = r.getBinaryItem(r.pstFile.getNameToIdMapItem(0x0003, PSETID_MEETING));
  const uid = gid && gid.length > 0 ? gid.toString('hex').toUpperCase() : derivedUid(`pst-appointment:${nodeId}:${start.toISOString()}`);
  const tz = parseTzReg(appt.timezone, r.getStringItem(r.pstFile.getNameToIdMapItem(0x8234, PSETID_APPOINTMENT)) || null);
  const allDay = appt.subType;
  const local = (d: Date) => (tz ? stamp(wall(d, tzOffset(tz, d))) : `${stamp(d)}Z`);
  const day = (d: Date) => local(d).slice(0, 8);

  const l = new ContentLines().begin('VCALENDAR').raw('VERSION', '2.0').raw('PRODID', '-//Stoa//Migration from Outlook PST//EN');
  if (tz && !allDay) l.append(vtimezone(tz));
  l.begin('VEVENT').raw('UID', uid).raw('DTSTAMP', utcStamp(appt.modificationTime ?? appt.creationTime ?? start));
  const at = (name: string, d: Date) => (allDay ? l.raw(name, day(d), { VALUE: 'DATE' }) : tz ? l.raw(name, local(d), { TZID: tz.name }) : l.raw(name, utcStamp(d)));
  at('DTSTART', start);
  if (end) at('DTEND', end);
  l.text('SUMMARY', appt.subject).text('LOCATION', appt.location);
  if (appt.body) l.text('DESCRIPTION', appt.body.replace(/\r\n/g, '\n').trim());
  if (appt.senderEmailAddress && appt.senderEmailAddress.includes('@')) l.raw('ORGANIZER', `mailto:${appt.senderEmailAddress}`, { CN: appt.senderName || undefined });
  for (let i = 0; i < appt.numberOfRecipients; i++) {
    const rec = appt.getRecipient(i);
    const address = rec?.smtpAddress || (rec?.emailAddress?.includes('@') ? rec.emailAddress : null);
    if (!rec || !address) continue;
    const status = raw(rec).getIntItem(0x5fff, 0);
    l.raw('ATTENDEE', `mailto:${address}`, {
      CN: rec.displayName || undefined, ROLE: rec.recipientType === 2 ? 'OPT-PARTICIPANT' : rec.recipientType === 3 ? 'NON-PARTICIPANT' : 'REQ-PARTICIPANT',
      CUTYPE: rec.recipientType === 3 ? 'RESOURCE' : undefined, PARTSTAT: PARTSTAT[status] ?? 'NEEDS-ACTION',
    });
  }
  if (appt.busyStatus === 0) l.raw('TRANSP', 'TRANSPARENT');
  const categories = appt.colorCategories ?? [];
  if (categories.length > 0) l.raw('CATEGORIES', categories.map(escapeText).join(','));
  if (appt.isRecurring && appt.recurrenceStructure) {
    let pattern: RecurrencePattern;
    try {
      pattern = new RecurrencePattern(appt.recurrenceStructure);
    } catch (err) {
      throw new MalformedError(`unreadable recurrence: ${(err as Error).message}`);
    }
    const startWall = tz ? wall(start, tzOffset(tz, start)) : start;
    const timeOfDay = stamp(startWall).slice(8);
    l.raw('RRULE', rrule(pattern, (d) => {
      const dayText = stamp(d).slice(0, 8);
      if (allDay) return dayText;
      // UNTIL is UTC: the last day at the start's wall-clock time, back through the zone.
      const asWall = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate(), startWall.getUTCHours(), startWall.getUTCMinutes()));
      return utcStamp(new Date(asWall.getTime() - (tz ? tzOffset(tz, asWall) : 0) * 60_000));
    }));
    const { deleted, modified } = recurrenceExceptions(appt.recurrenceStructure, pattern.patternType);
    const changed = new Set(modified.map((d) => d.getTime()));
    for (const d of deleted) {
      if (changed.has(d.getTime())) continue;
      const dayText = stamp(d).slice(0, 8);
      if (allDay) l.raw('EXDATE', dayText, { VALUE: 'DATE' });
      else if (tz) l.raw('EXDATE', `${dayText}${timeOfDay}`, { TZID: tz.name });
      else l.raw('EXDATE', `${dayText}${timeOfDay}Z`);
    }
  }
  if (appt.reminderSet) l.begin('VALARM').raw('ACTION', 'DISPLAY').text('DESCRIPTION', appt.subject || 'Reminder').raw('TRIGGER', `-PT${Math.max(0, appt.reminderDelta || 15)}M`).end('VALARM');
  l.end('VEVENT').end('VCALENDAR');
  return { uid, ics: l.toString() };
}

// ---- Contacts and tasks ---------------------------------------------------------

type ContactLike = Record<string, unknown>;
const s = (c: ContactLike, k: string) => (typeof c[k] === 'string' ? (c[k] as string).trim() : '');

export function contactToVCard(contact: ContactLike, nodeId: string): { uid: string; vcf: string } {
  const uid = derivedUid(`pst-contact:${nodeId}`);
  const emails = ['email1EmailAddress', 'email2EmailAddress', 'email3EmailAddress'].map((k) => s(contact, k)).filter((e) => e.includes('@'));
  const fn = s(contact, 'displayName') || [s(contact, 'givenName'), s(contact, 'middleName'), s(contact, 'surname')].filter(Boolean).join(' ') || s(contact, 'companyName') || emails[0] || '';
  if (!fn) throw new MalformedError('contact without any name, company or e-mail address');
  const v = new ContentLines().begin('VCARD').raw('VERSION', '4.0').raw('UID', uid).text('FN', fn);
  v.raw('N', [s(contact, 'surname'), s(contact, 'givenName'), s(contact, 'middleName'), s(contact, 'displayNamePrefix'), s(contact, 'generation')].map(escapeText).join(';'));
  v.text('NICKNAME', s(contact, 'nickname'));
  if (s(contact, 'companyName') || s(contact, 'departmentName')) v.raw('ORG', [s(contact, 'companyName'), s(contact, 'departmentName')].map(escapeText).join(';'));
  v.text('TITLE', s(contact, 'title'));
  emails.forEach((e, i) => v.text('EMAIL', e, i === 0 ? { PREF: '1' } : {}));
  const phones: [string, string][] = [
    ['businessTelephoneNumber', 'work,voice'], ['business2TelephoneNumber', 'work,voice'], ['mobileTelephoneNumber', 'cell'], ['homeTelephoneNumber', 'home,voice'],
    ['home2TelephoneNumber', 'home,voice'], ['businessFaxNumber', 'work,fax'], ['homeFaxNumber', 'home,fax'], ['pagerTelephoneNumber', 'pager'], ['otherTelephoneNumber', 'voice'],
  ];
  for (const [k, type] of phones) v.text('TEL', s(contact, k), { TYPE: type });
  const adr = (type: string, keys: string[]) => {
    const parts = keys.map((k) => s(contact, k));
    if (parts.some(Boolean)) v.raw('ADR', ['', '', ...parts].map(escapeText).join(';'), { TYPE: type });
  };
  adr('work', ['workAddressStreet', 'workAddressCity', 'workAddressState', 'workAddressPostalCode', 'workAddressCountry']);
  adr('home', ['homeAddressStreet', 'homeAddressCity', 'homeAddressStateOrProvince', 'homeAddressPostalCode', 'homeAddressCountry']);
  const date = (k: string) => (contact[k] instanceof Date ? dateStamp(new Date((contact[k] as Date).getTime() + 12 * 3600_000)) : null);
  const bday = date('birthday');
  if (bday) v.raw('BDAY', bday);
  const anniversary = date('anniversary');
  if (anniversary) v.raw('ANNIVERSARY', anniversary);
  v.text('URL', s(contact, 'businessHomePage') || s(contact, 'personalHomePage'));
  v.text('NOTE', s(contact, 'body').replace(/\r\n/g, '\n'));
  v.end('VCARD');
  return { uid, vcf: v.toString() };
}

const TASK_STATUS: Record<number, string> = { 0: 'NEEDS-ACTION', 1: 'IN-PROCESS', 2: 'COMPLETED', 3: 'NEEDS-ACTION', 4: 'NEEDS-ACTION' };

export function taskToVTodo(task: ContactLike, nodeId: string): { uid: string; ics: string } {
  const uid = derivedUid(`pst-task:${nodeId}`);
  const l = new ContentLines().begin('VCALENDAR').raw('VERSION', '2.0').raw('PRODID', '-//Stoa//Migration from Outlook PST//EN');
  const modified = task.modificationTime instanceof Date ? task.modificationTime : task.creationTime instanceof Date ? task.creationTime : new Date(0);
  l.begin('VTODO').raw('UID', uid).raw('DTSTAMP', utcStamp(modified as Date)).text('SUMMARY', s(task, 'subject'));
  const body = s(task, 'body');
  if (body) l.text('DESCRIPTION', body.replace(/\r\n/g, '\n'));
  const day = (d: unknown) => (d instanceof Date ? dateStamp(new Date(d.getTime() + 12 * 3600_000)) : null);
  const start = day(task.taskStartDate);
  const due = day(task.taskDueDate);
  if (start) l.raw('DTSTART', start, { VALUE: 'DATE' });
  if (due) l.raw('DUE', due, { VALUE: 'DATE' });
  const status = typeof task.taskStatus === 'number' ? task.taskStatus : 0;
  l.raw('STATUS', task.isTaskComplete === true ? 'COMPLETED' : TASK_STATUS[status] ?? 'NEEDS-ACTION');
  if (task.taskDateCompleted instanceof Date && task.isTaskComplete === true) l.raw('COMPLETED', utcStamp(task.taskDateCompleted));
  if (typeof task.percentComplete === 'number') l.raw('PERCENT-COMPLETE', String(Math.round(task.percentComplete * (task.percentComplete <= 1 ? 100 : 1))));
  if (task.reminderSet === true && typeof task.reminderDelta === 'number') l.begin('VALARM').raw('ACTION', 'DISPLAY').text('DESCRIPTION', s(task, 'subject') || 'Reminder').raw('TRIGGER', `-PT${task.reminderDelta}M`).end('VALARM');
  l.end('VTODO').end('VCALENDAR');
  return { uid, ics: l.toString() };
}
