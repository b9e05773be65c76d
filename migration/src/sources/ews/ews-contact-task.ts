// Exchange contacts (t:Contact) as vCard 4.0 (RFC 6350) and tasks (t:Task)
// as VTODO (RFC 5545 §3.6.2). Each gets a UID derived from its ItemId, so a
// re-run recognises what it imported.
import { ContentLines, dateStamp, escapeText, utcStamp } from '../../groupware/content-lines.ts';
import { derivedUid, MalformedError } from '../../groupware/objects.ts';
import { child, childText, children, type XmlNode } from '../../xml/xml-tree.ts';
import { RecurrenceError, rrule } from './ews-recurrence.ts';
import { NS } from './soap.ts';

const t = (node: XmlNode | null, name: string) => childText(node, NS.t, name);

const PHONE_TYPES: Record<string, string> = {
  BusinessPhone: 'work,voice', BusinessPhone2: 'work,voice', HomePhone: 'home,voice', HomePhone2: 'home,voice', MobilePhone: 'cell',
  BusinessFax: 'work,fax', HomeFax: 'home,fax', OtherFax: 'fax', OtherTelephone: 'voice', Pager: 'pager', CarPhone: 'voice',
  CompanyMainPhone: 'work,voice', AssistantPhone: 'voice', PrimaryPhone: 'voice',
};

function entries(node: XmlNode | null, list: string): { key: string; node: XmlNode }[] {
  return children(child(node, NS.t, list), NS.t, 'Entry').map((e) => ({ key: e.attrs.Key ?? '', node: e }));
}

function itemUid(item: XmlNode, prefix: string): string {
  const id = child(item, NS.t, 'ItemId')?.attrs.Id;
  if (!id) throw new MalformedError('item without ItemId');
  return derivedUid(`${prefix}:${id}`);
}

/** A date property that is a day (birthdays, task dates): EWS gives midnight local as UTC, so round to the nearest day. */
function day(text: string | null): string | null {
  if (!text) return null;
  const d = new Date(text);
  if (Number.isNaN(d.getTime())) return null;
  return dateStamp(new Date(d.getTime() + 12 * 3600_000));
}

export function contactToVCard(contact: XmlNode): { uid: string; vcf: string } {
  const uid = itemUid(contact, 'ews-contact');
  const given = t(contact, 'GivenName') ?? '';
  const middle = t(contact, 'MiddleName') ?? '';
  const family = t(contact, 'Surname') ?? '';
  const emails = entries(contact, 'EmailAddresses').map((e) => ({ key: e.key, value: e.node.text.trim().replace(/^smtp:/i, '') })).filter((e) => e.value);
  const fn = t(contact, 'DisplayName') ?? t(contact, 'FileAs') ?? ([given, middle, family].filter(Boolean).join(' ') || t(contact, 'CompanyName') || emails[0]?.value || '');
  if (fn === '') throw new MalformedError('contact without any name, company or e-mail address');
  const card = new ContentLines().begin('VCARD').raw('VERSION', '4.0').raw('UID', uid).text('FN', fn);
  // RFC 6350 §6.2.2: family; given; additional; prefixes; suffixes.
  card.raw('N', [family, given, middle, '', t(contact, 'Generation') ?? ''].map(escapeText).join(';'));
  card.text('NICKNAME', t(contact, 'Nickname'));
  if (t(contact, 'CompanyName') || t(contact, 'Department')) card.raw('ORG', [t(contact, 'CompanyName') ?? '', t(contact, 'Department') ?? ''].map(escapeText).join(';'));
  card.text('TITLE', t(contact, 'JobTitle'));
  emails.sort((a, b) => a.key.localeCompare(b.key)).forEach((e, i) => card.text('EMAIL', e.value, i === 0 ? { PREF: '1' } : {}));
  for (const p of entries(contact, 'PhoneNumbers')) {
    const value = p.node.text.trim();
    if (value) card.text('TEL', value, { TYPE: PHONE_TYPES[p.key] ?? 'voice' });
  }
  for (const a of entries(contact, 'PhysicalAddresses')) {
    const parts = ['Street', 'City', 'State', 'PostalCode', 'CountryOrRegion'].map((f) => t(a.node, f) ?? '');
    if (parts.some(Boolean)) card.raw('ADR', ['', '', ...parts].map(escapeText).join(';'), { TYPE: a.key === 'Business' ? 'work' : a.key === 'Home' ? 'home' : undefined });
  }
  const bday = day(t(contact, 'Birthday'));
  if (bday) card.raw('BDAY', bday);
  const anniversary = day(t(contact, 'WeddingAnniversary'));
  if (anniversary) card.raw('ANNIVERSARY', anniversary);
  card.text('URL', t(contact, 'BusinessHomePage'));
  const body = child(contact, NS.t, 'Body');
  if (body && body.text.trim()) card.text('NOTE', body.text.replace(/\r\n/g, '\n').trim());
  const categories = children(child(contact, NS.t, 'Categories'), NS.t, 'String').map((c) => c.text.trim()).filter(Boolean);
  if (categories.length > 0) card.raw('CATEGORIES', categories.map(escapeText).join(','));
  card.end('VCARD');
  return { uid, vcf: card.toString() };
}

