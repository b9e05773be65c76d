// REPORT free-busy-query (RFC 4791 §7.10): a text/calendar VFREEBUSY for the
// calendar's busy time in the range (not a multistatus).
import { parseUtc } from '../../../calendar/ical/zones.ts';
import { parseTimeRange } from '../wire/request-bodies.ts';
import { child, clark } from '../wire/xml-parser.ts';
import { CALDAV_NS, d } from '../wire/xml-writer.ts';
import type { DavReport } from './report-types.ts';

export const freeBusyQuery: DavReport = {
  name: clark(CALDAV_NS, 'free-busy-query'),
  async handle(ctx, body) {
    const t = ctx.target;
    if (t.type !== 'collection' || t.kind !== 'calendar') return { status: 403, xml: d('error', d('supported-report')) };
    const range = parseTimeRange(child(body, CALDAV_NS, 'time-range'), parseUtc);
    if (!range || range.start === null || range.end === null) return { status: 400, body: 'free-busy-query needs a time-range with start and end\n' };
    const text = await ctx.services.calendar.freeBusy(ctx.actor, t.view.collection.id, range);
    return { status: 200, headers: { 'content-type': 'text/calendar; charset=utf-8' }, body: text };
  },
};
