// Message bodies in GridFS, addressed by SHA-256 and stored once.
//
// The id is known only after the last byte, so `put` streams into a GridFS
// file with a fresh ObjectId while hashing, then names it after the hash and
// records a `blobs` metadata document {_id: sha256, size, refs, fileId}. If
// the content is already stored, the new copy is deleted (dedupe).
//
// Crash safety: before any chunk is written a `blob_pending` record names the
// file id. GridFS writes its files document only after the last chunk, so a
// crash mid-upload leaves chunks that no files document lists; the pending
// record is what lets gc find them. gc sweeps pending records older than the
// grace period: if no metadata claims the file it is deleted, otherwise only
// the record is. Removing an unreferenced blob re-creates a pending record
// first, so a crash between deleting the metadata and the file is repaired
// the same way.
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import {
  GridFSBucket, MongoGridFSChunkError, MongoRuntimeError, ObjectId,
  type Collection, type GridFSChunk, type GridFSFile, type WriteConcernSettings,
} from 'mongodb';
import { StoaError } from '../../errors/catalogue.ts';
import type { BlobInfo, BlobStore, ByteRange } from '../port.ts';
import { BLOB_BUCKET, COLLECTIONS } from './collections.ts';
import { isDuplicateKey } from './errors.ts';
import { guard, type MongoCtx } from './mongo-context.ts';

export interface BlobDoc {
  /** Lower-case hex SHA-256 of the content. */
  _id: string;
  size: number;
  refs: number;
  /** Start of the gc grace period: creation, or the last put of the content while unreferenced. */
  createdAt: Date;
  fileId: ObjectId;
}

export interface PendingDoc {
  _id: ObjectId;
  since: Date;
}

// SMTP answers 250 only once the body is durable: majority-acknowledged and journaled.
const DURABLE: WriteConcernSettings = { w: 'majority', journal: true };

const SHA256_HEX = /^[0-9a-f]{64}$/;

function hashing(hash: ReturnType<typeof createHash>, counter: { size: number }) {
  return async function* (chunks: AsyncIterable<Buffer | Uint8Array | string>): AsyncGenerator<Buffer> {
    for await (const chunk of chunks) {
      const buf = typeof chunk === 'string' ? Buffer.from(chunk) : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
      hash.update(buf);
      counter.size += buf.length;
      yield buf;
    }
  };
}

