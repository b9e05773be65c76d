import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSecretBox } from './secret-box.ts';
import { createVerifiedCache } from './verified-cache.ts';

test('bind passwords are sealed under a key file created 0600 on first use, bound to their connection', () => {
  const dir = mkdtempSync(join(tmpdir(), 'stoa-box-'));
  try {
    const keyFile = join(dir, 'keys/directory.key');
    const box = createSecretBox({ envKey: undefined, keyFile });
    const sealed = box.seal('s3cret bind', 'conn-1');
    assert.ok(!sealed.includes('s3cret'));
    assert.equal(statSync(keyFile).mode & 0o777, 0o600);
    assert.equal(createSecretBox({ envKey: undefined, keyFile }).open(sealed, 'conn-1'), 's3cret bind');
    assert.throws(() => box.open(sealed, 'conn-2'), { code: 'STOA_DIRECTORY_SECRET' });
    const other = createSecretBox({ envKey: Buffer.alloc(32, 7).toString('base64'), keyFile: join(dir, 'none') });
    assert.throws(() => other.open(sealed, 'conn-1'), { code: 'STOA_DIRECTORY_SECRET' });
    assert.throws(() => createSecretBox({ envKey: undefined, keyFile: join(dir, 'missing') }).open(sealed, 'conn-1'), { code: 'STOA_DIRECTORY_SECRET' });
    assert.throws(() => createSecretBox({ envKey: 'c2hvcnQ=', keyFile }).seal('x', 'c'), { code: 'STOA_DIRECTORY_SECRET' });
    assert.ok(readFileSync(keyFile, 'utf8').trim().length > 40);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the verified cache answers only within its age, and checks the password', () => {
  const cache = createVerifiedCache();
  cache.remember('a1', 'right', 1000);
  assert.equal(cache.check('a1', 'right', 2000, 5000), true);
  assert.equal(cache.check('a1', 'wrong', 2000, 5000), false);
  assert.equal(cache.check('a1', 'right', 7000, 5000), null, 'too old');
  assert.equal(cache.check('a1', 'right', 2000, 0), null, 'off');
  assert.equal(cache.check('b2', 'right', 2000, 5000), null);
  cache.forget('a1');
  assert.equal(cache.check('a1', 'right', 2000, 5000), null);
});
