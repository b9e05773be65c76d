// Implicit scheduling (RFC 6638 §3.2) for the calendar service: when an
// organizer stores or deletes an event with attendees, internal attendees
// get it in their default calendar (with PARTSTAT=NEEDS-ACTION, their own
// answer kept on updates), resources (rooms, equipment) answer at once —
// accepted when free, declined on a conflict — and external attendees get
// an iMIP message (RFC 6047) through `sendImip`. When an attendee changes
// their PARTSTAT, the organizer's copy is updated (internal organizer) or an
// iMIP REPLY goes out (external organizer). The scheduler writes as the
// server itself and never schedules its own writes.
import { createHash } from 'node:crypto';
import ICAL from 'ical.js';
import type { CollectionService } from '../collections/api.ts';
import { systemActor } from '../directory/access.ts';
import type { AddressService } from '../directory/api.ts';
import { isStoaError } from '../errors/catalogue.ts';
import type { DavCollection } from '../model/dav.ts';
import type { Store } from '../store/port.ts';
import { parseCalendarObject, type Component } from './ical/calendar-object.ts';
import { instancesIn } from './ical/instances.ts';
import { busyPeriods, freeBusyCalendar } from './ical/calendar-data.ts';

/** One iMIP message for the outbound path (imip-outbound.ts: through the intake). */
export interface ImipMessage {
  from: string;
  /** The account it is sent for (the organizer, or the attendee answering): the message's principal. */
  senderId: string;
  to: string[];
  method: 'REQUEST' | 'REPLY' | 'CANCEL';
  /** A VCALENDAR with METHOD. */
  ics: string;
  summary: string;
}

/** Sends one iMIP message; what became of each recipient (lower-case address → sent, held by the filter, or failed). */
export type ImipSender = (message: ImipMessage) => Promise<Record<string, 'sent' | 'held' | 'failed'>>;

export interface SchedulingDeps {
  store: Store;
  collections: CollectionService;
  addresses: Pick<AddressService, 'resolve'>;
  sendImip: ImipSender;
  limits: { maxInstances: number; maxIterations: number };
}

export interface SchedulingOutcome {
  /** Attendee address → what happened (delivered, accepted, declined, imip, failed). */
  attendees: Record<string, string>;
}

const mailto = (v: unknown): string => String(v ?? '').replace(/^mailto:/i, '').trim().toLowerCase();

function objectName(uid: string): string {
  return `${createHash('sha256').update(uid).digest('base64url').slice(0, 22)}.ics`;
}

function withMethod(data: string, method: string): string {
  const root = new ICAL.Component(ICAL.parse(data) as unknown[]);
  root.updatePropertyWithValue('method', method);
  return root.toString();
}

function withoutMethod(root: Component): string {
  root.removeAllProperties('method');
  return root.toString().replace(/\r?\n/g, '\r\n') + '\r\n';
}

function attendeesOf(c: Component): InstanceType<typeof ICAL.Property>[] {
  return c.getAllProperties('attendee');
}

