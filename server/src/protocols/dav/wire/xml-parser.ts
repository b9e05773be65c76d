// A small, safe XML parser for WebDAV request bodies (RFC 4918 §8.2 "XML
// processing"): namespaces resolved per XML Namespaces 1.0, no DTDs and so
// no external or custom entities (a DOCTYPE is refused outright, which also
// rules out "billion laughs"), only the five predefined entities and
// character references, and hard limits on size, depth, element count and
// attribute count. The result is a plain tree; text is kept per element.
// No sockets, no store: bytes in, tree or XmlError out.

export const DAV_NS = 'DAV:';

export interface XmlElement {
  /** Namespace URI ('' for none). */
  ns: string;
  /** Local name. */
  name: string;
  /** Attributes by Clark name ("{ns}local", or "local" without namespace). */
  attrs: Record<string, string>;
  children: XmlElement[];
  /** Concatenated character data directly inside this element. */
  text: string;
  /** Namespace declarations in scope here (prefix → URI), for re-serializing dead properties. */
  scope: Readonly<Record<string, string>>;
}

export interface XmlLimits {
  maxBytes: number;
  maxDepth: number;
  maxElements: number;
  maxAttributes: number;
}

export const DEFAULT_XML_LIMITS: XmlLimits = { maxBytes: 1024 * 1024, maxDepth: 32, maxElements: 20_000, maxAttributes: 32 };

export type XmlErrorKind = 'malformed' | 'too-large' | 'forbidden-construct';

export class XmlError extends Error {
  readonly kind: XmlErrorKind;
  constructor(kind: XmlErrorKind, message: string) {
    super(message);
    this.name = 'XmlError';
    this.kind = kind;
  }
}

const NAME_START = /[A-Za-z_\u00C0-\u00D6\u00D8-\u00F6\u00F8-\u02FF\u0370-\u037D\u037F-\u1FFF\u200C-\u200D\u2070-\u218F\u2C00-\u2FEF\u3001-\uD7FF\uF900-\uFDCF\uFDF0-\uFFFD]/;
const NAME_CHAR = /[-.0-9A-Za-z_:\u00B7\u00C0-\u00D6\u00D8-\u00F6\u00F8-\u037D\u037F-\u1FFF\u200C-\u200D\u203F-\u2040\u2070-\u218F\u2C00-\u2FEF\u3001-\uD7FF\uF900-\uFDCF\uFDF0-\uFFFD]/;
const PREDEFINED: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };
const XML_NS = 'http://www.w3.org/XML/1998/namespace';

/** XML 1.0 §2.2 Char: refuses NUL and other control characters a client should never send. */
function isXmlChar(code: number): boolean {
  return code === 0x9 || code === 0xa || code === 0xd || (code >= 0x20 && code <= 0xd7ff) || (code >= 0xe000 && code <= 0xfffd) || (code >= 0x10000 && code <= 0x10ffff);
}

