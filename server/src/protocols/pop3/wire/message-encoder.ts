// Streams a stored message into a RETR or TOP response, chunk by chunk:
// line endings become CRLF (RFC 1939 §3 speaks only CRLF lines), lines that
// begin with "." are byte-stuffed, an unterminated last line gets its CRLF,
// and TOP stops after the header, the blank line and n body lines
// (RFC 1939 §7). Nothing is held but a few bits of state, so a 50 MB message
// costs no more memory than a chunk.
import { TERMINATOR } from './serialize.ts';

const CR = 0x0d;
const LF = 0x0a;
const DOT = 0x2e;

export class MessageEncoder {
  #atLineStart = true;
  #pendingCR = false;
  #inHeader = true;
  #bodyLinesLeft: number | null;
  #done = false;
  #octets = 0;

  /** `bodyLines` null sends the whole message (RETR); a number is TOP's n. */
  constructor(bodyLines: number | null = null) {
    this.#bodyLinesLeft = bodyLines;
  }

  /** TOP has sent everything it will: the caller may stop reading the blob. */
  get done(): boolean {
    return this.#done;
  }

  /**
   * Octets of the message as sent, without the stuffing dots and the final
   * "." CRLF: the size LIST and STAT report (RFC 1939 §5 counts the message
   * as transmitted, not the byte-stuffed form).
   */
  get octets(): number {
    return this.#octets;
  }

  #endOfLine(): void {
    const wasEmpty = this.#atLineStart;
    this.#atLineStart = true;
    if (this.#inHeader) {
      if (!wasEmpty) return;
      this.#inHeader = false;
      if (this.#bodyLinesLeft === 0) this.#done = true;
    } else if (this.#bodyLinesLeft !== null) {
      this.#bodyLinesLeft -= 1;
      if (this.#bodyLinesLeft <= 0) this.#done = true;
    }
  }

  push(chunk: Uint8Array): Buffer {
    // Worst case: every byte a bare LF or a line-leading dot doubles.
    const out = Buffer.allocUnsafe(chunk.length * 2 + 2);
    let n = 0;
    let stuffed = 0;
    for (let i = 0; i < chunk.length && !this.#done; i++) {
      const b = chunk[i];
      if (this.#pendingCR) {
        this.#pendingCR = false;
        out[n++] = CR;
        out[n++] = LF;
        this.#endOfLine();
        if (b === LF || this.#done) continue;
      }
      if (b === CR) {
        this.#pendingCR = true;
      } else if (b === LF) {
        out[n++] = CR;
        out[n++] = LF;
        this.#endOfLine();
      } else {
        if (this.#atLineStart && b === DOT) {
          out[n++] = DOT;
          stuffed++;
        }
        out[n++] = b;
        this.#atLineStart = false;
      }
    }
    this.#octets += n - stuffed;
    return out.subarray(0, n);
  }

  /** The end of the response: a missing final CRLF, then "." CRLF. */
  finish(): Buffer {
    if (this.#done) return TERMINATOR;
    const needsCrlf = this.#pendingCR || !this.#atLineStart;
    this.#pendingCR = false;
    this.#done = true;
    if (!needsCrlf) return TERMINATOR;
    this.#octets += 2;
    return Buffer.concat([Buffer.from('\r\n'), TERMINATOR]);
  }
}

/** The POP3 size of a message body: what RETR would send, before stuffing. */
export function pop3Octets(chunks: Iterable<Uint8Array>): number {
  const encoder = new MessageEncoder();
  for (const chunk of chunks) encoder.push(chunk);
  encoder.finish();
  return encoder.octets;
}
