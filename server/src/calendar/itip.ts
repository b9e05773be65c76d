// iTIP (RFC 5546) as the scheduler handles it: pure operations on parsed
// iCalendar objects (ical.js components), no store and no directory. Who
// takes part (ORGANIZER, ATTENDEE and their SCHEDULE-AGENT, RFC 6638 §7.1),
// which message is newer (SEQUENCE, RFC 5546 §2.1.4), how an update or a
// cancellation of some instances lands in a stored copy, and what a message
// leaving the server must not carry (RFC 6638 §3.2: the SCHEDULE-*
// parameters are the server's bookkeeping).
import { createHash } from 'node:crypto';
import type ICAL from 'ical.js';
import { ical } from './ical/ical.ts';
import type { Component } from './ical/calendar-object.ts';

export type Property = InstanceType<typeof ICAL.Property>;
export type { Component };

export const SCHEDULED_COMPONENTS = ['vevent', 'vtodo'] as const;

/** The calendar user address of an ORGANIZER or ATTENDEE value: "mailto:" dropped, lower case. */
export const mailto = (v: unknown): string => String(v ?? '').replace(/^mailto:/i, '').trim().toLowerCase();

export function parseRoot(text: string): Component {
  return new (ical().Component)(ical().parse(text) as unknown[]);
}

export function cloneRoot(root: Component): Component {
  return new (ical().Component)(JSON.parse(JSON.stringify(root.jCal)) as unknown[]);
}

/** Stable resource name for a scheduling object the server creates in someone's calendar or inbox. */
export function objectName(key: string): string {
  return `${createHash('sha256').update(key).digest('base64url').slice(0, 22)}.ics`;
}

/** The VEVENTs (or VTODOs) of a calendar, master first. */
export function componentsOf(root: Component): Component[] {
  for (const name of SCHEDULED_COMPONENTS) {
    const all = root.getAllSubcomponents(name);
    if (all.length > 0) return [...all].sort((a, b) => Number(a.hasProperty('recurrence-id')) - Number(b.hasProperty('recurrence-id')));
  }
  return [];
}

export function attendeesOf(c: Component): Property[] {
  return c.getAllProperties('attendee');
}

export function uidOf(root: Component): string {
  return String(componentsOf(root)[0]?.getFirstPropertyValue('uid') ?? '');
}

export function organizerOf(root: Component): string {
  return mailto(componentsOf(root)[0]?.getFirstPropertyValue('organizer'));
}

/** RFC 6638 §7.1: who delivers to this calendar user; SERVER when not said (unknown values too, §7.1 last paragraph). */
export function scheduleAgent(p: Property | null | undefined): 'SERVER' | 'CLIENT' | 'NONE' {
  const v = String(p?.getParameter('schedule-agent') ?? '').toUpperCase();
  return v === 'CLIENT' || v === 'NONE' ? v : 'SERVER';
}

/** The ORGANIZER property of the object's first component. */
export function organizerProperty(root: Component): Property | null {
  return componentsOf(root)[0]?.getFirstProperty('organizer') ?? null;
}

/** Attendees the server schedules for (SCHEDULE-AGENT=SERVER), over every component, without `except`. */
export function serverScheduledAttendees(root: Component, except: string): string[] {
  const out = new Set<string>();
  for (const c of componentsOf(root)) {
    for (const a of attendeesOf(c)) {
      const address = mailto(a.getFirstValue());
      if (address && address !== except && scheduleAgent(a) === 'SERVER') out.add(address);
    }
  }
  return [...out];
}

export function partstatOf(c: Component | undefined, address: string): string | null {
  const a = c ? attendeesOf(c).find((p) => mailto(p.getFirstValue()) === address) : undefined;
  return a ? String(a.getParameter('partstat') ?? 'NEEDS-ACTION').toUpperCase() : null;
}

export function sequenceOf(c: Component | undefined): number {
  const n = Number(c?.getFirstPropertyValue('sequence') ?? 0);
  return Number.isFinite(n) ? n : 0;
}

/** The instance a component is about: its RECURRENCE-ID as text, '' for the master. */
export function instanceKey(c: Component): string {
  const rid = c.getFirstPropertyValue('recurrence-id') as { toString(): string } | null;
  return rid ? rid.toString() : '';
}

/** VCALENDAR text with METHOD set (an iTIP message). */
export function withMethod(root: Component, method: string): string {
  const copy = cloneRoot(root);
  copy.updatePropertyWithValue('method', method);
  return copy.toString().replace(/\r?\n/g, '\r\n') + '\r\n';
}

