// Reference counts of blobs, changed in the same transaction as the
// metadata that points at the blob (see BlobStore in port.ts).
import type { Collection } from 'mongodb';
import { StoaError } from '../../errors/catalogue.ts';
import type { BlobRefStore } from '../port.ts';
import { COLLECTIONS } from './collections.ts';
import type { BlobDoc } from './gridfs-blob-store.ts';
import { guard, sessionOpts, type MongoCtx } from './mongo-context.ts';

export function createBlobRefStore(ctx: MongoCtx): BlobRefStore {
  const blobs: Collection<BlobDoc> = ctx.db.collection<BlobDoc>(COLLECTIONS.blobs);

  return {
    async ref(id, n = 1) {
      return guard(ctx, async () => {
        const doc = await blobs.findOneAndUpdate(
          { _id: id },
          { $inc: { refs: n } },
          { ...sessionOpts(ctx), returnDocument: 'after' },
        );
        if (doc === null) throw new StoaError('STOA_NOT_FOUND', `blob ${id}`);
        return doc.refs;
      });
    },

    // GridFS names the file only through the metadata document, so write()
    // records it already (refs 0, grace period restarted); registering adds
    // the references in the caller's transaction.
    async register({ id }, n = 0) {
      if (!Number.isSafeInteger(n) || n < 0) throw new StoaError('STOA_VALIDATION', `cannot register a blob with ${n} references`);
      return guard(ctx, async () => {
        const doc = await blobs.findOneAndUpdate(
          { _id: id },
          { $inc: { refs: n } },
          { ...sessionOpts(ctx), returnDocument: 'after' },
        );
        if (doc === null) throw new StoaError('STOA_NOT_FOUND', `blob ${id} (not written, or collected after its grace period)`);
        return doc.refs;
      });
    },
  };
}
