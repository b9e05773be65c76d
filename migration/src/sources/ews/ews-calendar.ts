// An Exchange calendar item (t:CalendarItem) as one iCalendar object
// resource: the recurring master with its RRULE and EXDATEs (deleted
// occurrences), each modified occurrence as an override with RECURRENCE-ID
// (its OriginalStart), attendees with their responses, the reminder as a
// VALARM, and times in the item's own zone (StartTimeZone, a Windows name,
// turned into IANA with a VTIMEZONE) so recurrences keep their wall-clock
// time across daylight-saving changes.
import { ContentLines, utcStamp } from '../../groupware/content-lines.ts';
import { derivedUid, MalformedError } from '../../groupware/objects.ts';
import { ianaOfWindows, knownZone, localDate, localStamp, utcOfLocal, vtimezone } from '../../groupware/timezones.ts';
import { child, childText, children, type XmlNode } from '../../xml/xml-tree.ts';
import { RecurrenceError, rrule } from './ews-recurrence.ts';
import { NS } from './soap.ts';

const t = (node: XmlNode | null, name: string) => childText(node, NS.t, name);

const PARTSTAT: Record<string, string> = {
  Accept: 'ACCEPTED', Decline: 'DECLINED', Tentative: 'TENTATIVE', NoResponseReceived: 'NEEDS-ACTION', Unknown: 'NEEDS-ACTION', Organizer: 'ACCEPTED',
};

function date(node: XmlNode | null, name: string): Date | null {
  const text = t(node, name);
  if (!text) return null;
  const d = new Date(text);
  if (Number.isNaN(d.getTime())) throw new MalformedError(`${name} is not a date: ${text}`);
  return d;
}

function mailbox(node: XmlNode | null): { name: string | null; address: string | null } {
  const mb = child(node, NS.t, 'Mailbox');
  return { name: t(mb, 'Name'), address: t(mb, 'EmailAddress') };
}

/** The zone an item's times are shown in: its StartTimeZone (Exchange 2010+), else the legacy TimeZone name, else UTC. */
export function zoneOf(item: XmlNode): string {
  const id = child(item, NS.t, 'StartTimeZone')?.attrs.Id ?? t(item, 'TimeZone');
  const iana = ianaOfWindows(id);
  return iana && knownZone(iana) ? iana : 'UTC';
}

/** The properties common to a master and its overrides. */
function eventBody(lines: ContentLines, item: XmlNode, tz: string, allDay: boolean): void {
  const start = date(item, 'Start');
  const end = date(item, 'End');
  if (!start) throw new MalformedError('calendar item without Start');
  const at = (d: Date) => (tz === 'UTC' ? { value: utcStamp(d), params: {} } : { value: localStamp(d, tz), params: { TZID: tz } });
  if (allDay) {
    lines.raw('DTSTART', localDate(start, tz), { VALUE: 'DATE' });
    if (end) lines.raw('DTEND', localDate(end, tz), { VALUE: 'DATE' });
  } else {
    lines.raw('DTSTART', at(start).value, at(start).params);
    if (end) lines.raw('DTEND', at(end).value, at(end).params);
  }
  lines.text('SUMMARY', t(item, 'Subject'));
  lines.text('LOCATION', t(item, 'Location'));
  const body = child(item, NS.t, 'Body');
  if (body && body.text.trim() !== '') lines.text('DESCRIPTION', body.attrs.BodyType === 'HTML' ? body.text.replace(/<[^>]+>/g, '').trim() : body.text.replace(/\r\n/g, '\n').trim());
  const organizer = mailbox(child(item, NS.t, 'Organizer'));
  if (organizer.address) lines.raw('ORGANIZER', `mailto:${organizer.address}`, { CN: organizer.name ?? undefined });
  const attendees: [string, string, string | undefined][] = [['RequiredAttendees', 'REQ-PARTICIPANT', undefined], ['OptionalAttendees', 'OPT-PARTICIPANT', undefined], ['Resources', 'NON-PARTICIPANT', 'RESOURCE']];
  for (const [list, role, cutype] of attendees) {
    for (const a of children(child(item, NS.t, list), NS.t, 'Attendee')) {
      const who = mailbox(a);
      if (!who.address) continue;
      lines.raw('ATTENDEE', `mailto:${who.address}`, { CN: who.name ?? undefined, ROLE: role, CUTYPE: cutype, PARTSTAT: PARTSTAT[t(a, 'ResponseType') ?? 'Unknown'] ?? 'NEEDS-ACTION' });
    }
  }
  const categories = children(child(item, NS.t, 'Categories'), NS.t, 'String').map((c) => c.text.trim()).filter(Boolean);
  if (categories.length > 0) lines.raw('CATEGORIES', categories.map((c) => c.replace(/[\\;,]/g, (x) => `\\${x}`)).join(','));
  const sensitivity = t(item, 'Sensitivity');
  if (sensitivity === 'Private' || sensitivity === 'Personal') lines.raw('CLASS', 'PRIVATE');
  else if (sensitivity === 'Confidential') lines.raw('CLASS', 'CONFIDENTIAL');
  if (t(item, 'LegacyFreeBusyStatus') === 'Free') lines.raw('TRANSP', 'TRANSPARENT');
  if (t(item, 'IsCancelled') === 'true') lines.raw('STATUS', 'CANCELLED');
  const created = date(item, 'DateTimeCreated');
  if (created) lines.raw('CREATED', utcStamp(created));
  const modified = date(item, 'LastModifiedTime');
  if (modified) lines.raw('LAST-MODIFIED', utcStamp(modified));
  if (t(item, 'ReminderIsSet') === 'true') {
    const minutes = Number(t(item, 'ReminderMinutesBeforeStart') ?? '15');
    lines.begin('VALARM').raw('ACTION', 'DISPLAY').text('DESCRIPTION', t(item, 'Subject') ?? 'Reminder').raw('TRIGGER', `-PT${Number.isFinite(minutes) && minutes >= 0 ? minutes : 15}M`).end('VALARM');
  }
}

