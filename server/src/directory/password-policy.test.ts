import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isStoaError } from '../errors/catalogue.ts';
import { canonicalAppSecret, checkPasswordPolicy, generateAppSecret, generatePassword } from './password-policy.ts';

function weak(password: string, login: string, detail: RegExp): void {
  assert.throws(() => checkPasswordPolicy(password, login, 10), (err: unknown) => isStoaError(err, 'STOA_WEAK_PASSWORD') && detail.test(err.detail ?? ''));
}

describe('password policy', () => {
  it('accepts a long enough password that is not the login', () => {
    checkPasswordPolicy('tulip-harbour-92', 'alice@example.com', 10);
  });
  it('counts characters, not bytes', () => {
    checkPasswordPolicy('ääääääääbc', 'alice@example.com', 10);
    weak('äääääääbc', 'alice@example.com', /at least 10/);
  });
  it('refuses short passwords with the configured minimum in the message', () => weak('short', 'alice@example.com', /at least 10 characters/));
  it('refuses the login, the local part and their case variants', () => {
    weak('Alice@Example.com', 'alice@example.com', /login name/);
    weak('ALICEALICE', 'alicealice@example.com', /login name/);
    weak('administrator', 'administrator', /login name/);
  });
  it('refuses one character repeated', () => weak('aaaaaaaaaaaa', 'alice@example.com', /repeat/));
  it('refuses absurdly long input', () => weak('x'.repeat(1025) + 'y', 'alice@example.com', /at most 1024/));
});

describe('generated secrets', () => {
  it('passwords are 24 URL-safe characters and differ every time', () => {
    const a = generatePassword();
    assert.match(a, /^[A-Za-z0-9_-]{24}$/);
    assert.notEqual(a, generatePassword());
  });
  it('app passwords are four dash-separated groups of four lower-case letters', () => {
    for (let i = 0; i < 50; i++) assert.match(generateAppSecret(), /^[a-z]{4}-[a-z]{4}-[a-z]{4}-[a-z]{4}$/);
  });
  it('app passwords are recognised however the user copied them', () => {
    const canonical = 'abcdefghijklmnop';
    for (const typed of ['abcd-efgh-ijkl-mnop', 'abcd efgh ijkl mnop', 'ABCDEFGHIJKLMNOP', ' abcd-efgh ijkl-mnop ']) {
      assert.equal(canonicalAppSecret(typed), canonical, typed);
    }
  });
  it('ordinary passwords are not mistaken for app passwords', () => {
    for (const typed of ['correct horse battery staple', 'abcd-efgh-ijkl-mno', 'abcd-efgh-ijkl-mnop-q', 'abcd-efgh-ijkl-mn0p']) {
      assert.equal(canonicalAppSecret(typed), null, typed);
    }
  });
});
