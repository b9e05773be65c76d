// What the filesystem blob store needs from a metadata database: one row per
// blob with its size, reference count and creation time (ms since epoch),
// and the bytes of the bodies small enough to live in the database itself
// (fs-blob-store.ts, store.blobs.inlineMaxBytes).
export interface BlobMeta { id: string; size: number }

export interface BlobCatalog {
  /** Inserts the row with zero references (and `data`, kept in the database), or restarts the grace period of an unreferenced one. */
  register(id: string, size: number, createdAt: number, data?: Buffer): Promise<void>;
  /** The row; `inline` when the database holds the bytes. */
  get(id: string): Promise<{ size: number; refs: number; createdAt: number; inline: boolean } | null>;
  /** The bytes the database holds for the blob, or null. */
  data(id: string): Promise<Buffer | null>;
  unreferencedBefore(cutoff: number): Promise<BlobMeta[]>;
  /** Deletes the row only if it is still unreferenced and older than `cutoff`. */
  removeIfUnreferenced(id: string, cutoff: number): Promise<boolean>;
  has(id: string): Promise<boolean>;
}
