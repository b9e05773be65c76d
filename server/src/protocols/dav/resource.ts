// The URL space of the DAV server and what each path names:
//   /dav/                                      root
//   /dav/principals/                           principal collection
//   /dav/principals/<address>/                 a user principal (RFC 3744 §2): an account or a shared mailbox
//   /dav/principals/<address>/calendar-proxy-read/  (and -write/) delegate groups
//   /dav/calendars/<address>/                  calendar home (RFC 4791 §6.2.1)
//   /dav/calendars/<address>/<calendar>/       a calendar; "shared-<id>" = shared with the home's owner
//   /dav/calendars/<address>/<calendar>/<name> a calendar object resource
//   /dav/addressbooks/<address>/…              the same for address books (RFC 6352 §7.1.1);
//                                              "directory" is the global address list
// Resolution asks the services, so rights are checked there: a collection
// the caller may not see resolves as missing.
import type { CollectionView, DavPrincipal } from '../../collections/api.ts';
import type { Actor } from '../../directory/api.ts';
import { isStoaError } from '../../errors/catalogue.ts';
import type { CollectionKind, DavObject, ShareAccess } from '../../model/dav.ts';
import type { DavServices } from './context.ts';

export const ROOT = '/dav/';

/** The logged-in account as a principal. */
export function principalOf(account: Pick<DavPrincipal, 'id' | 'address' | 'displayName' | 'domainId' | 'enabled' | 'quotaBytes'>): DavPrincipal {
  return {
    id: account.id, kind: 'account', address: account.address, displayName: account.displayName, domainId: account.domainId,
    enabled: account.enabled, quotaBytes: account.quotaBytes,
  };
}
export const DIRECTORY_SEGMENT = 'directory';
const SHARED_PREFIX = 'shared-';

export type Resource =
  | { type: 'root'; href: string }
  | { type: 'principals'; href: string }
  | { type: 'principal'; href: string; account: DavPrincipal }
  | { type: 'proxy'; href: string; account: DavPrincipal; access: ShareAccess }
  | { type: 'home'; href: string; kind: CollectionKind; account: DavPrincipal }
  | { type: 'collection'; href: string; kind: CollectionKind; home: DavPrincipal; view: CollectionView }
  | { type: 'object'; href: string; kind: CollectionKind; parent: Extract<Resource, { type: 'collection' }>; name: string; object: DavObject | null }
  | { type: 'directory'; href: string; home: DavPrincipal }
  | { type: 'directory-object'; href: string; home: DavPrincipal; name: string; etag: string; data: string }
  /** Nothing here; `parent` tells whether a PUT or MKCOL could create it. */
  | { type: 'missing'; href: string; parent: Resource | null; segment: string };

export const KIND_SEGMENT: Record<CollectionKind, string> = { calendar: 'calendars', addressbook: 'addressbooks', files: 'files' };

export function enc(segment: string): string {
  return encodeURIComponent(segment).replace(/%40/g, '@');
}

export const principalHref = (a: { address: string }): string => `${ROOT}principals/${enc(a.address)}/`;
export const homeHref = (kind: CollectionKind, a: { address: string }): string => `${ROOT}${KIND_SEGMENT[kind]}/${enc(a.address)}/`;

export function collectionSegment(view: CollectionView, home: { id: string }): string {
  return view.collection.ownerId === home.id ? view.collection.uri : `${SHARED_PREFIX}${view.collection.id}`;
}

export function collectionHref(kind: CollectionKind, home: { address: string; id: string }, view: CollectionView): string {
  // Folders of the file area are named by their path: each segment is encoded, the slashes kept.
  if (kind === 'files') return `${homeHref(kind, home)}${view.collection.uri.split('/').map(enc).join('/')}/`;
  return `${homeHref(kind, home)}${enc(collectionSegment(view, home))}/`;
}

/** The file area (/dav/files/<address>/…): folders at any depth, files inside folders. */
async function resolveFiles(services: DavServices, actor: Actor, owner: DavPrincipal, path: string[]): Promise<Resource> {
  const home: Resource = { type: 'home', href: homeHref('files', owner), kind: 'files', account: owner };
  if (path.length === 0) return home;
  const folder = await orMissing(services.collections.find(actor, owner.id, 'files', path.join('/')));
  if (folder) return { type: 'collection', href: collectionHref('files', owner, folder), kind: 'files', home: owner, view: folder };
  const name = path[path.length - 1];
  const parentPath = path.slice(0, -1);
  const href = `${homeHref('files', owner)}${path.map(enc).join('/')}`;
  if (parentPath.length === 0) return missing(`${href}/`, home, name);
  const parent = await orMissing(services.collections.find(actor, owner.id, 'files', parentPath.join('/')));
  if (!parent) return missing(href, null, name);
  const collection: Extract<Resource, { type: 'collection' }> = { type: 'collection', href: collectionHref('files', owner, parent), kind: 'files', home: owner, view: parent };
  const object = parent.access.read ? await orMissing(services.collections.getObject(actor, parent.collection.id, name)) : null;
  if (!object) return missing(href, collection, name);
  return { type: 'object', href, kind: 'files', parent: collection, name, object };
}

