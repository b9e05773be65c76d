// A generic CalDAV/CardDAV client for reading everything a user has:
// discovery (RFC 6764 well-known URIs, RFC 5397 current-user-principal,
// RFC 4791 §6.2.1 calendar-home-set, RFC 6352 §7.1.1 addressbook-home-set),
// PROPFIND of the collections, the member list by sync-collection (RFC 6578,
// an empty token lists everything) or PROPFIND Depth 1, and the data by
// calendar-multiget (RFC 4791 §7.9) / addressbook-multiget (RFC 6352 §8.7).
import type { HttpClient } from '../http-client.ts';
import { statusError } from '../http-client.ts';
import { SourceError } from '../source.ts';
import { child, childText, children, descendant, escapeXml, parseXml, XmlError, type XmlNode } from '../../xml/xml-tree.ts';

export const DAV = 'DAV:';
export const CALDAV = 'urn:ietf:params:xml:ns:caldav';
export const CARDDAV = 'urn:ietf:params:xml:ns:carddav';
export const CS = 'http://calendarserver.org/ns/';

export interface DavCollection {
  href: string;
  kind: 'calendar' | 'tasks' | 'contacts';
  displayName: string;
  components: string[];
  syncToken: string | null;
}

export interface DavMember { href: string; etag: string | null }

export interface DavAuth { header: string }

export class DavClient {
  readonly #http: HttpClient;
  readonly #auth: DavAuth;
  readonly #signal: AbortSignal | undefined;

  constructor(http: HttpClient, auth: DavAuth, signal?: AbortSignal) {
    this.#http = http;
    this.#auth = auth;
    this.#signal = signal;
  }

