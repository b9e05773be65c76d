// PROPPATCH (RFC 4918 §9.2): every instruction in order, all or nothing.
// Known collection properties map to the collection's fields; others are
// kept as dead properties. Objects and principals carry no writable ones.
import { StoaError } from '../../../errors/catalogue.ts';
import type { CollectionPatch } from '../../../collections/api.ts';
import type { DavContext, DavMethod } from '../context.ts';
import { propstat, emptyProp, multistatus } from '../properties/propstat.ts';
import { LIVE } from '../properties/live-properties.ts';
import { parsePropertyUpdate, type PropertyUpdate } from '../wire/request-bodies.ts';
import { fileOf } from '../files.ts';
import { encodeFile } from '../../../collections/files-codec.ts';
import { DAV_NS, child, clark, parseXml } from '../wire/xml-parser.ts';
import { APPLE_NS, CALDAV_NS, CARDDAV_NS, d, fromParsed, serializeFragment } from '../wire/xml-writer.ts';

const WRITABLE: Record<string, (u: PropertyUpdate, patch: CollectionPatch) => void> = {
  [clark(DAV_NS, 'displayname')]: (u, p) => { p.displayName = u.op === 'set' ? u.value.text : ''; },
  [clark(CALDAV_NS, 'calendar-description')]: (u, p) => { p.description = u.op === 'set' ? u.value.text : ''; },
  [clark(CARDDAV_NS, 'addressbook-description')]: (u, p) => { p.description = u.op === 'set' ? u.value.text : ''; },
  [clark(APPLE_NS, 'calendar-color')]: (u, p) => { p.color = u.op === 'set' && u.value.text.trim() !== '' ? normaliseColor(u.value.text.trim()) : null; },
  [clark(APPLE_NS, 'calendar-order')]: (u, p) => { p.order = u.op === 'set' && u.value.text.trim() !== '' ? Number.parseInt(u.value.text, 10) : null; },
  [clark(CALDAV_NS, 'calendar-timezone')]: (u, p) => { p.timezone = u.op === 'set' && u.value.text.trim() !== '' ? u.value.text : null; },
  [clark(CALDAV_NS, 'supported-calendar-component-set')]: (u, p) => {
    if (u.op === 'set') p.components = u.value.children.filter((c) => c.ns === CALDAV_NS && c.name === 'comp').map((c) => c.attrs.name ?? '');
  },
};

/** Apple sends "#RRGGBB" or "#RRGGBBAA"; some clients omit the "#". */
function normaliseColor(v: string): string {
  return v.startsWith('#') ? v : `#${v}`;
}

/** Builds the collection patch for a list of updates; throws on a protected property. */
export function patchFrom(updates: readonly PropertyUpdate[]): { patch: CollectionPatch; protectedNames: string[] } {
  const patch: CollectionPatch = {};
  const dead: Record<string, string | null> = {};
  const protectedNames: string[] = [];
  for (const u of updates) {
    const writable = WRITABLE[u.name];
    if (writable) writable(u, patch);
    else if (LIVE[u.name]) protectedNames.push(u.name);
    else dead[u.name] = u.op === 'set' ? serializeFragment(fromParsed(u.value)) : null;
  }
  if (Object.keys(dead).length > 0) patch.properties = dead;
  return { patch, protectedNames };
}

export async function applyUpdates(ctx: DavContext, updates: PropertyUpdate[]) {
  const names = updates.map((u) => u.name);
  const target = ctx.target;
  if (target.type === 'object' && target.kind === 'files' && target.object) {
    // Dead properties of a file live in its envelope; live ones are protected.
    const file = fileOf(target.object);
    const protectedNames = updates.filter((u) => LIVE[u.name]).map((u) => u.name);
    if (protectedNames.length > 0) {
      const ok = names.filter((n) => !protectedNames.includes(n));
      return { status: 207, xml: multistatus([d('response', d('href', target.href), propstat(protectedNames.map(emptyProp), 403), ...(ok.length ? [propstat(ok.map(emptyProp), 424)] : []))]) };
    }
    const props = { ...file.props };
    for (const u of updates) {
      if (u.op === 'set') props[u.name] = serializeFragment(fromParsed(u.value));
      else delete props[u.name];
    }
    await ctx.services.collections.putObject(ctx.actor, target.parent.view.collection.id, target.name, encodeFile({ ...file, props }), { etag: target.object.etag });
    return { status: 207, xml: multistatus([d('response', d('href', target.href), propstat(names.map(emptyProp), 200))]) };
  }
  if (target.type !== 'collection') {
    return { status: 207, xml: multistatus([d('response', d('href', target.href), propstat(names.map(emptyProp), 403))]) };
  }
  const { patch, protectedNames } = patchFrom(updates);
  if (protectedNames.length > 0) {
    // RFC 4918 §9.2: one failure fails all; the others report 424 Failed Dependency.
    const ok = names.filter((n) => !protectedNames.includes(n));
    const stats = [propstat(protectedNames.map(emptyProp), 403)];
    if (ok.length > 0) stats.push(propstat(ok.map(emptyProp), 424));
    return { status: 207, xml: multistatus([d('response', d('href', target.href), ...stats, d('responsedescription', 'protected property'))]) };
  }
  try {
    await ctx.services.collections.update(ctx.actor, target.view.collection.id, patch);
  } catch (err) {
    if (err instanceof StoaError && (err.code === 'STOA_VALIDATION' || err.code === 'STOA_DAV_UNSUPPORTED_COMPONENT' || err.code === 'STOA_DAV_TOO_LARGE')) {
      return { status: 207, xml: multistatus([d('response', d('href', target.href), propstat(names.map(emptyProp), 409), d('responsedescription', err.message))]) };
    }
    throw err;
  }
  return { status: 207, xml: multistatus([d('response', d('href', target.href), propstat(names.map(emptyProp), 200))]) };
}

export const proppatch: DavMethod = {
  name: 'PROPPATCH',
  async handle(ctx) {
    if (ctx.target.type === 'missing') return { status: 404 };
    if (!ctx.body || ctx.body.length === 0) return { status: 400, body: 'PROPPATCH needs a DAV:propertyupdate body\n' };
    const root = parseXml(ctx.body, ctx.xmlLimits);
    if (root.ns === DAV_NS && root.name === 'propertyupdate' && !child(root, DAV_NS, 'set') && !child(root, DAV_NS, 'remove')) {
      return { status: 400, body: 'DAV:propertyupdate needs set or remove\n' };
    }
    return applyUpdates(ctx, parsePropertyUpdate(root));
  },
};
