// Typed responses → bytes. RFC 1939 §3: a status indicator, optional text,
// CRLF; multi-line responses end with "." CRLF and every line that starts
// with "." is byte-stuffed. RFC 2449 §8: an extended response code goes in
// square brackets right after the status indicator.
import type { ResponseCode } from './command-types.ts';

/** Response text goes on one line whatever the caller passed. */
const oneLine = (text: string): string => text.replace(/[\r\n\0]+/g, ' ');

export function statusLine(ok: boolean, text: string, code?: ResponseCode): Buffer {
  const parts = [ok ? '+OK' : '-ERR'];
  if (code) parts.push(`[${code}]`);
  if (text) parts.push(oneLine(text));
  return Buffer.from(`${parts.join(' ')}\r\n`, 'utf8');
}

/** A whole multi-line response held in memory: CAPA, LIST, UIDL (small, line-oriented answers). */
export function multiLine(text: string, lines: readonly string[]): Buffer {
  const body = lines.map((l) => `${l.startsWith('.') ? '.' : ''}${oneLine(l)}\r\n`).join('');
  return Buffer.concat([statusLine(true, text), Buffer.from(`${body}.\r\n`, 'utf8')]);
}

/** RFC 5034 §4: a server challenge is "+" SP base64 (an empty one is "+ "). */
export function saslChallenge(data: Buffer): Buffer {
  return Buffer.from(`+ ${data.toString('base64')}\r\n`, 'latin1');
}

/** The terminating line of a streamed multi-line response. */
export const TERMINATOR = Buffer.from('.\r\n', 'latin1');
