// What a REPORT returns as calendar-data (RFC 4791 §9.6): the object as
// stored, a projection of components and properties (§9.6.1), recurrences
// expanded into instances in UTC (§9.6.5), or only the overrides that touch
// a range (§9.6.6); and the VFREEBUSY answer of free-busy-query (§7.10).
import type ICAL from 'ical.js';
import { ical } from './ical.ts';
import type { CalendarDataSpec, CompSelection } from '../../model/dav-filter.ts';
import { TIME_MAX, TIME_MIN } from '../../model/dav.ts';
import type { CalendarObject, Component } from './calendar-object.ts';
import { instancesIn, type ExpansionLimits } from './instances.ts';
import { formatUtc } from './zones.ts';

function utcTime(ms: number): InstanceType<typeof ICAL.Time> {
  return ical().Time.fromJSDate(new Date(ms), true);
}

function project(c: Component, sel: CompSelection): Component {
  const out = new (ical().Component)(c.name);
  for (const p of c.getAllProperties()) {
    if (sel.allProps || sel.props.some((n) => n.toLowerCase() === p.name)) out.addProperty(ical().Property.fromString(p.toICALString()));
  }
  for (const sub of c.getAllSubcomponents()) {
    if (sel.allComps) out.addSubcomponent(new (ical().Component)(JSON.parse(JSON.stringify(sub.jCal))));
    else {
      const s = sel.comps.find((x) => x.name.toLowerCase() === sub.name);
      if (s) out.addSubcomponent(project(sub, s));
    }
  }
  return out;
}

function expandRecurrences(obj: CalendarObject, start: number, end: number, limits: ExpansionLimits): Component {
  const out = new (ical().Component)('vcalendar');
  for (const p of obj.root.getAllProperties()) out.addProperty(ical().Property.fromString(p.toICALString()));
  for (const inst of instancesIn(obj, start, end, limits)) {
    const c = new (ical().Component)(JSON.parse(JSON.stringify(inst.component.jCal)));
    for (const name of ['rrule', 'rdate', 'exdate', 'recurrence-id', 'dtstart', 'dtend', 'duration', 'due']) c.removeAllProperties(name);
    const original = inst.component;
    const isDate = (original.getFirstPropertyValue('dtstart') as InstanceType<typeof ICAL.Time> | null)?.isDate ?? false;
    // §9.6.5: instances in UTC, each with its RECURRENCE-ID, no recurrence properties left.
    if (inst.recurrenceId !== null) c.addPropertyWithValue('recurrence-id', utcTime(inst.recurrenceId));
    if (isDate) {
      c.addPropertyWithValue('dtstart', utcTime(inst.start));
    } else {
      c.addPropertyWithValue('dtstart', utcTime(inst.start));
    }
    if (original.hasProperty('dtend') || original.hasProperty('duration')) {
      if (inst.end - inst.start > 1) c.addPropertyWithValue('dtend', utcTime(inst.end));
      else c.addPropertyWithValue('dtend', utcTime(inst.start));
    } else if (original.hasProperty('due')) {
      c.addPropertyWithValue('due', utcTime(inst.end - inst.start > 1 ? inst.end : inst.start));
    }
    out.addSubcomponent(c);
  }
  return out;
}

function limitRecurrenceSet(obj: CalendarObject, start: number, end: number, limits: ExpansionLimits): Component {
  const out = new (ical().Component)(JSON.parse(JSON.stringify(obj.root.jCal)));
  const keep = new Set<Component>(instancesIn(obj, start, end, limits).map((i) => i.component));
  const type = obj.type.toLowerCase();
  const originals = obj.root.getAllSubcomponents(type);
  const copies = out.getAllSubcomponents(type);
  copies.forEach((copy, i) => {
    const original = originals[i];
    if (original.hasProperty('recurrence-id') && !keep.has(original)) out.removeSubcomponent(copy);
  });
  return out;
}

/** The calendar-data text to return for an object. */
export function calendarData(obj: CalendarObject, stored: string, spec: CalendarDataSpec | null, limits: ExpansionLimits): string {
  if (!spec || (!spec.comp && !spec.expand && !spec.limitRecurrenceSet)) return stored;
  let root = obj.root;
  if (spec.expand) root = expandRecurrences(obj, spec.expand.start ?? TIME_MIN, spec.expand.end ?? TIME_MAX, limits);
  else if (spec.limitRecurrenceSet) root = limitRecurrenceSet(obj, spec.limitRecurrenceSet.start ?? TIME_MIN, spec.limitRecurrenceSet.end ?? TIME_MAX, limits);
  if (spec.comp) root = project(root, spec.comp);
  return root.toString().replace(/\r?\n/g, '\r\n') + '\r\n';
}

