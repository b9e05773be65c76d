// What the filesystem blob store needs from a metadata database: one row per
// blob with its size, reference count and creation time (ms since epoch).
export interface BlobMeta { id: string; size: number }

export interface BlobCatalog {
  /** Inserts the row with zero references, or restarts the grace period of an unreferenced one. */
  register(id: string, size: number, createdAt: number): Promise<void>;
  get(id: string): Promise<{ size: number; refs: number; createdAt: number } | null>;
  unreferencedBefore(cutoff: number): Promise<BlobMeta[]>;
  /** Deletes the row only if it is still unreferenced and older than `cutoff`. */
  removeIfUnreferenced(id: string, cutoff: number): Promise<boolean>;
  has(id: string): Promise<boolean>;
}
