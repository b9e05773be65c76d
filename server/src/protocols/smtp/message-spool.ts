// The message as it arrives in DATA: line endings normalised, checked, and
// held in memory while small or in a temporary file once large (no 50 MiB
// buffers). Nothing here is durable: the spool only lives until the message
// is handed to delivery (which writes and fsyncs the final blob) or dropped.
// Temporary files are named after the process id, so a restarted server can
// remove what a killed one left behind.
import { isAscii } from 'node:buffer';
import { randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, open, readdir, unlink, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';

const CR = 0x0d;
const LF = 0x0a;

/** What was seen in the bytes, for the DATA policy (docs/smtp.md "Message content"). */
export interface ContentFacts {
  /** Bare LF line endings turned into CRLF. */
  bareLf: number;
  nul: boolean;
  /** Any octet above 127 (RFC 6152: only legal after BODY=8BITMIME). */
  eightBit: boolean;
  /** Longest line in octets without its CRLF (RFC 5321 §4.5.3.1.6: 998). */
  longestLine: number;
}

export class MessageSpool {
  readonly #dir: string;
  readonly #memoryLimit: number;
  readonly #maxBytes: number;
  #chunks: Buffer[] = [];
  #file: FileHandle | null = null;
  #path: string | null = null;
  #size = 0;
  #lastByte = -1;
  #lineLength = 0;
  /** Set once the message passed maxBytes: the rest is read and discarded. */
  overflow = false;
  readonly facts: ContentFacts = { bareLf: 0, nul: false, eightBit: false, longestLine: 0 };

  constructor(dir: string, memoryLimit: number, maxBytes: number) {
    this.#dir = dir;
    this.#memoryLimit = memoryLimit;
    this.#maxBytes = maxBytes;
  }

  get size(): number {
    return this.#size;
  }

  /** Appends one chunk of DATA (already dot-unstuffed by smtp-server). */
  async write(chunk: Buffer): Promise<void> {
    if (this.overflow) return;
    const out = this.#normalise(chunk);
    if (this.#size + out.length > this.#maxBytes) {
      // RFC 1870 §6.3: keep reading to the end of data, store nothing, answer 552.
      this.overflow = true;
      await this.dispose();
      return;
    }
    this.#size += out.length;
    if (this.#file) {
      await this.#file.write(out);
      return;
    }
    this.#chunks.push(out);
    if (this.#size > this.#memoryLimit) await this.#spill();
  }

  /**
   * Bare LF becomes CRLF (RFC 5321 §2.3.8 forbids it, but senders still emit it
   * and Postfix accepts it): stored messages then always have CRLF, which IMAP
   * and DKIM both need. A lone CR is left alone.
   */
  #normalise(chunk: Buffer): Buffer {
    // Native scans (memchr, a vectorised ASCII check) and work per line, not a JS loop per byte.
    if (!this.facts.nul && chunk.indexOf(0) !== -1) this.facts.nul = true;
    if (!this.facts.eightBit && !isAscii(chunk)) this.facts.eightBit = true;
    let extra = 0;
    let start = 0;
    // CRs do not count in a line's length; the next one is found once, so the scan stays linear.
    let cr = chunk.indexOf(CR);
    for (;;) {
      const lf = chunk.indexOf(LF, start);
      const end = lf === -1 ? chunk.length : lf;
      let crs = 0;
      while (cr !== -1 && cr < end) {
        crs++;
        cr = chunk.indexOf(CR, cr + 1);
      }
      this.#lineLength += end - start - crs;
      if (lf === -1) break;
      const prev = lf > 0 ? chunk[lf - 1] : this.#lastByte;
      if (prev !== CR) extra++;
      if (this.#lineLength > this.facts.longestLine) this.facts.longestLine = this.#lineLength;
      this.#lineLength = 0;
      start = lf + 1;
    }
    let out = chunk;
    if (extra > 0) {
      this.facts.bareLf += extra;
      out = Buffer.allocUnsafe(chunk.length + extra);
      let j = 0;
      for (let i = 0; i < chunk.length; i++) {
        const b = chunk[i];
        if (b === LF && (i > 0 ? chunk[i - 1] : this.#lastByte) !== CR) out[j++] = CR;
        out[j++] = b;
      }
    }
    if (chunk.length > 0) this.#lastByte = chunk[chunk.length - 1];
    return out;
  }

  async #spill(): Promise<void> {
    await mkdir(this.#dir, { recursive: true, mode: 0o700 });
    this.#path = join(this.#dir, `${process.pid}.${randomBytes(8).toString('hex')}`);
    this.#file = await open(this.#path, 'wx', 0o600);
    const pending = Buffer.concat(this.#chunks);
    this.#chunks = [];
    await this.#file.write(pending);
  }

  /** Closes the file side; the content can then be read with head() and stream(). */
  async finish(): Promise<void> {
    if (this.#file) {
      await this.#file.close();
      this.#file = null;
    }
  }

  /**
   * The content held in memory as one Buffer: joined once, at the first
   * reader, so that the intake, the filter and delivery share it instead of
   * each concatenating the chunks again.
   */
  #joined(): Buffer {
    if (this.#chunks.length !== 1) this.#chunks = [Buffer.concat(this.#chunks, this.#size)];
    return this.#chunks[0];
  }

  /** The first `n` octets (enough for the header section). */
  async head(n: number): Promise<Buffer> {
    if (!this.#path) return this.#joined().subarray(0, n);
    const handle = await open(this.#path, 'r');
    try {
      const buf = Buffer.alloc(Math.min(n, this.#size));
      const { bytesRead } = await handle.read(buf, 0, buf.length, 0);
      return buf.subarray(0, bytesRead);
    } finally {
      await handle.close();
    }
  }

  /** The whole content as a buffer (for consumers that take one, e.g. the queue). */
  async buffer(): Promise<Buffer> {
    if (!this.#path) return this.#joined();
    const chunks: Buffer[] = [];
    for await (const c of this.stream()) chunks.push(c as Buffer);
    return Buffer.concat(chunks);
  }

  /**
   * The content preceded by `prefix` as one Buffer while it is held in memory
   * (small messages: the mail service indexes it without reading the blob
   * back), or as a stream once it went to a file.
   */
  content(prefix: Buffer): Buffer | Readable {
    return this.#path ? this.stream(prefix) : Buffer.concat([prefix, this.#joined()]);
  }

  /** The content, preceded by `prefix` (trace headers). May be called more than once. */
  stream(prefix?: Buffer): Readable {
    const parts: Buffer[] = prefix && prefix.length > 0 ? [prefix] : [];
    if (!this.#path) return Readable.from([...parts, ...this.#chunks], { objectMode: false });
    const path = this.#path;
    return Readable.from((async function* () {
      yield* parts;
      yield* createReadStream(path, { highWaterMark: 256 * 1024 });
    })(), { objectMode: false });
  }

  /** Drops the content: memory released, temporary file removed. */
  async dispose(): Promise<void> {
    this.#chunks = [];
    if (this.#file) await this.#file.close().catch(() => undefined);
    this.#file = null;
    if (this.#path) await unlink(this.#path).catch(() => undefined);
    this.#path = null;
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Removes spool files of processes that no longer run (a crash or kill mid-DATA). */
export async function sweepSpool(dir: string): Promise<number> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return 0;
  }
  let removed = 0;
  for (const name of names) {
    const pid = Number(name.split('.')[0]);
    if (Number.isInteger(pid) && pid !== process.pid && alive(pid)) continue;
    if (pid === process.pid) continue;
    await unlink(join(dir, name)).then(() => { removed++; }, () => undefined);
  }
  return removed;
}
