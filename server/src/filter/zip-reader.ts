// A small, bounded ZIP reader for the attachment filter: the central
// directory (PKWARE APPNOTE 6.3.10 §4.3.12–4.3.16, with the ZIP64 records of
// §4.3.14–4.3.15) lists every entry's name, sizes, method and encryption flag
// without inflating anything; an entry is inflated (node:zlib, raw deflate)
// only to look inside a nested archive or an Office document, and never past
// a byte limit.
//
// Zip bombs are refused before any work: too many entries, a declared total
// over the limit, an entry whose declared ratio is absurd, and entries whose
// data overlap (the overlapping-file construction of David Fifield's "A
// better zip bomb", 2019). Nothing here trusts a size the archive declares:
// inflation stops at the smaller of the declared size and the caller's limit.
import { inflateRawSync } from 'node:zlib';

export interface ZipLimits {
  maxEntries: number;
  /** Sum of the declared uncompressed sizes. */
  maxUncompressedBytes: number;
  /** Declared uncompressed / compressed size of one entry (entries over 1 MiB only). */
  maxRatio: number;
}

export interface ZipEntry {
  name: string;
  compressedSize: number;
  uncompressedSize: number;
  /** 0 stored, 8 deflate; others cannot be inspected. */
  method: number;
  encrypted: boolean;
  /** Offset of the local file header. */
  offset: number;
}

export type ZipProblem = 'not-zip' | 'malformed' | 'too-many-entries' | 'too-large' | 'ratio' | 'overlap';

export type ZipListing =
  | { ok: true; entries: ZipEntry[] }
  | { ok: false; problem: ZipProblem; detail: string };

const EOCD = 0x06054b50;
const EOCD64 = 0x06064b50;
const EOCD64_LOCATOR = 0x07064b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;
const MAX_COMMENT = 0xffff;
const RATIO_FLOOR = 1024 * 1024;

/** "PK\x03\x04" (or an empty archive's "PK\x05\x06") at the start. */
export function looksLikeZip(buf: Buffer): boolean {
  return buf.length >= 22 && buf[0] === 0x50 && buf[1] === 0x4b && (buf.readUInt32LE(0) === LOCAL || buf.readUInt32LE(0) === EOCD);
}

function fail(problem: ZipProblem, detail: string): ZipListing {
  return { ok: false, problem, detail };
}

/** §4.3.16: the EOCD is the last record, followed only by its comment; scan back over at most 64 KiB. */
function findEocd(buf: Buffer): number {
  const stop = Math.max(0, buf.length - 22 - MAX_COMMENT);
  for (let i = buf.length - 22; i >= stop; i--) {
    if (buf.readUInt32LE(i) === EOCD && i + 22 + buf.readUInt16LE(i + 20) <= buf.length) return i;
  }
  return -1;
}

/** A 64-bit little-endian size that must fit a JavaScript number. */
function readUint64(buf: Buffer, at: number): number {
  const value = buf.readBigUInt64LE(at);
  return value > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : Number(value);
}

