// Tables of header inputs → parsed values: RFC 5322 fields and folding,
// addresses, dates, RFC 5256 base subjects, MIME parameters.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Buffer } from 'node:buffer';
import { headerFields, unfoldValue } from '../../server/src/mail/mime/index.ts';
import { parseAddressList } from '../../server/src/mail/mime/address-list.ts';
import { parseMailDate } from '../../server/src/mail/mime/mail-date.ts';
import { baseSubject } from '../../server/src/mail/mime/base-subject.ts';
import { parseContentType, parseDisposition, parseEncoding } from '../../server/src/mail/mime/header-params.ts';

test('headerFields keeps order, raw bytes and offsets', () => {
  const block = Buffer.from('Subject: a\r\n  folded\r\nX-A : b\r\nFrom user Mon Jan 1\r\nTo:c\r\n\r\nbody');
  const fields = headerFields(block);
  assert.deepEqual(fields.map((f) => [f.name, f.value.toString()]), [
    ['Subject', ' a\r\n  folded'],
    ['X-A', ' b'],
    ['From user Mon Jan 1', ''],
    ['To', 'c'],
  ]);
  assert.equal(block.subarray(fields[0].start, fields[0].end).toString(), 'Subject: a\r\n  folded\r\n');
  assert.equal(fields[3].end, block.indexOf('\r\n\r\n') + 2);
  assert.equal(unfoldValue(fields[0].value), 'a  folded');
});

test('headerFields handles bare LF, CR-only and a block without a final break', () => {
  assert.deepEqual(headerFields(Buffer.from('A: 1\n\tx\nB: 2')).map((f) => [f.name, f.value.toString()]), [['A', ' 1\n\tx'], ['B', ' 2']]);
  assert.deepEqual(headerFields(Buffer.from('A: 1\r\tx\rB: 2\r\r')).map((f) => f.name), ['A', 'B']);
  assert.deepEqual(headerFields(Buffer.alloc(0)), []);
});

const addressCases: [string, unknown[]][] = [
  ['a@b.example', [{ name: null, adl: null, mailbox: 'a', host: 'b.example' }]],
  ['"Doe, John" <j@x.example>', [{ name: 'Doe, John', adl: null, mailbox: 'j', host: 'x.example' }]],
  ['=?utf-8?q?J=C3=B6rg?= <j@x.example>', [{ name: '=?utf-8?q?J=C3=B6rg?=', adl: null, mailbox: 'j', host: 'x.example' }]],
  ['j@x.example (Jo Smith)', [{ name: 'Jo Smith', adl: null, mailbox: 'j', host: 'x.example' }]],
  // RFC 3501 §7.4.2: the source route is the adl field.
  ['<@route.example:j@x.example>', [{ name: null, adl: '@route.example', mailbox: 'j', host: 'x.example' }]],
  // RFC 5322 §4.4: comments and spaces around "@" and "." in an addr-spec.
  ['j (comment) @ x . example', [{ name: 'comment', adl: null, mailbox: 'j', host: 'x.example' }]],
  ['Jo Smith j@x.example', [{ name: 'Jo Smith', adl: null, mailbox: 'j', host: 'x.example' }]],
  ['<@a.example,@b.example:j@x.example>', [{ name: null, adl: '@a.example,@b.example', mailbox: 'j', host: 'x.example' }]],
  ['undisclosed-recipients:;', [{ name: null, adl: null, mailbox: 'undisclosed-recipients', host: null }, { name: null, adl: null, mailbox: null, host: null }]],
  ['team: a@x, B <b@y>; c@z', [
    { name: null, adl: null, mailbox: 'team', host: null },
    { name: null, adl: null, mailbox: 'a', host: 'x' },
    { name: 'B', adl: null, mailbox: 'b', host: 'y' },
    { name: null, adl: null, mailbox: null, host: null },
    { name: null, adl: null, mailbox: 'c', host: 'z' },
  ]],
  ['localonly', [{ name: null, adl: null, mailbox: 'localonly', host: 'MISSING_DOMAIN' }]],
  ['<>', []],
  ['', []],
  ['a@b, , c@d', [{ name: null, adl: null, mailbox: 'a', host: 'b' }, { name: null, adl: null, mailbox: 'c', host: 'd' }]],
];

for (const [input, expected] of addressCases) {
  test(`address list ${JSON.stringify(input)}`, () => assert.deepEqual(parseAddressList(input), expected));
}

