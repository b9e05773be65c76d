// iMIP in (RFC 6047): the intake's CalendarMessages port (intake/api.ts),
// implemented over the scheduler the way sieve/delivery-rules.ts implements
// DeliveryRules. A REPLY goes to the organizer's copy, a REQUEST or CANCEL
// to the attendee's inbox and calendar; the scheduler checks that the
// message comes from its originator (incoming-itip.ts). Failures are logged
// and reported, never thrown: the mail itself is delivered.
import { systemActor } from '../directory/access.ts';
import { isStoaError } from '../errors/catalogue.ts';
import type { CalendarMessages } from '../intake/api.ts';
import type { Scheduler } from './scheduling.ts';

export function createImipReceiver(deps: { scheduler: Pick<Scheduler, 'applyImipReply' | 'applyImipRequest'> }): CalendarMessages {
  const system = systemActor();
  return {
    async receive(m) {
      const origin = { from: m.from, principal: m.principal };
      try {
        switch (m.method) {
          case 'REPLY':
            return await deps.scheduler.applyImipReply(system, { id: m.accountId, address: m.address }, m.ics, m.sender, origin);
          case 'REQUEST':
          case 'CANCEL':
            return await deps.scheduler.applyImipRequest(system, { id: m.accountId, address: m.address, recipient: m.recipient }, m.ics, m.sender, origin);
          default:
            // PUBLISH, ADD, REFRESH, COUNTER, DECLINECOUNTER: shown as mail only.
            return 'ignored';
        }
      } catch (err) {
        m.log.warn({ err, code: isStoaError(err) ? err.code : undefined, method: m.method, account: m.address }, 'iMIP message could not be applied');
        return 'failed';
      }
    },
  };
}
