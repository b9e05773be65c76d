// The size of a message as POP3 sends it (RFC 1939 §5: octets as sent, CRLF
// line endings, before byte-stuffing): what the POP3 MessageEncoder
// (protocols/pop3/wire/message-encoder.ts) counts for RETR. Bodies are stored
// as received, possibly with bare LF or bare CR line breaks, so the indexer
// computes this once at intake and POP3 never streams a body to size it.
import type { Buffer } from 'node:buffer';

const CR = 0x0d;
const LF = 0x0a;

/**
 * Every line break becomes CRLF: a bare LF or a bare CR gains one octet, and
 * a last line without a line break gains a CRLF. Counted with the native
 * byte search, so a 50 MB message costs a few milliseconds.
 */
export function wireSize(raw: Buffer): number {
  let size = raw.length;
  let crlf = 0;
  let lf = 0;
  for (let i = raw.indexOf(LF); i >= 0; i = raw.indexOf(LF, i + 1)) {
    lf++;
    if (i > 0 && raw[i - 1] === CR) crlf++;
  }
  let cr = 0;
  for (let i = raw.indexOf(CR); i >= 0; i = raw.indexOf(CR, i + 1)) cr++;
  size += (lf - crlf) + (cr - crlf);
  const last = raw.length > 0 ? raw[raw.length - 1] : LF;
  if (last !== LF && last !== CR) size += 2;
  return size;
}
