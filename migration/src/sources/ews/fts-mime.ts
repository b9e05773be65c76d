// The fallback for messages Exchange cannot turn into MIME (GetItem answers
// ErrorMimeContentConversionFailed): ExportItems gives the item as a
// FastTransfer stream (MS-OXCFXICS §2.2.4: property values, with markers
// around recipients, attachments and attached messages), which is read here
// into an Outlook message and written as MIME by mapi/mime-composer.ts.
import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import { composeMime } from '../../mapi/mime-composer.ts';
import type { Address, OutlookAttachment, OutlookMessage } from '../../mapi/outlook-message.ts';

// MS-OXCFXICS §2.2.4.1.4 markers (PtypInteger32 tags that carry no value).
const MARKERS = {
  startRecip: 0x40030003, endToRecip: 0x40040003, newAttach: 0x40000003, endAttach: 0x400e0003,
  startEmbed: 0x40010003, endEmbed: 0x40020003, startMessage: 0x400c0003, endMessage: 0x400d0003,
  startFaiMsg: 0x40100003, fxDelProp: 0x40160003,
} as const;
const MARKER_SET: ReadonlySet<number> = new Set(Object.values(MARKERS));

/** Fixed sizes of MS-OXCDATA §2.11.1 property types in a FastTransfer stream. */
const FIXED: Record<number, number> = { 0x0002: 2, 0x0003: 4, 0x0004: 4, 0x0005: 8, 0x0006: 8, 0x0007: 8, 0x000a: 4, 0x000b: 2, 0x0014: 8, 0x0040: 8, 0x0048: 16 };
const VARIABLE = new Set([0x001f, 0x001e, 0x0102, 0x00fb, 0x000d]);

export class FtsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FtsError';
  }
}

type Value = string | number | bigint | boolean | Buffer | Date | null;
type Props = Map<number, Value>;

interface Node { props: Props; recipients: Props[]; attachments: { props: Props; embedded: Node | null }[] }

/** Bounds of one stream: a hostile export cannot make us allocate without limit. */
const MAX_VALUE = 256 * 1024 * 1024;
const MAX_DEPTH = 10;

class Reader {
  readonly buf: Buffer;
  pos = 0;
  constructor(buf: Buffer) {
    this.buf = buf;
  }
  need(n: number): void {
    if (n < 0 || this.pos + n > this.buf.length) throw new FtsError(`truncated at byte ${this.pos} (needs ${n} more)`);
  }
  u16(): number { this.need(2); const v = this.buf.readUInt16LE(this.pos); this.pos += 2; return v; }
  u32(): number { this.need(4); const v = this.buf.readUInt32LE(this.pos); this.pos += 4; return v; }
  bytes(n: number): Buffer { this.need(n); const v = this.buf.subarray(this.pos, this.pos + n); this.pos += n; return v; }
  peekU32(): number | null { return this.pos + 4 <= this.buf.length ? this.buf.readUInt32LE(this.pos) : null; }
  done(): boolean { return this.pos >= this.buf.length; }
}

function filetime(buf: Buffer): Date | null {
  const ticks = buf.readBigUInt64LE(0);
  if (ticks === 0n) return null;
  return new Date(Number(ticks / 10_000n) - 11_644_473_600_000);
}

function readValue(r: Reader, type: number): Value {
  const fixed = FIXED[type];
  if (fixed !== undefined) {
    const b = r.bytes(fixed);
    switch (type) {
      case 0x0002: return b.readInt16LE(0);
      case 0x0003: case 0x000a: return b.readInt32LE(0);
      case 0x000b: return b.readUInt16LE(0) !== 0;
      case 0x0014: return b.readBigInt64LE(0);
      case 0x0040: return filetime(b);
      default: return Buffer.from(b);
    }
  }
  if (!VARIABLE.has(type)) throw new FtsError(`unknown property type 0x${type.toString(16)} at byte ${r.pos}`);
  const len = r.u32();
  if (len > MAX_VALUE) throw new FtsError(`a value of ${len} bytes`);
  const b = r.bytes(len);
  if (type === 0x001f) return b.toString('utf16le').replace(/\0+$/, '');
  if (type === 0x001e) return b.toString('latin1').replace(/\0+$/, '');
  return Buffer.from(b);
}

/** One property: tag, then (named properties: GUID and id or name), then the value; multi-valued ones are skipped. */
function readProp(r: Reader, props: Props): void {
  const tag = r.u32();
  const id = tag >>> 16;
  const type = tag & 0xffff;
  if (id >= 0x8000) {
    r.bytes(16);
    const kind = r.bytes(1)[0];
    if (kind === 0) r.u32();
    else if (kind === 1) {
      while (r.u16() !== 0) { /* UTF-16 name up to its terminator */ }
    } else throw new FtsError(`bad named-property kind ${kind}`);
  }
  if (type & 0x1000) {
    const count = r.u32();
    if (count > 1_000_000) throw new FtsError(`a multi-valued property of ${count} values`);
    for (let i = 0; i < count; i++) readValue(r, type & ~0x1000);
    return;
  }
  props.set(tag, readValue(r, type));
}