const dateCases: [string | null, string | null][] = [
  ['Tue, 1 Jul 2003 10:52:37 +0200', '2003-07-01T08:52:37.000Z'],
  ['1 Jul 03 10:52 EDT', '2003-07-01T14:52:00.000Z'],
  ['21 Nov 97 09:55:06 GMT', '1997-11-21T09:55:06.000Z'],
  ['Fri, 21 Nov 1997 09(comment):   55  :  06 -0600', '1997-11-21T15:55:06.000Z'],
  ['Thu, 13 Feb 1969 23:32 -0330 (Newfoundland Time)', '1969-02-14T03:02:00.000Z'],
  ['Tue Jul  1 10:52:37 2003', '2003-07-01T10:52:37.000Z'],
  ['Mon, 20 Jan 2003 10:29:12 Z', '2003-01-20T10:29:12.000Z'],
  ['Mon, 20 Jan 103 10:29:12 +0000', '2003-01-20T10:29:12.000Z'],
  ['2021-03-04T05:06:07Z', '2021-03-04T05:06:07.000Z'],
  ['31 Feb 2020 10:00 +0000', null],
  // The common form, read on the fast path (mail-date.ts CANONICAL), with the same answers as the tolerant reader.
  ['Tue, 07 Dec 2026 23:04:11 GMT', '2026-12-07T23:04:11.000Z'],
  ['  7 Dec 2026 23:04:11 -0330  ', '2026-12-08T02:34:11.000Z'],
  ['Sat, 31 Dec 2016 23:59:60 +0000', '2016-12-31T23:59:59.000Z'],
  ['Mon, 1 Jan 2024 00:00:00 +2400', '2024-01-01T00:00:00.000Z'],
  ['Mon, 31 Apr 2024 00:00:00 +0000', null],
  ['Mon, 0 Jan 2024 00:00:00 +0000', null],
  ['Mon, 1 Jan 2024 24:00:00 +0000', null],
  ['Mon, 1 Jan 0999 00:00:00 +0000', null],
  ['garbage', null],
  [null, null],
];

for (const [input, expected] of dateCases) {
  test(`date ${JSON.stringify(input)}`, () => assert.equal(parseMailDate(input), expected));
}

const subjectCases: [string, string][] = [
  ['Re: hello', 'hello'],
  ['RE: Fwd: Re[2]: hello', 'hello'],
  ['Fw: hello (fwd) (FWD)', 'hello'],
  ['[list] Re: [other] hello', 'hello'],
  ['[fwd: hello]', 'hello'],
  ['Re: [fwd: Re: hello]', 'hello'],
  ['[only a blob]', '[only a blob]'],
  ['Re:   spaced\t\tout  ', 'spaced out'],
  ['Reply to this', 'Reply to this'],
  ['', ''],
];

for (const [input, expected] of subjectCases) {
  test(`base subject ${JSON.stringify(input)}`, () => assert.equal(baseSubject(input), expected));
}

// No stopwatch (issue 16, tests that depend on the machine): this takes milliseconds; only a
// pathological algorithm, not a slow machine, runs into the test's 60 s timeout.
test('base subject of a hostile 130 000-prefix subject is computed', { timeout: 60_000 }, () => {
  assert.equal(baseSubject('Re: '.repeat(50_000) + '[a]'.repeat(50_000) + ' x' + ' (fwd)'.repeat(30_000)), 'x');
});

const ct = (value: string | undefined, digest = false) => parseContentType(value === undefined ? undefined : Buffer.from(value, 'latin1'), digest);

test('Content-Type: type and subtype lower-cased, parameters kept (RFC 2045 §5.1)', () => {
  assert.deepEqual(ct('Text/HTML; Charset="UTF-8"; format=flowed (comment)'), {
    contentType: { type: 'text', subtype: 'html', params: { charset: 'UTF-8', format: 'flowed' } }, invalid: false,
  });
});

test('Content-Type defaults (RFC 2045 §5.2, RFC 2046 §5.1.5)', () => {
  assert.deepEqual(ct(undefined).contentType, { type: 'text', subtype: 'plain', params: { charset: 'us-ascii' } });
  assert.deepEqual(ct(undefined, true).contentType, { type: 'message', subtype: 'rfc822', params: {} });
  assert.deepEqual(ct('text; charset=koi8-r'), { contentType: { type: 'text', subtype: 'plain', params: { charset: 'koi8-r' } }, invalid: true });
  assert.equal(ct('').invalid, true);
});

test('RFC 2231 continuations and charsets; RFC 2047 in parameters', () => {
  const title = ct("application/x-stuff; title*0*=us-ascii'en'This%20is%20even%20more%20; title*1*=%2A%2A%2Afun%2A%2A%2A%20; title*2=\"isn't it!\"");
  assert.equal(title.contentType.params.title, "This is even more ***fun*** isn't it!");
  assert.equal(ct("text/plain; name*=iso-8859-1''%E9t%E9.txt").contentType.params.name, 'été.txt');
  assert.equal(ct('application/pdf; name="=?UTF-8?B?w6TDtsO8LnBkZg==?="').contentType.params.name, 'äöü.pdf');
  assert.equal(ct('application/pdf; name="caf\xc3\xa9.pdf"').contentType.params.name, 'café.pdf');
  assert.equal(ct('multipart/mixed; boundary="=_a b;c"').contentType.params.boundary, '=_a b;c');
});

test('Content-Disposition and Content-Transfer-Encoding', () => {
  assert.deepEqual(parseDisposition(Buffer.from('ATTACHMENT; filename="a.txt"')), { type: 'attachment', params: { filename: 'a.txt' } });
  assert.equal(parseDisposition(Buffer.from('')), null);
  assert.equal(parseEncoding(undefined), '7bit');
  assert.equal(parseEncoding(Buffer.from(' Base64 (yes)')), 'base64');
  assert.equal(parseEncoding(Buffer.from('x-uuencode')), 'x-uuencode');
});
