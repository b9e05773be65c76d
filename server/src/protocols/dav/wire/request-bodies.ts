// Typed requests from parsed DAV bodies: PROPFIND (RFC 4918 §14.20),
// PROPPATCH (§14.19), extended MKCOL (RFC 5689) and MKCALENDAR (RFC 4791
// §5.3.1), and the REPORT bodies of CalDAV, CardDAV and sync-collection.
// Pure functions: element trees in, requests or XmlError out.
import {
  COLLATIONS, type CalendarDataSpec, type CardFilter, type Collation, type CompFilter, type CompSelection, type ParamFilter,
  type PropFilter, type TextMatch, type TimeRange,
} from '../../../model/dav-filter.ts';
import { DAV_NS, XmlError, child, childrenOf, clarkOf, type XmlElement } from './xml-parser.ts';
import { CALDAV_NS, CARDDAV_NS } from './xml-writer.ts';

function bad(message: string): XmlError {
  return new XmlError('malformed', message);
}

export type PropfindRequest =
  | { kind: 'allprop'; include: string[] }
  | { kind: 'propname' }
  | { kind: 'prop'; props: string[] };

/** An empty body means allprop (RFC 4918 §9.1). */
export function parsePropfind(root: XmlElement | null): PropfindRequest {
  if (!root) return { kind: 'allprop', include: [] };
  if (root.ns !== DAV_NS || root.name !== 'propfind') throw bad('the body of PROPFIND must be DAV:propfind');
  if (child(root, DAV_NS, 'propname')) return { kind: 'propname' };
  const prop = child(root, DAV_NS, 'prop');
  if (prop) return { kind: 'prop', props: prop.children.map(clarkOf) };
  if (child(root, DAV_NS, 'allprop')) return { kind: 'allprop', include: (child(root, DAV_NS, 'include')?.children ?? []).map(clarkOf) };
  throw bad('DAV:propfind needs prop, allprop or propname');
}

/** One instruction of PROPPATCH, in document order (RFC 4918 §14.19: applied in order, all or nothing). */
export interface PropertyUpdate { op: 'set' | 'remove'; name: string; value: XmlElement }

export function parsePropertyUpdate(root: XmlElement, expected: { ns: string; name: string } = { ns: DAV_NS, name: 'propertyupdate' }): PropertyUpdate[] {
  if (root.ns !== expected.ns || root.name !== expected.name) throw bad(`the body must be {${expected.ns}}${expected.name}`);
  const out: PropertyUpdate[] = [];
  for (const c of root.children) {
    if (c.ns !== DAV_NS || (c.name !== 'set' && c.name !== 'remove')) continue;
    const prop = child(c, DAV_NS, 'prop');
    if (!prop) throw bad(`DAV:${c.name} without DAV:prop`);
    for (const p of prop.children) out.push({ op: c.name, name: clarkOf(p), value: p });
  }
  return out;
}

/** RFC 5689 §5.1 mkcol / RFC 4791 §9.1 mkcalendar: the resource type and the properties to set. */
export function parseMkcolBody(root: XmlElement): { resourceTypes: string[]; updates: PropertyUpdate[] } {
  const isMkcol = root.ns === DAV_NS && root.name === 'mkcol';
  const isMkcalendar = root.ns === CALDAV_NS && root.name === 'mkcalendar';
  if (!isMkcol && !isMkcalendar) throw bad('the body must be DAV:mkcol or CALDAV:mkcalendar');
  const updates: PropertyUpdate[] = [];
  let resourceTypes: string[] = [];
  for (const set of childrenOf(root, DAV_NS, 'set')) {
    for (const p of child(set, DAV_NS, 'prop')?.children ?? []) {
      if (p.ns === DAV_NS && p.name === 'resourcetype') resourceTypes = p.children.map(clarkOf);
      else updates.push({ op: 'set', name: clarkOf(p), value: p });
    }
  }
  return { resourceTypes, updates };
}

function collationOf(el: XmlElement): Collation {
  const c = (el.attrs.collation ?? 'i;ascii-casemap') as Collation;
  // RFC 4791 §7.5.1: an unsupported collation fails the CALDAV:supported-collation precondition.
  if (!COLLATIONS.includes(c)) throw new XmlError('malformed', `unsupported collation ${c}`);
  return c;
}

function textMatch(el: XmlElement | undefined, cardDav: boolean): TextMatch | null {
  if (!el) return null;
  const matchType = (el.attrs['match-type'] ?? 'contains') as TextMatch['matchType'];
  if (!['contains', 'equals', 'starts-with', 'ends-with'].includes(matchType) || (!cardDav && el.attrs['match-type'])) {
    if (cardDav) throw bad(`unknown match-type ${matchType}`);
  }
  const negate = (el.attrs['negate-condition'] ?? 'no') === 'yes';
  return { value: el.text, collation: collationOf(el), negate, matchType: cardDav ? matchType : 'contains' };
}

/** RFC 4791 §9.9 time-range: start and end in UTC ("20260101T000000Z"); at least one of them. */
export function parseTimeRange(el: XmlElement | undefined, parseUtc: (v: string) => number | null): TimeRange | null {
  if (!el) return null;
  const read = (name: string): number | null => {
    const v = el.attrs[name];
    if (v === undefined) return null;
    const ms = parseUtc(v);
    if (ms === null) throw bad(`time-range ${name}="${v}" is not a UTC date-time like 20260101T000000Z`);
    return ms;
  };
  const range = { start: read('start'), end: read('end') };
  if (range.start === null && range.end === null) throw bad('time-range needs start or end');
  if (range.start !== null && range.end !== null && range.end <= range.start) throw bad('time-range end must be after start');
  return range;
}

