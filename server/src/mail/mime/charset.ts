// Byte → text conversion for header values and body parts. Never throws:
// mail in the wild declares charsets that do not exist, mislabels latin1 as
// UTF-8 and sends raw 8-bit headers (RFC 6532), so every path has a fallback.
import { Buffer, isAscii as nativeIsAscii } from 'node:buffer';
import iconv from 'iconv-lite';
import { decode as libmimeDecode, normalizeCharset } from 'libmime/lib/charset.js';

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/** True when `bytes` holds only 7-bit bytes (no conversion can change it); Node's vectorised check, not a JS loop over every byte. */
function isAscii(bytes: Uint8Array): boolean {
  return nativeIsAscii(bytes);
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

/**
 * East Asian double-byte encodings tried for undeclared 8-bit text that is
 * not UTF-8, each with the script that proves it: Japanese always has kana,
 * Korean has Hangul and spaces between words (Chinese read as EUC-KR gives
 * Hangul too, but no spaces), Chinese has Han. Big5 is left out: GBK reads
 * any Big5 text without error, so the two cannot be told apart this way.
 */
const DOUBLE_BYTE: ReadonlyArray<{ decoder: { decode(input: Uint8Array): string }; proves: (text: string, wide: number) => boolean }> = [
  { decoder: new TextDecoder('shift_jis'), proves: (t, wide) => count(t, /[\u3040-\u30ff]/g) >= wide * 0.2 && count(t, /[\uff61-\uff9f]/g) <= wide * 0.05 },
  { decoder: new TextDecoder('euc-jp'), proves: (t, wide) => count(t, /[\u3040-\u30ff]/g) >= wide * 0.2 },
  { decoder: new TextDecoder('euc-kr'), proves: (t, wide) => { const h = count(t, /[\uac00-\ud7a3]/g); return h >= wide * 0.5 && count(t, / /g) >= h * 0.15; } },
  { decoder: new TextDecoder('gbk'), proves: (t, wide) => count(t, /[\u4e00-\u9fff]/g) >= wide * 0.6 && count(t, /[\uff61-\uff9f\uac00-\ud7a3]/g) === 0 },
];

function count(text: string, re: RegExp): number {
  return text.match(re)?.length ?? 0;
}

/**
 * Undeclared 8-bit body text that is not UTF-8: mostly windows-1252, but a
 * Japanese, Korean or Chinese message sent without a charset is recognised
 * (as browsers sniff such pages): its bytes are mostly high bytes in pairs,
 * and one double-byte decoding reads them with at most a stray invalid byte
 * in a hundred characters and yields the script that proves it. Western
 * text has a few isolated high bytes and stays windows-1252.
 */
function guessEightBit(bytes: Buffer): string {
  let high = 0;
  for (let i = 0; i < bytes.length; i++) if (bytes[i] > 0x7f) high++;
  // NUL bytes: binary data (an image mislabelled as text), no text encoding to find.
  if (high >= 16 && high >= bytes.length * 0.2 && !bytes.includes(0)) {
    for (const { decoder, proves } of DOUBLE_BYTE) {
      const text = decoder.decode(bytes);
      const wide = count(text, /[^\x00-\x7f]/g);
      if (count(text, /\ufffd/g) <= Math.max(1, wide * 0.01) && proves(text, wide)) return text;
    }
  }
  return iconv.decode(bytes, 'windows-1252');
}

/** Body bytes without a real charset: 7-bit as is, UTF-8 when valid, else guessEightBit. */
function guessBodyText(bytes: Buffer): string {
  if (isAscii(bytes)) return bytes.toString('latin1');
  try {
    return strictUtf8.decode(bytes);
  } catch {
    return guessEightBit(bytes);
  }
}

/** Charsets that mean "no real charset": the bytes are best guessed. */
const GUESS = new Set(['', 'us-ascii', 'ascii', 'unknown', 'unknown-8bit', 'x-unknown', 'default', '8bit', '7bit', 'binary']);

/**
 * Decode body bytes declared in `charset`. ISO-2022-JP and friends go through
 * libmime (stateful Japanese encodings iconv-lite lacks); other known charsets
 * through iconv-lite; unknown ones (and US-ASCII, which in practice carries
 * 8-bit text) fall back to UTF-8 when valid, else a double-byte East Asian
 * encoding when the bytes prove one, else windows-1252 (guessEightBit).
 */
export function decodeCharset(bytes: Buffer, charset: string | null | undefined): string {
  const label = (charset ?? '').trim().toLowerCase();
  // Stateful 7-bit charsets (ISO-2022-*, UTF-7, HZ) and UTF-16/32 are not
  // ASCII supersets: only for the others is 7-bit input already text.
  const asciiSuperset = !/^(iso-?2022|utf-?7|hz|utf-?16|utf-?32|ucs-?2|unicode)/.test(label);
  if (asciiSuperset && isAscii(bytes)) return bytesToText(bytes);
  if (GUESS.has(label)) return guessBodyText(bytes);
  try {
    if (/^(iso-?2022-?jp|shift[_-]?jis|sjis|cp932|windows-31j|euc-?jp)/.test(label)) return libmimeDecode(bytes, label);
    const name = normalizeCharset(label);
    if (iconv.encodingExists(name)) return iconv.decode(bytes, name);
    if (iconv.encodingExists(label)) return iconv.decode(bytes, label);
  } catch {
    // fall through to the heuristic below
  }
  return guessBodyText(bytes);
}
