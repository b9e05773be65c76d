// Modified UTF-7 (RFC 3501 §5.1.3) and date-time tables.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeMutf7, encodeMutf7, formatDateTime, parseDateTimeText } from '../../server/src/protocols/imap/wire/index.ts';

const pairs: Array<[string, string]> = [
  ['~peter/mail/台北/日本語', '~peter/mail/&U,BTFw-/&ZeVnLIqe-'],
  ['Tom & Jerry', 'Tom &- Jerry'],
  ['Entwürfe', 'Entw&APw-rfe'],
  ['☺', '&Jjo-'],
  ['😀 emoji', '&2D3eAA- emoji'],
  ['plain', 'plain'],
];

for (const [unicode, wire] of pairs) {
  test(`encodes and decodes ${wire}`, () => {
    assert.equal(encodeMutf7(unicode), wire);
    assert.equal(decodeMutf7(wire), unicode);
  });
}

for (const bad of ['&Jjo', '&Jj-', '&AGE-', '&2D0-', '&*-', 'caf\u00e9', 'tab\there', '&ZeVnLIqe']) {
  test(`rejects invalid modified UTF-7 ${JSON.stringify(bad)}`, () => assert.equal(decodeMutf7(bad), null));
}

test('parses and formats RFC 9051 date-time', () => {
  assert.deepEqual(parseDateTimeText('17-Jul-1996 02:44:25 -0700'), new Date('1996-07-17T09:44:25Z'));
  assert.deepEqual(parseDateTimeText(' 7-Feb-1994 21:52:25 +0100'), new Date('1994-02-07T20:52:25Z'));
  assert.equal(parseDateTimeText('7-Feb-1994 25:00:00 +0000'), null);
  assert.equal(formatDateTime(new Date('1996-07-17T09:44:25Z'), -420), '17-Jul-1996 02:44:25 -0700');
  assert.equal(formatDateTime(new Date('1994-02-07T20:52:25Z')), ' 7-Feb-1994 20:52:25 +0000');
});
