// FETCH data items of one message (RFC 9051 §6.4.5, §7.5.2; RFC 3516 BINARY;
// RFC 7162 MODSEQ; RFC 8474 EMAILID/THREADID; RFC 8514 SAVEDATE). Metadata
// comes from the message record, ENVELOPE and BODYSTRUCTURE from the stored
// MIME index, and body sections are byte ranges of the blob, streamed when
// the response is written (never read here), except HEADER.FIELDS and BINARY,
// which must be filtered or decoded.
import { decodeBody, findPart, headerFields, sectionRange, type ByteRange, type SectionText } from '../../../mail/mime/index.ts';
import type { MessageRecord, StoredBody } from '../../../model/mail.ts';
import { ImapRefusal, type SelectedContext } from '../context.ts';
import { bodyStructureFromMimePart, type BodyValue, type FetchItem, type FetchResponseItem, type Partial, type StreamSource } from '../wire/index.ts';

/** The message a section is read from: its mailbox (whose "r" right the service checks again) and its body. */
type MessageRef = Pick<MessageRecord, 'mailboxId' | 'blobId'>;

/** Items answered from the record alone; every other item needs the stored MIME index. */
const RECORD_ITEMS = new Set(['UID', 'FLAGS', 'INTERNALDATE', 'RFC822.SIZE', 'MODSEQ', 'EMAILID', 'THREADID', 'SAVEDATE']);

export function needsBody(items: readonly FetchItem[]): boolean {
  return items.some((i) => !RECORD_ITEMS.has(i.item) && i.item !== 'RFC822');
}

/** Non-PEEK body items set \Seen (RFC 9051 §6.4.5). */
export function setsSeen(items: readonly FetchItem[]): boolean {
  return items.some((i) => i.item === 'RFC822' || i.item === 'RFC822.TEXT' || ((i.item === 'BODY[]' || i.item === 'BINARY') && !i.peek));
}

function lazyRange(ctx: SelectedContext, message: MessageRef, range: ByteRange): StreamSource {
  const end = range.end ?? range.start;
  return {
    size: end - range.start,
    stream: {
      async *[Symbol.asyncIterator]() {
        if (end <= range.start) return;
        // Opened only when the literal is written, so a FETCH of thousands of messages holds one file at a time.
        yield* await ctx.services.messages.open(ctx.session.actor, message, { start: range.start, end });
      },
    },
  };
}

async function readRange(ctx: SelectedContext, message: MessageRef, range: ByteRange): Promise<Buffer> {
  const parts: Buffer[] = [];
  if ((range.end ?? 0) <= range.start) return Buffer.alloc(0);
  for await (const chunk of await ctx.services.messages.open(ctx.session.actor, message, range)) parts.push(chunk as Buffer);
  return Buffer.concat(parts);
}

/** RFC 9051 §6.4.5 partial: <origin.length> of the section; past the end yields an empty string. */
function narrow(range: ByteRange, partial: Partial | null): ByteRange {
  if (!partial) return range;
  const end = range.end ?? range.start;
  const start = Math.min(range.start + partial.offset, end);
  return { start, end: Math.min(end, start + partial.length) };
}

function sliceBuffer(buf: Buffer, partial: Partial | null): Buffer {
  if (!partial) return buf;
  return buf.subarray(Math.min(partial.offset, buf.length), Math.min(buf.length, partial.offset + partial.length));
}

/** HEADER.FIELDS (list) / HEADER.FIELDS.NOT (list): the chosen fields as stored, then the blank line. */
async function headerSubset(ctx: SelectedContext, message: MessageRef, range: ByteRange, fields: readonly string[], not: boolean): Promise<Buffer> {
  const block = await readRange(ctx, message, range);
  const wanted = new Set(fields.map((f) => f.toLowerCase()));
  const kept = headerFields(block).filter((f) => wanted.has(f.name.toLowerCase()) !== not).map((f) => block.subarray(f.start, f.end));
  return Buffer.concat([...kept, Buffer.from('\r\n')]);
}

