// The text put into the full-text index (SQLite FTS5 / MongoDB text index):
// decoded address and subject headers of the message and of every
// encapsulated message, the text of every text/* part (HTML reduced to its
// words) and attachment file names, capped at a byte budget.
import { Buffer } from 'node:buffer';
import type { MimePart } from './types.ts';
import { type HeaderField, headerFields, unfoldValue } from './header-fields.ts';
import { parseAddressList } from './address-list.ts';
import { decodeWords } from './envelope.ts';
import { decodeBody } from './decode-body.ts';
import { htmlToText } from './html-text.ts';
import { partFileName } from './part-headers.ts';
import { walkParts } from './part-walk.ts';

/**
 * Header fields a person searches by. Trace and signature fields (Received,
 * DKIM-Signature, ARC-*) would fill the budget with noise; IMAP SEARCH
 * HEADER reads the raw header block instead.
 */
export const SEARCH_HEADERS: ReadonlySet<string> = new Set([
  'from', 'sender', 'reply-to', 'to', 'cc', 'bcc', 'subject', 'comments', 'keywords', 'organization',
  'list-id', 'resent-from', 'resent-to', 'resent-cc', 'x-original-to', 'delivered-to',
]);

class Budget {
  readonly chunks: string[] = [];
  private left: number;
  constructor(maxBytes: number) {
    this.left = maxBytes;
  }
  get full(): boolean {
    return this.left <= 0;
  }
  get remaining(): number {
    return this.left;
  }
  add(text: string): void {
    const t = text.trim();
    if (t === '' || this.left <= 0) return;
    const bytes = Buffer.byteLength(t) + 1;
    if (bytes <= this.left) {
      this.chunks.push(t);
      this.left -= bytes;
      return;
    }
    // Cut on a character boundary: a partial UTF-8 sequence decodes to U+FFFD.
    const cut = Buffer.from(t).subarray(0, Math.max(0, this.left - 1)).toString('utf8').replace(/\uFFFD+$/, '');
    if (cut !== '') this.chunks.push(cut);
    this.left = 0;
  }
}

const ADDRESS_HEADERS: ReadonlySet<string> = new Set(['from', 'sender', 'reply-to', 'to', 'cc', 'bcc', 'resent-from', 'resent-to', 'resent-cc']);

/**
 * What the index holds of one header field: its decoded value and, for
 * address fields, each addr-spec as ENVELOPE spells it ("mailbox@host")
 * where the header spelled it otherwise (comments inside the address,
 * quoted local parts, spaces around "@"), so that SEARCH FROM
 * user@example.org (RFC 3501 §6.4.4), narrowed by an index lookup, still
 * finds `user (comment) @ example.org`.
 */
export function headerSearchTexts(field: HeaderField): string[] {
  const decoded = decodeWords(unfoldValue(field.value));
  if (!ADDRESS_HEADERS.has(field.name.toLowerCase())) return [decoded];
  const out = [decoded];
  for (const a of parseAddressList(unfoldValue(field.value))) {
    if (a.mailbox === null || a.host === null) continue;
    const spec = `${a.mailbox}@${a.host}`;
    if (!decoded.includes(spec)) out.push(spec);
  }
  return out;
}

function addHeaders(budget: Budget, fields: readonly HeaderField[]): void {
  for (const f of fields) if (SEARCH_HEADERS.has(f.name.toLowerCase())) for (const text of headerSearchTexts(f)) budget.add(text);
}

/** Raw bytes to decode for `budget` bytes of text: enough for QP and HTML markup, cut at a line end. */
function bodySlice(raw: Buffer, part: MimePart, budget: number): Buffer {
  const limit = part.bodyStart + budget * 8 + 4096;
  if (limit >= part.bodyEnd) return raw.subarray(part.bodyStart, part.bodyEnd);
  const lineEnd = raw.lastIndexOf(0x0a, limit);
  return raw.subarray(part.bodyStart, lineEnd > part.bodyStart ? lineEnd : limit);
}

export function buildSearchText(raw: Buffer, root: MimePart, rootFields: readonly HeaderField[], maxBytes: number): string {
  const budget = new Budget(maxBytes);
  addHeaders(budget, rootFields);
  for (const { part, messageRoot } of walkParts(root)) {
    if (budget.full) break;
    if (messageRoot && part !== root) addHeaders(budget, headerFields(raw.subarray(part.headerStart, part.bodyStart)));
    const name = partFileName(part);
    if (name !== null) budget.add(name);
    const { type, subtype, params } = part.contentType;
    if (type !== 'text' || part.size === 0) continue;
    const { text } = decodeBody(bodySlice(raw, part, budget.remaining), part.encoding, params.charset ?? 'us-ascii');
    if (text === undefined) continue;
    budget.add(subtype === 'html' ? htmlToText(text) : text.replace(/\x00/g, ''));
  }
  return budget.chunks.join('\n');
}