export function readZipDirectory(buf: Buffer, limits: ZipLimits): ZipListing {
  if (!looksLikeZip(buf)) return fail('not-zip', 'no local file header signature');
  const eocd = findEocd(buf);
  if (eocd < 0) return fail('malformed', 'no end of central directory record');
  let count = buf.readUInt16LE(eocd + 10);
  let cdSize = buf.readUInt32LE(eocd + 12);
  let cdOffset = buf.readUInt32LE(eocd + 16);
  if (count === 0xffff || cdSize === 0xffffffff || cdOffset === 0xffffffff) {
    // §4.3.15 ZIP64 locator just before the EOCD, pointing at the ZIP64 EOCD (§4.3.14).
    const loc = eocd - 20;
    if (loc < 0 || buf.readUInt32LE(loc) !== EOCD64_LOCATOR) return fail('malformed', 'ZIP64 fields without a ZIP64 locator');
    const at = readUint64(buf, loc + 8);
    if (at + 56 > buf.length || buf.readUInt32LE(at) !== EOCD64) return fail('malformed', 'ZIP64 end record out of bounds');
    count = readUint64(buf, at + 32);
    cdSize = readUint64(buf, at + 40);
    cdOffset = readUint64(buf, at + 48);
  }
  if (count > limits.maxEntries) return fail('too-many-entries', `${count} entries (limit ${limits.maxEntries})`);
  if (cdOffset + cdSize > buf.length) return fail('malformed', 'central directory out of bounds');

  const entries: ZipEntry[] = [];
  let total = 0;
  let pos = cdOffset;
  for (let i = 0; i < count; i++) {
    if (pos + 46 > buf.length || buf.readUInt32LE(pos) !== CENTRAL) return fail('malformed', `central directory entry ${i} is damaged`);
    const flags = buf.readUInt16LE(pos + 8);
    const method = buf.readUInt16LE(pos + 10);
    let compressedSize = buf.readUInt32LE(pos + 20);
    let uncompressedSize = buf.readUInt32LE(pos + 24);
    const nameLength = buf.readUInt16LE(pos + 28);
    const extraLength = buf.readUInt16LE(pos + 30);
    const commentLength = buf.readUInt16LE(pos + 32);
    let offset = buf.readUInt32LE(pos + 42);
    const end = pos + 46 + nameLength + extraLength + commentLength;
    if (end > buf.length) return fail('malformed', `central directory entry ${i} runs past the end`);
    // §4.4.4 bit 11: UTF-8 names; otherwise IBM 437, read as latin1 (close enough for extensions).
    const name = buf.toString(flags & 0x800 ? 'utf8' : 'latin1', pos + 46, pos + 46 + nameLength);
    // §4.5.3 ZIP64 extended information: only the fields that were 0xFFFFFFFF, in this order.
    for (let x = pos + 46 + nameLength; x + 4 <= pos + 46 + nameLength + extraLength;) {
      const id = buf.readUInt16LE(x);
      const size = buf.readUInt16LE(x + 2);
      if (id === 0x0001) {
        let f = x + 4;
        const take = (): number => {
          if (f + 8 > x + 4 + size) return 0;
          const v = readUint64(buf, f);
          f += 8;
          return v;
        };
        if (uncompressedSize === 0xffffffff) uncompressedSize = take();
        if (compressedSize === 0xffffffff) compressedSize = take();
        if (offset === 0xffffffff) offset = take();
      }
      x += 4 + size;
    }
    total += uncompressedSize;
    if (total > limits.maxUncompressedBytes) return fail('too-large', `more than ${limits.maxUncompressedBytes} bytes uncompressed`);
    if (uncompressedSize > RATIO_FLOOR && uncompressedSize / Math.max(1, compressedSize) > limits.maxRatio) {
      return fail('ratio', `${name}: ${uncompressedSize} bytes from ${compressedSize} (ratio over ${limits.maxRatio})`);
    }
    if (offset + 30 > buf.length) return fail('malformed', `${name}: local header out of bounds`);
    entries.push({ name, compressedSize, uncompressedSize, method, encrypted: (flags & 0x1) === 1, offset });
    pos = end;
  }
  // Overlapping entries: each entry's data must end before the next one's header begins.
  const byOffset = [...entries].sort((a, b) => a.offset - b.offset);
  for (let i = 1; i < byOffset.length; i++) {
    const prev = byOffset[i - 1];
    if (prev.offset + 30 + prev.compressedSize > byOffset[i].offset) return fail('overlap', `${prev.name} overlaps ${byOffset[i].name}`);
  }
  return { ok: true, entries };
}

/**
 * The content of one entry, or null when it cannot be had within `maxBytes`
 * (encrypted, an unknown method, damaged, or larger than the limit).
 */
export function extractEntry(buf: Buffer, entry: ZipEntry, maxBytes: number): Buffer | null {
  if (entry.encrypted || entry.uncompressedSize > maxBytes) return null;
  const at = entry.offset;
  if (at + 30 > buf.length || buf.readUInt32LE(at) !== LOCAL) return null;
  // §4.3.7: the local header's own name and extra lengths, which may differ from the central ones.
  const start = at + 30 + buf.readUInt16LE(at + 26) + buf.readUInt16LE(at + 28);
  const data = buf.subarray(start, Math.min(buf.length, start + entry.compressedSize));
  if (entry.method === 0) return data.length === entry.uncompressedSize ? data : null;
  if (entry.method !== 8) return null;
  try {
    // maxOutputLength: inflation stops (with an error) rather than trusting the declared size.
    return inflateRawSync(data, { maxOutputLength: Math.max(1, entry.uncompressedSize) });
  } catch {
    return null;
  }
}
