// PROPFIND (RFC 4918 §9.1): Depth 0 or 1; Depth infinity is refused with
// DAV:propfind-finite-depth (§9.1.1), as the RFC allows.
import { header, type DavMethod } from '../context.ts';
import { childrenOf } from '../properties/children.ts';
import { multistatus, responseFor } from '../properties/propstat.ts';
import { parsePropfind } from '../wire/request-bodies.ts';
import { parseXml } from '../wire/xml-parser.ts';
import { d } from '../wire/xml-writer.ts';

export const propfind: DavMethod = {
  name: 'PROPFIND',
  async handle(ctx) {
    if (ctx.target.type === 'missing') return { status: 404 };
    const depth = (header(ctx, 'depth') ?? 'infinity').toLowerCase();
    if (depth !== '0' && depth !== '1') return { status: 403, xml: d('error', d('propfind-finite-depth')) };
    const body = ctx.body && ctx.body.length > 0 ? parseXml(ctx.body, ctx.xmlLimits) : null;
    const req = parsePropfind(body);
    const responses = [await responseFor(ctx, ctx.target, req)];
    if (depth === '1') for (const c of await childrenOf(ctx, ctx.target)) responses.push(await responseFor(ctx, c, req));
    return { status: 207, xml: multistatus(responses) };
  },
};
