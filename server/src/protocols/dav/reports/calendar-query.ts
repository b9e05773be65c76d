// REPORT calendar-query (RFC 4791 §7.8) on a calendar (Depth 1) or one
// object (Depth 0): the filter is evaluated by the calendar service, which
// narrows candidates with the stored spans and expands only those.
import { parseUtc } from '../../../calendar/ical/zones.ts';
import { header } from '../context.ts';
import { enc } from '../resource.ts';
import { responseFor } from '../properties/propstat.ts';
import { multistatus } from '../properties/propstat.ts';
import { parseCalendarDataSpec, parseCalendarFilter, reportProps } from '../wire/request-bodies.ts';
import { DAV_NS, child, clark } from '../wire/xml-parser.ts';
import { CALDAV_NS, d } from '../wire/xml-writer.ts';
import type { DavReport } from './report-types.ts';

export const calendarQuery: DavReport = {
  name: clark(CALDAV_NS, 'calendar-query'),
  async handle(ctx, body) {
    const t = ctx.target;
    const collection = t.type === 'collection' ? t : t.type === 'object' ? t.parent : null;
    if (!collection || collection.kind !== 'calendar') return { status: 403, xml: d('error', d('supported-report')) };
    const filter = parseCalendarFilter(body, parseUtc);
    const spec = parseCalendarDataSpec(child(body, DAV_NS, 'prop'), parseUtc);
    const props = reportProps(body);
    const withData = props.includes(clark(CALDAV_NS, 'calendar-data'));
    let results = await ctx.services.calendar.query(ctx.actor, collection.view.collection.id, filter, spec, withData);
    if (t.type === 'object' || header(ctx, 'depth') === '0') results = t.type === 'object' ? results.filter((r) => r.object.name === t.name) : [];
    const responses = [];
    for (const r of results) {
      const res = { type: 'object' as const, href: `${collection.href}${enc(r.object.name)}`, kind: 'calendar' as const, parent: collection, name: r.object.name, object: r.object };
      responses.push(await responseFor(ctx, res, { kind: 'prop', props }, withData ? new Map([[clark(CALDAV_NS, 'calendar-data'), [r.data]]]) : new Map()));
    }
    return { status: 207, xml: multistatus(responses) };
  },
};
