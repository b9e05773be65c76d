// Instances of a calendar object (RFC 5545 §3.8.5: RRULE, RDATE, EXDATE,
// RECURRENCE-ID overrides) and their time spans by the rules of RFC 4791
// §9.9. Expansion is bounded twice: only instances that can reach the asked
// window are generated (simple rules skip ahead instead of iterating from
// DTSTART), and every object stops after `maxIterations` steps.
import type ICAL from 'ical.js';
import { ical } from './ical.ts';
import { StoaError } from '../../errors/catalogue.ts';
import { TIME_MAX, TIME_MIN } from '../../model/dav.ts';
import type { CalendarObject, Component } from './calendar-object.ts';
import type { ZoneResolver } from './zones.ts';

type Time = InstanceType<typeof ICAL.Time>;
type Recur = InstanceType<typeof ICAL.Recur>;

const DAY = 86_400_000;

export interface ExpansionLimits {
  /** Instances one object may produce (RFC 4791 CALDAV:max-instances). */
  maxInstances: number;
  /** Recurrence steps one object may take in one expansion. */
  maxIterations: number;
}

export const DEFAULT_EXPANSION_LIMITS: ExpansionLimits = { maxInstances: 10_000, maxIterations: 100_000 };

/** [start, end) in ms; a zero-length event or a point in time is [t, t + 1). */
export interface Span { start: number; end: number }

export interface Instance extends Span {
  /** Instant of the RECURRENCE-ID this instance has or would have; null for a non-recurring object. */
  recurrenceId: number | null;
  component: Component;
}

function timeOf(c: Component, name: string): Time | null {
  const v = c.getFirstPropertyValue(name);
  return v && typeof v === 'object' && 'year' in v ? v as Time : null;
}

function durationMs(c: Component): number | null {
  const v = c.getFirstPropertyValue('duration');
  return v && typeof v === 'object' && 'toSeconds' in v ? (v as InstanceType<typeof ICAL.Duration>).toSeconds() * 1000 : null;
}

function point(t: number): Span {
  return { start: t, end: t + 1 };
}

/**
 * RFC 4791 §9.9: the span a component covers when it starts at `start`
 * (its own DTSTART, or an instance's). 'always' for a VTODO without dates
 * (it matches every range), null for one that matches none.
 */
export function componentSpan(c: Component, zones: ZoneResolver, start?: number): Span | 'always' | null {
  const type = c.name.toUpperCase();
  const dtstart = timeOf(c, 'dtstart');
  const s = start ?? (dtstart ? zones.instant(dtstart) : null);
  if (type === 'VEVENT' || type === 'VFREEBUSY') {
    if (s === null || !dtstart) return null;
    const dtend = timeOf(c, 'dtend');
    const dur = dtend ? zones.instant(dtend) - zones.instant(dtstart) : durationMs(c) ?? (dtstart.isDate ? DAY : 0);
    return dur > 0 ? { start: s, end: s + dur } : point(s);
  }
  if (type === 'VTODO') {
    const due = timeOf(c, 'due');
    const dur = durationMs(c);
    if (s !== null && dtstart) {
      if (dur !== null) return dur > 0 ? { start: s, end: s + dur } : point(s);
      if (due) {
        const d = zones.instant(due) - zones.instant(dtstart);
        return d > 0 ? { start: s, end: s + d } : point(s);
      }
      return point(s);
    }
    if (due) return point(zones.instant(due));
    const completed = timeOf(c, 'completed');
    const created = timeOf(c, 'created');
    if (completed && created) return { start: zones.instant(created), end: Math.max(zones.instant(completed), zones.instant(created)) + 1 };
    if (completed) return point(zones.instant(completed));
    if (created) return { start: zones.instant(created), end: TIME_MAX };
    return 'always';
  }
  // VJOURNAL: a date covers the day, a date-time is a point, none matches nothing.
  if (s === null || !dtstart) return null;
  return dtstart.isDate ? { start: s, end: s + DAY } : point(s);
}

export function isRecurring(obj: CalendarObject): boolean {
  return obj.overrides.length > 0 || (obj.master !== null && (obj.master.hasProperty('rrule') || obj.master.hasProperty('rdate')));
}

function rulesOf(master: Component): Recur[] {
  return master.getAllProperties('rrule').map((p) => p.getFirstValue() as Recur);
}

function isInfinite(r: Recur): boolean {
  return !r.count && !r.until;
}

