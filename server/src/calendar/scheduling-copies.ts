// The copies scheduling keeps in calendar users' calendars, written by the
// server itself (RFC 6638 §3.2, §4): an attendee's copy of an event (their
// own answer kept across updates that are not a new revision), the answers
// recorded in the organizer's copy, and a room's or equipment's answer. The
// schedule inbox gets the matching message (schedule-inbox.ts). Schedule
// tags follow RFC 6638 §3.2.10: the organizer's changes give the attendee's
// copy a new one; a recorded answer leaves the organizer's copy's tag alone.
import { systemActor } from '../directory/access.ts';
import type { CollectionService } from '../collections/api.ts';
import type { DavCollection, DavObject } from '../model/dav.ts';
import type { Store } from '../store/port.ts';
import { parseCalendarObject } from './ical/calendar-object.ts';
import { instancesIn, type ExpansionLimits } from './ical/instances.ts';
import {
  applyUpdate, attendeesOf, cloneRoot, componentsOf, instanceKey, mailto, objectName, organizerOf, parseRoot, partstatOf, sequenceOf,
  stripScheduleParameters, uidOf, withoutMethod, type Component,
} from './itip.ts';
import type { ScheduleInbox, ScheduleMethod } from './schedule-inbox.ts';

export interface CopiesDeps {
  store: Store;
  collections: CollectionService;
  inbox: ScheduleInbox;
  limits: ExpansionLimits;
}

export interface FoundCopy { calendar: DavCollection; object: DavObject; root: Component }

export function createSchedulingCopies(deps: CopiesDeps) {
  const { store, collections, inbox, limits } = deps;
  const system = systemActor();

  /** The owner's calendars, without the schedule inbox (its messages are not events). */
  async function calendarsOf(ownerId: string): Promise<DavCollection[]> {
    return (await store.dav.listCollections(ownerId, 'calendar')).filter((c) => c.role !== 'inbox');
  }

  /** The default calendar (events) or task list (tasks) of an account or resource; resources get one the first time they are booked. */
  async function defaultCalendarOf(ownerId: string, component = 'VEVENT'): Promise<DavCollection> {
    const role = component === 'VTODO' ? 'tasks' : 'calendar';
    const find = async () => (await calendarsOf(ownerId)).find((c) => c.role === role);
    const existing = await find();
    if (existing) return existing;
    await collections.ensureDefaults(system, ownerId);
    const created = await find();
    if (created) return created;
    const view = await collections.create(system, ownerId, 'calendar', { uri: 'calendar', displayName: 'Calendar', components: ['VEVENT', 'VTODO'] });
    return view.collection;
  }

  /** The owner's copy of the event with this UID, in whichever of their calendars it is. */
  async function findCopy(ownerId: string, uid: string): Promise<FoundCopy | null> {
    for (const calendar of await calendarsOf(ownerId)) {
      const object = await store.dav.getObjectByUid(calendar.id, uid);
      if (object) return { calendar, object, root: parseRoot(object.data) };
    }
    return null;
  }

  /**
   * Writes `incoming` (the organizer's version) as `address`'s copy. Their
   * answer stays where the instance is the same revision (SEQUENCE not
   * raised, RFC 5546 §2.1.4); a new revision takes the organizer's
   * NEEDS-ACTION. `answer` forces one (a resource answering at once).
   */
  async function deliver(ownerId: string, address: string, incoming: Component, options: { answer?: string; message?: { method: ScheduleMethod; originator: string } } = {}): Promise<void> {
    const uid = uidOf(incoming);
    const found = await findCopy(ownerId, uid);
    const next = cloneRoot(found ? applyUpdate(found.root, incoming) : incoming);
    stripScheduleParameters(next);
    const before = new Map(found ? componentsOf(found.root).map((c) => [instanceKey(c), c]) : []);
    for (const c of componentsOf(next)) {
      const old = before.get(instanceKey(c));
      const kept = old && sequenceOf(c) <= sequenceOf(old) ? partstatOf(old, address) : null;
      for (const a of attendeesOf(c)) {
        if (mailto(a.getFirstValue()) !== address) continue;
        a.setParameter('partstat', options.answer ?? kept ?? String(a.getParameter('partstat') ?? 'NEEDS-ACTION').toUpperCase());
        if (options.answer) a.removeParameter('rsvp');
      }
    }
    const calendar = found?.calendar ?? await defaultCalendarOf(ownerId, componentsOf(next)[0]?.name.toUpperCase());
    await collections.putObject(system, calendar.id, found?.object.name ?? objectName(uid), withoutMethod(next));
    if (options.message) await inbox.deliver(ownerId, options.message.method, incoming, options.message.originator);
  }

  /**
   * Records `attendee`'s answers in the organizer's copy: `answers` by
   * instance ('' = every instance). False when the organizer has no copy
   * naming them. The copy keeps its schedule tag (RFC 6638 §3.2.10).
   */
  async function recordReply(organizer: { id: string; address: string }, uid: string, attendee: string, answers: ReadonlyMap<string, string>): Promise<boolean> {
    const found = await findCopy(organizer.id, uid);
    if (!found || organizerOf(found.root) !== organizer.address.toLowerCase()) return false;
    const all = answers.get('');
    let listed = false;
    let changed = false;
    for (const c of componentsOf(found.root)) {
      const partstat = answers.get(instanceKey(c)) ?? all;
      for (const a of attendeesOf(c)) {
        if (mailto(a.getFirstValue()) !== attendee) continue;
        listed = true;
        if (!partstat || String(a.getParameter('partstat') ?? '').toUpperCase() === partstat) continue;
        a.setParameter('partstat', partstat);
        // RFC 6638 §7.3: 2.0, the reply was processed.
        a.setParameter('schedule-status', '2.0');
        changed = true;
      }
    }
    if (changed) await collections.putObject(system, found.calendar.id, found.object.name, withoutMethod(found.root), {}, { keepScheduleTag: true });
    return listed;
  }

  /** A resource's answer: free in every instance → ACCEPTED, else DECLINED (reject policies decline, manual ones wait). */
  async function resourceAnswer(resourceId: string, policy: string, root: Component): Promise<'ACCEPTED' | 'DECLINED' | 'NEEDS-ACTION'> {
    if (policy === 'reject') return 'DECLINED';
    if (policy === 'manual') return 'NEEDS-ACTION';
    const uid = uidOf(root);
    const cal = await defaultCalendarOf(resourceId);
    const obj = parseCalendarObject(withoutMethod(root));
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

  return { calendarsOf, defaultCalendarOf, findCopy, deliver, recordReply, resourceAnswer };
}

export type SchedulingCopies = ReturnType<typeof createSchedulingCopies>;
