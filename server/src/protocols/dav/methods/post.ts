// POST to the schedule outbox (RFC 6638 §5.1): a VFREEBUSY request for
// calendar users of the caller's domain, answered with a
// CALDAV:schedule-response per recipient (§10.1). Other scheduling goes by
// PUT (implicit scheduling, RFC 6638 §3.2).
import type { DavMethod } from '../context.ts';
import { header } from '../context.ts';
import { homeHref, segmentsOf } from '../resource.ts';
import { CALDAV_NS, d, x } from '../wire/xml-writer.ts';

export const OUTBOX_SEGMENT = 'outbox';

export const post: DavMethod = {
  name: 'POST',
  async handle(ctx) {
    const segs = segmentsOf(ctx.path);
    const mine = segs !== null && segs.length === 3 && segs[0] === 'calendars' && segs[2] === OUTBOX_SEGMENT && segs[1].toLowerCase() === ctx.account.address.toLowerCase();
    if (!mine) return { status: 405, body: 'POST is only for your schedule outbox\n' };
    if (!/text\/calendar/i.test(header(ctx, 'content-type') ?? '')) return { status: 415, body: 'expected text/calendar\n' };
    const answers = await ctx.services.calendar.scheduleFreeBusy(ctx.actor, (ctx.body ?? Buffer.alloc(0)).toString('utf8'));
    return {
      status: 200,
      xml: x(CALDAV_NS, 'schedule-response', ...answers.map((a) => x(CALDAV_NS, 'response',
        x(CALDAV_NS, 'recipient', d('href', `mailto:${a.address}`)),
        x(CALDAV_NS, 'request-status', a.status),
        a.data ? x(CALDAV_NS, 'calendar-data', a.data) : null))),
    };
  },
};

export function outboxHref(account: { address: string }): string {
  return `${homeHref('calendar', account)}${OUTBOX_SEGMENT}/`;
}
