// Scheduling messages that arrive by mail (iMIP, RFC 6047) for a calendar
// user of this server: a REPLY to a local organizer records the attendee's
// answer; a REQUEST or CANCEL puts the invitation, update or cancellation
// into the attendee's schedule inbox and calendar (NEEDS-ACTION until they
// answer). RFC 6047 §3 leaves the trust to the receiver; ours:
//   - the originator (ORGANIZER of a REQUEST/CANCEL, the ATTENDEE of a REPLY)
//     must be who sent it: for an account of ours, the authenticated
//     principal that submitted the message (nobody from outside speaks for
//     a local organizer or attendee); for a shared mailbox of ours, the
//     server sending for it or a principal holding send-as or
//     send-on-behalf on it (the mailbox grant model, directory/delegation.ts);
//     for an outside address, the envelope sender or the From: address;
//   - a message only changes an event that names the same organizer, so an
//     outsider cannot take over another event by reusing its UID;
//   - an older revision (lower SEQUENCE) than the stored one is ignored;
//   - alarms in invitations are dropped (they are the recipient's own).
import type { Actor, AddressService } from '../directory/api.ts';
import type { CollectionService } from '../collections/api.ts';
import { systemActor } from '../directory/access.ts';
import { holdsGrant } from '../directory/delegation.ts';
import type { StoreTx } from '../store/port.ts';
import {
  applyCancel, attendeesOf, componentsOf, instanceKey, mailto, organizerOf, parseRoot, sequenceOf, stripAlarms, stripScheduleParameters,
  uidOf, withoutMethod, type Component,
} from './itip.ts';
import type { ScheduleInbox } from './schedule-inbox.ts';
import type { SchedulingCopies } from './scheduling-copies.ts';

/** What became of a scheduling message: applied, not for us (or stale, or malformed), or refused as not coming from its originator. */
export type ImipOutcome = 'applied' | 'ignored' | 'refused';

/** How a message arrived, for checking its originator. */
export interface ImipOrigin {
  /** The From: address of the message, when it has one. */
  from?: string | null;
  /** Who submitted it (SMTP AUTH, or the server sending for a user); null for mail from outside. */
  principal?: Actor | null;
}

const ANSWERS = new Set(['ACCEPTED', 'DECLINED', 'TENTATIVE', 'DELEGATED']);

function methodOf(root: Component): string {
  return String(root.getFirstPropertyValue('method') ?? '').toUpperCase();
}

function parse(ics: string): Component | null {
  try {
    return parseRoot(ics);
  } catch {
    return null;
  }
}

export function createIncomingItip(deps: {
  copies: SchedulingCopies; inbox: ScheduleInbox; collections: CollectionService;
  addresses: Pick<AddressService, 'resolve' | 'isLocalDomain'>;
  /** The mailbox grants, for who may speak for a shared mailbox. */
  store: Pick<StoreTx, 'groups' | 'mailboxGrants'>;
}) {
  const { copies, inbox, collections, addresses, store } = deps;

  /** Did the calendar user `address` send this? (see the file comment) */
  async function fromOriginator(address: string, envelopeSender: string, origin: ImipOrigin): Promise<boolean> {
    const domain = address.slice(address.lastIndexOf('@') + 1);
    if (!domain || !address.includes('@')) return false;
    if (await addresses.isLocalDomain(domain)) {
      const who = await addresses.resolve(address);
      const by = origin.principal?.id ?? null;
      if (who?.kind === 'account') return by === who.account.id;
      if (who?.kind !== 'shared-mailbox' || by === null) return false;
      const owner = who.sharedMailbox.id;
      return by === owner || await holdsGrant(store, by, owner, 'send-as') || await holdsGrant(store, by, owner, 'send-on-behalf');
    }
    return [envelopeSender, origin.from ?? ''].some((a) => a.trim().toLowerCase() === address);
  }

  return {
    /** RFC 6047 §2.3 / RFC 5546 §3.2.3: an attendee's answer to one of `organizer`'s events. */
    async reply(organizer: { id: string; address: string }, ics: string, envelopeSender: string, origin: ImipOrigin): Promise<ImipOutcome> {
      const root = parse(ics);
      if (!root || methodOf(root) !== 'REPLY') return 'ignored';
      const parts = componentsOf(root);
      const attendee = parts[0] ? attendeesOf(parts[0])[0] : undefined;
      const uid = uidOf(root);
      if (!attendee || !uid) return 'ignored';
      const named = organizerOf(root);
      if (named && named !== organizer.address.toLowerCase()) return 'ignored';
      const who = mailto(attendee.getFirstValue());
      // RFC 6047 §3.2.1: the reply must come from the attendee it speaks for.
      if (!await fromOriginator(who, envelopeSender, origin)) return 'refused';
      const answers = new Map<string, string>();
      for (const c of parts) {
        const mine = attendeesOf(c).find((a) => mailto(a.getFirstValue()) === who);
        const partstat = String(mine?.getParameter('partstat') ?? '').toUpperCase();
        if (ANSWERS.has(partstat)) answers.set(instanceKey(c), partstat);
      }
      if (answers.size === 0) return 'ignored';
      // Only an attendee the event lists is recorded: a reply cannot add people.
      if (!await copies.recordReply(organizer, uid, who, answers)) return 'ignored';
      await inbox.deliver(organizer.id, 'REPLY', root, who);
      return 'applied';
    },

    /**
     * RFC 6047 §2.2 / RFC 5546 §3.2.2 and §3.2.5: an organizer's invitation,
     * update or cancellation for `attendee` (who may be named in it by the
     * address the message was sent to, `recipient`).
     */
    async request(attendee: { id: string; address: string; recipient?: string }, ics: string, envelopeSender: string, origin: ImipOrigin): Promise<ImipOutcome> {
      const root = parse(ics);
      const method = root ? methodOf(root) : '';
      if (!root || (method !== 'REQUEST' && method !== 'CANCEL')) return 'ignored';
      const uid = uidOf(root);
      const organizer = organizerOf(root);
      const own = [attendee.address, attendee.recipient ?? ''].map((a) => a.toLowerCase()).filter(Boolean);
      if (!uid || !organizer || own.includes(organizer)) return 'ignored';
      const me = componentsOf(root).flatMap(attendeesOf).map((a) => mailto(a.getFirstValue())).find((a) => own.includes(a));
      if (!me) return 'ignored';
      if (!await fromOriginator(organizer, envelopeSender, origin)) return 'refused';
      stripAlarms(root);
      stripScheduleParameters(root);
      const existing = await copies.findCopy(attendee.id, uid);
      if (existing && organizerOf(existing.root) !== organizer) return 'refused';
      // RFC 5546 §2.1.5: an older revision than the copy (per instance) changes nothing.
      if (existing) {
        const stored = new Map(componentsOf(existing.root).map((c) => [instanceKey(c), sequenceOf(c)]));
        if (componentsOf(root).some((c) => sequenceOf(c) < (stored.get(instanceKey(c)) ?? Number.NEGATIVE_INFINITY))) return 'ignored';
      }
      if (method === 'REQUEST') {
        await copies.deliver(attendee.id, me, root, { message: { method: 'REQUEST', originator: organizer } });
        return 'applied';
      }
      if (!existing) return 'ignored';
      const cancelled = applyCancel(existing.root, root);
      await collections.putObject(systemActor(), existing.calendar.id, existing.object.name, withoutMethod(cancelled));
      await inbox.deliver(attendee.id, 'CANCEL', root, organizer);
      return 'applied';
    },
  };
}
