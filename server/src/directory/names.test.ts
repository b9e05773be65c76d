import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isStoaError } from '../errors/catalogue.ts';
import { normaliseLogin, parseAddress, parseDomain, parseOperatorLogin } from './names.ts';

function rejects(fn: () => unknown, code: 'STOA_INVALID_DOMAIN' | 'STOA_INVALID_ADDRESS' | 'STOA_VALIDATION', detail: RegExp): void {
  assert.throws(fn, (err: unknown) => {
    assert.ok(isStoaError(err, code), `expected ${code}, got ${String(err)}`);
    assert.match(err.detail ?? '', detail);
    return true;
  });
}

describe('parseDomain', () => {
  const valid: [string, string, string][] = [
    ['Example.COM', 'example.com', 'example.com'],
    ['example.com.', 'example.com', 'example.com'],
    ['bücher.de', 'xn--bcher-kva.de', 'bücher.de'],
    ['xn--bcher-kva.de', 'xn--bcher-kva.de', 'bücher.de'],
    ['münchen。de', 'xn--mnchen-3ya.de', 'münchen.de'],
    ['例え.テスト', 'xn--r8jz45g.xn--zckzah', '例え.テスト'],
    ['a-b.c0.example', 'a-b.c0.example', 'a-b.c0.example'],
    [`${'a'.repeat(63)}.com`, `${'a'.repeat(63)}.com`, `${'a'.repeat(63)}.com`],
  ];
  for (const [input, ascii, unicode] of valid) {
    it(`accepts ${input}`, () => assert.deepEqual(parseDomain(input), { ascii, unicode }));
  }

  const invalid: [string, RegExp][] = [
    ['', /empty/],
    ['   ', /empty/],
    ['a..b.com', /empty label/],
    ['.a.com', /empty label/],
    ['localhost', /single label/],
    [`${'a'.repeat(64)}.com`, /limit is 63/],
    [`${'abcdefghi.'.repeat(26)}com`, /limit is 253/],
    ['-a.com', /hyphen/],
    ['a-.com', /hyphen/],
    ['ab--c.com', /reserved for IDN/],
    ['xn--zz.com', /not valid Punycode/],
    ['a_b.com', /"_" is not allowed/],
    ['a b.com', /U\+0020 is not allowed/],
    ['a@b.com', /"@" is not allowed/],
    ['a%41.com', /"%" is not allowed/],
    ['a/b.com', /"\/" is not allowed/],
    ['example.123', /numeric/],
    ['0x7f.1', /numeric|IP address/],
    ['1.2.3.4', /IP address literal/],
    ['[192.0.2.1]', /IP address literal/],
    ['::1', /IP address literal/],
  ];
  for (const [input, detail] of invalid) {
    it(`rejects ${JSON.stringify(input)} saying why`, () => rejects(() => parseDomain(input), 'STOA_INVALID_DOMAIN', detail));
  }
});

describe('parseAddress', () => {
  const valid: [string, string][] = [
    ['Alice@Example.COM', 'alice@example.com'],
    ['  bob@example.com ', 'bob@example.com'],
    ['first.last+tag@example.com', 'first.last+tag@example.com'],
    ["o'brien@example.com", "o'brien@example.com"],
    ['JÖRG@bücher.de', 'jörg@xn--bcher-kva.de'],
    ['用户@例え.テスト', '用户@xn--r8jz45g.xn--zckzah'],
  ];
  for (const [input, address] of valid) {
    it(`normalises ${input} to ${address}`, () => assert.equal(parseAddress(input).address, address));
  }

  it('folds a decomposed umlaut to NFC so both spellings are one mailbox', () => {
    assert.equal(parseAddress('jo\u0308rg@example.com').address, parseAddress('j\u00f6rg@example.com').address);
  });

  it('accepts *@domain only when a catch-all is allowed', () => {
    rejects(() => parseAddress('*@example.com'), 'STOA_INVALID_ADDRESS', /catch-all/);
    assert.deepEqual(parseAddress('*@Example.com', { allowCatchAll: true }), { local: '*', domain: 'example.com', address: '*@example.com', catchAll: true });
  });

  const invalid: [string, RegExp][] = [
    ['', /empty/],
    ['alice', /no "@"/],
    ['@example.com', /before "@" is empty/],
    ['alice@', /domain after "@" is empty/],
    ['a@b@example.com', /more than one "@"/],
    ['"john doe"@example.com', /quoted/],
    ['john\\ doe@example.com', /quoted or escaped|not allowed/],
    ['john(comment)@example.com', /comments/],
    ['<alice@example.com>', /angle brackets/],
    ['alice@[192.0.2.1]', /address literals/],
    ['.alice@example.com', /starts or ends with a dot/],
    ['alice.@example.com', /starts or ends with a dot/],
    ['al..ice@example.com', /two dots/],
    ['al ice@example.com', /U\+0020 is not allowed/],
    ['alice,bob@example.com', /"," is not allowed/],
    [`${'a'.repeat(65)}@example.com`, /limit is 64/],
    [`${'ä'.repeat(33)}@example.com`, /66 octets/],
    ['alice@exa_mple.com', /domain: .*"_"/],
    ['alice@localhost', /domain: .*single label/],
  ];
  for (const [input, detail] of invalid) {
    it(`rejects ${JSON.stringify(input)} saying why`, () => rejects(() => parseAddress(input), 'STOA_INVALID_ADDRESS', detail));
  }
});

describe('operator logins', () => {
  it('are bare lower-case names', () => {
    assert.equal(parseOperatorLogin(' Admin '), 'admin');
    assert.equal(parseOperatorLogin('ops.team-1'), 'ops.team-1');
  });
  it('reject names that could be confused with addresses or paths', () => {
    for (const bad of ['', '-admin', 'admin-', 'ad min', 'a/b', 'a@b', 'x'.repeat(65)]) {
      rejects(() => parseOperatorLogin(bad), 'STOA_VALIDATION', /not a valid operator login/);
    }
  });
  it('normaliseLogin picks the right rule by the presence of "@"', () => {
    assert.equal(normaliseLogin('ADMIN'), 'admin');
    assert.equal(normaliseLogin('Alice@Example.com'), 'alice@example.com');
  });
});
