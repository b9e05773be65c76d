// stoa restore SRC: puts a `stoa backup` back into the configured data
// directory, then proves it worked: the restored store opens (migrations
// applied, as the server would), its row counts match the manifest, and
// every message body the database refers to is on disk. The server must be
// stopped. An existing database is never deleted: with --force it is moved
// aside as stoa.db.pre-restore-<time> (with its -wal and -shm). This is the
// one command besides `serve` that writes a database file, and only from a
// backup (docs/cli.md).
import { DatabaseSync } from 'node:sqlite';
import { readFile, rename, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { openStore } from '../../store/open-store.ts';
import { CliFailure, flagOpt, standaloneGroup, type CommandGroup } from '../command.ts';
import {
  COUNTED_TABLES, copyBlobs, copyFlatDir, copyPrivate, countRows, missingBlobs, privateDir, type BackupManifest, type RowCounts,
} from './backup-files.ts';

async function readManifest(src: string): Promise<BackupManifest> {
  let text: string;
  try {
    text = await readFile(join(src, 'manifest.json'), 'utf8');
  } catch (err) {
    throw new CliFailure(`${src} is not a Stoa backup: ${join(src, 'manifest.json')} cannot be read (${(err as NodeJS.ErrnoException).code ?? String(err)})`, { cause: err });
  }
  let manifest: BackupManifest;
  try {
    manifest = JSON.parse(text) as BackupManifest;
  } catch (err) {
    throw new CliFailure(`${join(src, 'manifest.json')} is not valid JSON`, { cause: err });
  }
  if (typeof manifest.schemaVersion !== 'number' || typeof manifest.blobs !== 'number') throw new CliFailure(`${join(src, 'manifest.json')} is not a Stoa backup manifest`);
  return manifest;
}

const exists = (path: string): Promise<boolean> => stat(path).then(() => true, () => false);

export const restoreCommand: CommandGroup = standaloneGroup('put a backup back into the data directory and check it', {
  name: 'restore', summary: 'restore a `stoa backup` into the configured data directory (stop the server first)', usage: 'SRC [--force]', positionals: 1,
  options: { force: { type: 'boolean' } },
  details: [
    'Copies SRC/stoa.db, the message bodies and the TLS material into the data directory,',
    'then opens the store and checks its row counts against SRC/manifest.json and that every',
    'message body is present. --force replaces an existing database, which is kept as',
    'stoa.db.pre-restore-<time>. Stop the server before restoring.',
  ],
  async run(ctx, { positionals, values }) {
    const { config } = ctx.config();
    if (config.store.driver !== 'sqlite') throw new CliFailure('stoa restore restores the embedded SQLite store; for MongoDB use mongorestore (see docs/operations.md)');
    const src = positionals[0];
    const manifest = await readManifest(src);
    if (!await exists(join(src, 'stoa.db'))) throw new CliFailure(`${join(src, 'stoa.db')} is missing: the backup is incomplete`);
    const dbPath = config.store.sqlite.path;
    // The data directory may not exist yet on a new machine: restoring is how it gets its store.
    await privateDir(config.dataDir);
    await privateDir(dirname(dbPath));
    const movedAside: string[] = [];
    if (await exists(dbPath)) {
      if (flagOpt(values, 'force') !== true) {
        throw new CliFailure(`${dbPath} exists; stop the server and pass --force to replace it (the current database is kept as ${dbPath}.pre-restore-<time>)`);
      }
      const stamp = new Date().toISOString().replace(/[:.]/g, '-');
      for (const suffix of ['', '-wal', '-shm']) {
        if (!await exists(dbPath + suffix)) continue;
        await rename(dbPath + suffix, `${dbPath}.pre-restore-${stamp}${suffix}`);
        movedAside.push(`${dbPath}.pre-restore-${stamp}${suffix}`);
      }
    }
    const started = Date.now();
    await copyPrivate(join(src, 'stoa.db'), dbPath, `${dbPath}.restore-part`);
    const blobs = await copyBlobs(join(src, 'blobs'), config.store.blobs.path);
    const tlsFiles = await copyFlatDir(join(src, 'tls'), join(config.dataDir, 'tls'));
    const configured: string[] = [];
    for (const c of manifest.tls?.configured ?? []) {
      // A certificate configured outside the data directory goes back only where nothing is: an operator's newer file wins.
      if (await exists(c.path)) continue;
      await privateDir(dirname(c.path));
      await copyPrivate(join(src, c.file), c.path, `${c.path}.restore-part`);
      configured.push(c.path);
    }

    // The check: the store opens as the server would open it (migrations included) …
    const store = await openStore(config);
    let schemaVersion: number;
    try {
      await store.ping();
      schemaVersion = await store.schemaVersion();
    } finally {
      await store.close();
    }
    // … and holds what the backup held.
    const db = new DatabaseSync(dbPath, { readOnly: true });
    let counts: RowCounts;
    let bodies: { missing: string[]; checked: number };
    try {
      counts = countRows(db);
      bodies = await missingBlobs(db, config.store.blobs.path);
    } finally {
      db.close();
    }
    const problems: string[] = [];
    for (const key of Object.keys(COUNTED_TABLES) as (keyof RowCounts)[]) {
      const expected = manifest.counts?.[key];
      if (expected !== undefined && expected !== counts[key]) problems.push(`${key}: ${counts[key]} restored, ${expected} in the manifest`);
    }
    if (blobs.files < manifest.blobs) problems.push(`message bodies: ${blobs.files} in the backup, ${manifest.blobs} in the manifest`);
    if (bodies.missing.length > 0) problems.push(`message bodies missing: ${bodies.missing.length}${bodies.missing.length >= 20 ? '+' : ''} (${bodies.missing.slice(0, 3).join(', ')}…)`);
    const report = {
      restoredFrom: src, dataDir: config.dataDir, schemaVersion, backupSchemaVersion: manifest.schemaVersion, counts,
      blobs: blobs.files, blobsCopied: blobs.copied, tls: [...tlsFiles.map((f) => `tls/${f}`), ...configured], movedAside,
      ok: problems.length === 0, problems, seconds: (Date.now() - started) / 1000,
    };
    if (problems.length > 0) {
      if (ctx.json) ctx.out(JSON.stringify(report, null, 2));
      throw new CliFailure(`the restored store does not match the backup: ${problems.join('; ')}`);
    }
    ctx.emit(report, () => [
      `Restored ${src} into ${config.dataDir}: the store opens (schema ${schemaVersion}), ${counts.domains} domains, ${counts.accounts} accounts, ${counts.messages} messages and ${counts.dkimKeys} DKIM keys as in the manifest; ${bodies.checked} message bodies present (${blobs.copied} copied).`,
      report.tls.length > 0 ? `TLS material: ${report.tls.join(', ')}.` : 'The backup held no TLS files: the server makes a new self-signed certificate at start.',
      ...(movedAside.length > 0 ? [`The previous database was kept as ${movedAside[0]}.`] : []),
    ].join('\n'));
    return 0;
  },
});
