// Matching of header-based SEARCH keys (RFC 9051 §6.4.4) against what the
// MIME index stored, and against the raw header block when the index does
// not hold the field. Every comparison is a substring test on text folded
// with foldForSearch (Unicode case folding, accents dropped), the same
// folding the full-text index applies, so an index lookup can narrow the
// candidates without changing the answer.
import type { Readable } from 'node:stream';
import type { EnvelopeAddress } from '../../../../shared/src/schemas/message-index.ts';
import { foldForSearch } from '../../model/mail-ids.ts';
import type { MessageSummary } from '../../store/mail-port.ts';
import type { ByteRange } from '../../store/port.ts';
import { decodeWords } from '../mime/envelope.ts';
import { allFields, headerFields, unfoldValue, type HeaderField } from '../mime/header-fields.ts';
import { buildSearchText, headerSearchTexts } from '../mime/search-text.ts';
import type { MimePart } from '../mime/types.ts';

/** The indexer's default text budget (index-message.ts): a body is re-read with the same limit. */
const SEARCH_TEXT_BYTES = 1024 * 1024;

export interface BlobReader {
  open(blobId: string, range?: ByteRange): Promise<Readable>;
  body(blobId: string): Promise<{ root: MimePart }>;
}

async function collect(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/**
 * One envelope address list as text: "Name <mailbox@host>" per address,
 * names RFC 2047-decoded; RFC 9051 §7.5.2 group markers become "group:"
 * and are otherwise skipped.
 */
export function addressText(list: readonly EnvelopeAddress[] | null): string {
  if (!list) return '';
  const out: string[] = [];
  for (const a of list) {
    if (a.host === null) {
      if (a.mailbox !== null) out.push(`${a.mailbox}:`);
      continue;
    }
    const address = `${a.mailbox ?? ''}@${a.host}`;
    out.push(a.name ? `${decodeWords(a.name)} <${address}>` : address);
  }
  return out.join(', ');
}

/**
 * Whether an index lookup for `foldedNeedle` can narrow an address search:
 * the index holds the decoded header value ("Name" <a@b>), this matcher the
 * envelope form (Name <a@b>). Without quotes, angle brackets or backslashes
 * in the needle a match lies inside one name or one address, which both
 * forms spell alike.
 */
export function addressNeedleIndexable(foldedNeedle: string): boolean {
  return !/[<>"\\]/.test(foldedNeedle);
}

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];

/**
 * The calendar day of the Date: header in the zone it was written in
 * (RFC 9051 §6.4.4 SENT*: "disregarding time and timezone"), as UTC
 * milliseconds of that day's start. Falls back to the parsed UTC date, then
 * to the internal date.
 */
export function sentDay(summary: MessageSummary): number {
  const raw = summary.envelope?.date;
  if (raw) {
    // RFC 5322 §3.3 date = day month year; obs-year (two digits) per §4.3.
    const m = /(\d{1,2})\s+([A-Za-z]{3})[A-Za-z]*\.?\s+(\d{2,4})\b/.exec(raw);
    const month = m ? MONTHS.indexOf(m[2].toLowerCase()) : -1;
    if (m && month >= 0) {
      let year = Number(m[3]);
      if (m[3].length === 2) year += year < 50 ? 2000 : 1900;
      else if (m[3].length === 3) year += 1900;
      return Date.UTC(year, month, Number(m[1]));
    }
  }
  const iso = summary.headers.date ?? summary.internalDate;
  return Date.parse(`${iso.slice(0, 10)}T00:00:00Z`);
}

/** Bytes read first for a header block: almost every header is shorter, and headerFields stops at the blank line. */
const HEADER_READ = 64 * 1024;

/** The top-level header block of a message, parsed into fields; reads the whole blob only when the header is longer than HEADER_READ. */
export async function readHeader(reader: BlobReader, summary: MessageSummary): Promise<HeaderField[]> {
  const head = await collect(await reader.open(summary.blobId, { start: 0, end: Math.min(summary.size, HEADER_READ) }));
  const ended = /\r?\n\r?\n|\r\r/.test(head.toString('latin1'));
  return headerFields(ended || summary.size <= HEADER_READ ? head : await collect(await reader.open(summary.blobId)));
}

/** RFC 9051 §6.4.4 HEADER: a field of that name whose decoded value contains the needle; '' = the field is present. */
export function headerMatches(fields: readonly HeaderField[], name: string, foldedNeedle: string): boolean {
  const named = allFields(fields, name.toLowerCase());
  if (foldedNeedle === '') return named.length > 0;
  return named.some((f) => foldForSearch(decodeWords(unfoldValue(f.value))).includes(foldedNeedle));
}

/** Whether `foldedNeedle` occurs in one of the top-level header values the full-text index holds. */
export function indexedHeadersContain(fields: readonly HeaderField[], searchHeaders: ReadonlySet<string>, foldedNeedle: string): boolean {
  return fields.some((f) => searchHeaders.has(f.name.toLowerCase()) && headerSearchTexts(f).some((t) => foldForSearch(t).includes(foldedNeedle)));
}

/**
 * SEARCH BODY for a message whose index hit may have come from its own
 * header: rebuild the body's share of the search text (text parts,
 * attachment names, encapsulated headers) from the blob and look there.
 */
export async function bodyContains(reader: BlobReader, blobId: string, foldedNeedle: string): Promise<boolean> {
  const [raw, { root }] = await Promise.all([reader.open(blobId).then(collect), reader.body(blobId)]);
  return foldForSearch(buildSearchText(raw, root, [], SEARCH_TEXT_BYTES)).includes(foldedNeedle);
}

/** Runs `fn` over `items` with at most `limit` in flight (blob reads: enough to overlap I/O, few enough not to exhaust descriptors). */
export async function forEachLimited<T>(items: readonly T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await fn(items[next++]);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}