export function createGridFsBlobStore(ctx: MongoCtx): BlobStore {
  const { db } = ctx;
  const bucket = new GridFSBucket(db, { bucketName: BLOB_BUCKET, writeConcern: DURABLE });
  const blobs: Collection<BlobDoc> = db.collection<BlobDoc>(COLLECTIONS.blobs);
  const pending: Collection<PendingDoc> = db.collection<PendingDoc>(COLLECTIONS.blobPending);
  const files: Collection<GridFSFile> = db.collection<GridFSFile>(`${BLOB_BUCKET}.files`);
  const chunks: Collection<GridFSChunk> = db.collection<GridFSChunk>(`${BLOB_BUCKET}.chunks`);
  // Uploads running in this process: gc must not take them for leftovers
  // even with a grace period of zero (other nodes are covered by the grace).
  const inFlight = new Set<string>();

  /** Deletes a GridFS file by id, whether or not its files document was ever written. */
  async function deleteFile(fileId: ObjectId): Promise<number> {
    const file = await files.findOneAndDelete({ _id: fileId }, { writeConcern: DURABLE });
    await chunks.deleteMany({ files_id: fileId }, { writeConcern: DURABLE });
    return file?.length ?? 0;
  }

  /** Records the uploaded file as the copy of `id`; 'duplicate' when another copy is already recorded. */
  async function claim(id: string, size: number, fileId: ObjectId): Promise<'stored' | 'duplicate'> {
    for (;;) {
      const now = new Date();
      try {
        await blobs.insertOne({ _id: id, size, refs: 0, createdAt: now, fileId }, { writeConcern: DURABLE });
        return 'stored';
      } catch (err) {
        if (!isDuplicateKey(err)) throw err;
      }
      // Already stored: if unreferenced, restart its grace period so gc
      // cannot remove it before the caller takes its reference. gc deletes
      // only metadata whose createdAt is still old, so one write wins cleanly.
      const refreshed = await blobs.updateOne(
        { _id: id },
        [{ $set: { createdAt: { $cond: [{ $eq: ['$refs', 0] }, { $literal: now }, '$createdAt'] } } }],
        { writeConcern: DURABLE },
      );
      if (refreshed.matchedCount === 1) return 'duplicate';
      // gc removed the existing copy in between: record ours instead.
    }
  }

  async function meta(id: string): Promise<BlobDoc> {
    const doc = SHA256_HEX.test(id) ? await guard(ctx, () => blobs.findOne({ _id: id })) : null;
    if (doc === null) throw new StoaError('STOA_NOT_FOUND', `blob ${id}`);
    return doc;
  }

  /** Same rules as the filesystem store: `end` is clamped to the size, anything else out of bounds is invalid. */
  function rangeOf(doc: BlobDoc, range?: ByteRange): { start: number; end: number } {
    const start = range?.start ?? 0;
    const end = Math.min(range?.end ?? doc.size, doc.size);
    if (!Number.isSafeInteger(start) || start < 0 || !Number.isSafeInteger(end) || end < start) {
      throw new StoaError('STOA_VALIDATION', `invalid byte range ${start}-${range?.end ?? ''}`);
    }
    return { start, end };
  }

  function openDoc(doc: BlobDoc, start: number, end: number): Readable {
    // An empty range would make the GridFS stream look for a chunk anyway.
    if (end === start) return Readable.from([]);
    return bucket.openDownloadStream(doc.fileId, { start, end });
  }

  const store: BlobStore = {
    // The metadata document is what names the GridFS file, so write() records
    // it as put() does (refs 0); BlobRefStore.register then adds references.
    write: (source) => store.put(source),

    async put(source) {
      const fileId = new ObjectId();
      inFlight.add(fileId.toHexString());
      return guard(ctx, async () => {
        await pending.insertOne({ _id: fileId, since: new Date() }, { writeConcern: DURABLE });
        const hash = createHash('sha256');
        const counter = { size: 0 };
        const input = source instanceof Uint8Array ? Readable.from([source]) : source;
        try {
          await pipeline(input, hashing(hash, counter), bucket.openUploadStreamWithId(fileId, `upload-${fileId.toHexString()}`));
        } catch (err) {
          // Best effort: if this fails too, the pending record lets gc finish the job.
          await deleteFile(fileId).then(() => pending.deleteOne({ _id: fileId }), () => undefined).catch(() => undefined);
          throw err;
        }
        const id = hash.digest('hex');
        await bucket.rename(fileId, id);
        const outcome = await claim(id, counter.size, fileId);
        // The content is durable and recorded from here on, so cleanup is
        // best effort: a failed step leaves the pending record, and gc
        // either deletes the unclaimed duplicate or drops the record.
        await (outcome === 'duplicate' ? deleteFile(fileId) : Promise.resolve(0))
          .then(() => pending.deleteOne({ _id: fileId }))
          .catch(() => undefined);
        const info: BlobInfo = { id, size: counter.size };
        return info;
      }).finally(() => inFlight.delete(fileId.toHexString()));
    },

    async open(id, range) {
      const doc = await meta(id);
      const { start, end } = rangeOf(doc, range);
      // The GridFS stream finds a missing file only when first read; check
      // now so a damaged blob fails here, as in the filesystem store.
      const present = await guard(ctx, () => files.countDocuments({ _id: doc.fileId }, { limit: 1 }));
      if (present === 0) throw new StoaError('STOA_BLOB_CORRUPT', `blob ${id} has metadata but no GridFS file`);
      return openDoc(doc, start, end);
    },

    async read(blob) {
      const id = typeof blob === 'string' ? blob : blob.id;
      const doc = await meta(id);
      const parts: Buffer[] = [];
      const hash = createHash('sha256');
      await guard(ctx, async () => {
        try {
          for await (const part of openDoc(doc, 0, doc.size)) {
            const buf = part as Buffer;
            hash.update(buf);
            parts.push(buf);
          }
        } catch (err) {
          // Missing or misnumbered chunks, or a files document gone while
          // metadata still points at it: the stored body is damaged.
          if (err instanceof MongoGridFSChunkError || (err instanceof MongoRuntimeError && /FileNotFound/.test(err.message))) {
            throw new StoaError('STOA_BLOB_CORRUPT', `blob ${id}: ${err.message}`, { cause: err });
          }
          throw err;
        }
      });
      const content = Buffer.concat(parts);
      if (content.length !== doc.size || hash.digest('hex') !== id) {
        throw new StoaError('STOA_BLOB_CORRUPT', `blob ${id} (${content.length} of ${doc.size} bytes read)`);
      }
      return content;
    },

    async stat(id) {
      const doc = SHA256_HEX.test(id) ? await guard(ctx, () => blobs.findOne({ _id: id })) : null;
      return doc ? { size: doc.size, refs: doc.refs, createdAt: doc.createdAt.getTime() } : null;
    },

    async gc(graceMs, now = Date.now()) {
      const cutoff = new Date(now - graceMs);
      let removed = 0;
      let bytes = 0;
      await guard(ctx, async () => {
        const unreferenced = blobs.find({ refs: 0, createdAt: { $lte: cutoff } }, { projection: { _id: 1, fileId: 1, size: 1 } });
        for await (const doc of unreferenced) {
          // Tombstone first (see the header): dated at the epoch so the next
          // sweep treats it as stale at once if this run dies halfway.
          await pending.updateOne({ _id: doc.fileId }, { $set: { since: new Date(0) } }, { upsert: true, writeConcern: DURABLE });
          // Conditional: a concurrent ref() or put() of the same content wins.
          const gone = await blobs.deleteOne({ _id: doc._id, refs: 0, createdAt: { $lte: cutoff } }, { writeConcern: DURABLE });
          if (gone.deletedCount === 1) {
            await deleteFile(doc.fileId);
            removed += 1;
            bytes += doc.size;
          }
          await pending.deleteOne({ _id: doc.fileId });
        }
        for await (const leftover of pending.find({ since: { $lte: cutoff } })) {
          if (inFlight.has(leftover._id.toHexString())) continue;
          const claimed = await blobs.countDocuments({ fileId: leftover._id }, { limit: 1 });
          if (claimed === 0) {
            bytes += await deleteFile(leftover._id);
            removed += 1;
          }
          await pending.deleteOne({ _id: leftover._id });
        }
      });
      return { removed, bytes };
    },
  };
  return store;
}
