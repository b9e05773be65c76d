import assert from 'node:assert/strict';
import { test } from 'node:test';
import { listMatcher } from './list-match.ts';
import { normaliseRights } from './acl-identifiers.ts';

test('LIST patterns: "*" crosses levels, "%" does not, INBOX matches in any case (RFC 9051 §6.3.9)', () => {
  const table: Array<[string, string, string, boolean]> = [
    ['', '*', 'Archive/2024/Q1', true],
    ['', '%', 'Archive/2024', false],
    ['', 'Archive/%', 'Archive/2024', true],
    ['Archive/', '%', 'Archive/2024', true],
    ['', 'inbox', 'INBOX', true],
    ['', 'Inbox/%', 'INBOX/Sub', true],
    ['', 'a.b', 'axb', false],
    ['', 'Other Users/*', 'Other Users/bob@example.test/Team', true],
  ];
  for (const [reference, pattern, name, expected] of table) {
    assert.equal(listMatcher(reference, pattern)(name), expected, `${reference}${pattern} vs ${name}`);
  }
});

test('RFC 4314 rights strings: obsolete c and d expand, unknown rights are refused', () => {
  assert.equal(normaliseRights('rl'), 'lr');
  assert.equal(normaliseRights('cd'), 'kxte');
  assert.equal(normaliseRights('lrz'), null);
});

/** The pattern as the regular expression it means (RFC 9051 §6.3.9), for small inputs only. */
function reference(pattern: string, name: string): boolean {
  let source = '^';
  for (const ch of pattern) source += ch === '*' ? '.*' : ch === '%' ? '[^/]*' : ch.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  return new RegExp(source + '$', 'su').test(name);
}

test('LIST patterns: the matcher agrees with the pattern\'s meaning on every small pattern and name', () => {
  const alphabet = ['a', 'b', '/', '*', '%'];
  const words = (len: number, chars: string[]): string[] => (len === 0 ? [''] : words(len - 1, chars).flatMap((w) => chars.map((c) => w + c)));
  const patterns = [0, 1, 2, 3, 4].flatMap((n) => words(n, alphabet));
  const names = [0, 1, 2, 3, 4, 5].flatMap((n) => words(n, ['a', 'b', '/']));
  for (const p of patterns) {
    const m = listMatcher('', p);
    for (const n of names) assert.equal(m(n), reference(p, n), `${JSON.stringify(p)} vs ${JSON.stringify(n)}`);
  }
  assert.equal(listMatcher('', '*ü%')('Grüße'), true);
  assert.equal(listMatcher('', 'a\n*')('a\nb/c'), true);
});

test('LIST patterns: a hostile pattern against a long name is decided without backtracking (the regular expression took hours)', { timeout: 60_000 }, () => {
  const name = 'a'.repeat(1000);
  // "^.*a.*a.*a.*a.*a.*a.*a.*a.*b$" backtracks through C(1000, 8) splits before it fails.
  assert.equal(listMatcher('', `${'*a'.repeat(8)}*b`)(name), false);
  assert.equal(listMatcher('', `${'%a'.repeat(8)}%b`)(name), false);
  assert.equal(listMatcher('', `${'*a'.repeat(8)}*`)(name), true);
  assert.equal(listMatcher('', `${'*'.repeat(5000)}b`)(name), false);
  assert.equal(listMatcher('', 'a'.repeat(1001))(name), false);
});
