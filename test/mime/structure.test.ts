// MIME structure tables: RFC 2046 examples and boundary rules, byte offsets
// checked by slicing the raw message, section ranges and body decoding.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Buffer } from 'node:buffer';
import { indexMessage, findPart, sectionRange, decodeBody, decodePart } from '../../server/src/mail/mime/index.ts';

const crlf = (s: string): Buffer => Buffer.from(s.replace(/\n/g, '\r\n'));
const bodies = (raw: Buffer, section: string): string[] => {
  const part = findPart(indexMessage(raw).root, section);
  assert.ok(part, section);
  return part.children.map((c) => raw.subarray(c.bodyStart, c.bodyEnd).toString());
};

// RFC 2046 §5.1.1, the example in the text (with preamble and epilogue).
const rfc2046 = `From: Nathaniel Borenstein <nsb@bellcore.com>
To: Ned Freed <ned@innosoft.com>
Date: Sun, 21 Mar 1993 23:56:48 -0800 (PST)
Subject: Sample message
MIME-Version: 1.0
Content-type: multipart/mixed; boundary="simple boundary"

This is the preamble.  It is to be ignored, though it
is a handy place for composition agents to include an
explanatory note to non-MIME conformant readers.

--simple boundary

This is implicitly typed plain US-ASCII text.
It does NOT end with a linebreak.
--simple boundary
Content-type: text/plain; charset=us-ascii

This is explicitly typed plain US-ASCII text.
It DOES end with a linebreak.

--simple boundary--

This is the epilogue.  It is also to be ignored.
`;

const structureCases: [string, Buffer, string, string[]][] = [
  ['RFC 2046 §5.1.1 example, CRLF', crlf(rfc2046), '', [
    'This is implicitly typed plain US-ASCII text.\r\nIt does NOT end with a linebreak.',
    'This is explicitly typed plain US-ASCII text.\r\nIt DOES end with a linebreak.\r\n',
  ]],
  ['RFC 2046 §5.1.1 example, bare LF', Buffer.from(rfc2046), '', [
    'This is implicitly typed plain US-ASCII text.\nIt does NOT end with a linebreak.',
    'This is explicitly typed plain US-ASCII text.\nIt DOES end with a linebreak.\n',
  ]],
  ['trailing whitespace after a delimiter', crlf('Content-Type: multipart/mixed; boundary=b\n\n--b \t\n\none\n--b--  \nepilogue\n'), '', ['one']],
  ['first delimiter at the very start of the body', crlf('Content-Type: multipart/mixed; boundary=b\n\n--b\n\none\n--b\n\ntwo\n--b--\n'), '', ['one', 'two']],
  ['a longer line that only starts with the boundary is body text', crlf('Content-Type: multipart/mixed; boundary=b\n\n--b\n\n--bx\n--b--\n'), '', ['--bx']],
  ['empty body parts', crlf('Content-Type: multipart/mixed; boundary=b\n\n--b\n\n--b\n--b--\n'), '', ['', '']],
  ['mixed line endings', Buffer.from('Content-Type: multipart/mixed; boundary=b\r\n\n--b\n\r\none\r\n--b\r\n\ntwo\n--b--'), '', ['one', 'two']],
  ['inner multipart without close delimiter ends at the outer boundary', crlf(
    'Content-Type: multipart/mixed; boundary=outer\n\n--outer\nContent-Type: multipart/alternative; boundary=inner\n\n--inner\n\na\n--inner\n\nb\n--outer\n\nc\n--outer--\n',
  ), '1', ['a', 'b']],
];

for (const [name, raw, section, expected] of structureCases) {
  test(`structure: ${name}`, () => assert.deepEqual(bodies(raw, section), expected));
}

test('a boundary that never appears leaves the multipart with no parts and a warning', () => {
  const raw = crlf('Content-Type: multipart/mixed; boundary=zzz\n\nno parts here\n');
  const { root, warnings } = indexMessage(raw);
  assert.equal(root.contentType.subtype, 'mixed');
  assert.deepEqual(root.children, []);
  assert.equal(root.bodyEnd, raw.length);
  assert.ok(warnings.some((w) => w.includes('never found')));
});

test('offsets slice the exact header and body of every part', () => {
  const raw = crlf(rfc2046);
  const { root } = indexMessage(raw);
  assert.equal(root.headerStart, 0);
  assert.ok(raw.subarray(0, root.bodyStart).toString().endsWith('boundary="simple boundary"\r\n\r\n'));
  const [first, second] = root.children;
  assert.equal(raw.subarray(first.headerStart, first.bodyStart).toString(), '\r\n');
  assert.equal(raw.subarray(second.headerStart, second.bodyStart).toString(), 'Content-type: text/plain; charset=us-ascii\r\n\r\n');
  assert.equal(first.lines, 2);
  assert.equal(second.lines, 2);
  assert.equal(first.contentType.params.charset, 'us-ascii');
});

