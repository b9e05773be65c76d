// REPORT calendar-multiget (RFC 4791 §7.9): the named objects of one
// calendar; hrefs elsewhere or missing answer 404 each.
import { parseUtc } from '../../../calendar/ical/zones.ts';
import { multistatus, responseFor, statusResponse } from '../properties/propstat.ts';
import { hrefsOf, parseCalendarDataSpec, reportProps } from '../wire/request-bodies.ts';
import { DAV_NS, child, clark } from '../wire/xml-parser.ts';
import { CALDAV_NS, d } from '../wire/xml-writer.ts';
import { groupHrefs } from './multiget-hrefs.ts';
import type { DavReport } from './report-types.ts';

export const calendarMultiget: DavReport = {
  name: clark(CALDAV_NS, 'calendar-multiget'),
  async handle(ctx, body) {
    const t = ctx.target;
    const collection = t.type === 'collection' ? t : t.type === 'object' ? t.parent : null;
    if (!collection || collection.kind !== 'calendar') return { status: 403, xml: d('error', d('supported-report')) };
    const spec = parseCalendarDataSpec(child(body, DAV_NS, 'prop'), parseUtc);
    const props = reportProps(body);
    const { names, foreign } = groupHrefs(hrefsOf(body, ctx.config.maxMultigetHrefs), collection.href);
    const { found, missing } = await ctx.services.calendar.multiget(ctx.actor, collection.view.collection.id, [...names.keys()], spec);
    const responses = [];
    for (const r of found) {
      const res = { type: 'object' as const, href: names.get(r.object.name)!, kind: 'calendar' as const, parent: collection, name: r.object.name, object: r.object };
      responses.push(await responseFor(ctx, res, { kind: 'prop', props }, new Map([[clark(CALDAV_NS, 'calendar-data'), [r.data]]])));
    }
    for (const name of missing) responses.push(statusResponse(names.get(name)!, 404));
    for (const href of foreign) responses.push(statusResponse(href, 404));
    return { status: 207, xml: multistatus(responses) };
  },
};
