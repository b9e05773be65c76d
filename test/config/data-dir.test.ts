// The data directory check before the store opens: missing and read-only
// directories stop the start with the path in the message.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { ensureDataDir } from '../../server/src/config/data-dir.ts';
import { isStoaError } from '../../server/src/errors/catalogue.ts';
import { REPO, tempDir } from '../cli/run-stoa.ts';

const dir = tempDir('datadir');
after(() => dir.cleanup());

const failsWith = (fn: () => void, pattern: RegExp): void => {
  assert.throws(fn, (err) => isStoaError(err, 'STOA_DATA_DIR') && pattern.test(err.message));
};

test('a configured data directory that is missing is an error naming it', () => {
  const path = join(dir.path, 'missing');
  failsWith(() => ensureDataDir(path, false), new RegExp(`${path} does not exist`));
  assert.equal(existsSync(path), false, 'nothing is created for a configured path');
});

test('the default data directory is created when missing', () => {
  const path = join(dir.path, 'default-data');
  ensureDataDir(path, true);
  assert.equal(existsSync(path), true);
});

test('a file in place of the data directory is an error', () => {
  const path = join(dir.path, 'a-file');
  writeFileSync(path, '');
  failsWith(() => ensureDataDir(path, false), /is not a directory/);
});

test('a read-only data directory is an error naming it', () => {
  const path = join(dir.path, 'read-only');
  mkdirSync(path);
  chmodSync(path, 0o555);
  if (process.getuid?.() !== 0) {
    failsWith(() => ensureDataDir(path, false), new RegExp(`${path} is not writable`));
    return;
  }
  // Root writes anywhere, so check as an unprivileged user (nobody), as the service would run.
  chmodSync(dir.path, 0o755);
  const script = `import('${join(REPO, 'server/src/config/data-dir.ts')}').then((m) => m.ensureDataDir(${JSON.stringify(path)}, false)).then(() => console.log('ok'), (e) => console.log(e.code + ' ' + e.message))`;
  const child = spawnSync(process.execPath, ['-e', script], { uid: 65534, gid: 65534, encoding: 'utf8' });
  assert.match(child.stdout, new RegExp(`^STOA_DATA_DIR .*${path} is not writable`), child.stderr);
});
