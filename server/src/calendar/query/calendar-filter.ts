// RFC 4791 §9.7 calendar-query filters evaluated against one parsed object.
// Time ranges on the object's main component are answered by expansion
// (instances.ts), so recurrences, exceptions and overrides count the way
// RFC 4791 §9.9 says; VALARM ranges use the trigger times of the instances.
import type ICAL from 'ical.js';
import type { CompFilter, ParamFilter, PropFilter, TimeRange } from '../../model/dav-filter.ts';
import { textMatches } from '../../model/dav-filter.ts';
import { TIME_MAX, TIME_MIN } from '../../model/dav.ts';
import type { CalendarObject, Component } from '../ical/calendar-object.ts';
import { instancesIn, surelyOverlaps, type ExpansionLimits } from '../ical/instances.ts';

type Property = InstanceType<typeof ICAL.Property>;
type Time = InstanceType<typeof ICAL.Time>;

function bounds(r: TimeRange): [number, number] {
  return [r.start ?? TIME_MIN, r.end ?? TIME_MAX];
}

/** Text of a property for text-match: its values joined as in the iCalendar text. */
function propertyText(p: Property): string {
  return p.getValues().map((v) => (typeof v === 'string' ? v : String(v))).join(',');
}

function paramMatches(p: Property, f: ParamFilter): boolean {
  const value = p.getParameter(f.name.toLowerCase());
  if (f.isNotDefined) return value === undefined || value === null;
  if (value === undefined || value === null) return false;
  if (!f.textMatch) return true;
  const values = Array.isArray(value) ? value : [value];
  return values.some((v) => textMatches(String(v), f.textMatch!));
}

function propMatches(obj: CalendarObject, p: Property, f: PropFilter): boolean {
  if (f.timeRange) {
    const v = p.getFirstValue();
    if (!v || typeof v !== 'object' || !('year' in v)) return false;
    const tzid = p.getParameter('tzid');
    const at = obj.zones.instant(v as Time, typeof tzid === 'string' ? tzid : null);
    const [s, e] = bounds(f.timeRange);
    if (!(at >= s && at < e)) return false;
  }
  for (const m of f.textMatches) if (!textMatches(propertyText(p), m)) return false;
  return f.params.every((pf) => paramMatches(p, pf));
}

function propFilterMatches(obj: CalendarObject, c: Component, f: PropFilter): boolean {
  const props = c.getAllProperties(f.name.toLowerCase());
  if (f.isNotDefined) return props.length === 0;
  return props.some((p) => propMatches(obj, p, f));
}

/** RFC 4791 §9.9 for VALARM: some trigger of some instance of the parent falls in the range. */
function alarmInRange(obj: CalendarObject, parent: Component, alarm: Component, range: TimeRange, limits: ExpansionLimits): boolean {
  const [s, e] = bounds(range);
  const trigger = alarm.getFirstProperty('trigger');
  const v = trigger?.getFirstValue();
  if (!v || typeof v !== 'object') return false;
  if ('year' in v) {
    const at = obj.zones.instant(v as Time);
    return at >= s && at < e;
  }
  if (!('toSeconds' in v)) return false;
  const offset = (v as InstanceType<typeof ICAL.Duration>).toSeconds() * 1000;
  const related = trigger?.getParameter('related') === 'END' ? 'end' : 'start';
  const lead = Math.abs(offset);
  const from = s === TIME_MIN ? s : s - lead;
  const to = e === TIME_MAX ? e : e + lead;
  return instancesIn(obj, from, to, limits).some((i) => {
    if (i.component !== parent) return false;
    const at = i[related] + offset;
    return at >= s && at < e;
  });
}

function compMatches(obj: CalendarObject, c: Component, f: CompFilter, parent: Component | null, limits: ExpansionLimits): boolean {
  if (f.timeRange) {
    const name = c.name.toUpperCase();
    if (name === 'VALARM') {
      if (!parent || !alarmInRange(obj, parent, c, f.timeRange, limits)) return false;
    } else if (name === obj.type) {
      const [s, e] = bounds(f.timeRange);
      const sure = c === obj.master ? surelyOverlaps(obj, s, e) : null;
      if (!sure && !instancesIn(obj, s, e, limits).some((i) => i.component === c)) return false;
    } else {
      return false;
    }
  }
  for (const pf of f.props) if (!propFilterMatches(obj, c, pf)) return false;
  for (const cf of f.comps) {
    const subs = c.getAllSubcomponents(cf.name.toLowerCase());
    if (cf.isNotDefined) {
      if (subs.length > 0) return false;
    } else if (!subs.some((sub) => compMatches(obj, sub, cf, c, limits))) {
      return false;
    }
  }
  return true;
}

/** Whether the object matches the filter; the filter's root names VCALENDAR (RFC 4791 §9.7.1). */
export function matchesCalendarFilter(obj: CalendarObject, filter: CompFilter, limits: ExpansionLimits): boolean {
  if (filter.name.toUpperCase() !== 'VCALENDAR') return false;
  if (filter.isNotDefined) return false;
  return compMatches(obj, obj.root, filter, null, limits);
}

/**
 * A filter that only asks "a component of this type overlapping this range"
 * (what clients send to sync a window): for a non-recurring object the span
 * stored at write time answers it exactly, without parsing.
 */
export function plainTimeRange(filter: CompFilter): { component: string } | null {
  if (filter.isNotDefined || filter.timeRange || filter.props.length > 0 || filter.comps.length !== 1) return null;
  const inner = filter.comps[0];
  if (inner.isNotDefined || !inner.timeRange || inner.props.length > 0 || inner.comps.length > 0) return null;
  return { component: inner.name.toUpperCase() };
}

/** The time range a filter puts on the object's components, if any: the store narrows candidates with it. */
export function candidateRange(filter: CompFilter): { component: string; range: TimeRange | null } | null {
  const inner = filter.comps.find((c) => !c.isNotDefined);
  if (!inner) return null;
  return { component: inner.name.toUpperCase(), range: inner.timeRange };
}
