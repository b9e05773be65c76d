// stoa backup: a consistent copy of the database and the message bodies that
// opens as a working store, refreshed incrementally, never half-written.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { openSqliteStore } from '../../server/src/store/open-store.ts';
import { cleanEnv, initStore, runStoa, tempDir } from './run-stoa.ts';

describe('stoa backup', () => {
  const data = tempDir('stoa-backup-data-');
  const dest = tempDir('stoa-backup-dest-');
  const env = cleanEnv({ STOA_DATA_DIR: data.path });
  let firstBlob = '';
  before(async () => {
    await initStore(data.path);
    assert.equal((await runStoa(['domain', 'add', 'backup.example'], { env })).code, 0);
    // Bodies as files (however small) where the test counts the files a backup copies.
    const store = await openSqliteStore({ path: join(data.path, 'stoa.db'), blobsPath: join(data.path, 'blobs'), blobInlineMaxBytes: 0 });
    firstBlob = (await store.blobs.put(Buffer.from('Subject: one\r\n\r\nfirst body\r\n'))).id;
    await store.close();
  });
  after(() => { data.cleanup(); dest.cleanup(); });

  it('writes a database and blobs that open as a store, with a manifest', async () => {
    const r = await runStoa(['backup', dest.path, '--json'], { env });
    assert.equal(r.code, 0, r.stderr);
    const manifest = JSON.parse(r.stdout);
    assert.equal(manifest.blobs, 1);
    assert.equal(manifest.blobsCopied, 1);
    assert.ok(manifest.schemaVersion >= 1);
    assert.deepEqual(JSON.parse(readFileSync(join(dest.path, 'manifest.json'), 'utf8')), manifest);
    assert.equal(existsSync(join(dest.path, 'stoa.db-wal')), false, 'the copy is one self-contained file');

    const copy = await openSqliteStore({ path: join(dest.path, 'stoa.db'), blobsPath: join(dest.path, 'blobs') });
    try {
      assert.ok(await copy.domains.getByName('backup.example'));
      assert.equal((await copy.blobs.read(firstBlob)).toString(), 'Subject: one\r\n\r\nfirst body\r\n');
    } finally {
      await copy.close();
    }
  });

  it('refuses to overwrite an existing backup without --force', async () => {
    const r = await runStoa(['backup', dest.path], { env });
    assert.equal(r.code, 1);
    assert.match(r.stderr, /exists; pass --force/);
  });

  it('copies only new message bodies when refreshed with --force', async () => {
    const store = await openSqliteStore({ path: join(data.path, 'stoa.db'), blobsPath: join(data.path, 'blobs'), blobInlineMaxBytes: 0 });
    await store.blobs.put(Buffer.from('Subject: two\r\n\r\nsecond body\r\n'));
    await store.close();
    const r = await runStoa(['backup', dest.path, '--force', '--json'], { env });
    assert.equal(r.code, 0, r.stderr);
    const manifest = JSON.parse(r.stdout);
    assert.equal(manifest.blobs, 2);
    assert.equal(manifest.blobsCopied, 1);
  });

  it('carries a small body kept in the database inside the database copy', async () => {
    const store = await openSqliteStore({ path: join(data.path, 'stoa.db'), blobsPath: join(data.path, 'blobs') });
    const small = await store.blobs.put(Buffer.from('Subject: three\r\n\r\nkept in the database\r\n'));
    await store.close();
    const r = await runStoa(['backup', dest.path, '--force', '--json'], { env });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(JSON.parse(r.stdout).blobs, 2, 'no file for it');
    const copy = await openSqliteStore({ path: join(dest.path, 'stoa.db'), blobsPath: join(dest.path, 'blobs') });
    try {
      assert.equal((await copy.blobs.read(small.id)).toString(), 'Subject: three\r\n\r\nkept in the database\r\n');
    } finally {
      await copy.close();
    }
  });

  it('explains that MongoDB deployments use mongodump', async () => {
    const r = await runStoa(['backup', dest.path], { env: cleanEnv({ STOA_DATA_DIR: data.path, STOA_STORE_DRIVER: 'mongodb', STOA_MONGODB_URL: 'mongodb://127.0.0.1:1/x' }) });
    assert.equal(r.code, 1);
    assert.match(r.stderr, /mongodump/);
  });
});