/**
 * `master` is the calendar item (a single item or a RecurringMaster);
 * `overrides` are the modified occurrences, each fetched as a full item.
 */
export function calendarItemToICalendar(master: XmlNode, overrides: readonly XmlNode[] = []): { uid: string; ics: string } {
  const itemId = child(master, NS.t, 'ItemId')?.attrs.Id ?? '';
  const uid = t(master, 'UID') ?? derivedUid(`ews:${itemId}`);
  const tz = zoneOf(master);
  const allDay = t(master, 'IsAllDayEvent') === 'true';
  const start = date(master, 'Start');
  if (!start) throw new MalformedError('calendar item without Start');
  const stamp = date(master, 'LastModifiedTime') ?? date(master, 'DateTimeCreated') ?? start;

  const lines = new ContentLines().begin('VCALENDAR').raw('VERSION', '2.0').raw('PRODID', '-//Stoa//Migration from Exchange//EN').raw('CALSCALE', 'GREGORIAN');
  if (!allDay && tz !== 'UTC') lines.append(vtimezone(tz, start.getUTCFullYear()));

  lines.begin('VEVENT').raw('UID', uid).raw('DTSTAMP', utcStamp(stamp));
  eventBody(lines, master, tz, allDay);
  const recurrence = child(master, NS.t, 'Recurrence');
  if (recurrence) {
    const startLocal = tz === 'UTC' ? utcStamp(start).slice(8, 15) : localStamp(start, tz).slice(8);
    try {
      lines.raw('RRULE', rrule(recurrence, (endDate) => {
        const day = endDate.replace(/-/g, '');
        if (allDay) return day;
        // UNTIL is UTC when DTSTART has a zone (RFC 5545 §3.3.10): the last day at the start's wall-clock time.
        return utcStamp(tz === 'UTC' ? new Date(`${endDate}T${startLocal.slice(1, 3)}:${startLocal.slice(3, 5)}:${startLocal.slice(5, 7)}Z`) : utcOfLocal(`${day}${startLocal}`, tz));
      }));
    } catch (err) {
      if (err instanceof RecurrenceError) throw new MalformedError(`recurrence: ${err.message}`);
      throw err;
    }
    for (const deleted of children(child(master, NS.t, 'DeletedOccurrences'), NS.t, 'DeletedOccurrence')) {
      const when = date(deleted, 'Start');
      if (!when) continue;
      if (allDay) lines.raw('EXDATE', localDate(when, tz), { VALUE: 'DATE' });
      else if (tz === 'UTC') lines.raw('EXDATE', utcStamp(when));
      else lines.raw('EXDATE', localStamp(when, tz), { TZID: tz });
    }
  }
  lines.end('VEVENT');

  for (const o of overrides) {
    const original = date(o, 'OriginalStart');
    if (!original) throw new MalformedError('modified occurrence without OriginalStart');
    lines.begin('VEVENT').raw('UID', uid).raw('DTSTAMP', utcStamp(date(o, 'LastModifiedTime') ?? stamp));
    if (allDay) lines.raw('RECURRENCE-ID', localDate(original, tz), { VALUE: 'DATE' });
    else if (tz === 'UTC') lines.raw('RECURRENCE-ID', utcStamp(original));
    else lines.raw('RECURRENCE-ID', localStamp(original, tz), { TZID: tz });
    eventBody(lines, o, tz, t(o, 'IsAllDayEvent') === 'true');
    lines.end('VEVENT');
  }
  lines.end('VCALENDAR');
  return { uid, ics: lines.toString() };
}

/** ItemIds of the modified occurrences of a recurring master (fetched as full items for the overrides). */
export function modifiedOccurrenceIds(master: XmlNode): string[] {
  return children(child(master, NS.t, 'ModifiedOccurrences'), NS.t, 'Occurrence')
    .map((o) => child(o, NS.t, 'ItemId')?.attrs.Id)
    .filter((id): id is string => typeof id === 'string');
}
