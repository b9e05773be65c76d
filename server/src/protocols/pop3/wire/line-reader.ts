// Frames the client's byte stream into lines, whatever the chunking. Memory
// is bounded by the line limit: an over-long line is dropped as it arrives
// and reported once, and the reader resynchronises at the next line feed.
// RFC 1939 §3 terminates commands with CRLF; a bare LF is accepted too, as
// every widespread server does, since telnet-style clients send it.

export type LineEvent =
  | { kind: 'line'; line: Buffer }
  | { kind: 'too-long' };

const LF = 0x0a;
const CR = 0x0d;

export class LineReader {
  #maxLength: number;
  #parts: Buffer[] = [];
  #length = 0;
  #discarding = false;

  /** `maxLength` counts the line without its CRLF. */
  constructor(maxLength: number) {
    this.#maxLength = maxLength;
  }

  setMaxLength(maxLength: number): void {
    this.#maxLength = maxLength;
  }

  /** Bytes held for an unfinished line. */
  get pending(): number {
    return this.#length;
  }

  /** Forgets buffered input: after STLS nothing sent in clear may be read as if it came through TLS (RFC 2595 §4). */
  reset(): void {
    this.#parts = [];
    this.#length = 0;
    this.#discarding = false;
  }

  push(chunk: Buffer): LineEvent[] {
    const events: LineEvent[] = [];
    let start = 0;
    while (start < chunk.length) {
      const lf = chunk.indexOf(LF, start);
      const end = lf === -1 ? chunk.length : lf;
      if (!this.#discarding) {
        const piece = chunk.subarray(start, end);
        // One octet of slack for the CR of a CRLF split from its LF.
        if (this.#length + piece.length > this.#maxLength + 1) {
          this.#parts = [];
          this.#length = 0;
          this.#discarding = true;
          events.push({ kind: 'too-long' });
        } else {
          this.#parts.push(piece);
          this.#length += piece.length;
        }
      }
      if (lf === -1) break;
      if (!this.#discarding) {
        let line = Buffer.concat(this.#parts, this.#length);
        if (line.length > 0 && line[line.length - 1] === CR) line = line.subarray(0, line.length - 1);
        if (line.length > this.#maxLength) events.push({ kind: 'too-long' });
        else events.push({ kind: 'line', line });
      }
      this.#parts = [];
      this.#length = 0;
      this.#discarding = false;
      start = lf + 1;
    }
    return events;
  }
}
