// A message already in memory as a MessageSource (intake/api.ts): what the
// queue's local transport, notices, Sieve and calendar mail hand the intake.
import { Readable } from 'node:stream';
import type { MessageSource } from './api.ts';

export function bufferSource(bytes: Buffer): MessageSource {
  return {
    size: bytes.length,
    head: async (n) => bytes.subarray(0, n),
    stream: () => Readable.from([bytes]),
    buffer: async () => bytes,
    content: (prefix) => Buffer.concat([prefix, bytes]),
  };
}

/**
 * The header section: up to the first empty line, or the whole head when it
 * holds none (a message of headers only, RFC 5322 §3.5). Null when `head`
 * was cut at `limit` before an empty line: the header section is too large.
 */
export function headerSection(head: Buffer, limit: number): Buffer | null {
  const crlf = head.indexOf('\r\n\r\n');
  if (crlf >= 0) return head.subarray(0, crlf + 2);
  const lf = head.indexOf('\n\n');
  if (lf >= 0) return head.subarray(0, lf + 1);
  return head.length < limit ? head : null;
}
