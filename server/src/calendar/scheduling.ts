// Implicit scheduling (RFC 6638 §3.2) for the calendar service, and the
// scheduling messages that arrive by mail (RFC 6047, incoming-itip.ts).
// When an organizer stores or deletes an event with attendees, internal
// attendees get it in their calendar and schedule inbox (their own answer
// kept on updates that are not a new revision), resources (rooms,
// equipment) answer at once — accepted when free, declined on a conflict —
// and everyone else gets an iMIP message through `sendImip` (the intake:
// outside addresses by the queue, our groups and aliases by delivery).
// When an attendee changes their PARTSTAT (or deletes the event: declined),
// the organizer's copy and inbox get the answer (internal organizer) or an
// iMIP REPLY goes out (outside organizer). Attendees and organizers marked
// SCHEDULE-AGENT=CLIENT or NONE are left to the client (RFC 6638 §7.1).
// Calendar users are accounts and shared mailboxes (whose calendars Full
// Access holders open); rooms and equipment answer for themselves.
// Every method takes the caller first: afterWrite/afterDelete need the
// right to write in the calendar (the owner, a sharee or calendar delegate
// with write access acts for the owner). A writer whose right comes from a
// Full Access mailbox grant alone sends nothing in the owner's name unless
// they also hold send-as or send-on-behalf on it, as for mail
// (intake/sender-policy.ts): the event is stored, its attendees are not
// told (outcome 'no-send-right'). The iMIP entry points and nothing else
// are the server's own (the intake calls them as the system).
import type { CollectionService, CollectionView } from '../collections/api.ts';
import { systemActor } from '../directory/access.ts';
import type { Actor, AddressResolution, AddressService } from '../directory/api.ts';
import { holdsGrant } from '../directory/delegation.ts';
import { StoaError, isStoaError } from '../errors/catalogue.ts';
import type { Store } from '../store/port.ts';
import { busyPeriods, freeBusyCalendar } from './ical/calendar-data.ts';
import { parseCalendarObject } from './ical/calendar-object.ts';
import type { ExpansionLimits } from './ical/instances.ts';
import { createIncomingItip, type ImipOrigin, type ImipOutcome } from './incoming-itip.ts';
import {
  attendeesOf, cloneRoot, componentsOf, mailto, organizerOf, organizerProperty, parseRoot, partstatOf, scheduleAgent,
  serverScheduledAttendees, stripScheduleParameters, uidOf, withMethod, type Component,
} from './itip.ts';
import { createScheduleInbox } from './schedule-inbox.ts';
import { createSchedulingCopies } from './scheduling-copies.ts';

export type { ImipOrigin, ImipOutcome };

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
  addresses: Pick<AddressService, 'resolve' | 'isLocalDomain'>;
  sendImip: ImipSender;
  limits: ExpansionLimits;
  /** Messages a schedule inbox keeps (dav.scheduleInboxMaxItems). */
  inboxMaxItems: number;
}

export interface SchedulingOutcome {
  /** Attendee address → what happened (delivered, accepted, declined, imip, imip-failed, client …). */
  attendees: Record<string, string>;
}

/** The calendar user an address names: an account or a shared mailbox (people), or a resource. */
function calendarUser(who: AddressResolution): { id: string; domainId: string | null; kind: 'person' | 'resource' } | null {
  if (who?.kind === 'account') return { id: who.account.id, domainId: who.account.domainId, kind: 'person' };
  if (who?.kind === 'shared-mailbox') return { id: who.sharedMailbox.id, domainId: who.sharedMailbox.domainId, kind: 'person' };
  if (who?.kind === 'resource') return { id: who.resource.id, domainId: who.resource.domainId, kind: 'resource' };
  return null;
}

function requireSystem(actor: Actor, what: string): void {
  if (actor.id !== null) throw new StoaError('STOA_FORBIDDEN', `only the server ${what}`);
}

function summaryOf(root: Component): string {
  return String(componentsOf(root)[0]?.getFirstPropertyValue('summary') ?? '(no title)');
}