/** Rules simple enough that DTSTART can move ahead by whole periods without changing the instances after it. */
function skipPeriodDays(r: Recur, dtstart: Time): number | null {
  if (r.count) return null;
  const parts = Object.keys(r.parts ?? {}).filter((k) => (r.parts as Record<string, unknown[]>)[k]?.length);
  const interval = r.interval || 1;
  if (r.freq === 'DAILY' && parts.length === 0) return interval;
  if (r.freq === 'WEEKLY') {
    if (parts.length === 0) return 7 * interval;
    if (parts.length === 1 && parts[0] === 'BYDAY') {
      const days = (r.parts as Record<string, string[]>).BYDAY;
      const names = ['SU', 'MO', 'TU', 'WE', 'TH', 'FR', 'SA'];
      // Only plain weekdays, and DTSTART on one of them (else DTSTART is an extra first instance).
      if (days.every((d) => names.includes(d)) && days.includes(names[dtstart.dayOfWeek() - 1])) return 7 * interval;
    }
  }
  return null;
}

/** MONTHLY and YEARLY rules without BY parts can skip whole periods too, in months. */
function skipPeriodMonths(r: Recur, dtstart: Time): number | null {
  if (r.count) return null;
  const parts = Object.keys(r.parts ?? {}).filter((k) => (r.parts as Record<string, unknown[]>)[k]?.length);
  if (parts.length > 0 || dtstart.day > 28) return null;
  const interval = r.interval || 1;
  if (r.freq === 'MONTHLY') return interval;
  if (r.freq === 'YEARLY') return 12 * interval;
  return null;
}

function recurrenceStarts(obj: CalendarObject, master: Component, from: number, to: number, limits: ExpansionLimits, lead: number): number[] {
  const zones = obj.zones;
  const dtstart = timeOf(master, 'dtstart');
  if (!dtstart) return [];
  const tzid = master.getFirstProperty('dtstart')?.getParameter('tzid');
  const zone = typeof tzid === 'string' ? tzid : null;
  const first = zones.instant(dtstart, zone);
  const starts = new Set<number>([first]);
  let steps = 0;
  for (const rule of rulesOf(master)) {
    let begin = dtstart;
    const period = skipPeriodDays(rule, dtstart);
    if (period !== null && from - lead - first > 2 * period * DAY) {
      // Move ahead by whole periods, stopping a period short of the window (DST and durations stay inside).
      const skip = Math.floor((from - lead - first) / (period * DAY)) - 1;
      begin = dtstart.clone();
      begin.adjust(skip * period, 0, 0, 0);
    }
    const months = skipPeriodMonths(rule, dtstart);
    if (months !== null && from - lead - first > 2 * months * 31 * DAY) {
      // Same for months and years: DTSTART's day exists in every month (≤ 28) and Feb 29 never starts a yearly skip.
      const start = new Date(first);
      const target = new Date(from - lead);
      const elapsed = (target.getUTCFullYear() - start.getUTCFullYear()) * 12 + target.getUTCMonth() - start.getUTCMonth();
      const skip = (Math.floor(elapsed / months) - 1) * months;
      if (skip > 0) {
        const total = dtstart.month - 1 + skip;
        begin = ical().Time.fromData({
          year: dtstart.year + Math.floor(total / 12), month: (total % 12) + 1, day: dtstart.day,
          hour: dtstart.hour, minute: dtstart.minute, second: dtstart.second, isDate: dtstart.isDate,
        }, dtstart.zone);
      }
    }
    const it = rule.iterator(begin);
    for (let t = it.next(); t; t = it.next()) {
      if (++steps > limits.maxIterations) break;
      const at = zones.instant(t, zone);
      if (at >= to) break;
      starts.add(at);
    }
  }
  for (const prop of master.getAllProperties('rdate')) {
    const ptzid = prop.getParameter('tzid');
    for (const v of prop.getValues()) {
      const t = v && typeof v === 'object' && 'start' in v ? (v as InstanceType<typeof ICAL.Period>).start : v as Time;
      if (t && typeof t === 'object' && 'year' in t) starts.add(zones.instant(t, typeof ptzid === 'string' ? ptzid : null));
    }
  }
  for (const prop of master.getAllProperties('exdate')) {
    const etzid = prop.getParameter('tzid');
    for (const v of prop.getValues()) {
      if (v && typeof v === 'object' && 'year' in v) starts.delete(zones.instant(v as Time, typeof etzid === 'string' ? etzid : null));
    }
  }
  return [...starts].sort((a, b) => a - b);
}

