// Damage to stored blob files is detected, never served as good content.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, truncateSync, unlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { Readable } from 'node:stream';
import { buffer, text } from 'node:stream/consumers';
import { after, before, describe, it } from 'node:test';
import { isStoaError } from '../../errors/catalogue.ts';
import type { Store } from '../port.ts';
import { openSqliteStore } from '../sqlite/sqlite-store.ts';
import { FsBlobStore } from './fs-blob-store.ts';
import { fsBlobProblems } from '../../../../test/store/fs-blob-audit.ts';

describe('filesystem blob store', () => {
  const root = mkdtempSync(join(tmpdir(), 'stoa-fs-blobs-'));
  let store: Store;
  let blobs: FsBlobStore;
  before(async () => {
    // Every body a file here, however small (the inline tier is tested below).
    store = await openSqliteStore({ path: join(root, 'stoa.db'), blobsPath: join(root, 'blobs'), blobInlineMaxBytes: 0 });
    blobs = store.blobs as FsBlobStore;
  });
  after(async () => {
    await store.close();
    rmSync(root, { recursive: true, force: true });
  });

  it('fans files out as ab/cd/<sha256> and leaves no temp file behind', async () => {
    const { id } = await blobs.put(Buffer.from('fan-out'));
    assert.deepEqual(readdirSync(join(root, 'blobs', id.slice(0, 2), id.slice(2, 4))), [id]);
    assert.deepEqual(readdirSync(blobs.tmpDir), []);
  });

  it('detects a truncated blob file on read', async () => {
    const { id } = await blobs.put(Buffer.from('this body will be truncated on disk'));
    truncateSync(blobs.pathOf(id), 10);
    await assert.rejects(blobs.read(id), (e) => isStoaError(e, 'STOA_BLOB_CORRUPT'));
  });

  it('detects a blob file whose bytes were changed on read', async () => {
    const { id } = await blobs.put(Buffer.from('original content'));
    writeFileSync(blobs.pathOf(id), 'Original content');
    await assert.rejects(blobs.read(id), (e) => isStoaError(e, 'STOA_BLOB_CORRUPT'));
  });

  it('reports a blob whose file went missing as corrupt on open and read', async () => {
    const { id } = await blobs.put(Buffer.from('soon missing'));
    unlinkSync(blobs.pathOf(id));
    await assert.rejects(blobs.open(id), (e) => isStoaError(e, 'STOA_BLOB_CORRUPT'));
    await assert.rejects(blobs.read(id), (e) => isStoaError(e, 'STOA_BLOB_CORRUPT'));
  });

  it('rejects an invalid byte range', async () => {
    const { id } = await blobs.put(Buffer.from('0123456789'));
    await assert.rejects(blobs.open(id, { start: -1 }), (e) => isStoaError(e, 'STOA_VALIDATION'));
    await assert.rejects(blobs.open(id, { start: 5, end: 2 }), (e) => isStoaError(e, 'STOA_VALIDATION'));
    assert.equal(await text(await blobs.open(id, { start: 9 })), '9');
  });

  it('removes stray files without metadata and stale temp files, but spares fresh ones', async () => {
    const strayDir = join(root, 'blobs', 'ff', 'ff');
    mkdirSync(strayDir, { recursive: true });
    writeFileSync(join(strayDir, 'f'.repeat(64)), 'renamed before the crash, never registered');
    writeFileSync(join(blobs.tmpDir, 'interrupted'), 'partial');
    assert.equal((await blobs.gc(60_000)).removed, 0);
    const result = await blobs.gc(0, Date.now() + 1000);
    assert.ok(result.removed >= 2);
    assert.deepEqual(readdirSync(strayDir), []);
    assert.deepEqual(readdirSync(blobs.tmpDir), []);
  });

  it('keeps an old unreferenced blob that is written again until the writer registers it', async () => {
    const body = Buffer.from('stored long ago, delivered again today');
    const { id } = await blobs.put(body);
    const longAgo = new Date(Date.now() - 2 * 3600_000);
    utimesSync(blobs.pathOf(id), longAgo, longAgo);
    const db = new DatabaseSync(join(root, 'stoa.db'));
    db.prepare('UPDATE blobs SET created_at = ? WHERE id = ?').run(longAgo.getTime(), id);
    db.close();
    // The delivery's write finds the content stored, then gc runs before its transaction.
    const info = await blobs.write(body);
    await blobs.gc(3600_000);
    assert.equal(await store.atomic((tx) => tx.blobRefs.register(info, 1)), 1);
    assert.deepEqual(await blobs.read(id), body);
    assert.deepEqual(fsBlobProblems(join(root, 'stoa.db'), join(root, 'blobs')), []);
  });

  it('replaces a damaged file when the same content is written again', async () => {
    const body = Buffer.from('delivered twice, damaged on disk in between');
    const { id } = await blobs.put(body);
    writeFileSync(blobs.pathOf(id), 'Delivered twice, damaged on disk in between');
    await assert.rejects(blobs.read(id), (e) => isStoaError(e, 'STOA_BLOB_CORRUPT'));
    // The new write's own fsynced copy takes the name: no probe trusts what is there.
    assert.equal((await blobs.write(body)).id, id);
    assert.deepEqual(await blobs.read(id), body);
    assert.deepEqual(readdirSync(blobs.tmpDir), []);
  });

  it('fails with STOA_STORE_UNAVAILABLE when the blob directory is gone', async () => {
    rmSync(join(root, 'blobs'), { recursive: true, force: true });
    await assert.rejects(blobs.put(Buffer.from('nowhere to go')), (e) => isStoaError(e, 'STOA_STORE_UNAVAILABLE'));
  });
});

