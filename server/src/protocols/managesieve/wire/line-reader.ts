// ManageSieve input framing (RFC 5804 §4): a command is words, quoted
// strings, numbers and literals ("{n+}" CRLF n octets, or "{n}" which the RFC
// tolerates from clients) up to a CRLF that is not inside a literal. The
// reader accepts partial input, returns every complete line as tokens, and
// bounds memory: a line of text is capped, and an over-long literal is
// skipped over (its octets never read as commands) and reported.

export type WireToken =
  | { kind: 'atom'; text: string }
  | { kind: 'number'; value: number }
  | { kind: 'string'; value: Buffer; literal: boolean };

export type ReaderEvent =
  | { kind: 'line'; tokens: WireToken[] }
  /** The line broke the syntax or a limit; the rest of it was skipped. */
  | { kind: 'bad'; reason: 'syntax' | 'line-too-long' | 'literal-too-large'; message: string };

export interface ReaderLimits {
  /** Octets of a line outside its literals. */
  maxLine: number;
  /** Octets of one literal. */
  maxLiteral: number;
  /** Octets of all the literals of one line. */
  maxLineLiterals: number;
}

const CR = 0x0d;
const LF = 0x0a;

type Parse = { done: true; tokens: WireToken[]; end: number } | { done: false } | { done: true; bad: Extract<ReaderEvent, { kind: 'bad' }>; skip: number; end: number };

export class LineReader {
  private buf: Buffer = Buffer.alloc(0);
  /** Octets still to drop (the rest of a refused literal), then the rest of its line. */
  private skipping = 0;
  private discardLine = false;
  private readonly limits: ReaderLimits;

  constructor(limits: ReaderLimits) {
    this.limits = limits;
  }

  reset(): void {
    this.buf = Buffer.alloc(0);
    this.skipping = 0;
    this.discardLine = false;
  }

  push(chunk: Buffer): ReaderEvent[] {
    this.buf = this.buf.length === 0 ? chunk : Buffer.concat([this.buf, chunk]);
    const events: ReaderEvent[] = [];
    for (;;) {
      if (this.skipping > 0) {
        const n = Math.min(this.skipping, this.buf.length);
        this.skipping -= n;
        this.buf = this.buf.subarray(n);
        if (this.skipping > 0) return events;
        this.discardLine = true;
      }
      if (this.discardLine) {
        const lf = this.buf.indexOf(LF);
        if (lf < 0) {
          this.buf = Buffer.alloc(0);
          return events;
        }
        this.buf = this.buf.subarray(lf + 1);
        this.discardLine = false;
      }
      if (this.buf.length === 0) return events;
      const r = this.parse();
      if (!r.done) {
        if (this.textLength() > this.limits.maxLine) {
          events.push({ kind: 'bad', reason: 'line-too-long', message: 'Line too long' });
          this.buf = Buffer.alloc(0);
          this.discardLine = true;
        }
        return events;
      }
      if ('bad' in r) {
        events.push(r.bad);
        this.buf = this.buf.subarray(Math.min(r.end, this.buf.length));
        this.skipping = r.skip;
        if (r.skip === 0 && r.bad.reason !== 'syntax') this.discardLine = true;
        continue;
      }
      this.buf = this.buf.subarray(r.end);
      events.push({ kind: 'line', tokens: r.tokens });
    }
  }

  /** Octets of the pending line outside literals, roughly: enough to stop a line that never ends. */
  private textLength(): number {
    return this.buf.length > this.limits.maxLine + this.limits.maxLineLiterals ? Infinity : 0;
  }

  private parse(): Parse {
    const b = this.buf;
    const tokens: WireToken[] = [];
    let i = 0;
    let literals = 0;
    const bad = (message: string, end: number): Parse => {
      // Skip to the end of this line of text.
      const lf = b.indexOf(LF, end);
      return { done: true, bad: { kind: 'bad', reason: 'syntax', message }, skip: 0, end: lf < 0 ? b.length : lf + 1 };
    };
    for (;;) {
      if (i >= b.length) return { done: false };
      if (i > this.limits.maxLine + literals) return { done: true, bad: { kind: 'bad', reason: 'line-too-long', message: 'Line too long' }, skip: 0, end: b.length };
      const c = b[i];
      if (c === 0x20) {
        i++;
        continue;
      }
      if (c === CR || c === LF) {
        if (c === CR) {
          if (i + 1 >= b.length) return { done: false };
          if (b[i + 1] !== LF) return bad('CR without LF', i);
          i++;
        }
        return { done: true, tokens, end: i + 1 };
      }
      if (c === 0x22) {
        // RFC 5804 §4 quoted: QUOTED-CHAR = SAFE-UTF8-CHAR / "\" QUOTED-SPECIALS; no CR, LF or NUL.
        const parts: number[] = [];
        let j = i + 1;
        for (;;) {
          if (j >= b.length) return { done: false };
          const d = b[j];
          if (d === 0x22) break;
          if (d === CR || d === LF || d === 0) return bad('line break or NUL inside a quoted string', j);
          if (d === 0x5c) {
            if (j + 1 >= b.length) return { done: false };
            const e = b[j + 1];
            if (e !== 0x22 && e !== 0x5c) return bad('only \\" and \\\\ may be escaped in a quoted string', j);
            parts.push(e);
            j += 2;
            continue;
          }
          parts.push(d);
          j++;
        }
        if (parts.length > 1024) return bad('quoted string longer than 1024 octets; use a literal', i);
        tokens.push({ kind: 'string', value: Buffer.from(parts), literal: false });
        i = j + 1;
        continue;
      }
      if (c === 0x7b) {
        const close = b.indexOf(0x7d, i);
        if (close < 0) return b.length - i > 24 ? bad('bad literal', i) : { done: false };
        const m = /^\{(\d{1,12})(\+?)\}$/.exec(b.toString('latin1', i, close + 1));
        if (m === null) return bad('bad literal', i);
        const size = Number(m[1]);
        if (close + 2 >= b.length + 1) return { done: false };
        if (b[close + 1] !== CR && b[close + 1] !== LF) return bad('a literal\'s size must end the line', close + 1);
        if (b[close + 1] === CR && close + 2 >= b.length) return { done: false };
        const start = close + 1 + (b[close + 1] === CR ? 2 : 1);
        if (size > this.limits.maxLiteral || literals + size > this.limits.maxLineLiterals) {
          return { done: true, bad: { kind: 'bad', reason: 'literal-too-large', message: `Literal of ${size} octets is too large` }, skip: size, end: start };
        }
        if (start + size > b.length) return { done: false };
        tokens.push({ kind: 'string', value: Buffer.from(b.subarray(start, start + size)), literal: true });
        literals += size;
        i = start + size;
        continue;
      }
      // Atoms (command names, ACTIVE, mechanism names) and numbers.
      let j = i;
      while (j < b.length && b[j] > 0x20 && b[j] < 0x7f && b[j] !== 0x22 && b[j] !== 0x7b && b[j] !== 0x28 && b[j] !== 0x29) j++;
      if (j === i) return bad(`unexpected octet 0x${c.toString(16).padStart(2, '0')}`, i);
      if (j >= b.length) return { done: false };
      const text = b.toString('latin1', i, j);
      tokens.push(/^\d{1,15}$/.test(text) ? { kind: 'number', value: Number(text) } : { kind: 'atom', text });
      i = j;
    }
  }
}
