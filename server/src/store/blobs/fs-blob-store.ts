// Content-addressed blobs on the local filesystem: <root>/ab/cd/<sha256 hex>.
// A blob becomes visible under its final name only by rename(2) of a fully
// written and fsynced temp file from <root>/tmp (same filesystem, so rename is
// atomic), followed by an fsync of the directory so the name itself survives a
// crash. `write` stops there: the metadata row is inserted by the caller's
// transaction (BlobRefStore.register), so a delivery commits once; `put`
// registers the row itself (refs 0). A file without a row is an orphan that
// gc removes once its mtime is older than the grace period. A write of
// content already stored renames its own copy over the old file: the same
// bytes under the same name, with a fresh mtime, so neither gc step removes
// that file before the caller's transaction registers it, and no stat or
// utimes probe is paid for the common case of new content.
//
// Small bodies (up to store.blobs.inlineMaxBytes, given as a Buffer) are not
// files at all: `write` only hashes them and hands the bytes back in
// BlobInfo.inline, and the registration stores them in the database
// (blob-refs.ts, table blob_data) in the transaction that takes their first
// references. That transaction's WAL fsync makes them durable, so a small
// delivery pays no file creation, fsync, rename or directory fsync; SQLite's
// own measurements put reads of blobs below about 100 KB faster from the
// database than from files (https://www.sqlite.org/intern-v-extern-blob.html).
// Everything else about them is the same: content-addressed, shared by every
// copy, reference-counted, collected by gc with their row.
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, type ReadStream } from 'node:fs';
import { mkdir, open, readdir, readFile, rename, stat, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { StoaError } from '../../errors/catalogue.ts';
import type { BlobInfo, BlobStore, ByteRange } from '../port.ts';
import { syncDir as fsyncDir } from '../data-dir.ts';
import type { BlobCatalog } from './blob-catalog.ts';

const HEX_ID = /^[0-9a-f]{64}$/;
/**
 * Default of store.blobs.inlineMaxBytes: bodies up to this size live in the
 * database. SQLite reads blobs below about 100 KB faster from the database
 * than from files with its default 4 KiB pages (the page cited at the top),
 * and writing one there is always cheaper than a file here (no create,
 * fsync, rename or directory fsync); 128 KiB takes in most mail without
 * attachments. Larger bodies, and streamed ones, are files.
 */
export const DEFAULT_INLINE_MAX_BYTES = 128 * 1024;
/** Small stream chunks (socket reads) are gathered into writes of about this size. */
const WRITE_CHUNK = 256 * 1024;

/** Filesystem errors that mean the blob directory or its disk is unusable. */
const UNAVAILABLE = new Set(['ENOENT', 'EACCES', 'EPERM', 'EROFS', 'EIO', 'ENOSPC', 'EDQUOT', 'ENOTDIR']);

function fsError(err: unknown, what: string): unknown {
  const code = (err as NodeJS.ErrnoException)?.code;
  if (code && UNAVAILABLE.has(code)) return new StoaError('STOA_STORE_UNAVAILABLE', `${what}: ${code}`, { cause: err });
  return err;
}

function checkId(id: string): void {
  if (!HEX_ID.test(id)) throw new StoaError('STOA_NOT_FOUND', `blob ${id}`);
}

/** mkdir that never recreates a vanished root: only the fan-out level itself. */
async function ensureDir(path: string): Promise<boolean> {
  try {
    // 0700: message bodies are readable by the server's own user only (docs/security.md).
    await mkdir(path, { mode: 0o700 });
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  }
}

export class FsBlobStore implements BlobStore {
  readonly root: string;
  readonly #catalog: BlobCatalog;
  // A write's last step (dedupe check and mtime touch or rename, and put's
  // row) must not interleave with gc deleting the same blob: writes share,
  // gc runs alone.
  #finalizing = 0;
  #drained: (() => void)[] = [];
  #writing = 0;
  #gcRunning: Promise<void> | null = null;
  /**
   * Directories known to exist (tmp and fan-out levels), so a put does not
   * pay a mkdir per level; forgotten when a rename finds one gone.
   */
  readonly #knownDirs = new Set<string>();

  /** Buffers of at most this many bytes are kept in the database (0: every body is a file). */
  readonly #inlineMax: number;

  constructor(root: string, catalog: BlobCatalog, options: { inlineMaxBytes?: number } = {}) {
    this.root = root;
    this.#catalog = catalog;
    this.#inlineMax = options.inlineMaxBytes ?? 0;
  }

  pathOf(id: string): string {
    return join(this.root, id.slice(0, 2), id.slice(2, 4), id);
  }

  get tmpDir(): string {
    return join(this.root, 'tmp');
  }

  write(source: Readable | Buffer | Uint8Array): Promise<BlobInfo> {
    return this.#store(source, false);
  }

  put(source: Readable | Buffer | Uint8Array): Promise<BlobInfo> {
    return this.#store(source, true);
  }

  /** Writes under way: each will most likely be followed by its transaction (group-commit.ts). */
  get writing(): number {
    return this.#writing;
  }

  async #store(source: Readable | Buffer | Uint8Array, register: boolean): Promise<BlobInfo> {
    if (!(source instanceof Readable) && source.length <= this.#inlineMax) return this.#storeInline(source, register);
    this.#writing += 1;
    try {
      return await this.#storeOnce(source, register);
    } finally {
      this.#writing -= 1;
    }
  }

  async #storeOnce(source: Readable | Buffer | Uint8Array, register: boolean): Promise<BlobInfo> {
    const tmpPath = join(this.tmpDir, `${Date.now()}-${randomBytes(8).toString('hex')}`);
    const hash = createHash('sha256');
    let size = 0;
    try {
      await this.#ensureDirOnce(this.tmpDir);
      const handle = await open(tmpPath, 'wx', 0o600).catch(async (err: NodeJS.ErrnoException) => {
        // The tmp directory removed behind our back: make it again, once.
        if (err.code !== 'ENOENT') throw err;
        this.#knownDirs.delete(this.tmpDir);
        await this.#ensureDirOnce(this.tmpDir);
        return open(tmpPath, 'wx', 0o600);
      });
      try {
        if (source instanceof Readable) {
          // One write per WRITE_CHUNK rather than per socket-sized chunk.
          let pending: Buffer[] = [];
          let pendingBytes = 0;
          for await (const chunk of source) {
            const buf = typeof chunk === 'string' ? Buffer.from(chunk) : chunk as Buffer;
            hash.update(buf);
            size += buf.length;
            pending.push(buf);
            pendingBytes += buf.length;
            if (pendingBytes >= WRITE_CHUNK) {
              await handle.writeFile(pending.length === 1 ? pending[0] : Buffer.concat(pending, pendingBytes));
              pending = [];
              pendingBytes = 0;
            }
          }
          if (pendingBytes > 0) await handle.writeFile(pending.length === 1 ? pending[0] : Buffer.concat(pending, pendingBytes));
        } else {
          hash.update(source);
          size = source.length;
          await handle.writeFile(source);
        }
        await handle.sync();
      } finally {
        await handle.close();
      }
    } catch (err) {
      await unlink(tmpPath).catch(() => undefined);
      throw fsError(err, `writing blob under ${this.root}`);
    }
    const id = hash.digest('hex');
    while (this.#gcRunning) await this.#gcRunning;
    this.#finalizing += 1;
    try {
      try {
        await this.#finalize(tmpPath, id);
      } catch (err) {
        await unlink(tmpPath).catch(() => undefined);
        throw fsError(err, `storing blob ${id}`);
      }
      if (register) await this.#catalog.register(id, size, Date.now());
    } finally {
      this.#finalizing -= 1;
      if (this.#finalizing === 0) for (const wake of this.#drained.splice(0)) wake();
    }
    return { id, size };
  }

  /**
   * A body kept in the database: nothing to write now. `put` registers it
   * with its bytes at once; `write` returns them for the caller's
   * registration. gc needs no exclusion here: there is no file to race, and
   * a row gc deletes before the registration is simply inserted again.
   */
  async #storeInline(source: Buffer | Uint8Array, register: boolean): Promise<BlobInfo> {
    const bytes = Buffer.isBuffer(source) ? source : Buffer.from(source.buffer, source.byteOffset, source.byteLength);
    const id = createHash('sha256').update(bytes).digest('hex');
    if (!register) return { id, size: bytes.length, inline: bytes };
    await this.#catalog.register(id, bytes.length, Date.now(), bytes);
    return { id, size: bytes.length };
  }

  /** ensureDir, skipped for a directory this store has already made sure of. */
  async #ensureDirOnce(path: string): Promise<boolean> {
    if (this.#knownDirs.has(path)) return false;
    const created = await ensureDir(path);
    this.#knownDirs.add(path);
    return created;
  }

  async #finalize(tmpPath: string, id: string, retried = false): Promise<void> {
    const level1 = join(this.root, id.slice(0, 2));
    const level2 = join(level1, id.slice(2, 4));
    const created1 = await this.#ensureDirOnce(level1);
    const created2 = await this.#ensureDirOnce(level2);
    if (created1) await fsyncDir(this.root);
    if (created2) await fsyncDir(level1);
    const finalPath = this.pathOf(id);
    try {
      // rename(2) replaces a file already there atomically: readers holding it
      // open keep the old inode, every other sees complete bytes either way.
      await rename(tmpPath, finalPath);
    } catch (err) {
      // A fan-out directory removed behind our back (an operator's cleanup): make it again, once.
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT' || retried) throw err;
      this.#knownDirs.delete(level1);
      this.#knownDirs.delete(level2);
      return this.#finalize(tmpPath, id, true);
    }
    await fsyncDir(level2);
  }

  async #meta(id: string): Promise<{ size: number; refs: number; createdAt: number; inline: boolean }> {
    checkId(id);
    const meta = await this.#catalog.get(id);
    if (!meta) throw new StoaError('STOA_NOT_FOUND', `blob ${id}`);
    return meta;
  }

  /** The bytes the database holds for a blob it says it holds (gone since: collected in between). */
  async #inlineData(id: string, size: number): Promise<Buffer> {
    const data = await this.#catalog.data(id);
    if (!data) throw new StoaError('STOA_NOT_FOUND', `blob ${id}`);
    if (data.length !== size) throw new StoaError('STOA_BLOB_CORRUPT', `blob ${id} does not match its size`);
    return data;
  }

  async open(id: string, range?: ByteRange): Promise<Readable> {
    const meta = await this.#meta(id);
    const start = range?.start ?? 0;
    const end = Math.min(range?.end ?? meta.size, meta.size);
    if (!Number.isSafeInteger(start) || start < 0 || !Number.isSafeInteger(end) || end < start) {
      throw new StoaError('STOA_VALIDATION', `invalid byte range ${start}-${range?.end ?? ''}`);
    }
    if (end === start) return Readable.from([]);
    if (meta.inline) return Readable.from([(await this.#inlineData(id, meta.size)).subarray(start, end)], { objectMode: false });
    const stream: ReadStream = createReadStream(this.pathOf(id), { start, end: end - 1 });
    // Surface a missing file as an error on open rather than mid-stream.
    await new Promise<void>((resolve, reject) => {
      stream.once('open', () => resolve());
      stream.once('error', (err) => reject(this.#missing(id, err)));
    });
    return stream;
  }

  #missing(id: string, err: unknown): unknown {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
      return new StoaError('STOA_BLOB_CORRUPT', `blob ${id} has metadata but no file`, { cause: err });
    }
    return fsError(err, `reading blob ${id}`);
  }

  async read(blob: string | BlobInfo): Promise<Buffer> {
    const id = typeof blob === 'string' ? blob : blob.id;
    if (typeof blob !== 'string') checkId(id);
    // Kept in the database and not registered yet: write() returned the bytes.
    if (typeof blob !== 'string' && blob.inline) return blob.inline;
    // What write() returned needs no row: the size to check against is known.
    const meta = typeof blob === 'string' ? await this.#meta(id) : { ...blob, inline: false };
    let data: Buffer;
    try {
      data = meta.inline ? await this.#inlineData(id, meta.size) : await readFile(this.pathOf(id));
    } catch (err) {
      // What put() returned for a body it kept in the database has no file: its row says so.
      const row = typeof blob !== 'string' && (err as NodeJS.ErrnoException).code === 'ENOENT' ? await this.#catalog.get(id) : null;
      if (!row?.inline) throw this.#missing(id, err);
      data = await this.#inlineData(id, row.size);
    }
    if (data.length !== meta.size || createHash('sha256').update(data).digest('hex') !== id) {
      throw new StoaError('STOA_BLOB_CORRUPT', `blob ${id} does not match its checksum`);
    }
    return data;
  }

  async stat(id: string): Promise<{ size: number; refs: number; createdAt: number } | null> {
    if (!HEX_ID.test(id)) return null;
    const meta = await this.#catalog.get(id);
    return meta ? { size: meta.size, refs: meta.refs, createdAt: meta.createdAt } : null;
  }

  async gc(graceMs: number, now = Date.now()): Promise<{ removed: number; bytes: number }> {
    while (this.#gcRunning) await this.#gcRunning;
    let release!: () => void;
    this.#gcRunning = new Promise<void>((resolve) => { release = resolve; });
    if (this.#finalizing > 0) await new Promise<void>((resolve) => this.#drained.push(resolve));
    try {
      return await this.#collect(now - graceMs);
    } catch (err) {
      throw fsError(err, `collecting blobs under ${this.root}`);
    } finally {
      this.#gcRunning = null;
      release();
    }
  }

  async #collect(cutoff: number): Promise<{ removed: number; bytes: number }> {
    let removed = 0;
    let bytes = 0;
    // 1. Unreferenced rows past their grace period: row first, then file, so a
    //    crash in between leaves a row-less file that step 2 removes later. A
    //    file written again within the grace period (fresh mtime) stays: the
    //    writer's transaction is about to register it anew.
    for (const { id, size } of await this.#catalog.unreferencedBefore(cutoff)) {
      if (!await this.#catalog.removeIfUnreferenced(id, cutoff)) continue;
      const info = await stat(this.pathOf(id)).catch(() => null);
      if (info && info.mtimeMs <= cutoff) await unlink(this.pathOf(id)).catch(() => undefined);
      removed += 1;
      bytes += size;
    }
    // 2. Files without a row: written but never registered (a crash or a failed
    //    transaction after write), or left by a crash inside step 1.
    for (const level1 of await this.#dirs(this.root, /^[0-9a-f]{2}$/)) {
      for (const level2 of await this.#dirs(join(this.root, level1), /^[0-9a-f]{2}$/)) {
        const dir = join(this.root, level1, level2);
        for (const name of await readdir(dir)) {
          const path = join(dir, name);
          const info = await stat(path).catch(() => null);
          if (!info || info.mtimeMs > cutoff) continue;
          if (HEX_ID.test(name) && await this.#catalog.has(name)) continue;
          await unlink(path).catch(() => undefined);
          removed += 1;
          bytes += info.size;
        }
      }
    }
    // 3. Temp files of interrupted writes.
    for (const name of await readdir(this.tmpDir).catch(() => [] as string[])) {
      const path = join(this.tmpDir, name);
      const info = await stat(path).catch(() => null);
      if (!info || info.mtimeMs > cutoff) continue;
      await unlink(path).catch(() => undefined);
      removed += 1;
      bytes += info.size;
    }
    return { removed, bytes };
  }

  async #dirs(path: string, pattern: RegExp): Promise<string[]> {
    const entries = await readdir(path, { withFileTypes: true });
    return entries.filter((e) => e.isDirectory() && pattern.test(e.name)).map((e) => e.name);
  }
}
