// The mbox format as the importer reads it (RFC 4155, and the mboxrd
// quoting of "From " lines that Thunderbird, mutt, Dovecot and Google
// Takeout write): a streaming scan for message boundaries that never holds
// more than one read chunk, the "From " line's date, the status headers
// mail clients keep inside the messages, and a stream transform that undoes
// the quoting.
import { createReadStream } from 'node:fs';
import { Transform, type TransformCallback } from 'node:stream';

export interface MboxEntry {
  /** Offset of the "From " line: the message's key. */
  offset: number;
  /** Offset of the first byte after the "From " line. */
  bodyStart: number;
  /** End of the message (exclusive), before the blank line that separates it from the next. */
  end: number;
  /** The date of the "From " line (RFC 4155 §2: asctime), or null. */
  date: Date | null;
}

const NL = 0x0a;
const CR = 0x0d;
const FROM_AT_LINE_START = Buffer.from('\nFrom ');

/** RFC 4155 §2: "From " + sender + asctime date; the date is what tells a separator from a stray line. */
export function fromLineDate(line: string): Date | null {
  const m = /^From \S*\s+(.*)$/.exec(line.trim());
  if (!m) return null;
  const rest = m[1].trim();
  if (!/\d{1,2}:\d{2}(:\d{2})?/.test(rest) || !/\d{4}/.test(rest)) return null;
  // asctime carries no zone: it is UTC by convention unless a numeric zone follows.
  const d = new Date(/[+-]\d{4}\b|\b(GMT|UTC)\b/.test(rest) ? rest : `${rest} GMT`);
  return Number.isNaN(d.getTime()) ? null : d;
}

/** Is `line` (without its line ending) a message separator? */
function isSeparator(line: string, atFileStart: boolean, afterBlankLine: boolean): boolean {
  if (!line.startsWith('From ')) return false;
  // mboxrd quotes every "From " line inside a message; a blank line before, or a dated line, is a separator.
  return atFileStart || afterBlankLine || fromLineDate(line) !== null;
}

/** Streams the message boundaries of an mbox file. */
export async function* scanMbox(path: string, signal?: AbortSignal): AsyncIterable<MboxEntry> {
  let buf: Buffer = Buffer.alloc(0);
  let base = 0;
  let searchFrom = 0;
  let current: Omit<MboxEntry, 'end'> | null = null;
  let size = 0;
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20, signal })) {
    size += (chunk as Buffer).length;
    buf = buf.length > 0 ? Buffer.concat([buf, chunk as Buffer]) : (chunk as Buffer);
    let i = searchFrom;
    for (;;) {
      let lineStart: number;
      if (base === 0 && i === 0 && current === null && buf.subarray(0, 5).toString('latin1') === 'From ') {
        lineStart = 0;
      } else {
        const p = buf.indexOf(FROM_AT_LINE_START, i);
        if (p === -1) {
          i = Math.max(i, buf.length - FROM_AT_LINE_START.length);
          break;
        }
        lineStart = p + 1;
      }
      const eol = buf.indexOf(NL, lineStart);
      if (eol === -1) {
        i = Math.max(0, lineStart - 1);
        break;
      }
      const line = buf.toString('latin1', lineStart, eol).replace(/\r$/, '');
      const lf = lineStart >= 2 && buf[lineStart - 2] === NL;
      const crlf = lineStart >= 3 && buf[lineStart - 2] === CR && buf[lineStart - 3] === NL;
      const abs = base + lineStart;
      if (isSeparator(line, abs === 0, lf || crlf)) {
        if (current) yield { ...current, end: abs - (crlf ? 2 : lf ? 1 : 0) };
        current = { offset: abs, bodyStart: base + eol + 1, date: fromLineDate(line) };
      }
      i = eol;
    }
    // Keep a few bytes before the search point: the blank-line test looks back three bytes.
    const keepFrom = Math.max(0, i - 3);
    base += keepFrom;
    buf = buf.subarray(keepFrom);
    searchFrom = i - keepFrom;
  }
  if (current) {
    const tail = buf.toString('latin1', Math.max(0, buf.length - 4));
    const end = size - (tail.endsWith('\r\n\r\n') ? 2 : tail.endsWith('\n\n') ? 1 : 0);
    yield { ...current, end: Math.max(current.bodyStart, end) };
  }
}

