// Repairs the filter makes before reading a malformed message, so that broken
// MIME does not blind the content rules and the classifier: spamware breaks
// the structure by carelessness or on purpose, and a mail client that is
// forgiving still shows the text. The checks read what such a client shows;
// the stored message is never changed, and IMAP keeps the strict parse.
import { Buffer } from 'node:buffer';
import { lineBreakByte } from '../mail/mime/header-fields.ts';

/** How far into a message a header is looked for: headers are small, and a message without any empty line must not be walked to its end. */
const MAX_HEADER_SCAN = 256 * 1024;
/** Body lines looked at for a delimiter when the declared boundary never appears. */
const MAX_BOUNDARY_SCAN_LINES = 200;
/** RFC 2046 §5.1.1 allows 70 characters; a longer token is no boundary. */
const MAX_BOUNDARY = 200;

/**
 * Offset of the first line of the top-level header that cannot be a field,
 * or -1 when the header ends as RFC 5322 §2.1 says, at an empty line. A line
 * cannot be a field when it has no colon at all, or when it is a MIME
 * delimiter ("--" and a boundary, RFC 2046 §5.1.1, which may hold a colon);
 * folded lines (leading white space, even a line of white space only:
 * obs-FWS, RFC 5322 §4.2) continue the field before, and a leading mbox
 * "From " line is skipped. A malformed line that has a colon stays in the
 * header, as the strict parser keeps it. Where this returns, the body
 * starts: Postfix's cleanup inserts the missing empty line there, and
 * SpamAssassin reads it the same way (MISSING_HB_SEP).
 */
export function headerBodyGap(raw: Buffer): number {
  const eol = lineBreakByte(raw);
  const end = Math.min(raw.length, MAX_HEADER_SCAN);
  let pos = raw.subarray(0, 5).toString('latin1') === 'From ' ? nextLine(raw, 0, eol) : 0;
  while (pos < end) {
    const brk = raw.indexOf(eol, pos);
    const stop = brk < 0 ? raw.length : brk;
    const contentEnd = stop > pos && raw[stop - 1] === 0x0d ? stop - 1 : stop;
    if (contentEnd === pos) return -1;
    const first = raw[pos];
    // RFC 5322 §3.2.2 obs-FWS: a line of white space only still folds.
    if (first !== 0x20 && first !== 0x09) {
      const line = raw.subarray(pos, Math.min(contentEnd, pos + 1000));
      if ((first === 0x2d && line[1] === 0x2d) || !line.includes(0x3a)) return pos;
    }
    if (brk < 0) return -1;
    pos = brk + 1;
  }
  return -1;
}

function nextLine(raw: Buffer, pos: number, eol: number): number {
  const brk = raw.indexOf(eol, pos);
  return brk < 0 ? raw.length : brk + 1;
}

/** The message with an empty line inserted at `gap` (headerBodyGap), in the message's own line-break style. */
export function insertHeaderEnd(raw: Buffer, gap: number): Buffer {
  const eol = lineBreakByte(raw);
  const crlf = gap >= 2 && raw[gap - 2] === 0x0d && raw[gap - 1] === 0x0a;
  const brk = crlf ? Buffer.from('\r\n') : Buffer.from([eol]);
  return Buffer.concat([raw.subarray(0, gap), brk, raw.subarray(gap)]);
}

/**
 * The boundary a multipart body really uses when its declared one never
 * appears (a second Content-Type field, delimiters without the leading "--"
 * of RFC 2046 §5.1.1, a mangled parameter): the first line in the body that
 * looks like a delimiter, "--" and a token, provided the same delimiter
 * appears at least twice. Null when there is none.
 */
export function recoverBoundary(raw: Buffer, bodyStart: number): string | null {
  const eol = lineBreakByte(raw);
  let pos = bodyStart;
  for (let n = 0; n < MAX_BOUNDARY_SCAN_LINES && pos < raw.length; n++) {
    const brk = raw.indexOf(eol, pos);
    const stop = brk < 0 ? raw.length : brk;
    if (raw[pos] === 0x2d && raw[pos + 1] === 0x2d) {
      const token = raw.toString('latin1', pos + 2, stop).replace(/[ \t\r]+$/, '');
      // RFC 2046 §5.1.1 bchars: no quotes or backslashes, no trailing space; a "-- " signature line is no delimiter.
      if (token.length > 0 && token.length <= MAX_BOUNDARY && !/["\\\x00-\x1f\x7f-\xff]/.test(token) && !token.endsWith('--')) {
        const delimiter = Buffer.from(`--${token}`, 'latin1');
        if (raw.indexOf(delimiter, stop) >= 0) return token;
      }
    }
    if (brk < 0) break;
    pos = brk + 1;
  }
  return null;
}

/** A stand-in message: a header declaring `subtype` with the recovered boundary, then the original body. */
export function withBoundary(raw: Buffer, bodyStart: number, subtype: string, boundary: string): Buffer {
  const safeSubtype = /^[a-z0-9.+-]{1,40}$/i.test(subtype) ? subtype : 'mixed';
  return Buffer.concat([Buffer.from(`Content-Type: multipart/${safeSubtype}; boundary="${boundary}"\r\n\r\n`, 'latin1'), raw.subarray(bodyStart)]);
}
