// One DAV:response of a multistatus for a resource: the requested
// properties grouped by status (200 found, 404 not defined here), live
// properties from live-properties.ts and dead ones stored on collections.
import type { DavContext } from '../context.ts';
import type { Resource } from '../resource.ts';
import { fileOf } from '../files.ts';
import { DAV_NS } from '../wire/xml-parser.ts';
import { d, x, type RawXml, type XNode } from '../wire/xml-writer.ts';
import type { PropfindRequest } from '../wire/request-bodies.ts';
import { ALLPROP, LIVE, type PropValue } from './live-properties.ts';

const clarkCache = new Map<string, { ns: string; local: string }>();

function parseClark(name: string): { ns: string; local: string } {
  let hit = clarkCache.get(name);
  if (!hit) {
    const m = /^\{([^}]*)\}(.*)$/.exec(name);
    hit = m ? { ns: m[1], local: m[2] } : { ns: '', local: name };
    // Names come from requests: keep the cache bounded.
    if (clarkCache.size > 10_000) clarkCache.clear();
    clarkCache.set(name, hit);
  }
  return hit;
}

const unique = new WeakMap<readonly string[], string[]>();

export function emptyProp(name: string): XNode {
  const { ns, local } = parseClark(name);
  return x(ns, local);
}

export function statusLine(code: number): string {
  const text: Record<number, string> = {
    200: 'OK', 201: 'Created', 204: 'No Content', 403: 'Forbidden', 404: 'Not Found', 409: 'Conflict', 412: 'Precondition Failed',
    424: 'Failed Dependency', 507: 'Insufficient Storage', 500: 'Internal Server Error',
  };
  return `HTTP/1.1 ${code} ${text[code] ?? ''}`.trim();
}

export function propstat(props: (XNode | RawXml)[], code: number): XNode {
  return d('propstat', d('prop', ...props), d('status', statusLine(code)));
}

function deadProperties(res: Resource): Record<string, string> {
  if (res.type === 'collection') return res.view.collection.properties;
  if (res.type === 'object' && res.kind === 'files' && res.object) return fileOf(res.object).props;
  return {};
}

function valueOf(ctx: DavContext, res: Resource, name: string): Promise<PropValue | undefined> | PropValue | RawXml | undefined {
  const getter = LIVE[name];
  // Most getters answer synchronously; only await the ones that read the store.
  if (getter) return getter(ctx, res);
  const dead = deadProperties(res)[name];
  return dead === undefined ? undefined : { raw: dead };
}

/** A DAV:response with the properties asked for; `extra` adds already computed ones (calendar-data, address-data). */
export async function responseFor(ctx: DavContext, res: Resource, req: PropfindRequest, extra: Map<string, PropValue> = new Map()): Promise<XNode> {
  const found: (XNode | RawXml)[] = [];
  const missing: XNode[] = [];
  if (req.kind === 'propname') {
    for (const name of [...Object.keys(LIVE), ...Object.keys(deadProperties(res))]) {
      if (await valueOf(ctx, res, name) !== undefined) found.push(emptyProp(name));
    }
  } else {
    let names: string[];
    if (req.kind === 'prop') {
      // A REPORT asks the same names for every member: deduplicate them once.
      names = unique.get(req.props) ?? [...new Set(req.props)];
      unique.set(req.props, names);
    } else {
      names = [...new Set([...ALLPROP, ...req.include, ...Object.keys(deadProperties(res))])];
    }
    for (const name of names) {
      const computed = extra.get(name);
      let value = computed ?? valueOf(ctx, res, name);
      if (value instanceof Promise) value = await value;
      if (value === undefined) {
        if (req.kind === 'prop') missing.push(emptyProp(name));
      } else if (!Array.isArray(value)) {
        found.push(value);
      } else {
        const { ns, local } = parseClark(name);
        found.push(x(ns, local, ...value));
      }
    }
  }
  const stats: XNode[] = [];
  if (found.length > 0 || missing.length === 0) stats.push(propstat(found, 200));
  if (missing.length > 0) stats.push(propstat(missing, 404));
  return d('response', d('href', res.href), ...stats);
}

export function statusResponse(href: string, code: number): XNode {
  return d('response', d('href', href), d('status', statusLine(code)));
}

export function multistatus(responses: XNode[], extra: XNode[] = []): XNode {
  return { ns: DAV_NS, name: 'multistatus', children: [...responses, ...extra] };
}
