// Principal discovery reports clients use: expand-property (RFC 3253 §3.8,
// Apple's way to read calendar-proxy groups and their members in one go),
// principal-property-search and principal-search-property-set (RFC 3744
// §9.4, §9.5) over the accounts of the caller's domain the directory shows.
import { isStoaError } from '../../../errors/catalogue.ts';
import type { DavContext } from '../context.ts';
import { multistatus, responseFor } from '../properties/propstat.ts';
import { principalHref } from '../resource.ts';
import type { Resource } from '../resource.ts';
import { LIVE, type PropValue } from '../properties/live-properties.ts';
import { DAV_NS, child, childrenOf, clark, clarkOf, type XmlElement } from '../wire/xml-parser.ts';
import { CALDAV_NS, d, x, type XNode } from '../wire/xml-writer.ts';
import type { DavReport } from './report-types.ts';

async function expand(ctx: DavContext, res: Resource, props: XmlElement[], depth: number): Promise<XNode> {
  const direct: string[] = [];
  const extra = new Map<string, PropValue>();
  for (const p of props) {
    const name = `{${p.attrs.namespace ?? DAV_NS}}${p.attrs.name ?? ''}`;
    direct.push(name);
    const nested = childrenOf(p, DAV_NS, 'property');
    const getter = LIVE[name];
    if (nested.length === 0 || !getter || depth > 3) continue;
    const value = await getter(ctx, res);
    if (!value) continue;
    const expanded: XNode[] = [];
    for (const v of value) {
      if (typeof v === 'string' || v.name !== 'href') continue;
      const target = await ctx.resolve(String(v.children?.[0] ?? ''));
      if (target.type === 'missing') continue;
      expanded.push(await expand(ctx, target, nested, depth + 1));
    }
    extra.set(name, expanded);
  }
  return responseFor(ctx, res, { kind: 'prop', props: direct }, extra);
}

export const expandProperty: DavReport = {
  name: clark(DAV_NS, 'expand-property'),
  async handle(ctx, body) {
    return { status: 207, xml: multistatus([await expand(ctx, ctx.target, childrenOf(body, DAV_NS, 'property'), 0)]) };
  },
};

export const principalSearchPropertySet: DavReport = {
  name: clark(DAV_NS, 'principal-search-property-set'),
  async handle() {
    const p = (ns: string, name: string, what: string): XNode => d('principal-search-property', d('prop', x(ns, name)), d('description', what));
    return { status: 200, xml: d('principal-search-property-set', p(DAV_NS, 'displayname', 'Display name'), p(CALDAV_NS, 'calendar-user-address-set', 'E-mail address')) };
  },
};

export const principalPropertySearch: DavReport = {
  name: clark(DAV_NS, 'principal-property-search'),
  async handle(ctx, body) {
    const terms = childrenOf(body, DAV_NS, 'property-search').map((s) => (child(s, DAV_NS, 'match')?.text ?? '').trim().toLowerCase()).filter(Boolean);
    const props = (child(body, DAV_NS, 'prop')?.children ?? []).map(clarkOf);
    const responses: XNode[] = [];
    // Only exact addresses are looked up: listing a domain's users is the directory's business (the global address list).
    for (const term of terms.slice(0, 10)) {
      try {
        const account = await ctx.services.collections.principal(ctx.actor, term.replace(/^mailto:/, ''));
        responses.push(await responseFor(ctx, { type: 'principal', href: principalHref(account), account }, { kind: 'prop', props }));
      } catch (err) {
        if (!isStoaError(err, 'STOA_NOT_FOUND')) throw err;
      }
    }
    return { status: 207, xml: multistatus(responses) };
  },
};
