import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Buffer } from 'node:buffer';
import { indexMessage, walkParts, findPart } from '../../server/src/mail/mime/index.ts';
import type { MessageIndex } from '../../server/src/mail/mime/index.ts';

/** Every part inside the buffer and inside its parent; returns the part count. */
function assertSane(index: MessageIndex, size: number): number {
  let count = 0;
  const check = (part: MessageIndex['root'], parentStart: number, parentEnd: number): void => {
    assert.ok(parentStart <= part.headerStart && part.headerStart <= part.bodyStart, `${part.section} header`);
    assert.ok(part.bodyStart <= part.bodyEnd && part.bodyEnd <= parentEnd && parentEnd <= size, `${part.section} body`);
    assert.equal(part.size, part.bodyEnd - part.bodyStart);
  };
  const bounds = new Map<MessageIndex['root'], [number, number]>([[index.root, [0, size]]]);
  for (const { part } of walkParts(index.root)) {
    count++;
    const [s, e] = bounds.get(part) as [number, number];
    check(part, s, e);
    for (const c of part.children) bounds.set(c, [part.bodyStart, part.bodyEnd]);
    if (part.message) bounds.set(part.message.root, [part.bodyStart, part.bodyEnd]);
  }
  return count;
}

function nestedMultiparts(depth: number): Buffer {
  const head: string[] = ['Subject: deep\r\nContent-Type: multipart/mixed; boundary="b0"\r\n\r\n'];
  for (let i = 1; i < depth; i++) head.push(`--b${i - 1}\r\nContent-Type: multipart/mixed; boundary="b${i}"\r\n\r\n`);
  head.push(`--b${depth - 1}\r\nContent-Type: text/plain\r\n\r\ninnermost\r\n`);
  for (let i = depth - 1; i >= 0; i--) head.push(`--b${i}--\r\n`);
  return Buffer.from(head.join(''));
}

function nestedMessages(depth: number): Buffer {
  return Buffer.from('Content-Type: message/rfc822\r\n\r\n'.repeat(depth) + 'Subject: bottom\r\n\r\nbody\r\n');
}

test('10,000 nested multiparts are indexed to the depth limit without overflowing the stack', () => {
  const raw = nestedMultiparts(10_000);
  const index = indexMessage(raw);
  assert.ok(index.warnings.some((w) => w.includes('nesting deeper than 50')));
  const count = assertSane(index, raw.length);
  assert.equal(count, 51);
});

test('10,000 nested multiparts are indexed completely when the depth limit allows it', () => {
  const raw = nestedMultiparts(10_000);
  const index = indexMessage(raw, { maxDepth: 20_000, maxParts: 20_000 });
  assert.equal(assertSane(index, raw.length), 10_001);
  const innermost = findPart(index.root, Array(10_000).fill('1').join('.'));
  assert.equal(innermost?.contentType.subtype, 'plain');
  assert.equal(raw.subarray(innermost.bodyStart, innermost.bodyEnd).toString(), 'innermost');
  assert.deepEqual(index.warnings, []);
});

test('10,000 nested message/rfc822 parts do not overflow the stack either', () => {
  const raw = nestedMessages(10_000);
  assertSane(indexMessage(raw), raw.length);
  const deep = indexMessage(raw, { maxDepth: 20_000, maxParts: 20_000 });
  assert.equal(assertSane(deep, raw.length), 10_001);
});

test('maxParts stops indexing further parts and says so', () => {
  const parts = Array.from({ length: 50 }, (_, i) => `--x\r\n\r\npart ${i}\r\n`).join('');
  const raw = Buffer.from(`Content-Type: multipart/mixed; boundary=x\r\n\r\n${parts}--x--\r\n`);
  const index = indexMessage(raw, { maxParts: 10 });
  assert.equal(index.root.children.length, 9);
  assert.ok(index.warnings.some((w) => w.includes('more than 10 MIME parts')));
  assertSane(index, raw.length);
});

const oddInputs: [string, Buffer][] = [
  ['empty buffer', Buffer.alloc(0)],
  ['a single line break', Buffer.from('\r\n')],
  ['a header-only message without a final line break', Buffer.from('Subject: only a header')],
  ['a header-only message', Buffer.from('From: a@b.example\r\nSubject: x\r\n')],
  ['NUL bytes everywhere', Buffer.from('Sub\0ject: a\0b\r\nFrom: \0<a@b>\r\n\r\nbody\0with\0nul\r\n')],
  ['only NUL bytes', Buffer.alloc(1000)],
  ['random binary', Buffer.from(Array.from({ length: 20_000 }, (_, i) => (i * 7919 + 13) % 256))],
  ['truncated in a header', Buffer.from('Content-Type: multipart/mixed; boundary=x\r\n\r\n--x\r\nContent-Type: te')],
  ['truncated in a boundary', Buffer.from('Content-Type: multipart/mixed; boundary=x\r\n\r\n--x\r\n\r\nhello\r\n--')],
  ['truncated in base64', Buffer.from('Content-Type: text/plain\r\nContent-Transfer-Encoding: base64\r\n\r\nSGVsbG8gd29y')],
  ['a lone boundary with no header', Buffer.from('--x\r\n--x--\r\n')],
  ['a colon-only header', Buffer.from(':\r\n: \r\n\r\n')],
  ['an unterminated comment and quote', Buffer.from('From: "abc (def <g@h\r\nContent-Type: text/plain; charset="utf-8\r\n\r\nx')],
  ['CR-only line endings', Buffer.from('Subject: cr\rContent-Type: multipart/mixed; boundary=q\r\r--q\r\rone\r--q\r\rtwo\r--q--\r')],
  ['deep unclosed HTML', Buffer.from(`Content-Type: text/html\r\n\r\n${'<div>'.repeat(100_000)}text`)],
];

for (const [name, raw] of oddInputs) {
  test(`never throws on ${name}`, () => {
    const index = indexMessage(raw);
    assert.equal(index.size, raw.length);
    assertSane(index, raw.length);
  });
}

test('a header-only message has an empty body at its end', () => {
  const raw = Buffer.from('From: a@b.example\r\nSubject: x\r\n');
  const { root, envelope } = indexMessage(raw);
  assert.equal(root.bodyStart, raw.length);
  assert.equal(root.size, 0);
  assert.equal(envelope.subject, 'x');
});

test('NUL bytes are flagged and kept out of header strings', () => {
  const raw = Buffer.from('Subject: a\0b\r\n\r\nbody\0\r\n');
  const index = indexMessage(raw);
  assert.equal(index.envelope.subject, 'a\uFFFDb');
  assert.ok(index.warnings.some((w) => w.includes('NUL')));
  assert.equal(index.root.size, 7);
});

test('CR-only line endings are split on CR', () => {
  const raw = Buffer.from('Subject: cr\rContent-Type: multipart/mixed; boundary=q\r\r--q\r\rone\r--q\r\rtwo\r--q--\r');
  const { root, envelope } = indexMessage(raw);
  assert.equal(envelope.subject, 'cr');
  assert.deepEqual(root.children.map((c) => raw.subarray(c.bodyStart, c.bodyEnd).toString()), ['one', 'two']);
});

test('a 1 MiB cap holds for a huge text part', () => {
  const raw = Buffer.from(`Subject: big\r\n\r\n${'wordé '.repeat(400_000)}`);
  const index = indexMessage(raw, { maxSearchTextBytes: 100_000 });
  assert.ok(Buffer.byteLength(index.searchText) <= 100_000);
  assert.ok(!index.searchText.endsWith('\uFFFD'));
});