const HOUR = 3_600_000;
/**
 * What a rule simple enough to reason about arithmetically looks like:
 * DTSTART (`first`, and its wall time read as UTC, `wall`), the step in days
 * or months (null: only the gap rule applies, WEEKLY with BYDAY), the
 * instance count (null: endless), and `gap`, the longest time between two
 * instances (Infinity when unknown: a monthly rule on day 29-31 skips the
 * months without that day).
 */
interface FastPlan { first: number; wall: number; days: number | null; months: number | null; day: number; count: number | null; gap: number }
const fastPlans = new WeakMap<CalendarObject, FastPlan | null>();

function planOf(obj: CalendarObject): FastPlan | null {
  const m = obj.master;
  const rules = m ? rulesOf(m) : [];
  if (!m || obj.overrides.length > 0 || rules.length !== 1 || m.hasProperty('rdate') || m.hasProperty('exdate')) return null;
  const r = rules[0];
  const dtstart = timeOf(m, 'dtstart');
  if (!dtstart || r.until) return null;
  const endless = isInfinite(r);
  const parts = Object.keys(r.parts ?? {}).filter((k) => (r.parts as Record<string, unknown[]>)[k]?.length);
  const interval = r.interval || 1;
  let days: number | null = null;
  let months: number | null = null;
  let gap = Number.POSITIVE_INFINITY;
  if (parts.length === 0 && r.freq === 'DAILY') days = interval;
  else if (parts.length === 0 && r.freq === 'WEEKLY') days = 7 * interval;
  else if (parts.length === 0 && r.freq === 'MONTHLY') months = interval;
  else if (parts.length === 0 && r.freq === 'YEARLY') months = 12 * interval;
  else if (endless && r.freq === 'WEEKLY' && parts.length === 1 && parts[0] === 'BYDAY' && skipPeriodDays(r, dtstart) !== null) gap = 7 * interval * DAY + HOUR;
  else return null;
  if (days !== null) gap = days * DAY + HOUR;
  if (months !== null && dtstart.day <= 28) gap = 31 * months * DAY + HOUR;
  const tzid = (m.getFirstProperty('dtstart')?.getParameter('tzid') as string | undefined) ?? null;
  return {
    first: obj.zones.instant(dtstart, tzid),
    wall: Date.UTC(dtstart.year, dtstart.month - 1, dtstart.day, dtstart.hour, dtstart.minute, dtstart.second),
    days, months, day: dtstart.day, count: endless ? null : r.count, gap,
  };
}

/**
 * Whether a simple rule surely has an instance starting in [from, to),
 * without expanding it (null: not sure, the caller expands). The rule is
 * one RRULE without UNTIL, BY parts (endless WEEKLY may have BYDAY), RDATE,
 * EXDATE or overrides, endless or with a COUNT. DTSTART is the first
 * instance; an endless rule repeats at most every `gap`, so a window that
 * long after DTSTART holds one; otherwise the instances near the window
 * are computed on the wall time (a zone moves them by less than a day, so
 * only an instance a day inside the window counts).
 */
export function surelyOverlaps(obj: CalendarObject, from: number, to: number): boolean | null {
  let plan = fastPlans.get(obj);
  if (plan === undefined) {
    plan = planOf(obj);
    fastPlans.set(obj, plan);
  }
  if (!plan) return null;
  if (from <= plan.first) return plan.first < to ? true : null;
  if (plan.count === null && to - from >= plan.gap) return true;
  const inside = (k: number, at: number): boolean => (plan.count === null || k < plan.count) && at - DAY >= from && at + DAY < to;
  if (plan.days !== null) {
    const step = plan.days * DAY;
    const k = Math.max(0, Math.ceil((from + DAY - plan.wall) / step));
    if (inside(k, plan.wall + k * step)) return true;
  }
  if (plan.months !== null) {
    // Month arithmetic on the wall time; a month without DTSTART's day has no instance (RFC 5545 §3.3.10).
    const w = new Date(plan.wall);
    const f = new Date(from);
    const elapsed = (f.getUTCFullYear() - w.getUTCFullYear()) * 12 + f.getUTCMonth() - w.getUTCMonth();
    const base = Math.max(0, Math.floor(elapsed / plan.months));
    for (let k = base; k <= base + 1; k++) {
      const at = new Date(Date.UTC(w.getUTCFullYear(), w.getUTCMonth() + k * plan.months, plan.day, w.getUTCHours(), w.getUTCMinutes(), w.getUTCSeconds()));
      if (at.getUTCDate() !== plan.day) continue;
      if (inside(k, at.getTime())) return true;
    }
  }
  return null;
}