const STATUS: Record<string, string> = {
  NotStarted: 'NEEDS-ACTION', InProgress: 'IN-PROCESS', Completed: 'COMPLETED', WaitingOnOthers: 'NEEDS-ACTION', Deferred: 'NEEDS-ACTION',
};
const PRIORITY: Record<string, string> = { High: '1', Normal: '5', Low: '9' };

export function taskToVTodo(task: XmlNode): { uid: string; ics: string } {
  const uid = itemUid(task, 'ews-task');
  const lines = new ContentLines().begin('VCALENDAR').raw('VERSION', '2.0').raw('PRODID', '-//Stoa//Migration from Exchange//EN');
  const stamp = t(task, 'LastModifiedTime') ?? t(task, 'DateTimeCreated');
  lines.begin('VTODO').raw('UID', uid).raw('DTSTAMP', utcStamp(stamp ? new Date(stamp) : new Date(0)));
  lines.text('SUMMARY', t(task, 'Subject'));
  const body = child(task, NS.t, 'Body');
  if (body && body.text.trim()) lines.text('DESCRIPTION', body.text.replace(/\r\n/g, '\n').trim());
  const start = day(t(task, 'StartDate'));
  const due = day(t(task, 'DueDate'));
  if (start) lines.raw('DTSTART', start, { VALUE: 'DATE' });
  if (due) lines.raw('DUE', due, { VALUE: 'DATE' });
  const status = t(task, 'Status') ?? 'NotStarted';
  lines.raw('STATUS', STATUS[status] ?? 'NEEDS-ACTION');
  const complete = t(task, 'CompleteDate');
  if (complete && status === 'Completed') lines.raw('COMPLETED', utcStamp(new Date(complete)));
  const percent = Number(t(task, 'PercentComplete') ?? 'NaN');
  if (Number.isFinite(percent)) lines.raw('PERCENT-COMPLETE', String(Math.max(0, Math.min(100, Math.round(percent)))));
  const priority = PRIORITY[t(task, 'Importance') ?? ''];
  if (priority && priority !== '5') lines.raw('PRIORITY', priority);
  const categories = children(child(task, NS.t, 'Categories'), NS.t, 'String').map((c) => c.text.trim()).filter(Boolean);
  if (categories.length > 0) lines.raw('CATEGORIES', categories.map(escapeText).join(','));
  if (t(task, 'Sensitivity') === 'Private') lines.raw('CLASS', 'PRIVATE');
  const recurrence = child(task, NS.t, 'Recurrence');
  if (recurrence && (start || due)) {
    try {
      lines.raw('RRULE', rrule(recurrence, (endDate) => endDate.replace(/-/g, '')));
    } catch (err) {
      if (err instanceof RecurrenceError) throw new MalformedError(`recurrence: ${err.message}`);
      throw err;
    }
  }
  if (t(task, 'ReminderIsSet') === 'true' && t(task, 'ReminderDueBy')) {
    lines.begin('VALARM').raw('ACTION', 'DISPLAY').text('DESCRIPTION', t(task, 'Subject') ?? 'Reminder')
      .raw('TRIGGER', utcStamp(new Date(t(task, 'ReminderDueBy')!)), { VALUE: 'DATE-TIME' }).end('VALARM');
  }
  lines.end('VTODO').end('VCALENDAR');
  return { uid, ics: lines.toString() };
}
