// POP3 sizes (RFC 1939 §5: octets as sent, CRLF line endings) of stored
// bodies that have no recorded size. The mail store keeps bodies exactly as
// they arrived, which may use bare LF (imports, some APPENDs), so the POP3
// size can differ from the stored size. Since schema migration 13 (SQLite) /
// 8 (MongoDB) the MIME indexer records it at intake (MessageIndex.wireSize)
// and the maildrop reads it from the store; only bodies stored before have
// none, and those are measured here by streaming the body once. Bodies are
// immutable and content-addressed, so a measured size never goes stale and
// the cache is shared by every session of the process.
import type { Readable } from 'node:stream';
import { MessageEncoder } from '../wire/message-encoder.ts';

/** Entries kept: a blob id and a number each, a few MB at most. */
const MAX_ENTRIES = 100_000;
/** Bodies measured at once when a maildrop is opened. */
const CONCURRENCY = 8;

/** Opens a body for measuring, as the session that asks (the mail service checks its rights). */
export type BodyOpener = (blobId: string) => Promise<Readable>;

export class SizeCache {
  #sizes = new Map<string, number>();

  async #measure(blobId: string, open: BodyOpener): Promise<number> {
    const encoder = new MessageEncoder();
    const stream = await open(blobId);
    for await (const chunk of stream) encoder.push(chunk as Buffer);
    encoder.finish();
    return encoder.octets;
  }

  async sizeOf(blobId: string, open: BodyOpener): Promise<number> {
    const known = this.#sizes.get(blobId);
    if (known !== undefined) {
      // Map order is insertion order: re-inserting keeps recently used entries last (LRU).
      this.#sizes.delete(blobId);
      this.#sizes.set(blobId, known);
      return known;
    }
    const size = await this.#measure(blobId, open);
    this.#sizes.set(blobId, size);
    if (this.#sizes.size > MAX_ENTRIES) this.#sizes.delete(this.#sizes.keys().next().value as string);
    return size;
  }

  /** Sizes of many bodies, in order, a few at a time. */
  async sizesOf(blobIds: readonly string[], open: BodyOpener): Promise<number[]> {
    const out = new Array<number>(blobIds.length);
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < blobIds.length) {
        const i = next++;
        out[i] = await this.sizeOf(blobIds[i], open);
      }
    };
    await Promise.all(Array.from({ length: Math.min(CONCURRENCY, blobIds.length) }, worker));
    return out;
  }
}