export interface BusyPeriod { start: number; end: number; type: 'BUSY' | 'BUSY-TENTATIVE' | 'BUSY-UNAVAILABLE' }

/** RFC 4791 §7.10: busy time of one object inside [start, end). */
export function busyPeriods(obj: CalendarObject, start: number, end: number, limits: ExpansionLimits): BusyPeriod[] {
  const out: BusyPeriod[] = [];
  if (obj.type === 'VEVENT') {
    for (const inst of instancesIn(obj, start, end, limits)) {
      const c = inst.component;
      if (String(c.getFirstPropertyValue('transp') ?? '').toUpperCase() === 'TRANSPARENT') continue;
      const status = String(c.getFirstPropertyValue('status') ?? '').toUpperCase();
      if (status === 'CANCELLED') continue;
      const dtstart = c.getFirstPropertyValue('dtstart') as InstanceType<typeof ICAL.Time> | null;
      // All-day events without an explicit TRANSP are not busy time in most clients; RFC 5545 defaults to OPAQUE, which we follow.
      if (inst.end - inst.start <= 1 && !dtstart?.isDate) continue;
      out.push({ start: Math.max(inst.start, start), end: Math.min(inst.end, end), type: status === 'TENTATIVE' ? 'BUSY-TENTATIVE' : 'BUSY' });
    }
  } else if (obj.type === 'VFREEBUSY') {
    for (const c of obj.components) {
      for (const p of c.getAllProperties('freebusy')) {
        const fbtype = String(p.getParameter('fbtype') ?? 'BUSY').toUpperCase();
        if (fbtype === 'FREE') continue;
        for (const v of p.getValues()) {
          const period = v as InstanceType<typeof ICAL.Period>;
          if (!period?.start) continue;
          const s = obj.zones.instant(period.start);
          const e = period.end ? obj.zones.instant(period.end) : s + (period.duration?.toSeconds() ?? 0) * 1000;
          if (s < end && e > start) out.push({ start: Math.max(s, start), end: Math.min(e, end), type: fbtype === 'BUSY-TENTATIVE' ? 'BUSY-TENTATIVE' : fbtype === 'BUSY-UNAVAILABLE' ? 'BUSY-UNAVAILABLE' : 'BUSY' });
        }
      }
    }
  }
  return out;
}

/** Merges overlapping periods of the same type, in start order. */
export function mergePeriods(periods: readonly BusyPeriod[]): BusyPeriod[] {
  const sorted = [...periods].sort((a, b) => a.start - b.start || a.type.localeCompare(b.type));
  const out: BusyPeriod[] = [];
  for (const p of sorted) {
    const last = out.findLast((o) => o.type === p.type);
    if (last && p.start <= last.end) last.end = Math.max(last.end, p.end);
    else out.push({ ...p });
  }
  return out.sort((a, b) => a.start - b.start);
}

/** The VCALENDAR with one VFREEBUSY that free-busy-query returns. */
export function freeBusyCalendar(periods: readonly BusyPeriod[], start: number, end: number, stamp: number, extra: { uid?: string; organizer?: string; attendee?: string } = {}): string {
  const lines = ['BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//Stoa//CalDAV//EN', 'BEGIN:VFREEBUSY'];
  if (extra.uid) lines.push(`UID:${extra.uid}`);
  lines.push(`DTSTAMP:${formatUtc(stamp)}`, `DTSTART:${formatUtc(start)}`, `DTEND:${formatUtc(end)}`);
  if (extra.organizer) lines.push(`ORGANIZER:${extra.organizer}`);
  if (extra.attendee) lines.push(`ATTENDEE:${extra.attendee}`);
  for (const p of mergePeriods(periods)) lines.push(`FREEBUSY;FBTYPE=${p.type}:${formatUtc(p.start)}/${formatUtc(p.end)}`);
  lines.push('END:VFREEBUSY', 'END:VCALENDAR', '');
  return lines.join('\r\n');
}