export function createScheduler(deps: SchedulingDeps) {
  const { store, collections, addresses, sendImip, limits } = deps;
  const system = systemActor();

  /** The default calendar of an account or resource (resources get one the first time they are booked). */
  async function defaultCalendarOf(ownerId: string): Promise<DavCollection> {
    const existing = (await store.dav.listCollections(ownerId, 'calendar')).find((c) => c.role === 'calendar');
    if (existing) return existing;
    await collections.ensureDefaults(system, ownerId);
    const created = (await store.dav.listCollections(ownerId, 'calendar')).find((c) => c.role === 'calendar');
    if (created) return created;
    const view = await collections.create(system, ownerId, 'calendar', { uri: 'calendar', displayName: 'Calendar', components: ['VEVENT', 'VTODO'] });
    return view.collection;
  }

  /** Stores `root` as the attendee's copy, keeping their own PARTSTAT when they already answered. */
  async function deliver(ownerId: string, address: string, root: Component, partstat: string | null): Promise<void> {
    const cal = await defaultCalendarOf(ownerId);
    const uid = String(root.getFirstSubcomponent('vevent')?.getFirstPropertyValue('uid') ?? '');
    const current = await store.dav.getObjectByUid(cal.id, uid);
    let previous: string | null = null;
    if (current) {
      const old = new ICAL.Component(ICAL.parse(current.data) as unknown[]);
      const me = attendeesOf(old.getFirstSubcomponent('vevent')!).find((a) => mailto(a.getFirstValue()) === address);
      previous = me ? String(me.getParameter('partstat') ?? '') : null;
    }
    const copy = new ICAL.Component(JSON.parse(JSON.stringify(root.jCal)));
    for (const ev of copy.getAllSubcomponents('vevent')) {
      for (const a of attendeesOf(ev)) {
        if (mailto(a.getFirstValue()) !== address) continue;
        const value = partstat ?? previous ?? 'NEEDS-ACTION';
        a.setParameter('partstat', value);
        a.removeParameter('rsvp');
      }
    }
    await collections.putObject(system, cal.id, current?.name ?? objectName(uid), withoutMethod(copy));
  }

  /** A resource's answer: free in every instance → ACCEPTED, else DECLINED (and reject policies decline). */
  async function resourceAnswer(resourceId: string, policy: string, root: Component, uid: string): Promise<'ACCEPTED' | 'DECLINED' | 'NEEDS-ACTION'> {
    if (policy === 'reject') return 'DECLINED';
    if (policy === 'manual') return 'NEEDS-ACTION';
    const cal = await defaultCalendarOf(resourceId);
    const obj = parseCalendarObject(root.toString().replace(/METHOD:[^\r\n]*\r?\n/, ''));
    const wanted = instancesIn(obj, -8.64e15, 8.64e15, { maxInstances: Math.min(limits.maxInstances, 500), maxIterations: limits.maxIterations });
    for (const inst of wanted) {
      for (const other of await store.dav.objectsInRange(cal.id, inst.start, inst.end, 'VEVENT')) {
        if (other.uid === uid) continue;
        const parsed = parseCalendarObject(other.data);
        if (String(parsed.components[0]?.getFirstPropertyValue('status') ?? '').toUpperCase() === 'CANCELLED') continue;
        if (instancesIn(parsed, inst.start, inst.end, limits).length > 0) return 'DECLINED';
      }
    }
    return 'ACCEPTED';
  }

  /** Sets one attendee's PARTSTAT in the organizer's copy. */
  async function recordReply(organizerId: string, uid: string, attendee: string, partstat: string): Promise<void> {
    for (const cal of await store.dav.listCollections(organizerId, 'calendar')) {
      const obj = await store.dav.getObjectByUid(cal.id, uid);
      if (!obj) continue;
      const root = new ICAL.Component(ICAL.parse(obj.data) as unknown[]);
      let changed = false;
      for (const ev of root.getAllSubcomponents('vevent')) {
        for (const a of attendeesOf(ev)) {
          if (mailto(a.getFirstValue()) === attendee && a.getParameter('partstat') !== partstat) {
            a.setParameter('partstat', partstat);
            a.setParameter('schedule-status', '2.0');
            changed = true;
          }
        }
      }
      if (changed) await collections.putObject(system, cal.id, obj.name, withoutMethod(root));
      return;
    }
  }

  return {
    /**
     * After `owner` stored `data` in one of their calendars (`previous`: the
     * object before, if any): sends or records what RFC 6638 §3.2 asks.
     */
    async afterWrite(owner: { id: string; address: string }, data: string, previous: string | null): Promise<SchedulingOutcome> {
      const outcome: SchedulingOutcome = { attendees: {} };
      const root = new ICAL.Component(ICAL.parse(data) as unknown[]);
      const master = root.getFirstSubcomponent('vevent');
      if (!master || !master.hasProperty('organizer')) return outcome;
      const uid = String(master.getFirstPropertyValue('uid'));
      const organizer = mailto(master.getFirstPropertyValue('organizer'));
      const summary = String(master.getFirstPropertyValue('summary') ?? '(no title)');
      const self = owner.address.toLowerCase();
      if (organizer === self) {
        const attendees = [...new Set(root.getAllSubcomponents('vevent').flatMap(attendeesOf).map((a) => mailto(a.getFirstValue())))].filter((a) => a && a !== self);
        const external: string[] = [];
        for (const address of attendees) {
          try {
            const who = await addresses.resolve(address);
            if (who?.kind === 'account') {
              await deliver(who.account.id, who.account.address, root, null);
              outcome.attendees[address] = 'delivered';
            } else if (who?.kind === 'resource') {
              const answer = await resourceAnswer(who.resource.id, who.resource.enabled ? who.resource.bookingPolicy : 'reject', root, uid);
              if (answer === 'ACCEPTED') await deliver(who.resource.id, who.resource.address, root, answer);
              await recordReply(owner.id, uid, address, answer);
              outcome.attendees[address] = answer.toLowerCase();
            } else {
              // Outside addresses, and groups, aliases and catch-alls of ours: by mail (iMIP), which the intake
              // expands; members who get it find the invitation in their calendar (imip-inbound.ts).
              external.push(address);
            }
          } catch (err) {
            outcome.attendees[address] = `failed: ${isStoaError(err) ? err.code : (err as Error).message}`;
          }
        }
        if (external.length > 0) {
          const sent = await sendImip({ from: owner.address, senderId: owner.id, to: external, method: 'REQUEST', ics: withMethod(data, 'REQUEST'), summary });
          for (const a of external) outcome.attendees[a] = sent[a] === 'sent' ? 'imip' : 'imip-failed';
        }
        return outcome;
      }
      // An attendee's own copy: a changed answer goes back to the organizer.
      const mine = attendeesOf(master).find((a) => mailto(a.getFirstValue()) === self);
      if (!mine) return outcome;
      const partstat = String(mine.getParameter('partstat') ?? 'NEEDS-ACTION').toUpperCase();
      let before: string | null = null;
      if (previous) {
        const old = new ICAL.Component(ICAL.parse(previous) as unknown[]).getFirstSubcomponent('vevent');
        const was = old ? attendeesOf(old).find((a) => mailto(a.getFirstValue()) === self) : undefined;
        before = was ? String(was.getParameter('partstat') ?? 'NEEDS-ACTION').toUpperCase() : null;
      }
      if (before === partstat) return outcome;
      const who = await addresses.resolve(organizer);
      if (who?.kind === 'account') {
        await recordReply(who.account.id, uid, self, partstat);
        outcome.attendees[organizer] = 'reply-recorded';
      } else if (who === null) {
        const reply = new ICAL.Component(JSON.parse(JSON.stringify(root.jCal)));
        for (const ev of reply.getAllSubcomponents('vevent')) {
          for (const a of attendeesOf(ev)) if (mailto(a.getFirstValue()) !== self) ev.removeProperty(a);
        }
        const sent = await sendImip({ from: owner.address, senderId: owner.id, to: [organizer], method: 'REPLY', ics: withMethod(reply.toString(), 'REPLY'), summary });
        outcome.attendees[organizer] = sent[organizer] === 'sent' ? 'imip-reply' : 'imip-failed';
      }
      return outcome;
    },

    /**
     * RFC 6638 §5 free/busy of other calendar users of the caller's domain:
     * busy time from every calendar of each (opaque, not cancelled events),
     * never the events themselves. Other addresses get 3.7 (invalid user).
     */
    async freeBusyOf(requester: { id: string | null; domainId: string | null }, attendees: readonly string[], start: number, end: number, stamp: number) {
      const out: { address: string; status: string; data: string | null }[] = [];
      for (const raw of attendees.slice(0, 100)) {
        const address = mailto(raw);
        const who = await addresses.resolve(address).catch(() => null);
        const owner = who?.kind === 'account' ? who.account : who?.kind === 'resource' ? { id: who.resource.id, domainId: who.resource.domainId } : null;
        if (!owner || requester.domainId === null || owner.domainId !== requester.domainId) {
          out.push({ address, status: '3.7;Invalid calendar user', data: null });
          continue;
        }
        const periods = [];
        for (const cal of await store.dav.listCollections(owner.id, 'calendar')) {
          for (const obj of await store.dav.objectsInRange(cal.id, start, end, 'VEVENT')) periods.push(...busyPeriods(parseCalendarObject(obj.data), start, end, limits));
        }
        out.push({ address, status: '2.0;Success', data: freeBusyCalendar(periods, start, end, stamp, { attendee: `mailto:${address}` }).replace('BEGIN:VCALENDAR\r\nVERSION:2.0\r\n', 'BEGIN:VCALENDAR\r\nVERSION:2.0\r\nMETHOD:REPLY\r\n') });
      }
      return out;
    },

    /**
     * An iMIP REPLY that arrived by mail for a local organizer (RFC 6047
     * §2.3): the answering attendee's PARTSTAT is recorded in the organizer's
     * copy. The intake calls it for text/calendar parts with method=REPLY.
     * Only the attendee named in the reply is touched, and only if the
     * event lists them, so a forged reply cannot add people.
     */
    async applyImipReply(organizer: { id: string; address: string }, ics: string, envelopeSender: string): Promise<boolean> {
      let root: Component;
      try {
        root = new ICAL.Component(ICAL.parse(ics) as unknown[]);
      } catch {
        return false;
      }
      if (String(root.getFirstPropertyValue('method') ?? '').toUpperCase() !== 'REPLY') return false;
      const ev = root.getFirstSubcomponent('vevent');
      const attendee = ev ? attendeesOf(ev)[0] : undefined;
      if (!ev || !attendee) return false;
      const who = mailto(attendee.getFirstValue());
      // RFC 6047 §3.2.1: the reply must come from the attendee it speaks for.
      if (who !== envelopeSender.toLowerCase()) return false;
      const uid = String(ev.getFirstPropertyValue('uid') ?? '');
      const partstat = String(attendee.getParameter('partstat') ?? '').toUpperCase();
      if (!uid || !['ACCEPTED', 'DECLINED', 'TENTATIVE', 'DELEGATED'].includes(partstat)) return false;
      for (const cal of await store.dav.listCollections(organizer.id, 'calendar')) {
        const obj = await store.dav.getObjectByUid(cal.id, uid);
        if (!obj) continue;
        const listed = new ICAL.Component(ICAL.parse(obj.data) as unknown[]).getAllSubcomponents('vevent').some((e) => attendeesOf(e).some((a) => mailto(a.getFirstValue()) === who));
        if (!listed) return false;
        await recordReply(organizer.id, uid, who, partstat);
        return true;
      }
      return false;
    },

    /** After an organizer deleted a scheduled event: internal copies are cancelled, external attendees told (iMIP CANCEL). */
    async afterDelete(owner: { id: string; address: string }, data: string): Promise<SchedulingOutcome> {
      const outcome: SchedulingOutcome = { attendees: {} };
      const root = new ICAL.Component(ICAL.parse(data) as unknown[]);
      const master = root.getFirstSubcomponent('vevent');
      if (!master || mailto(master.getFirstPropertyValue('organizer')) !== owner.address.toLowerCase()) return outcome;
      const uid = String(master.getFirstPropertyValue('uid'));
      for (const ev of root.getAllSubcomponents('vevent')) ev.updatePropertyWithValue('status', 'CANCELLED');
      const external: string[] = [];
      for (const a of attendeesOf(master)) {
        const address = mailto(a.getFirstValue());
        if (address === owner.address.toLowerCase()) continue;
        const who = await addresses.resolve(address);
        const ownerId = who?.kind === 'account' ? who.account.id : who?.kind === 'resource' ? who.resource.id : null;
        if (ownerId) {
          const cal = await defaultCalendarOf(ownerId);
          const copy = await store.dav.getObjectByUid(cal.id, uid);
          // Resources free the slot; people keep the event marked cancelled until they remove it.
          if (copy && who?.kind === 'resource') await collections.deleteObject(system, cal.id, copy.name);
          else if (copy) await collections.putObject(system, cal.id, copy.name, withoutMethod(new ICAL.Component(JSON.parse(JSON.stringify(root.jCal)))));
          outcome.attendees[address] = 'cancelled';
        } else external.push(address);
      }
      if (external.length > 0) {
        const sent = await sendImip({ from: owner.address, senderId: owner.id, to: external, method: 'CANCEL', ics: withMethod(root.toString(), 'CANCEL'), summary: String(master.getFirstPropertyValue('summary') ?? '') });
        for (const a of external) outcome.attendees[a] = sent[a] === 'sent' ? 'imip-cancel' : 'imip-failed';
      }
      return outcome;
    },
  };
}

export type Scheduler = ReturnType<typeof createScheduler>;