function readNode(r: Reader, depth: number, end: number | null): Node {
  if (depth > MAX_DEPTH) throw new FtsError('attached messages nested too deep');
  const node: Node = { props: new Map(), recipients: [], attachments: [] };
  let target: Props = node.props;
  while (!r.done()) {
    const tag = r.peekU32()!;
    if (tag === end) {
      r.u32();
      return node;
    }
    if (!MARKER_SET.has(tag)) {
      readProp(r, target);
      continue;
    }
    r.u32();
    switch (tag) {
      case MARKERS.startRecip: target = new Map(); node.recipients.push(target); break;
      case MARKERS.endToRecip: target = node.props; break;
      case MARKERS.newAttach: target = new Map(); node.attachments.push({ props: target, embedded: null }); break;
      case MARKERS.startEmbed: {
        const att = node.attachments[node.attachments.length - 1];
        if (!att) throw new FtsError('an attached message outside an attachment');
        att.embedded = readNode(r, depth + 1, MARKERS.endEmbed);
        break;
      }
      case MARKERS.endAttach: target = node.props; break;
      case MARKERS.fxDelProp: r.u32(); break;
      default: break; // startMessage / endMessage frame the stream
    }
  }
  if (end !== null) throw new FtsError('an attached message does not end');
  return node;
}

const str = (p: Props, ...tags: number[]): string | null => {
  for (const t of tags) {
    const v = p.get(t);
    if (typeof v === 'string' && v !== '') return v;
  }
  return null;
};

function toMessage(node: Node): OutlookMessage {
  const p = node.props;
  const recipients = (type: number): Address[] => node.recipients
    .filter((r) => (r.get(0x0c150003) ?? 1) === type)
    .map((r) => ({ name: str(r, 0x3001001f, 0x3001001e), address: str(r, 0x39fe001f, 0x39fe001e, 0x3003001f, 0x3003001e) }));
  const html = p.get(0x10130102);
  const attachments: OutlookAttachment[] = node.attachments.map(({ props: a, embedded }) => {
    const data = a.get(0x37010102);
    const flags = a.get(0x37140003);
    return {
      filename: str(a, 0x3707001f, 0x3707001e, 0x3704001f, 0x3704001e) ?? (embedded ? 'message' : 'attachment'),
      mimeType: str(a, 0x370e001f, 0x370e001e), contentId: str(a, 0x3712001f, 0x3712001e),
      inline: typeof flags === 'number' && (flags & 0x4) !== 0 || a.get(0x7ffe000b) === true,
      data: Buffer.isBuffer(data) ? data : null, size: Buffer.isBuffer(data) ? data.length : 0,
      ...(embedded ? { embedded: toMessage(embedded) } : {}),
    };
  });
  const date = p.get(0x00390040) ?? p.get(0x0e060040);
  const importance = p.get(0x00170003);
  return {
    messageClass: str(p, 0x001a001f, 0x001a001e) ?? 'IPM.Note',
    subject: str(p, 0x0037001f, 0x0037001e) ?? '',
    from: { name: str(p, 0x0042001f, 0x0042001e, 0x0c1a001f, 0x0c1a001e), address: str(p, 0x5d02001f, 0x5d01001f, 0x0065001f, 0x0c1f001f, 0x0c1f001e) },
    to: recipients(1), cc: recipients(2), bcc: recipients(3),
    date: date instanceof Date ? date : null,
    messageId: str(p, 0x1035001f, 0x1035001e), inReplyTo: str(p, 0x1042001f, 0x1042001e),
    transportHeaders: str(p, 0x007d001f, 0x007d001e),
    bodyText: str(p, 0x1000001f, 0x1000001e), bodyHtml: Buffer.isBuffer(html) ? html.toString('utf8') : str(p, 0x1013001f),
    importance: typeof importance === 'number' ? importance : null,
    attachments,
  };
}

/** Reads an exported item; throws FtsError on a stream it cannot read. */
export function parseFts(data: Buffer): OutlookMessage {
  const r = new Reader(data);
  return toMessage(readNode(r, 0, null));
}

/** The MIME of an exported item, made the same way every time (boundaries from the data's hash). */
export function ftsToMime(data: Buffer): () => Readable {
  const message = parseFts(data);
  const seed = `ews-export:${createHash('sha256').update(data).digest('hex')}`;
  return () => composeMime(message, seed);
}
