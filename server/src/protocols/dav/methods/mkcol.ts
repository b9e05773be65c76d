// MKCOL with an extended body (RFC 5689) and MKCALENDAR (RFC 4791 §5.3.1):
// collections are created only directly in a calendar or address book home.
// Without a body, MKCOL in a calendar home makes a calendar and in an
// address book home an address book (what older clients expect).
import type { CollectionInput } from '../../../collections/api.ts';
import type { CollectionKind } from '../../../model/dav.ts';
import type { DavContext, DavMethod, DavResponse } from '../context.ts';
import { emptyProp, multistatus, propstat } from '../properties/propstat.ts';
import { DIRECTORY_SEGMENT } from '../resource.ts';
import { parseMkcolBody } from '../wire/request-bodies.ts';
import { DAV_NS, clark, parseXml } from '../wire/xml-parser.ts';
import { CALDAV_NS, CARDDAV_NS, d } from '../wire/xml-writer.ts';
import { patchFrom } from './proppatch.ts';

async function make(ctx: DavContext, calendarMethod: boolean): Promise<DavResponse> {
  const target = ctx.target;
  if (target.type !== 'missing') return { status: 405, headers: { allow: 'OPTIONS, GET, HEAD, PUT, DELETE, PROPFIND, PROPPATCH, REPORT, COPY, MOVE' }, xml: d('error', d('resource-must-be-null')) };
  const ct = String(ctx.headers['content-type'] ?? '');
  // RFC 5689 §3 / RFC 4918 §9.3: a body that is not XML is 415 (litmus mkcol_with_body).
  if (ctx.body && ctx.body.length > 0 && ct !== '' && !/xml/i.test(ct)) return { status: 415 };
  const parent = target.parent;
  if (parent && !calendarMethod && (parent.type === 'home' || parent.type === 'collection') && parent.kind === 'files') {
    // A folder of the file area, under the home or another folder.
    const owner = parent.type === 'home' ? parent.account : parent.home;
    if (ctx.body && ctx.body.length > 0) parseMkcolBody(parseXml(ctx.body, ctx.xmlLimits));
    const uri = parent.type === 'home' ? target.segment : `${parent.view.collection.uri}/${target.segment}`;
    if (owner.id !== ctx.actor.id) return { status: 403, xml: d('error', d('need-privileges')) };
    await ctx.services.collections.create(ctx.actor, owner.id, 'files', { uri, displayName: target.segment });
    return { status: 201, headers: { location: `${target.href.replace(/\/?$/, '/')}` } };
  }
  if (!parent || parent.type !== 'home') return { status: 409, body: 'collections can only be created in a calendar or address book home\n' };
  if (parent.account.id !== ctx.actor.id) return { status: 403, xml: d('error', d('need-privileges')) };
  let kind: CollectionKind = parent.kind;
  let updates: ReturnType<typeof parseMkcolBody>['updates'] = [];
  if (ctx.body && ctx.body.length > 0) {
    const parsed = parseMkcolBody(parseXml(ctx.body, ctx.xmlLimits));
    updates = parsed.updates;
    if (!calendarMethod && parsed.resourceTypes.length > 0) {
      const types = new Set(parsed.resourceTypes);
      if (types.has(clark(CALDAV_NS, 'calendar'))) kind = 'calendar';
      else if (types.has(clark(CARDDAV_NS, 'addressbook'))) kind = 'addressbook';
      else return { status: 403, xml: d('error', d('valid-resourcetype')) };
    }
  }
  if (calendarMethod) kind = 'calendar';
  if (kind !== parent.kind) return { status: 403, xml: d('error', d('valid-resourcetype')) };
  if (kind === 'addressbook' && target.segment === DIRECTORY_SEGMENT) return { status: 405, xml: d('error', d('resource-must-be-null')) };
  const { patch, protectedNames } = patchFrom(updates);
  if (protectedNames.length > 0) {
    const names = updates.map((u) => u.name);
    return { status: 403, xml: multistatus([d('response', d('href', target.href), propstat(protectedNames.map(emptyProp), 403), propstat(names.filter((n) => !protectedNames.includes(n)).map(emptyProp), 424))]) };
  }
  const input: CollectionInput = { uri: target.segment, ...patch, properties: Object.fromEntries(Object.entries(patch.properties ?? {}).filter((e): e is [string, string] => e[1] !== null)) };
  await ctx.services.collections.create(ctx.actor, parent.account.id, kind, input);
  return { status: 201, headers: { location: target.href, 'cache-control': 'no-cache' } };
}

export const mkcol: DavMethod = { name: 'MKCOL', handle: (ctx) => make(ctx, false) };
export const mkcalendar: DavMethod = { name: 'MKCALENDAR', handle: (ctx) => make(ctx, true) };
export { DAV_NS };
