// stoa backup DEST: an online, consistent backup of the embedded store while
// the server keeps running. The database is copied first with SQLite's
// online backup API (a consistent snapshot even under concurrent writes);
// then the blob files, then the TLS material (the data directory's tls/ and
// a certificate and key configured elsewhere). DKIM private keys live in
// the database, so the snapshot holds them. Blobs are immutable and written
// durably before any row refers to them (DESIGN.md), so every blob the
// snapshot references already exists when the copy starts; garbage
// collection removes a blob only after its grace period
// (store.blobs.gcGraceHours), far longer than a copy takes. Repeated
// backups into the same DEST copy only new blobs. Everything written is
// 0600, directories 0700. `stoa restore` puts it back (restore.ts).
import { backup, DatabaseSync } from 'node:sqlite';
import { chmod, rename, stat, writeFile } from 'node:fs/promises';
import { basename, join, relative } from 'node:path';
import { CliFailure, flagOpt, standaloneGroup, type CommandGroup } from '../command.ts';
import { requireExistingStore } from '../context.ts';
import {
  FILE_MODE, copyBlobs, copyFlatDir, copyPrivate, countRows, privateDir, type BackupManifest, type TlsManifest,
} from './backup-files.ts';

/** A path inside the data directory (relative, without ".."), or null. */
function inside(dataDir: string, path: string): string | null {
  const rel = relative(dataDir, path);
  return rel !== '' && !rel.startsWith('..') && !rel.startsWith('/') ? rel : null;
}

async function copyTls(dataDir: string, certFile: string | null, keyFile: string | null, dest: string): Promise<TlsManifest> {
  const files = await copyFlatDir(join(dataDir, 'tls'), join(dest, 'tls'));
  const configured: TlsManifest['configured'] = [];
  for (const [role, path] of [['cert', certFile], ['key', keyFile]] as const) {
    if (path === null) continue;
    const rel = inside(dataDir, path);
    // Already in the copy of tls/ (or elsewhere in the data directory, which is not backed up: say so).
    if (rel !== null && rel.startsWith('tls/') && !rel.slice(4).includes('/')) continue;
    const dir = join(dest, 'tls-configured');
    await privateDir(dir);
    const file = `${role}-${basename(path)}`;
    try {
      await copyPrivate(path, join(dir, file), join(dir, `.${file}.part`));
    } catch (err) {
      throw new CliFailure(`cannot copy tls.${role}File ${path}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`, { cause: err });
    }
    configured.push({ role, path, file: `tls-configured/${file}` });
  }
  return { files: files.map((f) => `tls/${f}`), configured };
}

export const backupCommand: CommandGroup = standaloneGroup('copy the embedded store (database, message bodies, TLS material) while the server runs', {
  name: 'backup', summary: 'write a consistent backup of the SQLite store into DEST', usage: 'DEST [--force]', positionals: 1,
  options: { force: { type: 'boolean' } },
  details: [
    'DEST gets stoa.db (with the DKIM keys), blobs/, tls/ and manifest.json (row counts',
    'that `stoa restore` checks). Run it again into the same DEST to refresh it: only new',
    'message bodies are copied. --force replaces an existing stoa.db. Files are 0600.',
    'MongoDB deployments back up with mongodump (see docs/operations.md).',
  ],
  async run(ctx, { positionals, values }) {
    const loaded = ctx.config();
    const { config } = loaded;
    if (config.store.driver !== 'sqlite') {
      throw new CliFailure('stoa backup copies the embedded SQLite store; for MongoDB use mongodump --db ' + config.store.mongodb.database + ' (see docs/operations.md)');
    }
    requireExistingStore(loaded, ctx.io.cwd);
    const dest = positionals[0];
    await privateDir(dest);
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
    await chmod(`${dbOut}.part`, FILE_MODE);
    await rename(`${dbOut}.part`, dbOut);
    // The copy is a self-contained file: no -wal/-shm beside it.
    const check = new DatabaseSync(dbOut);
    let integrity: string;
    let schemaVersion: number;
    let counts;
    try {
      check.exec('PRAGMA journal_mode = DELETE');
      integrity = String((check.prepare('PRAGMA quick_check').get() as Record<string, unknown>).quick_check);
      schemaVersion = Number((check.prepare('SELECT max(version) AS v FROM schema_migrations').get() as { v: number }).v);
      counts = countRows(check);
    } finally {
      check.close();
    }
    if (integrity !== 'ok') throw new CliFailure(`the backup database failed its integrity check: ${integrity}`);
    const blobs = await copyBlobs(config.store.blobs.path, join(dest, 'blobs'));
    const tls = await copyTls(config.dataDir, config.tls.certFile, config.tls.keyFile, dest);
    const manifest: BackupManifest = {
      createdAt: new Date(started).toISOString(), source: config.dataDir, schemaVersion, databasePages: pages,
      blobs: blobs.files, blobsCopied: blobs.copied, bytesCopied: blobs.bytesCopied, counts, tls, seconds: (Date.now() - started) / 1000,
    };
    const manifestPath = join(dest, 'manifest.json');
    await writeFile(`${manifestPath}.part`, `${JSON.stringify(manifest, null, 2)}\n`, { mode: FILE_MODE });
    await rename(`${manifestPath}.part`, manifestPath);
    const tlsNote = tls.files.length + tls.configured.length > 0 ? `, TLS material (${[...tls.files, ...tls.configured.map((c) => c.file)].join(', ')})` : ', no TLS files';
    ctx.emit(manifest, () => `Backup written to ${dest}: database (schema ${schemaVersion}, ${pages} pages, integrity ok; ${counts.domains} domains, ${counts.accounts} accounts, ${counts.messages} messages, ${counts.dkimKeys} DKIM keys) and ${blobs.files} message bodies (${blobs.copied} new, ${blobs.bytesCopied} bytes)${tlsNote} in ${manifest.seconds.toFixed(1)} s.`);
    return 0;
  },
});
