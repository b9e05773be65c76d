// Blob metadata rows (table blobs) for the filesystem blob store: the
// reference counts live in SQLite so they commit with the metadata that
// points at the blob.
import { StoaError } from '../../errors/catalogue.ts';
import type { BlobCatalog, BlobMeta } from '../blobs/blob-catalog.ts';
import type { BlobRefStore } from '../port.ts';
import type { Executor } from './sqlite-executor.ts';

export function sqliteBlobRefStore(x: Executor): BlobRefStore {
  return {
    ref: (id, n = 1) => x.write((c) => {
      const row = c.get('UPDATE blobs SET refs = refs + ? WHERE id = ? RETURNING refs', n, id);
      if (!row) throw new StoaError('STOA_NOT_FOUND', `blob ${id}`);
      return Number(row.refs);
    }),
  };
}

export function sqliteBlobCatalog(x: Executor): BlobCatalog {
  return {
    register: (id, size, createdAt) => x.write((c) => {
      // Re-putting an unreferenced blob restarts its grace period, so gc does
      // not delete it between this put and the caller's ref().
      c.run(
        `INSERT INTO blobs (id, size, refs, created_at) VALUES (?, ?, 0, ?)
         ON CONFLICT (id) DO UPDATE SET created_at = excluded.created_at WHERE refs = 0`,
        id, size, createdAt,
      );
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
