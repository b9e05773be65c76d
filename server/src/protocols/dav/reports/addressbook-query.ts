// REPORT addressbook-query (RFC 6352 §8.6) on an address book or the global
// address list, with CARDDAV:limit (§8.6.1: 507 for the truncated rest).
import type { CardResult } from '../../../contacts/api.ts';
import { enc, type Resource } from '../resource.ts';
import { multistatus, responseFor, statusLine } from '../properties/propstat.ts';
import { parseAddressDataSpec, parseCardFilter, reportProps } from '../wire/request-bodies.ts';
import { DAV_NS, child, clark } from '../wire/xml-parser.ts';
import { CARDDAV_NS, d } from '../wire/xml-writer.ts';
import type { DavContext } from '../context.ts';
import type { DavReport } from './report-types.ts';

/** A DAV:response for a card with address-data and the other properties asked. */
export async function cardResponse(ctx: DavContext, parent: Resource, r: CardResult, href: string, props: string[]) {
  const res: Resource = parent.type === 'collection'
    ? { type: 'object', href, kind: 'addressbook', parent, name: r.name, object: await ctx.services.collections.getObject(ctx.actor, parent.view.collection.id, r.name) }
    : { type: 'directory-object', href, home: (parent as Extract<Resource, { type: 'directory' }>).home, name: r.name, etag: r.etag, data: r.data };
  return responseFor(ctx, res, { kind: 'prop', props }, new Map([[clark(CARDDAV_NS, 'address-data'), [r.data]]]));
}

export const addressbookQuery: DavReport = {
  name: clark(CARDDAV_NS, 'addressbook-query'),
  async handle(ctx, body) {
    const t = ctx.target;
    if (!((t.type === 'collection' && t.kind === 'addressbook') || t.type === 'directory')) return { status: 403, xml: d('error', d('supported-report')) };
    const filter = parseCardFilter(body);
    const shape = parseAddressDataSpec(child(body, DAV_NS, 'prop'));
    const limitEl = child(body, CARDDAV_NS, 'limit');
    const nresults = limitEl ? Number.parseInt(child(limitEl, CARDDAV_NS, 'nresults')?.text ?? '', 10) : NaN;
    const limit = Number.isSafeInteger(nresults) && nresults > 0 ? nresults : null;
    const { results, truncated } = t.type === 'directory'
      ? await ctx.services.contacts.queryDirectory(ctx.actor, filter, shape, limit)
      : await ctx.services.contacts.query(ctx.actor, t.view.collection.id, filter, shape, limit);
    const props = reportProps(body);
    const responses = [];
    for (const r of results) responses.push(await cardResponse(ctx, t, r, `${t.href}${enc(r.name)}`, props));
    if (truncated) responses.push(d('response', d('href', t.href), d('status', statusLine(507)), d('error', d('number-of-matches-within-limits'))));
    return { status: 207, xml: multistatus(responses) };
  },
};
