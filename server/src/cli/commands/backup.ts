// stoa backup DEST: an online, consistent backup of the embedded store while
// the server keeps running. The database is copied first with SQLite's
// online backup API (a consistent snapshot even under concurrent writes);
// then the blob files. Blobs are immutable and written durably before any
// row refers to them (DESIGN.md), so every blob the snapshot references
// already exists when the copy starts; garbage collection removes a blob
// only after its grace period (store.blobs.gcGraceHours), far longer than a
// copy takes. Repeated backups into the same DEST copy only new blobs.
import { backup, DatabaseSync } from 'node:sqlite';
import { copyFile, mkdir, readdir, rename, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CliFailure, flagOpt, standaloneGroup, type CommandGroup } from '../command.ts';

const HEX_ID = /^[0-9a-f]{64}$/;

interface BlobCopyReport { files: number; copied: number; bytesCopied: number }

async function copyBlobs(from: string, to: string): Promise<BlobCopyReport> {
  const report: BlobCopyReport = { files: 0, copied: 0, bytesCopied: 0 };
  // <root>/ab/cd/<sha256>; tmp/ holds writes in progress and is never copied.
  for (const a of await readdir(from, { withFileTypes: true })) {
    if (!a.isDirectory() || !/^[0-9a-f]{2}$/.test(a.name)) continue;
    for (const b of await readdir(join(from, a.name), { withFileTypes: true })) {
      if (!b.isDirectory() || !/^[0-9a-f]{2}$/.test(b.name)) continue;
      const srcDir = join(from, a.name, b.name);
      const dstDir = join(to, a.name, b.name);
      await mkdir(dstDir, { recursive: true });
      const existing = new Set(await readdir(dstDir));
      for (const name of await readdir(srcDir)) {
        if (!HEX_ID.test(name)) continue;
        report.files++;
        if (existing.has(name)) continue;
        // Copy under a temporary name, then rename: an interrupted backup
        // never leaves a truncated blob under its final name.
        const tmp = join(dstDir, `.${name}.part`);
        await copyFile(join(srcDir, name), tmp);
        await rename(tmp, join(dstDir, name));
        report.copied++;
        report.bytesCopied += (await stat(join(dstDir, name))).size;
      }
    }
  }
  return report;
}

export const backupCommand: CommandGroup = standaloneGroup('copy the embedded store (database and message bodies) while the server runs', {
  name: 'backup', summary: 'write a consistent backup of the SQLite store into DEST', usage: 'DEST [--force]', positionals: 1,
  options: { force: { type: 'boolean' } },
  details: [
    'DEST gets stoa.db, blobs/ and manifest.json. Run it again into the same DEST to',
    'refresh it: only new message bodies are copied. --force replaces an existing stoa.db.',
    'MongoDB deployments back up with mongodump (see docs/operations.md).',
  ],
  async run(ctx, { positionals, values }) {
    const { config } = ctx.config();
    if (config.store.driver !== 'sqlite') {
      throw new CliFailure('stoa backup copies the embedded SQLite store; for MongoDB use mongodump --db ' + config.store.mongodb.database + ' (see docs/operations.md)');
    }
    const dest = positionals[0];
    await mkdir(dest, { recursive: true });
    const dbOut = join(dest, 'stoa.db');
    const exists = await stat(dbOut).then(() => true, () => false);
    if (exists && flagOpt(values, 'force') !== true) {
      throw new CliFailure(`${dbOut} exists; pass --force to replace it with a fresh snapshot`);
    }
    const started = Date.now();
    const source = new DatabaseSync(config.store.sqlite.path, { readOnly: true });
    let pages: number;
    try {
      // Snapshot to a temp name first, so a failed backup never replaces a good one.
      pages = await backup(source, `${dbOut}.part`);
    } finally {
      source.close();
    }
    await rename(`${dbOut}.part`, dbOut);
    // The copy is a self-contained file: no -wal/-shm beside it.
    const check = new DatabaseSync(dbOut);
    let integrity: string;
    let schemaVersion: number;
    try {
      check.exec('PRAGMA journal_mode = DELETE');
      integrity = String((check.prepare('PRAGMA quick_check').get() as Record<string, unknown>).quick_check);
      schemaVersion = Number((check.prepare('SELECT max(version) AS v FROM schema_migrations').get() as { v: number }).v);
    } finally {
      check.close();
    }
    if (integrity !== 'ok') throw new CliFailure(`the backup database failed its integrity check: ${integrity}`);
    const blobs = await copyBlobs(config.store.blobs.path, join(dest, 'blobs'));
    const manifest = {
      createdAt: new Date(started).toISOString(), source: config.dataDir, schemaVersion, databasePages: pages,
      blobs: blobs.files, blobsCopied: blobs.copied, bytesCopied: blobs.bytesCopied, seconds: (Date.now() - started) / 1000,
    };
    await writeFile(join(dest, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
    ctx.emit(manifest, () => `Backup written to ${dest}: database (schema ${schemaVersion}, ${pages} pages, integrity ok) and ${blobs.files} message bodies (${blobs.copied} new, ${blobs.bytesCopied} bytes) in ${manifest.seconds.toFixed(1)} s.`);
    return 0;
  },
});

