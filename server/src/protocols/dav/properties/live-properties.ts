// Live properties (RFC 4918 §15, RFC 3744 §5, RFC 4791 §5.2 and §6.2,
// RFC 6352 §6.2 and §7.1, RFC 6578 §4, RFC 5397, RFC 6638 §2, and the
// calendarserver.org getctag and calendar-proxy extensions clients rely on).
// Each getter answers for a resource or says "not here" (undefined).
import type { CollectionAccess } from '../../../collections/api.ts';
import type { DavContext } from '../context.ts';
import {
  DIRECTORY_SEGMENT, ROOT, collectionHref, homeHref, principalHref, type Resource,
} from '../resource.ts';
import { DAV_NS, clark } from '../wire/xml-parser.ts';
import { APPLE_NS, CALDAV_NS, CARDDAV_NS, CS_NS, d, x, type XNode } from '../wire/xml-writer.ts';
import { syncToken } from './sync-token.ts';
import { fileOf } from '../files.ts';

export type PropValue = (XNode | string)[];
type Getter = (ctx: DavContext, res: Resource) => Promise<PropValue | undefined> | PropValue | undefined;

const href = (h: string): XNode => d('href', h);

function accessOf(res: Resource): CollectionAccess | null {
  if (res.type === 'collection') return res.view.access;
  if (res.type === 'object') return res.parent.view.access;
  return null;
}

/** RFC 3744 §3: the privileges the caller holds here. */
export function privileges(ctx: DavContext, res: Resource): XNode[] {
  const p = (name: string, ns = DAV_NS): XNode => d('privilege', x(ns, name));
  const access = accessOf(res);
  if (res.type === 'home' || res.type === 'principal' || res.type === 'proxy') {
    return res.account.id === ctx.actor.id ? [p('read'), p('write'), p('write-properties'), p('write-content'), p('bind'), p('unbind'), p('read-current-user-privilege-set')] : [p('read'), p('read-current-user-privilege-set')];
  }
  if (!access) return [p('read'), p('read-current-user-privilege-set')];
  if (res.type === 'collection' && res.view.collection.role === 'inbox') {
    // RFC 6638 §6.1.1: the server delivers (schedule-deliver); the owner reads and removes what was delivered.
    return [
      ...(access.read ? [p('read'), p('read-current-user-privilege-set'), p('schedule-deliver', CALDAV_NS)] : []),
      ...(access.writeContent ? [p('unbind')] : []),
      ...(access.writeProperties ? [p('write-properties')] : []),
    ];
  }
  const out: XNode[] = [];
  if (access.read) out.push(p('read'), p('read-current-user-privilege-set'), p('read-free-busy', CALDAV_NS));
  if (access.writeContent) out.push(p('write-content'), p('bind'), p('unbind'));
  if (access.writeProperties) out.push(p('write-properties'));
  if (access.writeContent && access.writeProperties) out.push(p('write'));
  if (access.manage) out.push(p('write-acl'), p('read-acl'));
  if (access.via.includes('owner')) out.push(p('all'));
  return out;
}

function ownerOf(res: Resource): { address: string } | null {
  switch (res.type) {
    case 'principal': case 'proxy': case 'home': return res.account;
    case 'collection': return { address: res.view.owner.address };
    case 'object': return { address: res.parent.view.owner.address };
    case 'directory': case 'directory-object': return res.home;
    default: return null;
  }
}

function isCollection(res: Resource): boolean {
  return res.type !== 'object' && res.type !== 'directory-object' && res.type !== 'missing';
}

const calendarUserAddresses = (a: { address: string }): PropValue => [href(`mailto:${a.address}`), href(principalHref(a))];