function decodeEntities(raw: string, where: string): string {
  if (!raw.includes('&')) return raw;
  return raw.replace(/&([^;&]{0,12});?/g, (match, body: string) => {
    if (!match.endsWith(';')) throw new XmlError('malformed', `unterminated entity reference in ${where}`);
    if (body.startsWith('#')) {
      const code = body[1] === 'x' ? Number.parseInt(body.slice(2), 16) : Number.parseInt(body.slice(1), 10);
      if (!/^#(x[0-9A-Fa-f]+|[0-9]+)$/.test(body) || !isXmlChar(code)) throw new XmlError('malformed', `bad character reference &${body}; in ${where}`);
      return String.fromCodePoint(code);
    }
    const value = PREDEFINED[body];
    // RFC 4918 §20.6: no entity beyond the predefined ones may be expanded.
    if (value === undefined) throw new XmlError('forbidden-construct', `entity &${body}; is not allowed (only the predefined entities)`);
    return value;
  });
}

/** Parses a whole document. Accepts a Buffer (UTF-8, BOM allowed) or a string. */
export function parseXml(input: Buffer | string, limits: XmlLimits = DEFAULT_XML_LIMITS): XmlElement {
  const size = typeof input === 'string' ? Buffer.byteLength(input) : input.length;
  if (size > limits.maxBytes) throw new XmlError('too-large', `XML body of ${size} bytes exceeds ${limits.maxBytes}`);
  let src = typeof input === 'string' ? input : input.toString('utf8');
  if (src.charCodeAt(0) === 0xfeff) src = src.slice(1);
  if (src.includes('\uFFFD') && typeof input !== 'string') throw new XmlError('malformed', 'the body is not valid UTF-8');
  for (let i = 0; i < src.length; i++) {
    const c = src.charCodeAt(i);
    if (c < 0x20 && c !== 0x9 && c !== 0xa && c !== 0xd) throw new XmlError('malformed', `control character U+${c.toString(16).padStart(4, '0')} at offset ${i}`);
  }

  let pos = 0;
  let elements = 0;
  let root: XmlElement | null = null;
  const stack: { el: XmlElement; qname: string }[] = [];

  const fail = (message: string): never => { throw new XmlError('malformed', `${message} at offset ${pos}`); };

  function readName(): string {
    const start = pos;
    if (pos >= src.length || !NAME_START.test(src[pos])) fail('expected a name');
    pos++;
    while (pos < src.length && NAME_CHAR.test(src[pos])) pos++;
    return src.slice(start, pos);
  }
  function skipSpace(): void {
    while (pos < src.length && (src[pos] === ' ' || src[pos] === '\t' || src[pos] === '\n' || src[pos] === '\r')) pos++;
  }
  function expect(token: string): void {
    if (!src.startsWith(token, pos)) fail(`expected "${token}"`);
    pos += token.length;
  }
  function skipUntil(token: string, what: string): string {
    const end = src.indexOf(token, pos);
    if (end < 0) fail(`unterminated ${what}`);
    const body = src.slice(pos, end);
    pos = end + token.length;
    return body;
  }

  function resolve(qname: string, scope: Readonly<Record<string, string>>, isAttr: boolean): { ns: string; local: string } {
    const colon = qname.indexOf(':');
    if (colon < 0) return { ns: isAttr ? '' : (scope[''] ?? ''), local: qname };
    const prefix = qname.slice(0, colon);
    const local = qname.slice(colon + 1);
    if (local === '' || local.includes(':')) fail(`bad qualified name "${qname}"`);
    if (prefix === 'xml') return { ns: XML_NS, local };
    const ns = scope[prefix];
    if (ns === undefined) fail(`undeclared namespace prefix "${prefix}"`);
    return { ns: ns!, local };
  }

  function openTag(): void {
    const qname = readName();
    const rawAttrs: [string, string][] = [];
    for (;;) {
      const before = pos;
      skipSpace();
      if (src.startsWith('/>', pos) || src[pos] === '>') break;
      if (pos === before) fail('expected whitespace before an attribute');
      const name = readName();
      skipSpace();
      expect('=');
      skipSpace();
      const quote = src[pos];
      if (quote !== '"' && quote !== "'") fail('expected a quoted attribute value');
      pos++;
      const value = skipUntil(quote, 'attribute value');
      if (value.includes('<')) fail('"<" in an attribute value');
      if (rawAttrs.some(([n]) => n === name)) fail(`duplicate attribute "${name}"`);
      rawAttrs.push([name, decodeEntities(value, 'an attribute value')]);
      if (rawAttrs.length > limits.maxAttributes) throw new XmlError('too-large', `more than ${limits.maxAttributes} attributes on one element`);
    }
    const parentScope = stack.length > 0 ? stack[stack.length - 1].el.scope : {};
    let scope: Record<string, string> | Readonly<Record<string, string>> = parentScope;
    for (const [name, value] of rawAttrs) {
      if (name === 'xmlns' || name.startsWith('xmlns:')) {
        if (scope === parentScope) scope = { ...parentScope };
        const prefix = name === 'xmlns' ? '' : name.slice(6);
        if (prefix !== '' && value === '') fail(`empty namespace for prefix "${prefix}"`);
        (scope as Record<string, string>)[prefix] = value;
      }
    }
    const { ns, local } = resolve(qname, scope, false);
    const attrs: Record<string, string> = {};
    for (const [name, value] of rawAttrs) {
      if (name === 'xmlns' || name.startsWith('xmlns:')) continue;
      const r = resolve(name, scope, true);
      const key = r.ns ? `{${r.ns}}${r.local}` : r.local;
      if (key in attrs) fail(`duplicate attribute "${key}"`);
      attrs[key] = value;
    }
    const el: XmlElement = { ns, name: local, attrs, children: [], text: '', scope };
    if (++elements > limits.maxElements) throw new XmlError('too-large', `more than ${limits.maxElements} elements`);
    if (stack.length === 0) {
      if (root) fail('more than one root element');
      root = el;
    } else {
      stack[stack.length - 1].el.children.push(el);
    }
    if (src.startsWith('/>', pos)) {
      pos += 2;
      return;
    }
    pos++;
    stack.push({ el, qname });
    if (stack.length > limits.maxDepth) throw new XmlError('too-large', `elements nested deeper than ${limits.maxDepth}`);
  }

  while (pos < src.length) {
    const lt = src.indexOf('<', pos);
    const textEnd = lt < 0 ? src.length : lt;
    if (textEnd > pos) {
      const raw = src.slice(pos, textEnd);
      if (stack.length === 0) {
        if (raw.trim() !== '') fail('text outside the root element');
      } else {
        if (raw.includes(']]>')) fail('"]]>" in text');
        stack[stack.length - 1].el.text += decodeEntities(raw, 'text');
      }
      pos = textEnd;
      continue;
    }
    if (src.startsWith('<?', pos)) {
      const start = pos;
      pos += 2;
      const body = skipUntil('?>', 'processing instruction');
      // The XML declaration may only come first (XML 1.0 §2.8).
      if (/^xml(\s|$)/i.test(body) && src.slice(0, start).trim() !== '') fail('XML declaration not at the start');
    } else if (src.startsWith('<!--', pos)) {
      pos += 4;
      const body = skipUntil('-->', 'comment');
      if (body.includes('--')) fail('"--" inside a comment');
    } else if (src.startsWith('<![CDATA[', pos)) {
      if (stack.length === 0) fail('CDATA outside the root element');
      pos += 9;
      stack[stack.length - 1].el.text += skipUntil(']]>', 'CDATA section');
    } else if (src.startsWith('<!', pos)) {
      // DOCTYPE, ENTITY, ELEMENT …: nothing a DAV client needs, everything an attacker wants.
      throw new XmlError('forbidden-construct', 'document type declarations and entity definitions are not allowed');
    } else if (src.startsWith('</', pos)) {
      pos += 2;
      const qname = readName();
      skipSpace();
      expect('>');
      const open = stack.pop();
      if (!open) fail(`closing tag </${qname}> without an open element`);
      if (open!.qname !== qname) fail(`closing tag </${qname}> does not match <${open!.qname}>`);
    } else {
      pos++;
      openTag();
    }
  }
  if (stack.length > 0) throw new XmlError('malformed', `truncated document: <${stack[stack.length - 1].qname}> is not closed`);
  if (!root) throw new XmlError('malformed', 'no root element');
  return root;
}

/** Clark notation "{ns}name", the key used for properties everywhere in the DAV front end. */
export function clark(ns: string, name: string): string {
  return `{${ns}}${name}`;
}

export function clarkOf(el: XmlElement): string {
  return clark(el.ns, el.name);
}

export function child(el: XmlElement, ns: string, name: string): XmlElement | undefined {
  return el.children.find((c) => c.ns === ns && c.name === name);
}

export function childrenOf(el: XmlElement, ns: string, name: string): XmlElement[] {
  return el.children.filter((c) => c.ns === ns && c.name === name);
}
