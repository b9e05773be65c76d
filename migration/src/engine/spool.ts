// Takes one message from a source into something the engine can hash,
// inspect and replay into the sink without ever holding a large message in
// memory: small messages stay a Buffer, anything past the memory threshold
// goes to a temporary file as it streams in (flat memory for a 20 GB
// mailbox: at most the threshold per message in flight). The SHA-256 is
// computed on the way, so duplicates are known before anything is stored.
import { createHash } from 'node:crypto';
import { createReadStream, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { open, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';

export interface SpooledMessage {
  size: number;
  sha256: string;
  /** The first bytes (up to HEAD_BYTES): enough for the header section of nearly every message. */
  head: Buffer;
  /** A fresh view of the bytes: the Buffer itself, or a new stream of the spool file. */
  source(): Buffer | Readable;
  /** Removes the spool file, if any. */
  dispose(): Promise<void>;
}

export const HEAD_BYTES = 64 * 1024;

/** The message is larger than the run allows (report code "too-large"). */
export class TooLargeError extends Error {
  constructor(limit: number) {
    super(`larger than the limit of ${limit} bytes (--max-message-size)`);
    this.name = 'TooLargeError';
  }
}

function inMemory(buffer: Buffer): SpooledMessage {
  return {
    size: buffer.length,
    sha256: createHash('sha256').update(buffer).digest('hex'),
    head: buffer.subarray(0, HEAD_BYTES),
    source: () => buffer,
    dispose: async () => undefined,
  };
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export class Spool {
  readonly dir: string;
  readonly memoryThreshold: number;
  readonly maxSize: number;
  #seq = 0;

  /** `maxSize` 0: no limit. */
  constructor(options: { parent?: string; memoryThreshold?: number; maxSize?: number } = {}) {
    const parent = options.parent ?? tmpdir();
    // A run killed with SIGKILL leaves its directory behind: the next run clears those of dead processes.
    try {
      for (const name of readdirSync(parent)) {
        const m = /^stoa-migrate-(\d+)-/.exec(name);
        if (m && !alive(Number(m[1]))) rmSync(join(parent, name), { recursive: true, force: true });
      }
    } catch {
      // Not ours to list: nothing to clean.
    }
    this.dir = join(parent, `stoa-migrate-${process.pid}-${Date.now().toString(36)}`);
    mkdirSync(this.dir, { recursive: true, mode: 0o700 });
    this.memoryThreshold = options.memoryThreshold ?? 1024 * 1024;
    this.maxSize = options.maxSize ?? 0;
  }

  async take(body: Buffer | (() => Readable)): Promise<SpooledMessage> {
    if (Buffer.isBuffer(body)) {
      if (this.maxSize > 0 && body.length > this.maxSize) throw new TooLargeError(this.maxSize);
      return inMemory(body);
    }
    const stream = body();
    const hash = createHash('sha256');
    const chunks: Buffer[] = [];
    let size = 0;
    // The first HEAD_BYTES, kept whatever the threshold (the message checks read the header section from it).
    const headParts: Buffer[] = [];
    let headBytes = 0;
    let file: Awaited<ReturnType<typeof open>> | null = null;
    let pendingWrite: Buffer[] = [];
    let pendingBytes = 0;
    const path = join(this.dir, `m${++this.#seq}`);
    try {
      for await (const chunk of stream as AsyncIterable<Buffer | string>) {
        const buf = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
        size += buf.length;
        if (this.maxSize > 0 && size > this.maxSize) throw new TooLargeError(this.maxSize);
        hash.update(buf);
        if (headBytes < HEAD_BYTES) {
          const part = buf.subarray(0, HEAD_BYTES - headBytes);
          headParts.push(Buffer.from(part));
          headBytes += part.length;
        }
        if (file) {
          // Gather small chunks into writes of at least 256 KiB (a source may hand over one line at a time).
          pendingWrite.push(buf);
          pendingBytes += buf.length;
          if (pendingBytes >= 256 * 1024) {
            await file.write(Buffer.concat(pendingWrite));
            pendingWrite = [];
            pendingBytes = 0;
          }
          continue;
        }
        chunks.push(buf);
        if (size > this.memoryThreshold) {
          const all = Buffer.concat(chunks);
          chunks.length = 0;
          file = await open(path, 'wx', 0o600);
          await file.write(all);
        }
      }
    } catch (err) {
      stream.destroy();
      await file?.close();
      if (file) await rm(path, { force: true });
      throw err;
    }
    if (!file) return { ...inMemory(Buffer.concat(chunks)) };
    if (pendingBytes > 0) await file.write(Buffer.concat(pendingWrite));
    await file.close();
    const sha256 = hash.digest('hex');
    const keptHead = Buffer.concat(headParts);
    return {
      size,
      sha256,
      head: keptHead,
      source: () => createReadStream(path),
      dispose: () => rm(path, { force: true }),
    };
  }

  close(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}