describe('small bodies kept in the database', () => {
  const root = mkdtempSync(join(tmpdir(), 'stoa-inline-blobs-'));
  const dbPath = join(root, 'stoa.db');
  let store: Store;
  let blobs: FsBlobStore;
  const LIMIT = 1024;
  before(async () => {
    store = await openSqliteStore({ path: dbPath, blobsPath: join(root, 'blobs'), blobInlineMaxBytes: LIMIT });
    blobs = store.blobs as FsBlobStore;
  });
  after(async () => {
    await store.close();
    rmSync(root, { recursive: true, force: true });
  });
  const files = (): string[] => readdirSync(join(root, 'blobs'), { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).map((e) => e.name);
  const storedBytes = (id: string): number => {
    const db = new DatabaseSync(dbPath, { readOnly: true });
    try {
      return Number(db.prepare('SELECT count(*) AS n FROM blob_data WHERE id = ?').get(id)!.n);
    } finally {
      db.close();
    }
  };

  it('writes no file for a small body: its bytes go into the registering transaction, readable whole and by range', async () => {
    const body = Buffer.from('Subject: small\r\n\r\nkept in the database\r\n');
    const info = await blobs.write(body);
    assert.deepEqual(info.inline, body);
    assert.deepEqual(await blobs.read(info), body, 'readable through what write() returned');
    assert.equal(storedBytes(info.id), 0, 'nothing stored before the registration');
    await assert.rejects(store.atomic(async (tx) => {
      await tx.blobRefs.register(info, 1);
      throw new Error('rolled back');
    }));
    assert.equal(storedBytes(info.id), 0, 'a rolled-back registration leaves no bytes');
    assert.equal(await store.atomic((tx) => tx.blobRefs.register(info, 1)), 1);
    assert.equal(storedBytes(info.id), 1);
    assert.deepEqual(await blobs.read(info.id), body);
    assert.equal(await text(await blobs.open(info.id, { start: 9, end: 14 })), 'small');
    assert.deepEqual(await blobs.stat(info.id), { size: body.length, refs: 1, createdAt: (await blobs.stat(info.id))!.createdAt });
    assert.deepEqual(files(), []);
    assert.deepEqual(fsBlobProblems(dbPath, join(root, 'blobs')), []);
  });

  it('stores a small put at once with zero references, and gc removes it with its bytes once unreferenced and old', async () => {
    const body = Buffer.from('queued, then never referenced');
    const { id } = await blobs.put(body);
    assert.equal((await blobs.stat(id))?.refs, 0);
    assert.deepEqual(await blobs.read(id), body);
    assert.equal((await blobs.gc(3600_000)).removed, 0, 'still within its grace period');
    const result = await blobs.gc(0, Date.now() + 1000);
    assert.ok(result.removed >= 1);
    assert.equal(await blobs.stat(id), null);
    assert.equal(storedBytes(id), 0);
    await assert.rejects(blobs.read(id), (e) => isStoaError(e, 'STOA_NOT_FOUND'));
  });

  it('keeps a body above the limit, or one given as a stream, as a file', async () => {
    const large = Buffer.alloc(LIMIT + 1, 'x');
    const a = await blobs.write(large);
    assert.equal(a.inline, undefined);
    assert.deepEqual(readdirSync(join(root, 'blobs', a.id.slice(0, 2), a.id.slice(2, 4))), [a.id]);
    const streamed = await blobs.write(Readable.from([Buffer.from('small, but streamed')]));
    assert.equal(streamed.inline, undefined);
    assert.ok(files().includes(streamed.id));
  });

  it('reads the database copy of a body stored as a file before and delivered again small', async () => {
    const body = Buffer.from('first spooled to a file, later delivered from memory');
    const asFile = await blobs.write(Readable.from([body]));
    await store.atomic((tx) => tx.blobRefs.register(asFile, 1));
    const again = await blobs.write(body);
    assert.equal(again.id, asFile.id);
    assert.equal(await store.atomic((tx) => tx.blobRefs.register(again, 1)), 2);
    assert.equal(storedBytes(again.id), 1);
    assert.deepEqual(await buffer(await blobs.open(again.id)), body);
    assert.deepEqual(fsBlobProblems(dbPath, join(root, 'blobs')), []);
  });
});