  async #xml(method: string, url: string, depth: string | null, body: string): Promise<{ status: number; root: XmlNode; url: string }> {
    let target = url;
    // Follow redirects ourselves (well-known URIs answer 301/302/307, RFC 6764 §5).
    for (let hop = 0; hop < 5; hop++) {
      const res = await this.#http.request(method, target, {
        headers: { authorization: this.#auth.header, 'content-type': 'application/xml; charset=utf-8', ...(depth !== null ? { depth } : {}) },
        body, signal: this.#signal,
      });
      if ([301, 302, 303, 307, 308].includes(res.status) && res.headers.location) {
        res.discard();
        target = new URL(res.headers.location, target).href;
        continue;
      }
      const err = res.status === 207 ? null : statusError(res, `${method} ${target}`);
      if (err) {
        res.discard();
        throw err;
      }
      const text = await res.text();
      try {
        return { status: res.status, root: parseXml(text), url: target };
      } catch (e) {
        throw new SourceError('fatal', `${method} ${target}: ${(e as XmlError).message}`, { cause: e });
      }
    }
    throw new SourceError('fatal', `${method} ${url}: too many redirects`);
  }

  /** PROPFIND; each response with its href and the props of its 200 propstat. */
  async propfind(url: string, depth: '0' | '1', props: string): Promise<{ href: string; props: XmlNode | null }[]> {
    const { root, url: final } = await this.#xml('PROPFIND', url, depth, `<?xml version="1.0" encoding="utf-8"?><d:propfind xmlns:d="DAV:" xmlns:c="${CALDAV}" xmlns:a="${CARDDAV}" xmlns:cs="${CS}"><d:prop>${props}</d:prop></d:propfind>`);
    return responses(root, final);
  }

  /** Discovery: the calendar and address book homes of the authenticated user. */
  async homes(start: string): Promise<{ calendar: string | null; contacts: string | null }> {
    const base = new URL(start);
    const candidates = base.pathname === '/' || base.pathname === '' ? [new URL('/.well-known/caldav', base).href, base.href] : [base.href];
    let principal: string | null = null;
    for (const url of candidates) {
      try {
        const [r] = await this.propfind(url, '0', '<d:current-user-principal/><c:calendar-home-set/><a:addressbook-home-set/>');
        const homeCal = hrefIn(child(r?.props, CALDAV, 'calendar-home-set'), url);
        const homeCard = hrefIn(child(r?.props, CARDDAV, 'addressbook-home-set'), url);
        if (homeCal || homeCard) return { calendar: homeCal, contacts: homeCard };
        principal = hrefIn(child(r?.props, DAV, 'current-user-principal'), url);
        if (principal) break;
      } catch (err) {
        if (err instanceof SourceError && (err.kind === 'auth' || err.kind === 'busy')) throw err;
      }
    }
    if (!principal) return { calendar: base.href, contacts: base.href };
    const [p] = await this.propfind(principal, '0', '<c:calendar-home-set/><a:addressbook-home-set/>');
    return {
      calendar: hrefIn(child(p?.props, CALDAV, 'calendar-home-set'), principal) ?? principal,
      contacts: hrefIn(child(p?.props, CARDDAV, 'addressbook-home-set'), principal) ?? principal,
    };
  }

  /** The calendars, task lists and address books directly below a home (or the collection itself). */
  async collections(home: string): Promise<DavCollection[]> {
    const found = await this.propfind(home, '1', '<d:resourcetype/><d:displayname/><c:supported-calendar-component-set/><d:sync-token/><cs:getctag/>');
    const out: DavCollection[] = [];
    for (const r of found) {
      const type = child(r.props, DAV, 'resourcetype');
      const isCal = child(type, CALDAV, 'calendar') !== null;
      const isBook = child(type, CARDDAV, 'addressbook') !== null;
      if (!isCal && !isBook) continue;
      const components = children(child(r.props, CALDAV, 'supported-calendar-component-set'), CALDAV, 'comp').map((c) => (c.attrs.name ?? '').toUpperCase());
      const kind = isBook ? 'contacts' : components.length > 0 && !components.includes('VEVENT') && components.includes('VTODO') ? 'tasks' : 'calendar';
      const name = childText(r.props, DAV, 'displayname') || decodeURIComponent(r.href.replace(/\/$/, '').split('/').pop() ?? r.href);
      out.push({ href: r.href, kind, displayName: name, components, syncToken: childText(r.props, DAV, 'sync-token') });
    }
    return out;
  }

  /** Every member resource of a collection: sync-collection with an empty token (RFC 6578 §3.8), else PROPFIND Depth 1. */
  async members(collection: DavCollection): Promise<DavMember[]> {
    if (collection.syncToken !== null) {
      try {
        const { root, url } = await this.#xml('REPORT', collection.href, '0', `<?xml version="1.0" encoding="utf-8"?><d:sync-collection xmlns:d="DAV:"><d:sync-token/><d:sync-level>1</d:sync-level><d:prop><d:getetag/></d:prop></d:sync-collection>`);
        return responses(root, url).filter((r) => r.props !== null && !r.href.endsWith('/')).map((r) => ({ href: r.href, etag: childText(r.props, DAV, 'getetag') }));
      } catch (err) {
        if (err instanceof SourceError && (err.kind === 'auth' || err.kind === 'busy' || err.kind === 'transient')) throw err;
        // Some servers announce a sync-token but refuse the report: PROPFIND below.
      }
    }
    const found = await this.propfind(collection.href, '1', '<d:getetag/><d:resourcetype/>');
    return found.filter((r) => r.href.replace(/\/$/, '') !== collection.href.replace(/\/$/, '') && !r.href.endsWith('/'))
      .map((r) => ({ href: r.href, etag: childText(r.props, DAV, 'getetag') }));
  }

  /** The data of these members by multiget; a member the server does not return comes back with its status. */
  async multiget(collection: DavCollection, hrefs: readonly string[]): Promise<Map<string, { data: string } | { status: string }>> {
    const contacts = collection.kind === 'contacts';
    const body = contacts
      ? `<?xml version="1.0" encoding="utf-8"?><a:addressbook-multiget xmlns:d="DAV:" xmlns:a="${CARDDAV}"><d:prop><d:getetag/><a:address-data/></d:prop>${hrefs.map((h) => `<d:href>${escapeXml(new URL(h).pathname)}</d:href>`).join('')}</a:addressbook-multiget>`
      : `<?xml version="1.0" encoding="utf-8"?><c:calendar-multiget xmlns:d="DAV:" xmlns:c="${CALDAV}"><d:prop><d:getetag/><c:calendar-data/></d:prop>${hrefs.map((h) => `<d:href>${escapeXml(new URL(h).pathname)}</d:href>`).join('')}</c:calendar-multiget>`;
    const { root, url } = await this.#xml('REPORT', collection.href, '1', body);
    const out = new Map<string, { data: string } | { status: string }>();
    for (const r of children(root, DAV, 'response')) {
      const href = absoluteHref(childText(r, DAV, 'href') ?? '', url);
      const data = descendant(r, contacts ? CARDDAV : CALDAV, contacts ? 'address-data' : 'calendar-data');
      if (data && data.text.trim() !== '') out.set(href, { data: data.text });
      else out.set(href, { status: childText(r, DAV, 'status') ?? descendant(r, DAV, 'status')?.text.trim() ?? 'no data returned' });
    }
    return out;
  }
}

/** A DAV:href as an absolute URL (members, multiget results and collections compare these). */
function absoluteHref(href: string, base: string): string {
  try {
    return new URL(href.trim(), base).href;
  } catch {
    return href.trim();
  }
}

function hrefIn(node: XmlNode | null, base: string): string | null {
  const href = childText(node, DAV, 'href');
  return href ? new URL(href, base).href : null;
}

function responses(root: XmlNode, base: string): { href: string; props: XmlNode | null }[] {
  if (root.name !== 'multistatus' || root.ns !== DAV) throw new SourceError('fatal', `expected a DAV:multistatus, got ${root.name}`);
  return children(root, DAV, 'response').map((r) => {
    const ok = children(r, DAV, 'propstat').find((ps) => / 200 /.test(` ${childText(ps, DAV, 'status') ?? ''} `));
    return { href: absoluteHref(childText(r, DAV, 'href') ?? '', base), props: child(ok ?? null, DAV, 'prop') };
  });
}
