// What `stoa backup` and `stoa restore` share: copying message bodies and
// TLS files without ever leaving a half-written file under its final name,
// the row counts a manifest records and a restore checks, and the manifest
// itself. Everything written is 0600 (directories 0700): a backup holds the
// same secrets as the data directory (docs/security.md).
import { DatabaseSync } from 'node:sqlite';
import { chmod, copyFile, mkdir, readdir, rename, stat } from 'node:fs/promises';
import { join } from 'node:path';

const HEX_ID = /^[0-9a-f]{64}$/;
export const FILE_MODE = 0o600;
export const DIR_MODE = 0o700;

export interface BlobCopyReport { files: number; copied: number; bytesCopied: number }

/** mkdir -p with private directories (recursive mkdir applies the mode to each one it creates). */
export async function privateDir(path: string): Promise<void> {
  await mkdir(path, { recursive: true, mode: DIR_MODE });
}

/** Copies under a temporary name, then renames: an interrupted copy never leaves a truncated file under its final name. */
export async function copyPrivate(from: string, to: string, tmpName: string): Promise<number> {
  await copyFile(from, tmpName);
  // copyFile keeps the source's mode; a backup is private whatever the source was.
  await chmod(tmpName, FILE_MODE);
  await rename(tmpName, to);
  return (await stat(to)).size;
}

/** Copies the blob tree <root>/ab/cd/<sha256>, skipping bodies already there; tmp/ (writes in progress) is never copied. */
export async function copyBlobs(from: string, to: string): Promise<BlobCopyReport> {
  const report: BlobCopyReport = { files: 0, copied: 0, bytesCopied: 0 };
  await privateDir(to);
  for (const a of await readdir(from, { withFileTypes: true }).catch(() => [])) {
    if (!a.isDirectory() || !/^[0-9a-f]{2}$/.test(a.name)) continue;
    for (const b of await readdir(join(from, a.name), { withFileTypes: true })) {
      if (!b.isDirectory() || !/^[0-9a-f]{2}$/.test(b.name)) continue;
      const srcDir = join(from, a.name, b.name);
      const dstDir = join(to, a.name, b.name);
      await privateDir(dstDir);
      const existing = new Set(await readdir(dstDir));
      for (const name of await readdir(srcDir)) {
        if (!HEX_ID.test(name)) continue;
        report.files++;
        if (existing.has(name)) continue;
        report.bytesCopied += await copyPrivate(join(srcDir, name), join(dstDir, name), join(dstDir, `.${name}.part`));
        report.copied++;
      }
    }
  }
  return report;
}

/** Copies the regular files of a directory (one level: the TLS directory holds no sub-directories); returns their names. */
export async function copyFlatDir(from: string, to: string): Promise<string[]> {
  const names: string[] = [];
  const entries = await readdir(from, { withFileTypes: true }).catch(() => null);
  if (!entries) return names;
  await privateDir(to);
  for (const e of entries) {
    if (!e.isFile() || e.name.startsWith('.')) continue;
    await copyPrivate(join(from, e.name), join(to, e.name), join(to, `.${e.name}.part`));
    names.push(e.name);
  }
  return names.sort();
}

/** Rows a backup records and a restore compares: what an operator would miss first. */
export const COUNTED_TABLES = {
  domains: 'domains',
  accounts: 'accounts',
  groups: 'groups',
  aliases: 'aliases',
  sharedMailboxes: 'shared_mailboxes',
  mailboxGrants: 'mailbox_grants',
  mailboxes: 'mailboxes',
  messages: 'mail_messages',
  dkimKeys: 'dkim_keys',
  queuedMessages: 'queue_messages',
} as const;

export type RowCounts = Record<keyof typeof COUNTED_TABLES, number>;

export function countRows(db: DatabaseSync): RowCounts {
  const counts = {} as RowCounts;
  for (const [key, table] of Object.entries(COUNTED_TABLES) as [keyof RowCounts, string][]) {
    counts[key] = Number((db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n);
  }
  return counts;
}

/**
 * Message bodies the database refers to that are missing from a blob tree (at
 * most `limit` of them). Bodies the database holds itself (blob_data) have no
 * file to look for: they travel with the database copy.
 */
export async function missingBlobs(db: DatabaseSync, blobRoot: string, limit = 20): Promise<{ missing: string[]; checked: number }> {
  const missing: string[] = [];
  let checked = 0;
  const sql = 'SELECT id FROM blobs b WHERE refs > 0 AND NOT EXISTS (SELECT 1 FROM blob_data d WHERE d.id = b.id)';
  for (const row of db.prepare(sql).iterate() as Iterable<{ id: string }>) {
    checked++;
    const id = row.id;
    const found = await stat(join(blobRoot, id.slice(0, 2), id.slice(2, 4), id)).then(() => true, () => false);
    if (!found && missing.length < limit) missing.push(id);
  }
  return { missing, checked };
}

/** TLS files in a backup: the data directory's tls/ and, when configured elsewhere, the operator's certificate and key. */
export interface TlsManifest {
  /** Names under DEST/tls/ (copied from dataDir/tls/). */
  files: string[];
  /** tls.certFile / tls.keyFile outside the data directory: where they were, and their copy under DEST/tls-configured/. */
  configured: Array<{ role: 'cert' | 'key'; path: string; file: string }>;
}

export interface BackupManifest {
  createdAt: string;
  source: string;
  schemaVersion: number;
  databasePages: number;
  blobs: number;
  blobsCopied: number;
  bytesCopied: number;
  counts: RowCounts;
  tls: TlsManifest;
  seconds: number;
}
