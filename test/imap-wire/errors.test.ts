// Malformed commands → typed errors carrying the tag for a tagged BAD
// (RFC 9051 §7.1.3), or no tag when none could be read.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseOne, show } from './harness.ts';

const table: Array<[string, string, string, string | null]> = [
  ['a missing tag', '\r\n* NOOP\r\n', 'invalid-tag', null],
  ['a tag with "+"', 'a+b NOOP\r\n', 'invalid-tag', null],
  ['an unknown command', 'a1 FROBNICATE\r\n', 'unknown-command', 'a1'],
  ['an unknown UID command', 'a1 UID EXAMINE 1\r\n', 'unknown-command', 'a1'],
  ['arguments after NOOP', 'a1 NOOP now\r\n', 'syntax', 'a1'],
  ['a double space', 'a1 SELECT  INBOX\r\n', 'syntax', 'a1'],
  ['a sequence number 0', 'a1 FETCH 0 FLAGS\r\n', 'invalid-sequence-set', 'a1'],
  ['a range starting at 0', 'a1 UID FETCH 0:5 FLAGS\r\n', 'invalid-sequence-set', 'a1'],
  ['a malformed sequence set', 'a1 FETCH 1:2:3 FLAGS\r\n', 'invalid-sequence-set', 'a1'],
  ['a sequence number over 32 bits', 'a1 FETCH 4294967296 FLAGS\r\n', 'invalid-sequence-set', 'a1'],
  ['a huge mod-sequence', 'a1 FETCH 1 FLAGS (CHANGEDSINCE 99999999999999999999)\r\n', 'number-out-of-range', 'a1'],
  ['VANISHED without CHANGEDSINCE', 'a1 UID FETCH 1 FLAGS (VANISHED)\r\n', 'syntax', 'a1'],
  ['VANISHED on a non-UID FETCH', 'a1 FETCH 1 FLAGS (CHANGEDSINCE 1 VANISHED)\r\n', 'syntax', 'a1'],
  ['an unknown fetch item', 'a1 FETCH 1 (FLAGS BOGUS)\r\n', 'syntax', 'a1'],
  ['a macro inside parentheses', 'a1 FETCH 1 (ALL)\r\n', 'syntax', 'a1'],
  ['MIME without a part', 'a1 FETCH 1 BODY[MIME]\r\n', 'syntax', 'a1'],
  ['an unclosed section', 'a1 FETCH 1 BODY[TEXT\r\n', 'syntax', 'a1'],
  ['section part 0', 'a1 FETCH 1 BODY[0]\r\n', 'number-out-of-range', 'a1'],
  ['an invalid date', 'a1 SEARCH SINCE 30-Feb-2020\r\n', 'invalid-date', 'a1'],
  ['an invalid month', 'a1 SEARCH ON 1-Foo-2020\r\n', 'invalid-date', 'a1'],
  ['an invalid APPEND date-time', 'a1 APPEND INBOX "31-Jun-2020 10:00:00 +0000" {1+}\r\nx\r\n', 'invalid-date', 'a1'],
  ['an unknown search key', 'a1 SEARCH FOO\r\n', 'syntax', 'a1'],
  ['an unbalanced search group', 'a1 SEARCH (SEEN\r\n', 'syntax', 'a1'],
  ['an unterminated quoted string', 'a1 LOGIN "fred secret\r\n', 'syntax', 'a1'],
  ['a bad escape in a quoted string', 'a1 LOGIN "fr\\ed" x\r\n', 'syntax', 'a1'],
  ['8-bit in a quoted string', 'a1 LOGIN "jürgen" x\r\n', 'eight-bit-not-allowed', 'a1'],
  ['invalid modified UTF-7', 'a1 SELECT &Jjo\r\n', 'invalid-mailbox-name', 'a1'],
  ['modified UTF-7 hiding ASCII', 'a1 SELECT &AGE-\r\n', 'invalid-mailbox-name', 'a1'],
  ['invalid base64 in SASL-IR', 'a1 AUTHENTICATE PLAIN abc\r\n', 'invalid-base64', 'a1'],
  ['an unknown select parameter', 'a1 SELECT INBOX (FOO)\r\n', 'syntax', 'a1'],
  ['an unknown status item', 'a1 STATUS INBOX (MESSAGES FOO)\r\n', 'syntax', 'a1'],
  ['RECURSIVEMATCH alone (RFC 5258 §3.1)', 'a1 LIST (RECURSIVEMATCH) "" %\r\n', 'syntax', 'a1'],
  ['a literal8 where a string is expected', 'a1 LOGIN ~{1+}\r\nx y\r\n', 'syntax', 'a1'],
  ['UTF8 append data that is not a literal8', 'a1 APPEND INBOX UTF8 ({1+}\r\nx)\r\n', 'syntax', 'a1'],
  ['an unknown sort key', 'a1 SORT (COLOR) UTF-8 ALL\r\n', 'syntax', 'a1'],
  ['bad STORE item', 'a1 STORE 1 FLAGZ (\\Seen)\r\n', 'syntax', 'a1'],
  ['deep parenthesis nesting', `a1 SEARCH ${'('.repeat(40)}SEEN${')'.repeat(40)}\r\n`, 'nesting-too-deep', 'a1'],
  ['deep NOT nesting', `a1 SEARCH ${'NOT '.repeat(100)}SEEN\r\n`, 'nesting-too-deep', 'a1'],
];

for (const [title, input, code, tag] of table) {
  test(`rejects ${title}`, () => {
    const ev = parseOne(input);
    if (ev.kind !== 'error') assert.fail(show(ev));
    assert.equal(ev.error.code, code, ev.error.message);
    assert.equal(ev.error.tag, tag);
  });
}

test('rejects too many arguments', () => {
  const ev = parseOne(`a1 FETCH 1 (${Array(50).fill('FLAGS').join(' ')})\r\n`, { maxArguments: 20 });
  assert.equal(ev.kind === 'error' && ev.error.code, 'too-many-arguments');
});

// Issue 16 item 25: a user name typed with an accent and no quotes used to get
// "Expected a space" (the atom ended at the first 8-bit byte). The answer now
// says what is wrong and how to send it.
const unquoted8bit: Array<[string, string]> = [
  ['inside an unquoted user name', 'a1 LOGIN jürgen@example.test secret\r\n'],
  ['at the start of an unquoted user name', 'a1 LOGIN ürsula@example.test secret\r\n'],
  ['in an unquoted password', 'a1 LOGIN fred pässword\r\n'],
  ['in an unquoted mailbox name', 'a1 SELECT Entwürfe\r\n'],
  ['in an unquoted LIST pattern', 'a1 LIST "" Entwü*\r\n'],
];

for (const [title, input] of unquoted8bit) {
  test(`says that non-ASCII needs quotes or a literal when it appears ${title}`, () => {
    for (const utf8 of [false, true]) {
      const ev = parseOne(input, { utf8 });
      if (ev.kind !== 'error') assert.fail(show(ev));
      assert.equal(ev.error.code, 'eight-bit-not-allowed', ev.error.message);
      assert.equal(ev.error.tag, 'a1');
      assert.match(ev.error.message, /non-ASCII/i);
      assert.match(ev.error.message, /quoted string|literal/);
      assert.doesNotMatch(ev.error.message, /Expected a space/);
    }
  });
}
