// Low-level response building: chooses atom, quoted string or literal for
// each value per RFC 9051 §4.3 and §9, and collects bytes and streamed
// literals into WireChunks.
import type { StreamSource, WireChunk } from './response-types.ts';
import { isAstringChar, isAtomChar, isValidUtf8 } from './lexer.ts';
import { encodeMailboxName } from './mutf7.ts';

/** Longer strings go out as literals: clients handle them well and quoting costs a scan. */
const MAX_QUOTED = 1024;

export class ResponseWriter {
  readonly utf8: boolean;
  private readonly chunks: WireChunk[] = [];
  private pending: Buffer[] = [];

  constructor(utf8: boolean) {
    this.utf8 = utf8;
  }

  raw(text: string): this {
    this.pending.push(Buffer.from(text, 'latin1'));
    return this;
  }

  bytes(buf: Buffer): this {
    this.pending.push(buf);
    return this;
  }

  /** literal = "{" number64 "}" CRLF *CHAR8; literal8 = "~{" number64 "}" CRLF *OCTET (RFC 3516 §4.2). */
  literal(data: Buffer | StreamSource, binary = false): this {
    const size = Buffer.isBuffer(data) ? data.length : data.size;
    this.raw(`${binary ? '~' : ''}{${size}}\r\n`);
    if (Buffer.isBuffer(data)) return this.bytes(data);
    this.flush();
    this.chunks.push(data);
    return this;
  }

  /** Whether bytes may go in a quoted string: TEXT-CHAR only, 8-bit only as UTF-8 in UTF-8 mode. */
  private quotable(buf: Buffer): boolean {
    if (buf.length > MAX_QUOTED) return false;
    let eight = false;
    for (const b of buf) {
      if (b === 0 || b === 0x0a || b === 0x0d) return false;
      if (b >= 0x80) eight = true;
    }
    return !eight || (this.utf8 && isValidUtf8(buf));
  }

  /** string = quoted / literal. */
  string(value: string | Buffer): this {
    const buf = typeof value === 'string' ? Buffer.from(value, 'utf8') : value;
    if (!this.quotable(buf)) return this.literal(buf);
    this.raw('"');
    let start = 0;
    for (let i = 0; i < buf.length; i++) {
      if (buf[i] === 0x22 || buf[i] === 0x5c) {
        this.bytes(buf.subarray(start, i)).raw('\\');
        start = i;
      }
    }
    return this.bytes(buf.subarray(start)).raw('"');
  }

  nstring(value: string | Buffer | null): this {
    return value === null ? this.raw('NIL') : this.string(value);
  }

  /** astring: an atom when possible (never "NIL", which would read as nil), else a string. */
  astring(value: string): this {
    if (value.length > 0 && value.length <= MAX_QUOTED && value.toUpperCase() !== 'NIL'
      && [...Buffer.from(value, 'utf8')].every(isAstringChar)) {
      return this.raw(value);
    }
    return this.string(value);
  }

  /** An atom the server itself produces (capability, keyword, flag): written as is when valid. */
  atom(value: string): this {
    if (value.length > 0 && [...Buffer.from(value, 'latin1')].every((b, i) => isAtomChar(b) || (i === 0 && b === 0x5c))) {
      return this.raw(value);
    }
    return this.string(value);
  }

  /** flag / flag-perm: "\*" (RFC 9051 §7.1 PERMANENTFLAGS) or a flag atom. */
  flag(value: string): this {
    return value === '\\*' ? this.raw(value) : this.atom(value);
  }

  /** mailbox in the session's encoding (RFC 3501 §5.1.3 or RFC 6855 §3). */
  mailbox(name: string): this {
    return this.astring(encodeMailboxName(name, this.utf8));
  }

  number(n: number | bigint): this {
    return this.raw(String(n));
  }

  /** "(" a SP b … ")", or NIL for null. */
  list<T>(items: readonly T[] | null, each: (item: T) => void, nilWhenEmpty = false): this {
    if (items === null || (nilWhenEmpty && items.length === 0)) return this.raw('NIL');
    this.raw('(');
    items.forEach((item, i) => {
      if (i > 0) this.raw(' ');
      each(item);
    });
    return this.raw(')');
  }

  /** Text after a status or code: one line, so CR and LF never reach the wire (RFC 9051 §9 text). */
  text(value: string): this {
    const line = value.replace(/[\r\n\0]+/g, ' ');
    // Without UTF-8 mode, text is 7-bit (RFC 3501 §9 TEXT-CHAR).
    return this.bytes(Buffer.from(this.utf8 ? line : line.replace(/[^\x01-\x7f]/g, '?'), 'utf8'));
  }

  private flush(): void {
    if (this.pending.length > 0) {
      this.chunks.push(this.pending.length === 1 ? this.pending[0] : Buffer.concat(this.pending));
      this.pending = [];
    }
  }

  finish(): WireChunk[] {
    this.raw('\r\n');
    this.flush();
    return this.chunks;
  }
}
