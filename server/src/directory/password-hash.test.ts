import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { defaultConfig } from '../config/schema.ts';
import { DummyVerifier, hashPassword, needsRehash, parseHash, verifyPassword } from './password-hash.ts';

const FAST = { memoryKiB: 1024, passes: 1, parallelism: 1 };

describe('argon2id password hashes', () => {
  it('are PHC strings carrying their parameters, a 16-byte salt and a 32-byte tag', async () => {
    const phc = await hashPassword('correct horse', FAST);
    assert.match(phc, /^\$argon2id\$v=19\$m=1024,t=1,p=1\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$/);
    const parsed = parseHash(phc)!;
    assert.equal(parsed.salt.length, 16);
    assert.equal(parsed.tag.length, 32);
  });

  it('verify the right password and refuse a wrong one', async () => {
    const phc = await hashPassword('correct horse', FAST);
    assert.equal(await verifyPassword(phc, 'correct horse'), true);
    assert.equal(await verifyPassword(phc, 'correct horsE'), false);
    assert.equal(await verifyPassword(phc, ''), false);
  });

  it('salt every hash differently', async () => {
    assert.notEqual(await hashPassword('same', FAST), await hashPassword('same', FAST));
  });

  it('treat composed and decomposed Unicode as the same password (RFC 8265)', async () => {
    const phc = await hashPassword('p\u00e4sswort', FAST);
    assert.equal(await verifyPassword(phc, 'pa\u0308sswort'), true);
  });

  it('still verify when the configured parameters changed, and then ask for a rehash', async () => {
    const old = await hashPassword('legacy', { memoryKiB: 2048, passes: 2, parallelism: 2 });
    assert.equal(await verifyPassword(old, 'legacy'), true);
    assert.equal(needsRehash(old, FAST), true);
    assert.equal(needsRehash(await hashPassword('new', FAST), FAST), false);
  });

  it('verify the argon2id test vector of the reference implementation (phc-winner-argon2 src/test.c)', async () => {
    const phc = '$argon2id$v=19$m=65536,t=2,p=1$c29tZXNhbHQ$CTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8ArZWb2GRPPc';
    assert.equal(await verifyPassword(phc, 'password'), true);
    assert.equal(await verifyPassword(phc, 'Password'), false);
  });

  it('refuse unreadable or dangerous hash strings instead of throwing', async () => {
    for (const bad of ['', 'plain', '$argon2i$v=19$m=1024,t=1,p=1$c2FsdHNhbHQ$aGFzaA', '$argon2id$v=16$m=1024,t=1,p=1$c2FsdHNhbHQ$aGFzaGhhc2g',
      '$argon2id$v=19$m=99999999,t=1,p=1$c2FsdHNhbHQ$aGFzaGhhc2g', '$argon2id$v=19$m=4,t=1,p=1$c2FsdHNhbHQ$aGFzaGhhc2g']) {
      assert.equal(parseHash(bad), null, bad);
      assert.equal(await verifyPassword(bad, 'x'), false);
    }
  });

  it('work with the real default parameters', async () => {
    const params = defaultConfig().auth.argon2;
    const phc = await hashPassword('a real password', params);
    assert.match(phc, new RegExp(`^\\$argon2id\\$v=19\\$m=${params.memoryKiB},t=${params.passes},p=${params.parallelism}\\$`));
    assert.equal(await verifyPassword(phc, 'a real password'), true);
    assert.equal(needsRehash(phc, params), false);
  });

  // Equal cost is checked by construction, not by timing (timed assertions
  // are flaky on a loaded machine): the dummy runs the same argon2id
  // verification with the same parameters as a real account's hash.
  it('checks unknown users against a hash made with the current parameters', async () => {
    const params = defaultConfig().auth.argon2;
    const dummy = new DummyVerifier(params);
    const phc = await dummy.phc();
    const real = await hashPassword('x', params);
    const costOf = (h: string) => h.split('$')[3];
    assert.equal(costOf(phc), costOf(real));
    assert.equal(needsRehash(phc, params), false);
    assert.equal(await dummy.phc(), phc, 'made once, not per attempt');
    await dummy.verify('guess');
  });
});