/**
 * Instances that overlap [from, to), in start order. Throws
 * STOA_DAV_TOO_MANY_INSTANCES when more than `limits.maxInstances` would
 * be returned.
 */
export function instancesIn(obj: CalendarObject, from: number, to: number, limits: ExpansionLimits = DEFAULT_EXPANSION_LIMITS): Instance[] {
  const zones = obj.zones;
  const out: Instance[] = [];
  const push = (inst: Instance): void => {
    if (inst.start < to && inst.end > from) {
      if (out.length >= limits.maxInstances) throw new StoaError('STOA_DAV_TOO_MANY_INSTANCES', `more than ${limits.maxInstances} instances`);
      out.push(inst);
    }
  };
  const overrides = new Map<number, Component>();
  for (const o of obj.overrides) {
    const rid = timeOf(o, 'recurrence-id');
    if (rid) overrides.set(zones.instant(rid), o);
  }
  const spanOf = (c: Component, start?: number): Span | null => {
    const s = componentSpan(c, zones, start);
    return s === 'always' ? { start: TIME_MIN, end: TIME_MAX } : s;
  };
  const master = obj.master;
  if (!master || !isRecurring(obj)) {
    for (const c of obj.components) {
      const span = spanOf(c);
      if (span) push({ ...span, recurrenceId: c === master ? null : zones.instant(timeOf(c, 'recurrence-id')!), component: c });
    }
    return out.sort((a, b) => a.start - b.start);
  }
  const base = spanOf(master);
  if (!base) return out;
  const length = base.end - base.start;
  const used = new Set<number>();
  // Overrides may move an instance anywhere: look back by the longest override too.
  let lead = length;
  for (const o of overrides.values()) {
    const s = spanOf(o);
    if (s) lead = Math.max(lead, s.end - s.start);
  }
  for (const start of recurrenceStarts(obj, master, from, to, limits, lead)) {
    const o = overrides.get(start);
    if (o) {
      used.add(start);
      const span = spanOf(o);
      if (span) push({ ...span, recurrenceId: start, component: o });
    } else if (start + length > from || length === 1) {
      push({ start, end: start + length, recurrenceId: start, component: master });
    }
  }
  // Overrides of instances the rule does not produce still exist (RFC 5545 §3.8.4.4).
  for (const [rid, o] of overrides) {
    if (used.has(rid)) continue;
    const span = spanOf(o);
    if (span) push({ ...span, recurrenceId: rid, component: o });
  }
  return out.sort((a, b) => a.start - b.start);
}

/**
 * The span of every instance, computed at write time so that a time-range
 * query reads candidates from an index: [first start, last end), with
 * TIME_MAX for rules without end. A finite rule with more instances than
 * allowed is refused.
 */
export function objectSpan(obj: CalendarObject, limits: ExpansionLimits = DEFAULT_EXPANSION_LIMITS): { startMs: number; endMs: number; recurring: boolean } {
  const recurring = isRecurring(obj);
  const zones = obj.zones;
  if (recurring && obj.master && rulesOf(obj.master).some(isInfinite)) {
    let start = TIME_MAX;
    for (const c of obj.components) {
      const s = componentSpan(c, zones);
      if (s === 'always') start = TIME_MIN;
      else if (s) start = Math.min(start, s.start);
    }
    return { startMs: start === TIME_MAX ? TIME_MIN : start, endMs: TIME_MAX, recurring };
  }
  let all: Instance[];
  try {
    all = instancesIn(obj, TIME_MIN, TIME_MAX, { maxInstances: limits.maxInstances, maxIterations: limits.maxInstances + 1 });
  } catch (err) {
    if (err instanceof StoaError) throw err;
    throw new StoaError('STOA_DAV_INVALID_DATA', `recurrence cannot be expanded: ${(err as Error).message}`);
  }
  if (all.length === 0) return { startMs: TIME_MAX, endMs: TIME_MAX, recurring };
  return { startMs: Math.min(...all.map((i) => i.start)), endMs: Math.max(...all.map((i) => i.end)), recurring };
}
