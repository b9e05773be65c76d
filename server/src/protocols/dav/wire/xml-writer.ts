// Serializer for DAV responses (multistatus, error bodies, property values).
// Elements are built as plain objects and written once, with the usual
// prefixes declared on the root (d: DAV, c: CalDAV, card: CardDAV, cs:
// CalendarServer, a: Apple iCal) and any other namespace declared where it
// is used. Text and attribute values are escaped; raw XML (a stored dead
// property) is only ever produced by this module's own serializer.
import { DAV_NS, type XmlElement } from './xml-parser.ts';

export const CALDAV_NS = 'urn:ietf:params:xml:ns:caldav';
export const CARDDAV_NS = 'urn:ietf:params:xml:ns:carddav';
export const CS_NS = 'http://calendarserver.org/ns/';
export const APPLE_NS = 'http://apple.com/ns/ical/';

const PREFIXES: Record<string, string> = { [DAV_NS]: 'd', [CALDAV_NS]: 'c', [CARDDAV_NS]: 'card', [CS_NS]: 'cs', [APPLE_NS]: 'a' };

/** An element to write: children are nodes, strings (escaped text) or raw XML fragments. */
export interface XNode {
  ns: string;
  name: string;
  attrs?: Record<string, string>;
  children?: (XNode | string | RawXml)[];
}

/** A fragment already serialized by `serializeElement` (a stored dead property). */
export interface RawXml { raw: string }

export function x(ns: string, name: string, ...children: (XNode | string | RawXml | null | undefined | false)[]): XNode {
  return { ns, name, children: children.filter((c): c is XNode | string | RawXml => c !== null && c !== undefined && c !== false) };
}

export const d = (name: string, ...children: (XNode | string | RawXml | null | undefined | false)[]): XNode => x(DAV_NS, name, ...children);

export function escapeText(s: string): string {
  // Most values (hrefs, entity tags) need nothing: skip the replacements.
  if (!/[&<>\r]/.test(s)) return s;
  return s.replace(/[&<>]/g, (ch) => (ch === '&' ? '&amp;' : ch === '<' ? '&lt;' : '&gt;')).replace(/\r/g, '&#13;');
}

function escapeAttr(s: string): string {
  return escapeText(s).replace(/"/g, '&quot;').replace(/\n/g, '&#10;').replace(/\t/g, '&#9;');
}

function isRaw(n: XNode | string | RawXml): n is RawXml {
  return typeof n === 'object' && 'raw' in n;
}

function write(node: XNode, out: string[], declared: Map<string, string>, counter: { n: number }): void {
  let prefix = declared.get(node.ns);
  let decl = '';
  let scope = declared;
  if (node.ns === '') {
    // An element in no namespace: undeclare the default so it is not captured.
    out.push(`<${node.name} xmlns=""`);
  } else {
    if (prefix === undefined) {
      prefix = PREFIXES[node.ns] ?? `x${counter.n++}`;
      scope = new Map(declared);
      scope.set(node.ns, prefix);
      decl = ` xmlns:${prefix}="${escapeAttr(node.ns)}"`;
    }
    out.push(`<${prefix}:${node.name}${decl}`);
  }
  for (const [k, v] of Object.entries(node.attrs ?? {})) out.push(` ${k}="${escapeAttr(v)}"`);
  const children = node.children ?? [];
  if (children.length === 0) {
    out.push('/>');
    return;
  }
  out.push('>');
  for (const c of children) {
    if (typeof c === 'string') out.push(escapeText(c));
    else if (isRaw(c)) out.push(c.raw);
    else write(c, out, scope, counter);
  }
  out.push(node.ns === '' ? `</${node.name}>` : `</${prefix}:${node.name}>`);
}

/** A whole document with the common prefixes declared on the root. */
export function serializeDocument(root: XNode): string {
  const declared = new Map<string, string>();
  const decls: string[] = [];
  for (const [ns, prefix] of Object.entries(PREFIXES)) {
    declared.set(ns, prefix);
    decls.push(` xmlns:${prefix}="${ns}"`);
  }
  const body: string[] = [];
  write(root, body, declared, { n: 0 });
  // Put the declarations into the root's start tag.
  body[0] += decls.join('');
  return `<?xml version="1.0" encoding="utf-8"?>\n${body.join('')}`;
}

/** A fragment that is self-contained (every namespace declared inside), for storing a dead property. */
export function serializeFragment(node: XNode): string {
  const out: string[] = [];
  write(node, out, new Map(), { n: 0 });
  return out.join('');
}

/** Converts a parsed element back to a node (dead properties: stored as sent). */
export function fromParsed(el: XmlElement): XNode {
  const children: (XNode | string)[] = [];
  if (el.text.trim() !== '' || el.children.length === 0) {
    if (el.text !== '') children.push(el.text);
  }
  for (const c of el.children) children.push(fromParsed(c));
  const attrs: Record<string, string> = {};
  for (const [k, v] of Object.entries(el.attrs)) if (!k.startsWith('{')) attrs[k] = v;
  return { ns: el.ns, name: el.name, attrs, children };
}