/** The attendee's answer as an iTIP REPLY: the event with only their ATTENDEE line (RFC 5546 §3.2.3). */
function replyFrom(root: Component, self: string, partstat?: string): Component {
  const reply = cloneRoot(root);
  for (const c of componentsOf(reply)) {
    for (const a of attendeesOf(c)) {
      if (mailto(a.getFirstValue()) !== self) c.removeProperty(a);
      else if (partstat) a.setParameter('partstat', partstat);
    }
    for (const alarm of c.getAllSubcomponents('valarm')) c.removeSubcomponent(alarm);
  }
  stripScheduleParameters(reply);
  return reply;
}

export function createScheduler(deps: SchedulingDeps) {
  const { store, collections, addresses, sendImip, limits } = deps;
  const inbox = createScheduleInbox({ store, collections, maxItems: deps.inboxMaxItems });
  const copies = createSchedulingCopies({ store, collections, inbox, limits });
  const incoming = createIncomingItip({ copies, inbox, collections, addresses, store });

  /** The calendar the caller just wrote in; they must hold write access to it (owner, sharee or delegate). */
  async function writable(actor: Actor, collectionId: string): Promise<CollectionView | null> {
    const view = await collections.get(actor, collectionId);
    if (!view.access.writeContent) throw new StoaError('STOA_FORBIDDEN', 'you may not schedule from this calendar');
    return view.collection.kind === 'calendar' && view.collection.role !== 'inbox' ? view : null;
  }

  /**
   * May the caller's write speak for the calendar's owner? Yes for the
   * owner, the system, sharees and calendar delegates; for a writer who
   * holds only Full Access, only with send-as or send-on-behalf on the
   * owner (the mailbox grant model: Full Access opens, it does not send).
   */
  async function speaksForOwner(actor: Actor, view: CollectionView): Promise<boolean> {
    const { via } = view.access;
    if (actor.id === null || via.some((v) => v === 'owner' || v === 'share' || v === 'delegate')) return true;
    return await holdsGrant(store, actor.id, view.owner.id, 'send-as') || await holdsGrant(store, actor.id, view.owner.id, 'send-on-behalf');
  }

  /** Every attendee the write would have told, marked as not told. */
  function notSent(root: Component, self: string): SchedulingOutcome {
    const outcome: SchedulingOutcome = { attendees: {} };
    const organizer = organizerOf(root);
    if (organizer !== self) outcome.attendees[organizer] = 'no-send-right';
    else for (const a of serverScheduledAttendees(root, self)) outcome.attendees[a] = 'no-send-right';
    return outcome;
  }

  /** RFC 6638 §3.2.1: the organizer's copy was written; every server-scheduled attendee is told. */
  async function organizerWrote(owner: { id: string; address: string }, root: Component): Promise<SchedulingOutcome> {
    const outcome: SchedulingOutcome = { attendees: {} };
    const self = owner.address.toLowerCase();
    for (const c of componentsOf(root)) {
      for (const a of attendeesOf(c)) if (scheduleAgent(a) !== 'SERVER') outcome.attendees[mailto(a.getFirstValue())] = 'client';
    }
    const message = cloneRoot(root);
    stripScheduleParameters(message);
    const byMail: string[] = [];
    for (const address of serverScheduledAttendees(root, self)) {
      try {
        const who = await addresses.resolve(address);
        const person = calendarUser(who);
        if (person?.kind === 'person') {
          await copies.deliver(person.id, address, message, { message: { method: 'REQUEST', originator: self } });
          outcome.attendees[address] = 'delivered';
        } else if (who?.kind === 'resource') {
          const answer = await copies.resourceAnswer(who.resource.id, who.resource.enabled ? who.resource.bookingPolicy : 'reject', message);
          if (answer === 'ACCEPTED') await copies.deliver(who.resource.id, address, message, { answer });
          await copies.recordReply(owner, uidOf(root), address, new Map([['', answer]]));
          outcome.attendees[address] = answer.toLowerCase();
        } else {
          // Outside addresses, and groups, aliases and catch-alls of ours: by mail (iMIP), which the intake
          // expands; members who get it find the invitation in their calendar (imip-inbound.ts).
          byMail.push(address);
        }
      } catch (err) {
        outcome.attendees[address] = `failed: ${isStoaError(err) ? err.code : (err as Error).message}`;
      }
    }
    if (byMail.length > 0) {
      const sent = await sendImip({ from: self, senderId: owner.id, to: byMail, method: 'REQUEST', ics: withMethod(message, 'REQUEST'), summary: summaryOf(root) });
      for (const a of byMail) outcome.attendees[a] = sent[a] === 'sent' ? 'imip' : `imip-${sent[a] ?? 'failed'}`;
    }
    return outcome;
  }

  /** An attendee's answer reaches the organizer: recorded (ours) or an iMIP REPLY (outside). */
  async function answer(owner: { id: string; address: string }, root: Component, partstat: string): Promise<SchedulingOutcome> {
    const self = owner.address.toLowerCase();
    const organizer = organizerOf(root);
    const reply = replyFrom(root, self, partstat);
    const who = await addresses.resolve(organizer);
    const person = calendarUser(who);
    if (person?.kind === 'person') {
      await copies.recordReply({ id: person.id, address: organizer }, uidOf(root), self, new Map([['', partstat]]));
      await inbox.deliver(person.id, 'REPLY', reply, self);
      return { attendees: { [organizer]: 'reply-recorded' } };
    }
    if (who !== null) return { attendees: { [organizer]: 'not-a-calendar-user' } };
    const sent = await sendImip({ from: self, senderId: owner.id, to: [organizer], method: 'REPLY', ics: withMethod(reply, 'REPLY'), summary: summaryOf(root) });
    return { attendees: { [organizer]: sent[organizer] === 'sent' ? 'imip-reply' : `imip-${sent[organizer] ?? 'failed'}` } };
  }

  return {
    /**
     * After the caller stored `data` in a calendar (`previous`: the object
     * before, if any): sends or records what RFC 6638 §3.2 asks, for the
     * calendar's owner (a delegate or sharee with write access acts for them).
     */
    async afterWrite(actor: Actor, collectionId: string, data: string, previous: string | null): Promise<SchedulingOutcome> {
      const view = await writable(actor, collectionId);
      const root = parseRoot(data);
      const first = componentsOf(root)[0];
      if (!view || !first || !first.hasProperty('organizer')) return { attendees: {} };
      const owner = { id: view.owner.id, address: view.owner.address };
      const self = owner.address.toLowerCase();
      const speaks = await speaksForOwner(actor, view);
      if (organizerOf(root) === self) return speaks ? organizerWrote(owner, root) : notSent(root, self);
      // An attendee's own copy: a changed answer goes back to the organizer, unless their client does that (§7.1).
      if (scheduleAgent(organizerProperty(root)) !== 'SERVER') return { attendees: {} };
      const partstat = partstatOf(first, self);
      // NEEDS-ACTION is no answer (RFC 5546 §3.2.3): storing an unanswered copy tells the organizer nothing.
      if (partstat === null || partstat === 'NEEDS-ACTION') return { attendees: {} };
      const before = previous ? partstatOf(componentsOf(parseRoot(previous))[0], self) : null;
      if (before === partstat) return { attendees: {} };
      return speaks ? answer(owner, root, partstat) : notSent(root, self);
    },

    /**
     * After the caller deleted a scheduled event: the organizer's deletion
     * cancels it for the attendees (RFC 6638 §3.2.1.3); an attendee's
     * deletion declines it (§3.2.2.3).
     */
    async afterDelete(actor: Actor, collectionId: string, data: string): Promise<SchedulingOutcome> {
      const view = await writable(actor, collectionId);
      const root = parseRoot(data);
      const first = componentsOf(root)[0];
      if (!view || !first || !first.hasProperty('organizer')) return { attendees: {} };
      const owner = { id: view.owner.id, address: view.owner.address };
      const self = owner.address.toLowerCase();
      const speaks = await speaksForOwner(actor, view);
      if (organizerOf(root) !== self) {
        const mine = partstatOf(first, self);
        const cancelled = String(first.getFirstPropertyValue('status') ?? '').toUpperCase() === 'CANCELLED';
        if (mine === null || mine === 'DECLINED' || cancelled || scheduleAgent(organizerProperty(root)) !== 'SERVER') return { attendees: {} };
        return speaks ? answer(owner, root, 'DECLINED') : notSent(root, self);
      }
      if (!speaks) return notSent(root, self);
      const outcome: SchedulingOutcome = { attendees: {} };
      const cancel = cloneRoot(root);
      for (const c of componentsOf(cancel)) c.updatePropertyWithValue('status', 'CANCELLED');
      stripScheduleParameters(cancel);
      const byMail: string[] = [];
      for (const address of serverScheduledAttendees(root, self)) {
        const user = calendarUser(await addresses.resolve(address));
        const ownerId = user?.id ?? null;
        if (!ownerId) {
          byMail.push(address);
          continue;
        }
        const copy = await copies.findCopy(ownerId, uidOf(root));
        // Resources free the slot; people keep the event marked cancelled until they remove it.
        if (copy && user?.kind === 'resource') await collections.deleteObject(systemActor(), copy.calendar.id, copy.object.name);
        else if (copy) await copies.deliver(ownerId, address, cancel, { message: { method: 'CANCEL', originator: self } });
        outcome.attendees[address] = 'cancelled';
      }
      if (byMail.length > 0) {
        const sent = await sendImip({ from: self, senderId: owner.id, to: byMail, method: 'CANCEL', ics: withMethod(cancel, 'CANCEL'), summary: summaryOf(root) });
        for (const a of byMail) outcome.attendees[a] = sent[a] === 'sent' ? 'imip-cancel' : `imip-${sent[a] ?? 'failed'}`;
      }
      return outcome;
    },

    /**
     * RFC 6638 §5: free/busy of other calendar users of the caller's domain:
     * busy time from each one's calendars (opaque, not cancelled events),
     * never the events themselves. Other addresses — and every address, for
     * a caller without a domain — get 3.7 (invalid calendar user).
     */
    async freeBusyOf(actor: Actor, attendees: readonly string[], start: number, end: number, stamp: number) {
      const requester = actor.id !== null ? await store.accounts.get(actor.id) : null;
      const out: { address: string; status: string; data: string | null }[] = [];
      for (const raw of attendees.slice(0, 100)) {
        const address = mailto(raw);
        const owner = calendarUser(await addresses.resolve(address).catch(() => null));
        if (!owner || !requester?.domainId || owner.domainId !== requester.domainId) {
          out.push({ address, status: '3.7;Invalid calendar user', data: null });
          continue;
        }
        const periods = [];
        for (const cal of await copies.calendarsOf(owner.id)) {
          for (const obj of await store.dav.objectsInRange(cal.id, start, end, 'VEVENT')) periods.push(...busyPeriods(parseCalendarObject(obj.data), start, end, limits));
        }
        out.push({ address, status: '2.0;Success', data: freeBusyCalendar(periods, start, end, stamp, { attendee: `mailto:${address}` }).replace('BEGIN:VCALENDAR\r\nVERSION:2.0\r\n', 'BEGIN:VCALENDAR\r\nVERSION:2.0\r\nMETHOD:REPLY\r\n') });
      }
      return out;
    },

    /**
     * An iMIP REPLY that arrived by mail for a local organizer (RFC 6047
     * §2.3): the answering attendee's PARTSTAT is recorded in the
     * organizer's copy and the reply put in their schedule inbox. The intake
     * calls it (as the system) for text/calendar parts with METHOD:REPLY.
     */
    async applyImipReply(actor: Actor, organizer: { id: string; address: string }, ics: string, envelopeSender: string, origin: ImipOrigin = {}): Promise<ImipOutcome> {
      requireSystem(actor, 'applies replies that arrive by mail');
      return incoming.reply(organizer, ics, envelopeSender, origin);
    },

    /**
     * An iMIP REQUEST or CANCEL that arrived by mail for a local attendee
     * (RFC 6047 §2.2): into their schedule inbox and calendar (NEEDS-ACTION).
     */
    async applyImipRequest(actor: Actor, attendee: { id: string; address: string; recipient?: string }, ics: string, envelopeSender: string, origin: ImipOrigin = {}): Promise<ImipOutcome> {
      requireSystem(actor, 'applies invitations that arrive by mail');
      return incoming.request(attendee, ics, envelopeSender, origin);
    },
  };
}

export type Scheduler = ReturnType<typeof createScheduler>;
