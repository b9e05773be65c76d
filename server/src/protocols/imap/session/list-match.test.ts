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
