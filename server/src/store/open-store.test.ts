// openStore: adapter choice and data directory checks.
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { storeTestConfig } from './contract/store-test-config.ts';
import { isStoaError } from '../errors/catalogue.ts';
import { openStore } from './open-store.ts';

const root = mkdtempSync(join(tmpdir(), 'stoa-open-store-'));
after(() => rmSync(root, { recursive: true, force: true }));

/** A directory this process cannot write to: chmod works for ordinary users; root needs a kernel file system. */
function readOnlyDir(): string | null {
  if (process.getuid?.() !== 0) {
    const dir = join(root, 'read-only');
    mkdirSync(dir);
    chmodSync(dir, 0o555);
    return dir;
  }
  try {
    writeFileSync('/sys/.stoa-probe', '');
    return null;
  } catch {
    return statSync('/sys', { throwIfNoEntry: false })?.isDirectory() ? '/sys' : null;
  }
}

describe('openStore', () => {
  it('opens the SQLite adapter, creating a missing data directory whose parent exists', async () => {
    const dataDir = join(root, 'fresh');
    const store = await openStore(storeTestConfig(dataDir));
    assert.equal(store.kind, 'sqlite');
    assert.ok(statSync(join(dataDir, 'stoa.db')).isFile());
    assert.ok(statSync(join(dataDir, 'blobs')).isDirectory());
    await store.close();
  });

  it('fails with STOA_DATA_DIR naming the path when neither the data directory nor its parent exists', async () => {
    const dataDir = join(root, 'no', 'such', 'dir');
    await assert.rejects(openStore(storeTestConfig(dataDir)), (e) => isStoaError(e, 'STOA_DATA_DIR') && e.message.includes(dataDir));
  });

  it('fails with STOA_DATA_DIR when the data directory is a file', async () => {
    const file = join(root, 'a-file');
    writeFileSync(file, '');
    await assert.rejects(openStore(storeTestConfig(file)), (e) => isStoaError(e, 'STOA_DATA_DIR') && e.message.includes(file));
  });

  it('fails with STOA_DATA_DIR naming the path when the data directory is read-only', async (t) => {
    const dir = readOnlyDir();
    if (!dir) return t.skip('no read-only directory available to this user');
    await assert.rejects(openStore(storeTestConfig(dir)), (e) => isStoaError(e, 'STOA_DATA_DIR') && e.message.includes(dir) && /not writable/.test(e.message));
  });

  it('fails with STOA_DATA_DIR when the data directory cannot be created in a read-only parent', async (t) => {
    const parent = readOnlyDir();
    if (!parent) return t.skip('no read-only directory available to this user');
    const dataDir = join(parent, 'stoa-data');
    await assert.rejects(openStore(storeTestConfig(dataDir)), (e) => isStoaError(e, 'STOA_DATA_DIR') && e.message.includes(dataDir));
  });
});