export const LIVE: Record<string, Getter> = {
  [clark(DAV_NS, 'resourcetype')]: (_ctx, res) => {
    switch (res.type) {
      case 'principal': return [d('principal')];
      case 'proxy': return [d('principal'), x(CS_NS, res.access === 'read' ? 'calendar-proxy-read' : 'calendar-proxy-write')];
      case 'collection': if (res.kind === 'files') return [d('collection')];
        // RFC 6638 §2.2: the schedule inbox is a collection of scheduling messages, not a calendar.
        if (res.view.collection.role === 'inbox') return [d('collection'), x(CALDAV_NS, 'schedule-inbox')];
        return [d('collection'), res.kind === 'calendar' ? x(CALDAV_NS, 'calendar') : x(CARDDAV_NS, 'addressbook'), ...(res.view.collection.ownerId !== res.home.id ? [x(CS_NS, 'shared')] : [])];
      case 'directory': return [d('collection'), x(CARDDAV_NS, 'addressbook'), x(CARDDAV_NS, 'directory')];
      case 'object': case 'directory-object': return [];
      default: return [d('collection')];
    }
  },
  [clark(DAV_NS, 'displayname')]: (_ctx, res) => {
    switch (res.type) {
      case 'principal': return [res.account.displayName || res.account.address];
      case 'proxy': return [`${res.account.displayName || res.account.address} (${res.access === 'read' ? 'read' : 'read-write'} delegates)`];
      case 'collection': return [res.view.collection.ownerId === res.home.id ? res.view.collection.displayName : `${res.view.collection.displayName} (${res.view.owner.displayName || res.view.owner.address})`];
      case 'directory': return ['Directory'];
      case 'home': return [res.kind === 'calendar' ? 'Calendars' : res.kind === 'addressbook' ? 'Address books' : 'Files'];
      default: return undefined;
    }
  },
  [clark(DAV_NS, 'getetag')]: (_ctx, res) => (res.type === 'object' && res.object ? [`"${res.object.etag}"`] : res.type === 'directory-object' ? [`"${res.etag}"`] : undefined),
  [clark(DAV_NS, 'getcontenttype')]: (_ctx, res) => {
    if (res.type === 'object' && res.object && res.kind === 'files') return [fileOf(res.object).type];
    if (res.type === 'object' && res.object) return [res.kind === 'calendar' ? `text/calendar; charset=utf-8; component=${res.object.component.toLowerCase()}` : 'text/vcard; charset=utf-8'];
    if (res.type === 'directory-object') return ['text/vcard; charset=utf-8'];
    return isCollection(res) ? ['httpd/unix-directory'] : undefined;
  },
  [clark(DAV_NS, 'getcontentlength')]: (_ctx, res) => (res.type === 'object' && res.object
    ? [String(res.kind === 'files' ? Buffer.byteLength(fileOf(res.object).body, 'base64') : res.object.size)] : undefined),
  [clark(DAV_NS, 'getlastmodified')]: (_ctx, res) => {
    const at = res.type === 'object' ? res.object?.updatedAt : res.type === 'collection' ? res.view.collection.updatedAt : undefined;
    return at ? [new Date(at).toUTCString()] : undefined;
  },
  [clark(DAV_NS, 'creationdate')]: (_ctx, res) => {
    const at = res.type === 'object' ? res.object?.createdAt : res.type === 'collection' ? res.view.collection.createdAt : undefined;
    return at ? [new Date(at).toISOString().replace(/\.\d{3}/, '')] : undefined;
  },
  [clark(DAV_NS, 'current-user-principal')]: (ctx) => [href(principalHref(ctx.account))],
  [clark(DAV_NS, 'principal-URL')]: (_ctx, res) => (res.type === 'principal' || res.type === 'proxy' ? [href(res.href)] : undefined),
  [clark(DAV_NS, 'principal-collection-set')]: () => [href(`${ROOT}principals/`)],
  [clark(DAV_NS, 'owner')]: (_ctx, res) => {
    const o = ownerOf(res);
    return o ? [href(principalHref(o))] : undefined;
  },
  [clark(DAV_NS, 'current-user-privilege-set')]: (ctx, res) => (res.type === 'missing' ? undefined : privileges(ctx, res)),
  [clark(DAV_NS, 'supported-report-set')]: (_ctx, res) => {
    const r = (ns: string, name: string): XNode => d('supported-report', d('report', x(ns, name)));
    const common = [r(DAV_NS, 'expand-property'), r(DAV_NS, 'principal-property-search'), r(DAV_NS, 'principal-search-property-set')];
    if (res.type === 'collection' && res.kind === 'calendar') return [...common, r(CALDAV_NS, 'calendar-query'), r(CALDAV_NS, 'calendar-multiget'), r(CALDAV_NS, 'free-busy-query'), r(DAV_NS, 'sync-collection')];
    if (res.type === 'collection' || res.type === 'directory') return [...common, r(CARDDAV_NS, 'addressbook-query'), r(CARDDAV_NS, 'addressbook-multiget'), r(DAV_NS, 'sync-collection')];
    return common;
  },
  [clark(DAV_NS, 'sync-token')]: async (ctx, res) => {
    if (res.type === 'collection') return [syncToken(res.view.collection.id, res.view.collection.syncSeq)];
    if (res.type === 'directory') return [`http://stoa.dev/ns/sync/directory/${(await ctx.services.contacts.directory(ctx.actor)).token}`];
    return undefined;
  },
  [clark(CS_NS, 'getctag')]: async (ctx, res) => {
    if (res.type === 'collection') return [`${res.view.collection.id}-${res.view.collection.syncSeq}`];
    if (res.type === 'directory') return [(await ctx.services.contacts.directory(ctx.actor)).token];
    return undefined;
  },
  [clark(DAV_NS, 'supportedlock')]: (_ctx, res) => (res.type === 'missing' ? undefined : []),
  [clark(DAV_NS, 'lockdiscovery')]: (_ctx, res) => (res.type === 'missing' ? undefined : []),
  [clark(DAV_NS, 'quota-used-bytes')]: async (ctx, res) => (res.type === 'home' && res.account.id === ctx.actor.id ? [String((await ctx.services.collections.usage(ctx.actor, res.account.id)).bytes)] : undefined),
  // RFC 4331: what is left of the account's one quota, which its mail uses too (mail/quota.ts).
  [clark(DAV_NS, 'quota-available-bytes')]: async (ctx, res) => {
    if (res.type !== 'home' || res.account.id !== ctx.actor.id || res.account.quotaBytes === 0) return undefined;
    const { usedBytes, quotaBytes } = await ctx.services.collections.quota(ctx.actor, res.account.id);
    return [String(Math.max(0, quotaBytes - usedBytes))];
  },
  [clark(DAV_NS, 'group-member-set')]: async (ctx, res) => {
    if (res.type === 'principal') return [];
    if (res.type !== 'proxy') return undefined;
    const grants = await ctx.services.collections.delegations(ctx.actor, res.account.id).catch(() => []);
    return grants.filter((g) => g.access === res.access && g.grantee.kind === 'account' && g.grantee.address).map((g) => href(principalHref({ address: g.grantee.address! })));
  },
  [clark(DAV_NS, 'group-membership')]: async (ctx, res) => {
    if (res.type === 'proxy') return [];
    if (res.type !== 'principal') return undefined;
    const owners = await ctx.services.collections.delegators(ctx.actor, res.account.id).catch(() => []);
    return owners.map((o) => href(`${principalHref(o.owner)}calendar-proxy-${o.access === 'read' ? 'read' : 'write'}/`));
  },
  [clark(DAV_NS, 'alternate-URI-set')]: (_ctx, res) => (res.type === 'principal' ? [href(`mailto:${res.account.address}`)] : undefined),
  [clark(DAV_NS, 'resource-id')]: (_ctx, res) => (res.type === 'collection' ? [href(`urn:uuid:${res.view.collection.id}`)] : undefined),

  // CalDAV (RFC 4791) and scheduling addresses (RFC 6638 §2.4.1).
  [clark(CALDAV_NS, 'calendar-home-set')]: (_ctx, res) => (res.type === 'principal' ? [href(homeHref('calendar', res.account))] : undefined),
  [clark(CALDAV_NS, 'calendar-user-address-set')]: (_ctx, res) => (res.type === 'principal' ? calendarUserAddresses(res.account) : undefined),
  // RFC 6638 §2.2.1: delegates reach the owner's inbox too (the collection's rights decide).
  [clark(CALDAV_NS, 'schedule-inbox-URL')]: (_ctx, res) => (res.type === 'principal' ? [href(`${homeHref('calendar', res.account)}inbox/`)] : undefined),
  // RFC 6638 §9.2: where invitations land, on the inbox.
  [clark(CALDAV_NS, 'schedule-default-calendar-URL')]: async (ctx, res) => {
    if (res.type !== 'collection' || res.view.collection.role !== 'inbox') return undefined;
    const home = await ctx.services.collections.home(ctx.actor, res.home.id, 'calendar');
    const calendar = home.find((e) => e.collection.role === 'calendar' && !e.mounted);
    return calendar ? [href(collectionHref('calendar', res.home, calendar))] : [];
  },
  // RFC 6638 §3.2.10: the object's CALDAV:schedule-tag, as the Schedule-Tag header gives it.
  [clark(CALDAV_NS, 'schedule-tag')]: (_ctx, res) => (res.type === 'object' && res.object?.scheduleTag ? [`"${res.object.scheduleTag}"`] : undefined),
  [clark(CALDAV_NS, 'schedule-outbox-URL')]: (ctx, res) => (res.type === 'principal' && res.account.id === ctx.actor.id ? [href(`${homeHref('calendar', res.account)}outbox/`)] : undefined),
  [clark(CALDAV_NS, 'calendar-user-type')]: (_ctx, res) => (res.type === 'principal' ? ['INDIVIDUAL'] : undefined),
  [clark(CS_NS, 'email-address-set')]: (_ctx, res) => (res.type === 'principal' ? [x(CS_NS, 'email-address', res.account.address)] : undefined),
  [clark(CALDAV_NS, 'calendar-description')]: (_ctx, res) => (res.type === 'collection' && res.kind === 'calendar' ? [res.view.collection.description] : undefined),
  [clark(CALDAV_NS, 'calendar-timezone')]: (_ctx, res) => (res.type === 'collection' && res.kind === 'calendar' && res.view.collection.timezone ? [res.view.collection.timezone] : undefined),
  [clark(CALDAV_NS, 'supported-calendar-component-set')]: (_ctx, res) => (res.type === 'collection' && res.kind === 'calendar'
    ? res.view.collection.components.map((c) => ({ ...x(CALDAV_NS, 'comp'), attrs: { name: c } })) : undefined),
  [clark(CALDAV_NS, 'supported-calendar-data')]: (_ctx, res) => (res.type === 'collection' && res.kind === 'calendar'
    ? [{ ...x(CALDAV_NS, 'calendar-data'), attrs: { 'content-type': 'text/calendar', version: '2.0' } }] : undefined),
  [clark(CALDAV_NS, 'max-resource-size')]: (ctx, res) => (res.type === 'collection' && res.kind === 'calendar' ? [String(ctx.config.maxResourceBytes)] : undefined),
  [clark(CALDAV_NS, 'max-instances')]: (ctx, res) => (res.type === 'collection' && res.kind === 'calendar' ? [String(ctx.config.maxInstances)] : undefined),
  [clark(CALDAV_NS, 'min-date-time')]: (_ctx, res) => (res.type === 'collection' && res.kind === 'calendar' ? ['19000101T000000Z'] : undefined),
  [clark(CALDAV_NS, 'max-date-time')]: (_ctx, res) => (res.type === 'collection' && res.kind === 'calendar' ? ['21001231T235959Z'] : undefined),
  [clark(CALDAV_NS, 'schedule-calendar-transp')]: (_ctx, res) => (res.type === 'collection' && res.kind === 'calendar' ? [x(CALDAV_NS, 'opaque')] : undefined),
  [clark(CS_NS, 'calendar-proxy-read-for')]: async (ctx, res) => proxyFor(ctx, res, 'read'),
  [clark(CS_NS, 'calendar-proxy-write-for')]: async (ctx, res) => proxyFor(ctx, res, 'read-write'),
  [clark(APPLE_NS, 'calendar-color')]: (_ctx, res) => (res.type === 'collection' && res.kind === 'calendar' && res.view.collection.color ? [res.view.collection.color] : undefined),
  [clark(APPLE_NS, 'calendar-order')]: (_ctx, res) => (res.type === 'collection' && res.kind === 'calendar' && res.view.collection.order !== null ? [String(res.view.collection.order)] : undefined),

  // CardDAV (RFC 6352).
  [clark(CARDDAV_NS, 'addressbook-home-set')]: (_ctx, res) => (res.type === 'principal' ? [href(homeHref('addressbook', res.account))] : undefined),
  [clark(CARDDAV_NS, 'principal-address')]: () => undefined,
  [clark(CARDDAV_NS, 'directory-gateway')]: (ctx, res) => (res.type === 'principal' && res.account.id === ctx.actor.id ? [href(`${homeHref('addressbook', res.account)}${DIRECTORY_SEGMENT}/`)] : undefined),
  [clark(CARDDAV_NS, 'addressbook-description')]: (_ctx, res) => (res.type === 'collection' && res.kind === 'addressbook' ? [res.view.collection.description] : undefined),
  [clark(CARDDAV_NS, 'supported-address-data')]: (_ctx, res) => ((res.type === 'collection' && res.kind === 'addressbook') || res.type === 'directory'
    ? [{ ...x(CARDDAV_NS, 'address-data-type'), attrs: { 'content-type': 'text/vcard', version: '3.0' } }, { ...x(CARDDAV_NS, 'address-data-type'), attrs: { 'content-type': 'text/vcard', version: '4.0' } }] : undefined),
  [clark(CARDDAV_NS, 'max-resource-size')]: (ctx, res) => (res.type === 'collection' && res.kind === 'addressbook' ? [String(ctx.config.maxResourceBytes)] : undefined),
};

async function proxyFor(ctx: DavContext, res: Resource, access: 'read' | 'read-write'): Promise<PropValue | undefined> {
  if (res.type !== 'principal') return undefined;
  const owners = await ctx.services.collections.delegators(ctx.actor, res.account.id).catch(() => []);
  return owners.filter((o) => o.access === access).map((o) => href(principalHref(o.owner)));
}

/** Properties a PROPFIND allprop returns (RFC 4918 §14.2: not the expensive or computed-on-request ones). */
export const ALLPROP = [
  'resourcetype', 'displayname', 'getetag', 'getcontenttype', 'getcontentlength', 'getlastmodified', 'creationdate', 'supportedlock', 'lockdiscovery',
].map((n) => clark(DAV_NS, n));

export { collectionHref };
