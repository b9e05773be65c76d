// Content-Transfer-Encoding (RFC 2045 §6) and charset decoding of one part,
// for IMAP BINARY[section] (RFC 3516 §4.2) and for the search text.
import { Buffer } from 'node:buffer';
import { decode as qpDecode } from 'libqp';
import type { MimePart } from './types.ts';
import { decodeCharset } from './charset.ts';

export interface DecodedBody {
  /** Transfer-decoded bytes (BINARY[]). The input itself for 7bit/8bit/binary: no copy. */
  bytes: Buffer;
  /** Charset-decoded text, when a charset was given (text/* parts). */
  text?: string;
  /** The encoding is not one RFC 2045 defines: bytes are returned as stored (IMAP answers NO [UNKNOWN-CTE], RFC 3516 §4.2). */
  unknownEncoding: boolean;
}

const IDENTITY = new Set(['7bit', '8bit', 'binary', '']);

function transferDecode(body: Buffer, encoding: string): { bytes: Buffer; unknown: boolean } {
  switch (encoding) {
    case 'base64':
      // RFC 2045 §6.8: characters outside the alphabet are ignored. Padding
      // is dropped too, Node decodes unpadded input.
      return { bytes: Buffer.from(body.toString('latin1').replace(/[^A-Za-z0-9+/]+/g, ''), 'base64'), unknown: false };
    case 'quoted-printable':
      return { bytes: qpDecode(body), unknown: false };
    default:
      return { bytes: body, unknown: !IDENTITY.has(encoding) };
  }
}

/**
 * Decode a part body. `encoding` is the lower-case Content-Transfer-Encoding;
 * `charset` (null or omitted: no text wanted) the declared charset — unknown
 * charsets fall back to UTF-8 when valid, else windows-1252. Never throws.
 */
export function decodeBody(body: Buffer, encoding: string, charset?: string | null): DecodedBody {
  let decoded: { bytes: Buffer; unknown: boolean };
  try {
    decoded = transferDecode(body, encoding.trim().toLowerCase());
  } catch {
    decoded = { bytes: body, unknown: true };
  }
  const result: DecodedBody = { bytes: decoded.bytes, unknownEncoding: decoded.unknown };
  if (charset !== undefined && charset !== null) result.text = decodeCharset(decoded.bytes, charset);
  return result;
}

/** Decode the body of `part` from the stored message; text for text/* parts (default charset us-ascii, RFC 2045 §5.2). */
export function decodePart(raw: Buffer, part: MimePart): DecodedBody {
  const body = raw.subarray(part.bodyStart, part.bodyEnd);
  const charset = part.contentType.type === 'text' ? (part.contentType.params.charset ?? 'us-ascii') : null;
  return decodeBody(body, part.encoding, charset);
}