const nested = crlf(`Subject: outer
Content-Type: multipart/mixed; boundary=o

--o
Content-Type: text/plain

hello
--o
Content-Type: message/rfc822

Subject: inner
Content-Type: multipart/alternative; boundary=i

--i
Content-Type: text/plain

plain
--i
Content-Type: text/html

<p>html &amp; more</p>
--i--
--o
Content-Type: message/rfc822

Subject: single

just text
--o--
`);

const sectionCases: [string, '' | 'HEADER' | 'TEXT' | 'MIME', string | null][] = [
  ['1', '', 'hello'],
  ['1', 'MIME', 'Content-Type: text/plain\r\n\r\n'],
  ['2', 'MIME', 'Content-Type: message/rfc822\r\n\r\n'],
  ['2', 'HEADER', 'Subject: inner\r\nContent-Type: multipart/alternative; boundary=i\r\n\r\n'],
  ['2.1', '', 'plain'],
  ['2.2', '', '<p>html &amp; more</p>'],
  ['2.2', 'MIME', 'Content-Type: text/html\r\n\r\n'],
  ['3', 'TEXT', 'just text'],
  ['3.1', '', 'just text'],
  ['3.1', 'MIME', 'Subject: single\r\n\r\n'],
  ['', 'HEADER', 'Subject: outer\r\nContent-Type: multipart/mixed; boundary=o\r\n\r\n'],
  ['1', 'HEADER', null],
  ['2.3', '', null],
  ['4', '', null],
  ['0', '', null],
  ['', 'MIME', null],
];

for (const [section, spec, expected] of sectionCases) {
  test(`BODY[${section}${section && spec ? '.' : ''}${spec}]`, () => {
    const range = sectionRange(indexMessage(nested).root, section, spec);
    assert.equal(range === null ? null : nested.subarray(range.start, range.end).toString(), expected);
  });
}

test('a single-part message is part 1; BODY[] is the whole message', () => {
  const raw = crlf('Subject: x\n\nbody\n');
  const { root } = indexMessage(raw);
  assert.equal(findPart(root, '1'), root);
  assert.equal(findPart(root, '2'), null);
  assert.deepEqual(sectionRange(root, '', ''), { start: 0, end: raw.length });
  assert.deepEqual(sectionRange(root, '1', ''), { start: root.bodyStart, end: raw.length });
});

test('search text: decoded headers, text, HTML words, nested message headers', () => {
  const { searchText, hasAttachments } = indexMessage(nested);
  for (const word of ['outer', 'hello', 'inner', 'plain', 'html & more', 'single', 'just text']) assert.ok(searchText.includes(word), word);
  assert.ok(!searchText.includes('<p>'));
  assert.ok(hasAttachments);
});

const decodeCases: [string, string, string, string | null, string | undefined][] = [
  ['base64', 'SGVs\r\nbG8=\r\n', 'Hello', 'utf-8', 'Hello'],
  ['quoted-printable', 'caf=C3=A9=\r\n!', 'café!', 'utf-8', 'café!'],
  ['quoted-printable', 'caf=E9', 'caf\ufffd', 'iso-8859-1', 'café'],
  ['8bit', 'caf\xe9', 'caf\ufffd', 'x-no-such-charset', 'café'],
  ['7bit', 'plain', 'plain', null, undefined],
];

for (const [encoding, input, bytes, charset, text] of decodeCases) {
  test(`decodeBody ${encoding} ${charset ?? '(no charset)'}`, () => {
    const result = decodeBody(Buffer.from(input, 'latin1'), encoding, charset);
    assert.equal(result.bytes.toString(), bytes);
    assert.equal(result.text, text);
    assert.equal(result.unknownEncoding, false);
  });
}

test('decodeBody flags an unknown transfer encoding (RFC 3516 UNKNOWN-CTE)', () => {
  assert.equal(decodeBody(Buffer.from('begin 644 x'), 'x-uuencode').unknownEncoding, true);
});

test('decodePart decodes an ISO-2022-JP text part', () => {
  const raw = Buffer.concat([Buffer.from('Content-Type: text/plain; charset=ISO-2022-JP\r\n\r\n'), Buffer.from('1b24422546253925481b2842', 'hex')]);
  assert.equal(decodePart(raw, indexMessage(raw).root).text, 'テスト');
});
