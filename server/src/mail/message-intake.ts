// Turning incoming bytes into a stored, indexed body: the blob is written and
// fsynced first (streamed to disk when it arrives as a stream), then parsed
// once (DESIGN.md "parse MIME once"). Nothing records or references it yet:
// the caller registers the blob and takes its references in the transaction
// that stores the copies (BlobRefStore.register), so the whole intake costs
// one commit, and a body whose transaction never commits is an orphan that
// blob gc collects after the grace period. A small body the store keeps in
// its database (BlobInfo.inline) is not written at all before that
// transaction, which stores its bytes and makes them durable.
//
// The MIME indexer works on the whole message, so a message is in memory
// while it is indexed: a Buffer source is indexed as it is (no copy, no read
// back), a stream is read back from its blob once it is on disk. Those
// read-backs share a memory budget, so many large messages arriving at once
// are indexed a few at a time instead of all being held together.
import { Readable } from 'node:stream';
import { StoaError } from '../errors/catalogue.ts';
import { indexMessage } from './mime/index.ts';
import type { MessageIndex } from './mime/types.ts';
import type { BlobInfo, BlobStore } from '../store/port.ts';
import { encodeFlags } from '../model/mail-flags.ts';

export interface IntakeResult {
  blobId: string;
  /** To register inside the transaction that stores the copies. */
  blob: BlobInfo;
  index: MessageIndex;
}

/** Bytes of streamed messages held for indexing at once (a larger message runs alone). */
export const INDEX_MEMORY_BUDGET = 64 * 1024 * 1024;

/** A counting semaphore over bytes, first come first served. */
class ByteBudget {
  readonly #limit: number;
  #used = 0;
  readonly #waiting: Array<{ bytes: number; go: () => void }> = [];

  constructor(limit: number) {
    this.#limit = limit;
  }

  async run<T>(bytes: number, fn: () => Promise<T>): Promise<T> {
    const take = Math.min(bytes, this.#limit);
    if (this.#waiting.length > 0 || this.#used + take > this.#limit) {
      await new Promise<void>((go) => this.#waiting.push({ bytes: take, go }));
    } else {
      this.#used += take;
    }
    try {
      return await fn();
    } finally {
      this.#used -= take;
      while (this.#waiting.length > 0 && this.#used + this.#waiting[0].bytes <= this.#limit) {
        const next = this.#waiting.shift()!;
        this.#used += next.bytes;
        next.go();
      }
    }
  }
}

const indexing = new ByteBudget(INDEX_MEMORY_BUDGET);

export async function takeIn(blobs: BlobStore, source: Buffer | Readable): Promise<IntakeResult> {
  const info = await blobs.write(source);
  if (info.size === 0) throw new StoaError('STOA_VALIDATION', 'empty message');
  if (!(source instanceof Readable)) return { blobId: info.id, blob: info, index: indexMessage(source) };
  // A stream was never held in memory: read it back, within the budget.
  const index = await indexing.run(info.size, async () => indexMessage(await blobs.read(info)));
  return { blobId: info.id, blob: info, index };
}

/** Fails fast on bad flags or dates, before any byte is written. */
export function checkAppendArgs(flags: readonly string[] | undefined, internalDate: string | undefined): void {
  encodeFlags(flags ?? []);
  if (internalDate !== undefined && Number.isNaN(Date.parse(internalDate))) {
    throw new StoaError('STOA_VALIDATION', `not a valid internal date: ${internalDate}`);
  }
}