/** mboxrd: a line of ">From ", ">>From " … loses one ">" (RFC 4155 §2 notes the quoting). */
export function unquoteBuffer(data: Buffer, atLineStart = true): Buffer {
  // Returns `data` itself when nothing is quoted (the common case: no copy).
  const parts: Buffer[] = [];
  let last = 0;
  let s = 0;
  if (!atLineStart) {
    const nl = data.indexOf(NL);
    if (nl === -1) return data;
    s = nl + 1;
  }
  while (s < data.length) {
    if (data[s] === 0x3e) {
      let j = s;
      while (j < data.length && data[j] === 0x3e) j++;
      if (data.toString('latin1', j, j + 5) === 'From ') {
        parts.push(data.subarray(last, s));
        last = s + 1;
      }
    }
    const nl = data.indexOf(NL, s);
    if (nl === -1) break;
    s = nl + 1;
  }
  if (parts.length === 0) return data;
  parts.push(data.subarray(last));
  return Buffer.concat(parts) as Buffer;
}

/** The same as a stream: whole lines are unquoted as they pass; a very long line passes through. */
export class MboxUnquote extends Transform {
  #carry: Buffer = Buffer.alloc(0);
  #atLineStart = true;

  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    const data = this.#carry.length > 0 ? Buffer.concat([this.#carry, chunk]) : chunk;
    const lastNl = data.lastIndexOf(NL);
    if (lastNl === -1) {
      // No line end yet: hold up to 64 KiB, then let a long line through (only its start can be quoted).
      if (data.length > 65536 || !this.#atLineStart) {
        this.push(unquoteBuffer(data, this.#atLineStart));
        this.#carry = Buffer.alloc(0);
        this.#atLineStart = false;
      } else {
        this.#carry = data;
      }
      done();
      return;
    }
    this.push(unquoteBuffer(data.subarray(0, lastNl + 1), this.#atLineStart));
    this.#carry = Buffer.from(data.subarray(lastNl + 1));
    this.#atLineStart = true;
    done();
  }

  override _flush(done: TransformCallback): void {
    if (this.#carry.length > 0) this.push(unquoteBuffer(this.#carry, this.#atLineStart));
    done();
  }
}

/**
 * Flags mail clients keep in mbox headers: Status/X-Status (mutt, Pine,
 * Dovecot's mbox), X-Mozilla-Status (Thunderbird), X-Keywords and
 * X-Mozilla-Keys for keywords.
 */
export function flagsFromHeaders(head: Buffer): { flags: string[]; keywords: string[] } {
  const text = head.toString('latin1');
  const end = text.search(/\r?\n\r?\n/);
  const section = (end === -1 ? text : text.slice(0, end)).replace(/\r?\n[ \t]+/g, ' ');
  const flags = new Set<string>();
  const keywords: string[] = [];
  for (const line of section.split(/\r?\n/)) {
    const m = /^([A-Za-z-]+):\s*(.*)$/.exec(line);
    if (!m) continue;
    const name = m[1].toLowerCase();
    const value = m[2].trim();
    if (name === 'status') {
      if (value.includes('R')) flags.add('\\Seen');
    } else if (name === 'x-status') {
      if (value.includes('A')) flags.add('\\Answered');
      if (value.includes('F')) flags.add('\\Flagged');
      if (value.includes('T')) flags.add('\\Draft');
      if (value.includes('D')) flags.add('\\Deleted');
    } else if (name === 'x-mozilla-status' && /^[0-9a-f]{1,4}$/i.test(value)) {
      const bits = parseInt(value, 16);
      if (bits & 0x0001) flags.add('\\Seen');
      if (bits & 0x0002) flags.add('\\Answered');
      if (bits & 0x0004) flags.add('\\Flagged');
      if (bits & 0x0008) flags.add('\\Deleted');
      if (bits & 0x1000) keywords.push('$Forwarded');
    } else if (name === 'x-keywords' || name === 'x-mozilla-keys') {
      keywords.push(...value.split(/[\s,]+/).filter((k) => k !== ''));
    }
  }
  return { flags: [...flags], keywords };
}