async function section(ctx: SelectedContext, record: MessageRecord, body: StoredBody | null, item: Extract<FetchItem, { item: 'BODY[]' }>): Promise<BodyValue> {
  const { part, text, fields } = item.section;
  const partText = part.join('.');
  if (part.length === 0 && text === null) return lazyRange(ctx, record, narrow({ start: 0, end: record.size }, item.partial));
  if (!body) return Buffer.alloc(0);
  if (text === 'HEADER.FIELDS' || text === 'HEADER.FIELDS.NOT') {
    const range = sectionRange(body.root, partText, 'HEADER');
    if (!range) return Buffer.alloc(0);
    return sliceBuffer(await headerSubset(ctx, record, range, fields, text === 'HEADER.FIELDS.NOT'), item.partial);
  }
  const range = sectionRange(body.root, partText, (text ?? '') as SectionText);
  // A section that does not exist reads as empty, as Dovecot and Cyrus answer.
  if (!range) return Buffer.alloc(0);
  return lazyRange(ctx, record, narrow(range, item.partial));
}

/** RFC 3516 §4.2: the part with its Content-Transfer-Encoding removed. */
async function decodedPart(ctx: SelectedContext, record: MessageRecord, body: StoredBody | null, partNumbers: number[]): Promise<Buffer> {
  if (partNumbers.length === 0) return readRange(ctx, record, { start: 0, end: record.size });
  const part = body ? findPart(body.root, partNumbers.join('.')) : null;
  if (!part) throw new ImapRefusal(`No part ${partNumbers.join('.')}`, { code: 'NONEXISTENT' });
  const raw = await readRange(ctx, record, { start: part.bodyStart, end: part.bodyEnd });
  const decoded = decodeBody(raw, part.encoding);
  if (decoded.unknownEncoding) throw new ImapRefusal(`Unknown Content-Transfer-Encoding ${part.encoding}`, { code: 'UNKNOWN-CTE' });
  return decoded.bytes;
}

export async function fetchItems(
  ctx: SelectedContext, record: MessageRecord, body: StoredBody | null, items: readonly FetchItem[], extraFlags: boolean,
): Promise<FetchResponseItem[]> {
  const out: FetchResponseItem[] = [];
  for (const item of items) {
    switch (item.item) {
      case 'UID': out.push({ item: 'UID', uid: record.uid }); break;
      case 'FLAGS': out.push({ item: 'FLAGS', flags: ctx.session.selected.flagsOf(record.uid, record.flags) }); break;
      case 'INTERNALDATE': out.push({ item: 'INTERNALDATE', date: new Date(record.internalDate) }); break;
      case 'SAVEDATE': out.push({ item: 'SAVEDATE', date: new Date(record.saveDate) }); break;
      case 'RFC822.SIZE': out.push({ item: 'RFC822.SIZE', size: record.size }); break;
      case 'MODSEQ': out.push({ item: 'MODSEQ', modseq: BigInt(record.modseq) }); break;
      case 'EMAILID': out.push({ item: 'EMAILID', id: record.emailId }); break;
      case 'THREADID': out.push({ item: 'THREADID', id: record.threadId }); break;
      case 'ENVELOPE': out.push({ item: 'ENVELOPE', envelope: body!.envelope }); break;
      case 'BODY':
      case 'BODYSTRUCTURE':
        out.push({ item: item.item, structure: bodyStructureFromMimePart(body!.root, item.item === 'BODYSTRUCTURE') });
        break;
      case 'RFC822':
        out.push({ item: 'RFC822', value: lazyRange(ctx, record, { start: 0, end: record.size }) });
        break;
      case 'RFC822.HEADER':
      case 'RFC822.TEXT': {
        const range = sectionRange(body!.root, '', item.item === 'RFC822.HEADER' ? 'HEADER' : 'TEXT');
        out.push({ item: item.item, value: range ? lazyRange(ctx, record, range) : Buffer.alloc(0) });
        break;
      }
      case 'BODY[]':
        out.push({ item: 'BODY[]', section: item.section, origin: item.partial ? item.partial.offset : null, value: await section(ctx, record, body, item) });
        break;
      case 'BINARY': {
        const bytes = sliceBuffer(await decodedPart(ctx, record, body, item.part), item.partial);
        out.push({ item: 'BINARY', part: item.part, origin: item.partial ? item.partial.offset : null, value: bytes });
        break;
      }
      case 'BINARY.SIZE':
        out.push({ item: 'BINARY.SIZE', part: item.part, size: (await decodedPart(ctx, record, body, item.part)).length });
        break;
    }
  }
  // RFC 9051 §6.4.5: when FETCH sets \Seen, the new flags are part of the answer.
  if (extraFlags && !items.some((i) => i.item === 'FLAGS')) out.push({ item: 'FLAGS', flags: ctx.session.selected.flagsOf(record.uid, record.flags) });
  return out;
}
