// Typed responses → bytes (RFC 9051 §7). serializeResponse returns chunks:
// Buffers and StreamSources, so body sections stream from the blob store
// without being buffered; responseBytes flattens them for a socket.
import type { NamespaceDescriptor, Response, ResponseCode, SerializeOptions, StreamSource, ThreadNode, WireChunk } from './response-types.ts';
import { ResponseWriter } from './response-writer.ts';
import { writeFetchItem } from './serialize-fetch.ts';
import { formatNumberSet, formatSequenceSet, formatSortedSet } from './sequence-set.ts';

function writeCode(w: ResponseWriter, code: ResponseCode): void {
  w.raw('[').raw(code.code);
  switch (code.code) {
    case 'BADCHARSET':
      if (code.charsets && code.charsets.length > 0) w.raw(' ').list(code.charsets, (c) => w.astring(c));
      break;
    case 'CAPABILITY':
      for (const c of code.capabilities) w.raw(' ').atom(c);
      break;
    case 'PERMANENTFLAGS':
      w.raw(' ').list(code.flags, (f) => w.flag(f));
      break;
    case 'UIDNEXT':
    case 'UIDVALIDITY':
    case 'UNSEEN':
    case 'HIGHESTMODSEQ':
      w.raw(' ').number(code.value);
      break;
    case 'APPENDUID':
      w.raw(` ${code.uidValidity} ${formatNumberSet(code.uids)}`);
      break;
    case 'COPYUID':
      w.raw(` ${code.uidValidity} ${formatNumberSet(code.source)} ${formatNumberSet(code.destination)}`);
      break;
    case 'MODIFIED':
      w.raw(' ').raw(Array.isArray(code.set) ? formatSortedSet(code.set) : formatSequenceSet(code.set));
      break;
    case 'MAILBOXID':
      w.raw(` (${code.id})`);
      break;
    default:
      break;
  }
  w.raw(']');
}

/** resp-text = ["[" resp-text-code "]" SP] [text]. */
function respText(w: ResponseWriter, code: ResponseCode | undefined, text: string): void {
  if (code) {
    writeCode(w, code);
    w.raw(' ');
  }
  w.text(text);
}

/** RFC 9051 §9 / RFC 2342 §5: namespace = nil / "(" 1*namespace-descr ")", the descriptors side by side without a space. */
function namespaces(w: ResponseWriter, list: NamespaceDescriptor[] | null): void {
  if (list === null || list.length === 0) {
    w.raw('NIL');
    return;
  }
  w.raw('(');
  for (const ns of list) {
    w.raw('(').string(ns.prefix).raw(' ');
    if (ns.delimiter === null) w.raw('NIL');
    else w.string(ns.delimiter);
    w.raw(')');
  }
  w.raw(')');
}

/** RFC 5256 §5: thread-list = "(" (thread-members / thread-nested) ")". */
function threadList(node: ThreadNode): string {
  const members: string[] = [];
  let current: ThreadNode = node;
  for (;;) {
    if (current.id !== null) members.push(String(current.id));
    if (current.children.length === 1) {
      current = current.children[0];
      continue;
    }
    const nested = current.children.map(threadList).join('');
    return `(${members.join(' ')}${members.length > 0 && nested ? ' ' : ''}${nested})`;
  }
}

