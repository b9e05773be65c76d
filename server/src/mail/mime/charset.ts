// Byte → text conversion for header values and body parts. Never throws:
// mail in the wild declares charsets that do not exist, mislabels latin1 as
// UTF-8 and sends raw 8-bit headers (RFC 6532), so every path has a fallback.
import { Buffer } from 'node:buffer';
import iconv from 'iconv-lite';
import { decode as libmimeDecode, normalizeCharset } from 'libmime/lib/charset.js';

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/** True when `bytes` holds only 7-bit bytes (no conversion can change it). */
function isAscii(bytes: Uint8Array): boolean {
  for (let i = 0; i < bytes.length; i++) if (bytes[i] > 0x7f) return false;
  return true;
}

/**
 * Header and unlabelled bytes: UTF-8 when the bytes are valid UTF-8
 * (RFC 6532 §3.2 allows raw UTF-8 in header values), otherwise
 * windows-1252, the usual meaning of undeclared 8-bit mail text.
 */
export function bytesToText(bytes: Uint8Array): string {
  if (isAscii(bytes)) return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
  try {
    return strictUtf8.decode(bytes);
  } catch {
    return iconv.decode(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), 'windows-1252');
  }
}

/**
 * A string read byte-for-byte as latin1 (how structured headers are parsed,
 * so that boundaries keep their exact bytes) turned back into text.
 */
export function latin1ToText(value: string): string {
  if (!/[\x80-\xff]/.test(value) || /[^\x00-\xff]/.test(value)) return value;
  return bytesToText(Buffer.from(value, 'latin1'));
}

/** Charsets that mean "no real charset": the bytes are best guessed. */
const GUESS = new Set(['', 'us-ascii', 'ascii', 'unknown', 'unknown-8bit', 'x-unknown', 'default', '8bit', '7bit', 'binary']);

/**
 * Decode body bytes declared in `charset`. ISO-2022-JP and friends go through
 * libmime (stateful Japanese encodings iconv-lite lacks); other known charsets
 * through iconv-lite; unknown ones (and US-ASCII, which in practice carries
 * 8-bit text) fall back to UTF-8 when valid, else windows-1252.
 */
export function decodeCharset(bytes: Buffer, charset: string | null | undefined): string {
  const label = (charset ?? '').trim().toLowerCase();
  // Stateful 7-bit charsets (ISO-2022-*, UTF-7, HZ) and UTF-16/32 are not
  // ASCII supersets: only for the others is 7-bit input already text.
  const asciiSuperset = !/^(iso-?2022|utf-?7|hz|utf-?16|utf-?32|ucs-?2|unicode)/.test(label);
  if (GUESS.has(label) || (asciiSuperset && isAscii(bytes))) return bytesToText(bytes);
  try {
    if (/^(iso-?2022-?jp|shift[_-]?jis|sjis|cp932|windows-31j|euc-?jp)/.test(label)) return libmimeDecode(bytes, label);
    const name = normalizeCharset(label);
    if (iconv.encodingExists(name)) return iconv.decode(bytes, name);
    if (iconv.encodingExists(label)) return iconv.decode(bytes, label);
  } catch {
    // fall through to the heuristic below
  }
  return bytesToText(bytes);
}
