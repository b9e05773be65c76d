// Header block → ordered fields, keeping the raw bytes (RFC 5322 §2.2).
// IMAP HEADER.FIELDS / HEADER.FIELDS.NOT (RFC 9051 §6.4.5) return fields
// byte for byte, so each field keeps its offsets inside the block.
import type { Buffer } from 'node:buffer';
import { bytesToText } from './charset.ts';

export interface HeaderField {
  /** Field name as written (without trailing obs-WSP); compare case-insensitively. */
  name: string;
  /** Raw value bytes after the colon, still folded, without the final line break. */
  value: Buffer;
  /** Offset of the field in the block, and of the byte after its final line break. */
  start: number;
  end: number;
}

const LF = 0x0a;
const CR = 0x0d;
const SP = 0x20;
const HT = 0x09;
const COLON = 0x3a;

/** The line-break byte used by a buffer: LF, or CR for CR-only data (no LF at all). */
export function lineBreakByte(raw: Buffer): number {
  return raw.indexOf(LF) >= 0 || raw.indexOf(CR) < 0 ? LF : CR;
}

/**
 * Index of the colon ending a valid field name (RFC 5322 §3.6.8 ftext, with
 * obs-optional WSP before the colon, §4.5), or -1 for a line that is not a
 * field (an mbox "From " line, garbage): such lines are kept as fields whose
 * name is the whole line, the way Dovecot keeps them.
 */
function nameEnd(raw: Buffer, start: number, end: number): number {
  let i = start;
  while (i < end && raw[i] > SP && raw[i] < 0x7f && raw[i] !== COLON) i++;
  if (i === start) return -1;
  let j = i;
  while (j < end && (raw[j] === SP || raw[j] === HT)) j++;
  return j < end && raw[j] === COLON ? j : -1;
}

/**
 * Parse a header block (the bytes from a part's headerStart to its
 * bodyStart) into fields in order. Folded continuation lines (starting with
 * WSP) belong to the field before; the blank line that ends the block is
 * not a field. Never throws.
 */
export function headerFields(block: Buffer): HeaderField[] {
  const eol = lineBreakByte(block);
  const fields: HeaderField[] = [];
  let pos = 0;
  while (pos < block.length) {
    const brk = block.indexOf(eol, pos);
    const next = brk < 0 ? block.length : brk + 1;
    let contentEnd = brk < 0 ? block.length : brk;
    if (eol === LF && contentEnd > pos && block[contentEnd - 1] === CR) contentEnd--;
    if (contentEnd === pos) break; // RFC 5322 §2.1: the empty line ends the header
    const first = block[pos];
    const last = fields[fields.length - 1];
    if ((first === SP || first === HT) && last !== undefined) {
      // RFC 5322 §2.2.3: a line starting with WSP continues the field before.
      last.end = next;
      last.value = block.subarray(last.value.byteOffset - block.byteOffset, contentEnd);
      pos = next;
      continue;
    }
    const colon = nameEnd(block, pos, contentEnd);
    let name: string;
    let valueStart: number;
    if (colon < 0) {
      name = block.toString('latin1', pos, contentEnd).trim();
      valueStart = contentEnd;
    } else {
      let n = colon;
      while (n > pos && (block[n - 1] === SP || block[n - 1] === HT)) n--;
      name = block.toString('latin1', pos, n);
      valueStart = colon + 1;
    }
    fields.push({ name, value: block.subarray(valueStart, contentEnd), start: pos, end: next });
    pos = next;
  }
  return fields;
}

/**
 * Unfold a raw value (RFC 5322 §2.2.3: remove the CRLF, keep the WSP), trim
 * it, and turn it into text: UTF-8 when valid (RFC 6532), else
 * windows-1252. NUL bytes, which no IMAP string can carry, become U+FFFD.
 */
export function unfoldValue(value: Buffer): string {
  const text = bytesToText(value);
  return text.replace(/\r\n|[\r\n]/g, '').replace(/\x00/g, '\uFFFD').trim();
}

/** Unfolded value read byte for byte (latin1), for structured fields whose exact bytes matter (boundaries). */
export function unfoldLatin1(value: Buffer): string {
  return value.toString('latin1').replace(/\r\n|[\r\n]/g, '').replace(/\x00/g, '').trim();
}

/** First field named `name` (case-insensitive), or undefined. */
export function firstField(fields: readonly HeaderField[], name: string): HeaderField | undefined {
  for (const f of fields) if (f.name.length === name.length && f.name.toLowerCase() === name) return f;
  return undefined;
}

/** Every field named `name` (case-insensitive), in order. */
export function allFields(fields: readonly HeaderField[], name: string): HeaderField[] {
  return fields.filter((f) => f.name.length === name.length && f.name.toLowerCase() === name);
}