function write(w: ResponseWriter, res: Response): void {
  switch (res.kind) {
    case 'tagged':
      w.raw(`${res.tag} ${res.status} `);
      respText(w, res.code, res.text);
      return;
    case 'untagged':
      w.raw(`* ${res.status} `);
      respText(w, res.code, res.text);
      return;
    case 'continuation':
      w.raw('+ ');
      if (res.base64) w.raw(res.base64.toString('base64'));
      else w.text(res.text ?? 'Ready for literal');
      return;
    case 'capability':
    case 'enabled':
      w.raw(res.kind === 'capability' ? '* CAPABILITY' : '* ENABLED');
      for (const c of res.capabilities) w.raw(' ').atom(c);
      return;
    case 'exists': w.raw(`* ${res.count} EXISTS`); return;
    case 'recent': w.raw(`* ${res.count} RECENT`); return;
    case 'expunge': w.raw(`* ${res.seq} EXPUNGE`); return;
    case 'vanished':
      w.raw(`* VANISHED ${res.earlier ? '(EARLIER) ' : ''}${'ranges' in res
        ? res.ranges.map(([a, b]) => (a === b ? String(a) : `${a}:${b}`)).join(',')
        : formatSortedSet(res.uids)}`);
      return;
    case 'flags': w.raw('* FLAGS ').list(res.flags, (f) => w.flag(f)); return;
    case 'list':
    case 'lsub': {
      w.raw(`* ${res.kind.toUpperCase()} `).list(res.attributes, (a) => w.atom(a)).raw(' ');
      if (res.delimiter === null) w.raw('NIL');
      else w.string(res.delimiter);
      w.raw(' ').mailbox(res.mailbox);
      const ext = res.extended;
      if (ext && (ext.childInfo || ext.oldName !== undefined)) {
        // mbox-list-extended = "(" [mbox-list-extended-item *(SP mbox-list-extended-item)] ")" (RFC 5258 §9).
        w.raw(' (');
        if (ext.childInfo) w.raw('"CHILDINFO" ').list(ext.childInfo, (c) => w.string(c));
        if (ext.childInfo && ext.oldName !== undefined) w.raw(' ');
        if (ext.oldName !== undefined) w.raw('"OLDNAME" (').mailbox(ext.oldName).raw(')');
        w.raw(')');
      }
      return;
    }
    case 'status':
      w.raw('* STATUS ').mailbox(res.mailbox).raw(' ').list(res.items, (item) => {
        // RFC 8474 §4.2: MAILBOXID's value is parenthesised.
        if (item.name === 'MAILBOXID') w.raw(`MAILBOXID (${item.value})`);
        else w.raw(`${item.name} ${item.value}`);
      });
      return;
    case 'search':
    case 'sort':
      w.raw(`* ${res.kind.toUpperCase()}`);
      for (const id of res.ids) w.raw(` ${id}`);
      if (res.modseq !== undefined) w.raw(` (MODSEQ ${res.modseq})`);
      return;
    case 'esearch':
      // RFC 4731 §3.2: esearch-response = "ESEARCH" [search-correlator] [SP "UID"] *(SP search-return-data).
      w.raw('* ESEARCH');
      if (res.tag !== undefined) w.raw(' (TAG ').string(res.tag).raw(')');
      if (res.uid) w.raw(' UID');
      if (res.min !== undefined) w.raw(` MIN ${res.min}`);
      if (res.max !== undefined) w.raw(` MAX ${res.max}`);
      if (res.all !== undefined && res.all.length > 0) w.raw(` ALL ${formatSortedSet(res.all)}`);
      if (res.count !== undefined) w.raw(` COUNT ${res.count}`);
      if (res.modseq !== undefined) w.raw(` MODSEQ ${res.modseq}`);
      return;
    case 'thread':
      w.raw('* THREAD');
      if (res.threads.length > 0) w.raw(' ').raw(res.threads.map(threadList).join(''));
      return;
    case 'fetch':
      w.raw(`* ${res.seq} FETCH `).list(res.items, (item) => writeFetchItem(w, item));
      return;
    case 'namespace':
      w.raw('* NAMESPACE ');
      namespaces(w, res.personal);
      w.raw(' ');
      namespaces(w, res.other);
      w.raw(' ');
      namespaces(w, res.shared);
      return;
    case 'quota':
      w.raw('* QUOTA ').astring(res.root).raw(' ').list(res.resources, (r) => w.raw(`${r.name} ${r.usage} ${r.limit}`));
      return;
    case 'quotaroot':
      w.raw('* QUOTAROOT ').mailbox(res.mailbox);
      for (const root of res.roots) w.raw(' ').astring(root);
      return;
    case 'acl':
      w.raw('* ACL ').mailbox(res.mailbox);
      for (const e of res.entries) w.raw(' ').astring(e.identifier).raw(' ').astring(e.rights);
      return;
    case 'listrights':
      w.raw('* LISTRIGHTS ').mailbox(res.mailbox).raw(' ').astring(res.identifier).raw(' ').astring(res.required);
      for (const r of res.optional) w.raw(' ').astring(r);
      return;
    case 'myrights':
      w.raw('* MYRIGHTS ').mailbox(res.mailbox).raw(' ').astring(res.rights);
      return;
    case 'id':
      w.raw('* ID ');
      if (res.params === null) w.raw('NIL');
      else w.list(res.params, ([k, v]) => w.string(k).raw(' ').nstring(v), true);
      return;
  }
}

/** One response as chunks ending in CRLF; streamed body data stays a StreamSource. */
export function serializeResponse(res: Response, opts: SerializeOptions = { utf8: false }): WireChunk[] {
  const w = new ResponseWriter(opts.utf8);
  write(w, res);
  return w.finish();
}

/** One response as a single Buffer; for responses that carry no streamed data. */
export function serializeResponseToBuffer(res: Response, opts: SerializeOptions = { utf8: false }): Buffer {
  const chunks = serializeResponse(res, opts);
  if (!chunks.every((c) => Buffer.isBuffer(c))) throw new TypeError('Response holds streamed data; use responseBytes()');
  return Buffer.concat(chunks as Buffer[]);
}

async function* streamExact(source: StreamSource): AsyncIterable<Buffer> {
  let sent = 0;
  for await (const chunk of source.stream) {
    if (sent + chunk.length > source.size) throw new Error(`Stream longer than its announced ${source.size} bytes`);
    sent += chunk.length;
    yield chunk;
  }
  // The literal length is already on the wire: a short stream would desynchronise the client.
  if (sent !== source.size) throw new Error(`Stream ended after ${sent} of ${source.size} bytes`);
}

/**
 * The bytes of chunks in order. A stream whose length differs from its
 * announced size throws: the session must then close the connection, as the
 * literal framing the client relies on is broken.
 */
export async function* responseBytes(chunks: WireChunk[]): AsyncIterable<Buffer> {
  for (const chunk of chunks) {
    if (Buffer.isBuffer(chunk)) yield chunk;
    else yield* streamExact(chunk);
  }
}
