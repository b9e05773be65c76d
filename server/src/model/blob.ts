// Content-addressed message bodies: what names one, and a byte range of one.

export interface BlobInfo {
  /** Lower-case hex SHA-256 of the content. */
  id: string;
  size: number;
}

export interface ByteRange { start: number; end?: number /* exclusive */ }
