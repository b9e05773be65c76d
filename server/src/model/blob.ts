// Content-addressed message bodies: what names one, and a byte range of one.

export interface BlobInfo {
  /** Lower-case hex SHA-256 of the content. */
  id: string;
  size: number;
  /**
   * The content itself, when the adapter keeps bodies this small in its
   * database (SQLite, store.blobs.inlineMaxBytes): nothing was written by
   * `BlobStore.write`, and the registration stores these bytes in the
   * transaction that takes the first references (BlobRefStore.register).
   */
  inline?: Buffer;
}

export interface ByteRange { start: number; end?: number /* exclusive */ }