/** Splits a request path into decoded segments; null when it is not under /dav/ or badly encoded. */
export function segmentsOf(path: string): string[] | null {
  const clean = path.split('?')[0];
  if (clean !== '/dav' && !clean.startsWith(ROOT)) return null;
  try {
    return clean.slice(ROOT.length).split('/').filter((s) => s !== '').map((s) => decodeURIComponent(s));
  } catch {
    return null;
  }
}

function missing(href: string, parent: Resource | null, segment: string): Resource {
  return { type: 'missing', href, parent, segment };
}

async function orMissing<T>(work: Promise<T>): Promise<T | null> {
  try {
    return await work;
  } catch (err) {
    if (isStoaError(err, 'STOA_NOT_FOUND') || isStoaError(err, 'STOA_FORBIDDEN')) return null;
    throw err;
  }
}

/** What `path` names for `actor`. */
export async function resolveResource(services: DavServices, actor: Actor, path: string): Promise<Resource> {
  const segs = segmentsOf(path);
  if (segs === null) return missing(path, null, '');
  const href = ROOT + segs.map(enc).join('/') + (segs.length > 0 ? '/' : '');
  if (segs.length === 0) return { type: 'root', href: ROOT };
  const [area, address, third, fourth, ...rest] = segs;
  const root: Resource = { type: 'root', href: ROOT };
  if (area === 'principals') {
    const principals: Resource = { type: 'principals', href: `${ROOT}principals/` };
    if (!address) return principals;
    const account = await orMissing(services.collections.principal(actor, address));
    if (!account) return missing(href, null, address);
    const p: Resource = { type: 'principal', href: principalHref(account), account };
    if (!third) return p;
    if (fourth === undefined && (third === 'calendar-proxy-read' || third === 'calendar-proxy-write')) {
      return { type: 'proxy', href: `${principalHref(account)}${third}/`, account, access: third === 'calendar-proxy-read' ? 'read' : 'read-write' };
    }
    return missing(href, null, third);
  }
  const kind: CollectionKind | null = area === 'calendars' ? 'calendar' : area === 'addressbooks' ? 'addressbook' : area === 'files' ? 'files' : null;
  if (!kind) return missing(href, root, area);
  if (!address) return missing(href, root, area);
  const owner = await orMissing(services.collections.principal(actor, address));
  if (!owner) return missing(href, null, address);
  // Every account has a default calendar, task list and address book, created at its first DAV request.
  if (actor.id === owner.id) await services.collections.ensureDefaults(actor, owner.id);
  if (kind === 'files') return resolveFiles(services, actor, owner, segs.slice(2));
  const home: Resource = { type: 'home', href: homeHref(kind, owner), kind, account: owner };
  if (!third) return home;
  if (kind === 'addressbook' && third === DIRECTORY_SEGMENT && actor.id === owner.id) {
    const dir: Resource = { type: 'directory', href: `${homeHref(kind, owner)}${DIRECTORY_SEGMENT}/`, home: owner };
    if (fourth === undefined) return dir;
    if (rest.length > 0) return missing(href, null, fourth);
    const card = (await services.contacts.directory(actor)).cards.find((c) => c.name === fourth);
    if (!card) return missing(`${dir.href}${enc(fourth)}`, dir, fourth);
    return { type: 'directory-object', href: `${dir.href}${enc(fourth)}`, home: owner, name: fourth, etag: card.etag, data: card.data };
  }
  let view = await orMissing(services.collections.find(actor, owner.id, kind, third));
  if (!view && third.startsWith(SHARED_PREFIX) && actor.id === owner.id) {
    const shared = await orMissing(services.collections.get(actor, third.slice(SHARED_PREFIX.length)));
    if (shared && shared.collection.kind === kind && shared.collection.ownerId !== owner.id) view = shared;
  }
  if (!view) {
    if (fourth !== undefined) return missing(href, null, fourth);
    return missing(`${homeHref(kind, owner)}${enc(third)}/`, home, third);
  }
  const collection: Extract<Resource, { type: 'collection' }> = { type: 'collection', href: collectionHref(kind, owner, view), kind, home: owner, view };
  if (fourth === undefined) return collection;
  if (rest.length > 0) return missing(href, null, rest[0]);
  const object = view.access.read ? await orMissing(services.collections.getObject(actor, view.collection.id, fourth)) : null;
  return { type: 'object', href: `${collection.href}${enc(fourth)}`, kind, parent: collection, name: fourth, object };
}
