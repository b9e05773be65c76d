// Small XML documents (WebDAV multistatus, EWS SOAP responses) as a tree
// with namespaces resolved, parsed by sax (strict, no DTD, no external
// entities: nothing in a response can make the parser fetch or expand
// anything). Bounded in size; large payloads such as EWS MimeContent are
// streamed by soap-stream.ts instead.
import sax from 'sax';

export interface XmlNode {
  /** Local name. */
  name: string;
  /** Namespace URI ("" for none). */
  ns: string;
  /** Attributes by local name. */
  attrs: Record<string, string>;
  children: XmlNode[];
  /** Text content directly inside this element. */
  text: string;
}

export class XmlError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'XmlError';
  }
}

/** Largest document parsed into a tree. */
export const MAX_XML_TREE = 64 * 1024 * 1024;

export function parseXml(input: string): XmlNode {
  if (input.length > MAX_XML_TREE) throw new XmlError(`XML document larger than ${MAX_XML_TREE} characters`);
  const parser = sax.parser(true, { xmlns: true, trim: false, normalize: false });
  const stack: XmlNode[] = [];
  let root: XmlNode | null = null;
  let error: Error | null = null;
  parser.onerror = (err) => {
    error ??= err;
    parser.resume();
  };
  parser.onopentag = (tag) => {
    const t = tag as sax.QualifiedTag;
    const attrs: Record<string, string> = {};
    for (const a of Object.values(t.attributes)) {
      if (a.prefix === 'xmlns' || a.name === 'xmlns') continue;
      attrs[a.local] = a.value;
    }
    const node: XmlNode = { name: t.local, ns: t.uri ?? '', attrs, children: [], text: '' };
    if (stack.length > 0) stack[stack.length - 1].children.push(node);
    else if (root) error ??= new Error('more than one root element');
    else root = node;
    stack.push(node);
  };
  parser.onclosetag = () => {
    stack.pop();
  };
  const onText = (text: string) => {
    if (stack.length > 0) stack[stack.length - 1].text += text;
  };
  parser.ontext = onText;
  parser.oncdata = onText;
  parser.write(input).close();
  if (error) throw new XmlError(`malformed XML: ${(error as Error).message.split('\n')[0]}`);
  if (!root) throw new XmlError('empty XML document');
  return root;
}

export function children(node: XmlNode | null | undefined, ns: string, name: string): XmlNode[] {
  return node ? node.children.filter((c) => c.name === name && c.ns === ns) : [];
}

export function child(node: XmlNode | null | undefined, ns: string, name: string): XmlNode | null {
  return node?.children.find((c) => c.name === name && c.ns === ns) ?? null;
}

/** The first descendant (depth first) with this name. */
export function descendant(node: XmlNode | null | undefined, ns: string, name: string): XmlNode | null {
  if (!node) return null;
  for (const c of node.children) {
    if (c.name === name && c.ns === ns) return c;
    const d = descendant(c, ns, name);
    if (d) return d;
  }
  return null;
}

/** Every descendant with this name. */
export function descendants(node: XmlNode | null | undefined, ns: string, name: string, out: XmlNode[] = []): XmlNode[] {
  if (!node) return out;
  for (const c of node.children) {
    if (c.name === name && c.ns === ns) out.push(c);
    descendants(c, ns, name, out);
  }
  return out;
}

/** Trimmed text of a child, or null. */
export function childText(node: XmlNode | null | undefined, ns: string, name: string): string | null {
  const c = child(node, ns, name);
  return c ? c.text.trim() : null;
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };

/** Text or attribute value for an XML document we write. */
export function escapeXml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => ESCAPES[c]);
}
