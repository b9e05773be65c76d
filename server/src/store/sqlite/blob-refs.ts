// Blob metadata rows (table blobs) for the filesystem blob store: the
// reference counts live in SQLite so they commit with the metadata that
// points at the blob.
import { StoaError } from '../../errors/catalogue.ts';
import type { BlobCatalog, BlobMeta } from '../blobs/blob-catalog.ts';
import type { BlobRefStore } from '../port.ts';
import type { SqliteConnection } from './sqlite-connection.ts';
import type { Executor } from './sqlite-executor.ts';

const BLOB_ID = /^[0-9a-f]{64}$/;

export function sqliteBlobRefStore(x: Executor): BlobRefStore {
  return {
    ref: (id, n = 1) => x.write((c) => {
      const row = c.get('UPDATE blobs SET refs = refs + ? WHERE id = ? RETURNING refs', n, id);
      if (!row) throw new StoaError('STOA_NOT_FOUND', `blob ${id}`);
      return Number(row.refs);
    }),
    register: ({ id, size }, n = 0) => x.write((c) => {
      if (!Number.isSafeInteger(n) || n < 0) throw new StoaError('STOA_VALIDATION', `cannot register a blob with ${n} references`);
      if (!BLOB_ID.test(id) || !Number.isSafeInteger(size) || size < 0) throw new StoaError('STOA_VALIDATION', `not a stored blob: ${id} (${size} bytes)`);
      return registerBlob(c, id, size, n, Date.now());
    }),
  };
}

/** Inserts the blob row with `n` references, or adds them; an unreferenced row left at zero restarts its grace period. */
export function registerBlob(c: SqliteConnection, id: string, size: number, n: number, now: number): number {
  const row = c.get(
    `INSERT INTO blobs (id, size, refs, created_at) VALUES (?, ?, ?, ?)
     ON CONFLICT (id) DO UPDATE SET refs = refs + excluded.refs,
       created_at = CASE WHEN refs + excluded.refs = 0 THEN excluded.created_at ELSE created_at END
     RETURNING refs`,
    id, size, n, now,
  );
  return Number(row?.refs);
}

export function sqliteBlobCatalog(x: Executor): BlobCatalog {
  return {
    register: (id, size, createdAt) => x.write((c) => {
      // Re-putting an unreferenced blob restarts its grace period, so gc does
      // not delete it between this put and the caller's ref().
      registerBlob(c, id, size, 0, createdAt);
    }),
    get: (id) => x.read((c) => {
      const row = c.get('SELECT size, refs, created_at FROM blobs WHERE id = ?', id);
      return row ? { size: Number(row.size), refs: Number(row.refs), createdAt: Number(row.created_at) } : null;
    }),
    unreferencedBefore: (cutoff) => x.read((c) => c.all(
      'SELECT id, size FROM blobs WHERE refs = 0 AND created_at <= ?', cutoff,
    ).map((row): BlobMeta => ({ id: String(row.id), size: Number(row.size) }))),
    removeIfUnreferenced: (id, cutoff) => x.write((c) => c.run('DELETE FROM blobs WHERE id = ? AND refs = 0 AND created_at <= ?', id, cutoff) > 0),
    has: (id) => x.read((c) => c.get('SELECT 1 AS present FROM blobs WHERE id = ?', id) !== undefined),
  };
}
