// Authentication results a sender wrote itself are not ours (issue 16 item
// 7). RFC 8601 §5: an MTA "MUST delete or otherwise obscure" every
// Authentication-Results field claiming its own authserv-id that did not
// come from a trusted MTA, before it adds its own, or a forged
// "Authentication-Results: mail.example.com; dmarc=pass" would read to the
// user's client (and to Sieve rules) as this server's verdict. The same goes
// for ARC-Authentication-Results claiming our authserv-id (Stoa seals
// nothing, RFC 8617 §4.1.1) and for Received-SPF (RFC 7208 §9.1), which
// names no author at all: Stoa adds its own above the message. The fields
// are renamed rather than deleted, so an admin can still see what arrived;
// nobody reads X-Untrusted-* as a verdict. Pure: bytes in, bytes out.
import { Readable } from 'node:stream';
import { headerFields, unfoldValue } from '../mail/mime/header-fields.ts';
import type { MessageSource } from './api.ts';

export const RENAMED_PREFIX = 'X-Untrusted-';

/** RFC 8601 §2.2 authserv-id of a field value: the first token (or quoted string) after comments and whitespace. */
export function authservId(value: string): string | null {
  let s = value;
  for (;;) {
    s = s.replace(/^\s+/, '');
    if (!s.startsWith('(')) break;
    // RFC 5322 §3.2.2 comments nest.
    let depth = 0;
    let i = 0;
    for (; i < s.length; i++) {
      if (s[i] === '\\') i++;
      else if (s[i] === '(') depth++;
      else if (s[i] === ')' && --depth === 0) break;
    }
    s = s.slice(i + 1);
  }
  if (s.startsWith('"')) {
    const end = s.indexOf('"', 1);
    return end > 0 ? s.slice(1, end) : null;
  }
  const m = /^[^\s;()]+/.exec(s);
  return m ? m[0] : null;
}

/** RFC 8617 §4.1.1: ARC-Authentication-Results starts with the instance tag "i=N;". */
function arcAuthservId(value: string): string | null {
  const m = /^\s*i\s*=\s*\d+\s*;(.*)$/s.exec(value);
  return m ? authservId(m[1]) : null;
}

const sameHost = (a: string, b: string): boolean => a.replace(/\.$/, '').toLowerCase() === b.replace(/\.$/, '').toLowerCase();

export interface GuardedHeader {
  /** The header section with the untrusted fields renamed. */
  header: Buffer;
  /** Names of the fields renamed, in order (for the log). */
  renamed: string[];
}

/**
 * Renames the authentication fields of an incoming header section that
 * claim to be this server's (`authservIds`), and every Received-SPF.
 * Null when there is nothing to rename.
 */
export function guardAuthFields(header: Buffer, authservIds: readonly string[]): GuardedHeader | null {
  const ours = (id: string | null): boolean => id !== null && authservIds.some((a) => sameHost(a, id));
  const parts: Buffer[] = [];
  const renamed: string[] = [];
  let pos = 0;
  for (const field of headerFields(header)) {
    const name = field.name.toLowerCase();
    const value = name === 'authentication-results' || name === 'arc-authentication-results' ? unfoldValue(field.value) : '';
    const untrusted = name === 'received-spf'
      || (name === 'authentication-results' && ours(authservId(value)))
      || (name === 'arc-authentication-results' && ours(arcAuthservId(value)));
    if (!untrusted) continue;
    parts.push(header.subarray(pos, field.start), Buffer.from(RENAMED_PREFIX + field.name, 'latin1'));
    pos = field.start + field.name.length;
    renamed.push(field.name);
  }
  if (renamed.length === 0) return null;
  parts.push(header.subarray(pos));
  return { header: Buffer.concat(parts), renamed };
}

/** The source with its first `oldLength` bytes (the header section) replaced by `head`. */
export function withHeader(source: MessageSource, oldLength: number, head: Buffer): MessageSource {
  const rest = async function* (stream: Readable): AsyncGenerator<Buffer> {
    let skip = oldLength;
    for await (const chunk of stream) {
      const buf = chunk as Buffer;
      if (skip >= buf.length) {
        skip -= buf.length;
        continue;
      }
      yield skip > 0 ? buf.subarray(skip) : buf;
      skip = 0;
    }
  };
  const stream = (prefix?: Buffer): Readable => Readable.from((async function* () {
    if (prefix && prefix.length > 0) yield prefix;
    yield head;
    yield* rest(source.stream());
  })());
  return {
    size: source.size - oldLength + head.length,
    async head(n) {
      const more = await source.head(oldLength + n);
      return Buffer.concat([head, more.subarray(oldLength)]).subarray(0, n);
    },
    stream: () => stream(),
    async buffer() {
      return Buffer.concat([head, (await source.buffer()).subarray(oldLength)]);
    },
    content(prefix) {
      // Small messages stay in memory, as the source keeps them; spooled ones stream.
      const whole = source.content(Buffer.alloc(0));
      if (Buffer.isBuffer(whole)) return Buffer.concat([prefix, head, whole.subarray(oldLength)]);
      whole.destroy();
      return stream(prefix);
    },
  };
}
