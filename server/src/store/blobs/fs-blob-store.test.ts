// Damage to stored blob files is detected, never served as good content.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, truncateSync, unlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { text } from 'node:stream/consumers';
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
    store = await openSqliteStore({ path: join(root, 'stoa.db'), blobsPath: join(root, 'blobs') });
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
