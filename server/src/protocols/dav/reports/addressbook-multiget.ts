// REPORT addressbook-multiget (RFC 6352 §8.7).
import type { CardResult } from '../../../contacts/api.ts';
import { multistatus, statusResponse } from '../properties/propstat.ts';
import { hrefsOf, parseAddressDataSpec, reportProps } from '../wire/request-bodies.ts';
import { DAV_NS, child, clark } from '../wire/xml-parser.ts';
import { CARDDAV_NS, d } from '../wire/xml-writer.ts';
import { cardResponse } from './addressbook-query.ts';
import { groupHrefs } from './multiget-hrefs.ts';
import type { DavReport } from './report-types.ts';
import { cardLimits, shapeCard } from '../../../contacts/card-shape.ts';

export const addressbookMultiget: DavReport = {
  name: clark(CARDDAV_NS, 'addressbook-multiget'),
  async handle(ctx, body) {
    const t = ctx.target;
    if (!((t.type === 'collection' && t.kind === 'addressbook') || t.type === 'directory')) return { status: 403, xml: d('error', d('supported-report')) };
    const shape = parseAddressDataSpec(child(body, DAV_NS, 'prop'));
    const props = reportProps(body);
    const { names, foreign } = groupHrefs(hrefsOf(body, ctx.config.maxMultigetHrefs), t.href);
    let found: CardResult[];
    let missing: string[];
    if (t.type === 'directory') {
      const { cards } = await ctx.services.contacts.directory(ctx.actor);
      found = cards.filter((c) => names.has(c.name)).map((c) => ({ ...c, data: shapeCard(c.data, shape, cardLimits(ctx.config.maxResourceBytes)) }));
      missing = [...names.keys()].filter((n) => !found.some((c) => c.name === n));
    } else {
      ({ found, missing } = await ctx.services.contacts.multiget(ctx.actor, t.view.collection.id, [...names.keys()], shape));
    }
    const responses = [];
    for (const r of found) responses.push(await cardResponse(ctx, t, r, names.get(r.name)!, props));
    for (const name of missing) responses.push(statusResponse(names.get(name)!, 404));
    for (const href of foreign) responses.push(statusResponse(href, 404));
    return { status: 207, xml: multistatus(responses) };
  },
};