function paramFilter(el: XmlElement, ns: string, cardDav: boolean): ParamFilter {
  const name = el.attrs.name;
  if (!name) throw bad('param-filter without name');
  return { name, isNotDefined: !!child(el, ns, 'is-not-defined'), textMatch: textMatch(child(el, ns, 'text-match'), cardDav) };
}

function propFilter(el: XmlElement, ns: string, cardDav: boolean, parseUtc: (v: string) => number | null): PropFilter {
  const name = el.attrs.name;
  if (!name) throw bad('prop-filter without name');
  const test = el.attrs.test === 'allof' ? 'allof' : 'anyof';
  return {
    name, test,
    isNotDefined: !!child(el, ns, 'is-not-defined'),
    timeRange: cardDav ? null : parseTimeRange(child(el, ns, 'time-range'), parseUtc),
    textMatches: childrenOf(el, ns, 'text-match').map((t) => textMatch(t, cardDav)!),
    params: childrenOf(el, ns, 'param-filter').map((p) => paramFilter(p, ns, cardDav)),
  };
}

function compFilter(el: XmlElement, parseUtc: (v: string) => number | null, depth = 0): CompFilter {
  if (depth > 8) throw new XmlError('too-large', 'comp-filter nested too deep');
  const name = el.attrs.name;
  if (!name) throw bad('comp-filter without name');
  return {
    name,
    isNotDefined: !!child(el, CALDAV_NS, 'is-not-defined'),
    timeRange: parseTimeRange(child(el, CALDAV_NS, 'time-range'), parseUtc),
    props: childrenOf(el, CALDAV_NS, 'prop-filter').map((p) => propFilter(p, CALDAV_NS, false, parseUtc)),
    comps: childrenOf(el, CALDAV_NS, 'comp-filter').map((c) => compFilter(c, parseUtc, depth + 1)),
  };
}

export function parseCalendarFilter(report: XmlElement, parseUtc: (v: string) => number | null): CompFilter {
  const filter = child(report, CALDAV_NS, 'filter');
  const top = filter && child(filter, CALDAV_NS, 'comp-filter');
  if (!top) throw bad('calendar-query needs CALDAV:filter with one comp-filter');
  return compFilter(top, parseUtc);
}

export function parseCardFilter(report: XmlElement): CardFilter {
  const filter = child(report, CARDDAV_NS, 'filter');
  if (!filter) return { test: 'anyof', props: [] };
  return { test: filter.attrs.test === 'allof' ? 'allof' : 'anyof', props: childrenOf(filter, CARDDAV_NS, 'prop-filter').map((p) => propFilter(p, CARDDAV_NS, true, () => null)) };
}

function compSelection(el: XmlElement, depth = 0): CompSelection {
  if (depth > 8) throw new XmlError('too-large', 'comp nested too deep');
  return {
    name: el.attrs.name ?? '',
    allProps: !!child(el, CALDAV_NS, 'allprop') || childrenOf(el, CALDAV_NS, 'prop').length === 0,
    props: childrenOf(el, CALDAV_NS, 'prop').map((p) => p.attrs.name ?? '').filter(Boolean),
    allComps: !!child(el, CALDAV_NS, 'allcomp') || childrenOf(el, CALDAV_NS, 'comp').length === 0,
    comps: childrenOf(el, CALDAV_NS, 'comp').map((c) => compSelection(c, depth + 1)),
  };
}

/** RFC 4791 §9.6 calendar-data inside DAV:prop; null when the element is absent or asks for nothing special. */
export function parseCalendarDataSpec(prop: XmlElement | undefined, parseUtc: (v: string) => number | null): CalendarDataSpec | null {
  const el = prop && child(prop, CALDAV_NS, 'calendar-data');
  if (!el) return null;
  const comp = child(el, CALDAV_NS, 'comp');
  const expand = child(el, CALDAV_NS, 'expand');
  const limit = child(el, CALDAV_NS, 'limit-recurrence-set');
  const need = (e: XmlElement | undefined, what: string): TimeRange | null => {
    if (!e) return null;
    const r = parseTimeRange(e, parseUtc);
    if (!r || r.start === null || r.end === null) throw bad(`${what} needs start and end`);
    return r;
  };
  return { comp: comp ? compSelection(comp) : null, expand: need(expand, 'expand'), limitRecurrenceSet: need(limit, 'limit-recurrence-set') };
}

/** RFC 6352 §10.4 address-data: the vCard version (content-type/version attributes) and properties asked. */
export function parseAddressDataSpec(prop: XmlElement | undefined): { version: '3.0' | '4.0' | null; props: string[] | null } {
  const el = prop && child(prop, CARDDAV_NS, 'address-data');
  if (!el) return { version: null, props: null };
  const version = el.attrs.version === '4.0' ? '4.0' : el.attrs.version === '3.0' ? '3.0' : null;
  if (el.attrs['content-type'] && el.attrs['content-type'] !== 'text/vcard') throw bad(`unsupported address-data content-type ${el.attrs['content-type']}`);
  const props = childrenOf(el, CARDDAV_NS, 'prop').map((p) => p.attrs.name ?? '').filter(Boolean);
  return { version, props: props.length > 0 && !child(el, CARDDAV_NS, 'allprop') ? props : null };
}

export function hrefsOf(report: XmlElement, max: number): string[] {
  const hrefs = childrenOf(report, DAV_NS, 'href').map((h) => h.text.trim());
  if (hrefs.length > max) throw new XmlError('too-large', `more than ${max} hrefs`);
  return hrefs;
}

/** The property names a REPORT asks for (its DAV:prop), besides calendar-data / address-data. */
export function reportProps(report: XmlElement): string[] {
  return (child(report, DAV_NS, 'prop')?.children ?? []).map(clarkOf);
}
