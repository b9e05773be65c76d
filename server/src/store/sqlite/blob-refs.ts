// Blob metadata rows (table blobs) for the filesystem blob store: the
// reference counts live in SQLite so they commit with the metadata that
// points at the blob. The bytes of small bodies live here too (blob_data,
// migration 26; fs-blob-store.ts): registered in the same transaction as the
// first references, so that the delivery's commit makes them durable.
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
    register: ({ id, size, inline }, n = 0) => x.write((c) => {
      if (!Number.isSafeInteger(n) || n < 0) throw new StoaError('STOA_VALIDATION', `cannot register a blob with ${n} references`);
      if (!BLOB_ID.test(id) || !Number.isSafeInteger(size) || size < 0) throw new StoaError('STOA_VALIDATION', `not a stored blob: ${id} (${size} bytes)`);
      if (inline && inline.length !== size) throw new StoaError('STOA_VALIDATION', `blob ${id}: ${inline.length} bytes given for ${size}`);
      return registerBlob(c, id, size, n, Date.now(), inline);
    }),
  };
}

/**
 * Inserts the blob row with `n` references, or adds them; an unreferenced row
 * left at zero restarts its grace period. `data`: the bytes, kept in
 * blob_data unless they are there already (a body stored as a file before
 * keeps its file; reads prefer the database copy when both exist).
 */
export function registerBlob(c: SqliteConnection, id: string, size: number, n: number, now: number, data?: Buffer): number {
  if (data) c.run('INSERT OR IGNORE INTO blob_data (id, data) VALUES (?, ?)', id, data);
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
    register: (id, size, createdAt, data) => x.write((c) => {
      // Re-putting an unreferenced blob restarts its grace period, so gc does
      // not delete it between this put and the caller's ref().
      registerBlob(c, id, size, 0, createdAt, data);
    }),
    get: (id) => x.read((c) => {
      const row = c.get(
        'SELECT b.size, b.refs, b.created_at, EXISTS (SELECT 1 FROM blob_data d WHERE d.id = b.id) AS inline FROM blobs b WHERE b.id = ?', id,
      );
      return row ? { size: Number(row.size), refs: Number(row.refs), createdAt: Number(row.created_at), inline: Number(row.inline) === 1 } : null;
    }),
    data: (id) => x.read((c) => {
      const row = c.get('SELECT data FROM blob_data WHERE id = ?', id);
      if (!row) return null;
      const bytes = row.data as Uint8Array;
      return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    }),
    unreferencedBefore: (cutoff) => x.read((c) => c.all(
      'SELECT id, size FROM blobs WHERE refs = 0 AND created_at <= ?', cutoff,
    ).map((row): BlobMeta => ({ id: String(row.id), size: Number(row.size) }))),
    removeIfUnreferenced: (id, cutoff) => x.write((c) => {
      if (c.run('DELETE FROM blobs WHERE id = ? AND refs = 0 AND created_at <= ?', id, cutoff) === 0) return false;
      c.run('DELETE FROM blob_data WHERE id = ?', id);
      return true;
    }),
    has: (id) => x.read((c) => c.get('SELECT 1 AS present FROM blobs WHERE id = ?', id) !== undefined),
  };
}