/** VCALENDAR text for a calendar object resource: no METHOD (RFC 4791 §4.1). */
export function withoutMethod(root: Component): string {
  const copy = cloneRoot(root);
  copy.removeAllProperties('method');
  return copy.toString().replace(/\r?\n/g, '\r\n') + '\r\n';
}

/** RFC 6638 §3.2: SCHEDULE-AGENT, SCHEDULE-STATUS and SCHEDULE-FORCE-SEND stay on the server. */
export function stripScheduleParameters(root: Component): void {
  for (const c of componentsOf(root)) {
    for (const p of [...attendeesOf(c), ...c.getAllProperties('organizer')]) {
      for (const name of ['schedule-agent', 'schedule-status', 'schedule-force-send']) p.removeParameter(name);
    }
  }
}

/** Alarms are the recipient's own business: an invitation from outside does not set them (or run their actions). */
export function stripAlarms(root: Component): void {
  for (const c of componentsOf(root)) for (const alarm of c.getAllSubcomponents('valarm')) c.removeSubcomponent(alarm);
}

/** Sets `address`'s PARTSTAT in every component where it is an attendee; false when it is in none. */
export function setPartstat(root: Component, address: string, partstat: string, extra: Record<string, string> = {}): boolean {
  let found = false;
  for (const c of componentsOf(root)) {
    for (const a of attendeesOf(c)) {
      if (mailto(a.getFirstValue()) !== address) continue;
      a.setParameter('partstat', partstat);
      a.removeParameter('rsvp');
      for (const [k, v] of Object.entries(extra)) a.setParameter(k, v);
      found = true;
    }
  }
  return found;
}

/**
 * RFC 6638 §3.2.10: an organizer's client that writes with
 * If-Schedule-Tag-Match may hold a copy older than the replies the server
 * recorded since. Where the instance is the same revision (same SEQUENCE),
 * the recorded PARTSTAT of each attendee wins; a new revision (a
 * rescheduled event asks everyone again) keeps what the client sent.
 */
export function keepRecordedReplies(stored: Component, incoming: Component): void {
  const before = new Map(componentsOf(stored).map((c) => [instanceKey(c), c]));
  for (const c of componentsOf(incoming)) {
    const old = before.get(instanceKey(c));
    if (!old || sequenceOf(old) !== sequenceOf(c)) continue;
    for (const a of attendeesOf(c)) {
      const recorded = partstatOf(old, mailto(a.getFirstValue()));
      if (recorded !== null) a.setParameter('partstat', recorded);
    }
  }
}

/**
 * RFC 5546 §3.2.2: a REQUEST with the master replaces the whole event; one
 * with only overridden instances (RECURRENCE-ID) replaces or adds those.
 */
export function applyUpdate(existing: Component, incoming: Component): Component {
  const parts = componentsOf(incoming);
  if (parts.some((c) => !c.hasProperty('recurrence-id'))) return incoming;
  const merged = cloneRoot(existing);
  const current = componentsOf(merged);
  for (const c of parts) {
    const same = current.find((o) => instanceKey(o) === instanceKey(c));
    if (same) merged.removeSubcomponent(same);
    merged.addSubcomponent(cloneRoot(c));
  }
  return merged;
}

/**
 * RFC 5546 §3.2.5: a CANCEL of the whole event marks every component
 * cancelled; a CANCEL of instances cancels those (an override marked
 * CANCELLED, or an EXDATE on the master when the message has no DTSTART).
 */
export function applyCancel(existing: Component, incoming: Component): Component {
  const merged = cloneRoot(existing);
  const parts = componentsOf(incoming);
  if (parts.length === 0 || parts.some((c) => !c.hasProperty('recurrence-id'))) {
    for (const c of componentsOf(merged)) c.updatePropertyWithValue('status', 'CANCELLED');
    return merged;
  }
  const current = componentsOf(merged);
  const master = current.find((c) => !c.hasProperty('recurrence-id')) ?? null;
  for (const c of parts) {
    const same = current.find((o) => instanceKey(o) === instanceKey(c));
    if (same) {
      same.updatePropertyWithValue('status', 'CANCELLED');
    } else if (c.hasProperty('dtstart')) {
      const override = cloneRoot(c);
      override.updatePropertyWithValue('status', 'CANCELLED');
      merged.addSubcomponent(override);
    } else if (master) {
      const exdate = new (ical().Property)('exdate', master);
      exdate.setValue(c.getFirstPropertyValue('recurrence-id') as never);
      master.addProperty(exdate);
    }
  }
  return merged;
}
