// Specific expectations for corpus messages that exercise one rule each.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { indexMessage, findPart, sectionRange, decodePart, headerFields } from '../../server/src/mail/mime/index.ts';
import { CORPUS } from '../support/corpus.ts';

const load = (name: string): Buffer => readFileSync(`${CORPUS}/${name}`);
const text = (raw: Buffer, start: number, end: number): string => raw.subarray(start, end).toString('latin1');

test('RFC 3501 part-specifier example: every part has the number it announces', () => {
  const raw = load('multipart/rfc3501-bodystructure-example.eml');
  const { root } = indexMessage(raw);
  for (const section of ['1', '2', '3', '3.1', '3.2', '4.1', '4.2', '4.2.1', '4.2.2.1', '4.2.2.2']) {
    const part = findPart(root, section);
    assert.ok(part, section);
    const body = text(raw, part.bodyStart, part.bodyEnd);
    if (part.message === null) assert.equal(body, `This part specifier should be: ${section}\n`, section);
  }
  const header = sectionRange(root, '4.2', 'HEADER');
  assert.ok(header);
  assert.match(text(raw, header.start, header.end), /^From: me@myself.com\n[\s\S]*Subject: This part specifier should be: 4.2\n[\s\S]*\n\n$/);
  assert.equal(findPart(root, '4.3'), null);
  assert.equal(findPart(root, '1.1'), null);
});

test('nested message/rfc822 parts carry their envelope and numbered body parts', () => {
  const raw = load('attachments/nested-messages.eml');
  const { root } = indexMessage(raw);
  const outer = findPart(root, '2');
  assert.equal(outer?.message?.envelope.subject, 'Test message 1');
  assert.equal(outer.lines, 84);
  const inner = findPart(root, '2.5');
  assert.equal(inner?.contentType.subtype, 'rfc822');
  assert.equal(inner.message?.root.children.length, 2);
  assert.equal(findPart(root, '2.5.2')?.contentType.params.name, 'whitePixel.png');
  assert.equal(decodePart(raw, findPart(root, '2.5.2') as never).bytes.subarray(1, 4).toString(), 'PNG');
});

test('a top-level message/rfc822 is part 1 and its body parts are 1.x', () => {
  const raw = load('attachments/top-level-message-rfc822.eml');
  const { root } = indexMessage(raw);
  assert.equal(findPart(root, '1'), root);
  assert.ok(root.message);
  assert.equal(findPart(root, '1.1')?.section, '1.1');
  assert.deepEqual(sectionRange(root, '1', 'TEXT'), { start: root.message.root.bodyStart, end: root.message.root.bodyEnd });
});

test('base64-encoded message/rfc822 stays opaque, as in Dovecot', () => {
  const { root, warnings } = indexMessage(load('attachments/message-rfc822-base64-encoded.eml'));
  const part = findPart(root, '2');
  assert.equal(part?.encoding, 'base64');
  assert.equal(part.message, null);
  assert.ok(warnings.some((w) => w.includes('opaque')));
});

test('RFC 2231 continuations and charset decode the file name', () => {
  const { root, hasAttachments, searchText } = indexMessage(load('encoded/rfc2231-filename-continuation.eml'));
  assert.equal(findPart(root, '2')?.disposition?.params.filename, 'Maßnahmen März 2022.html');
  assert.ok(hasAttachments);
  assert.ok(searchText.includes('Maßnahmen März 2022.html'));
});

test('an ISO-2022-JP encoded subject is decoded, the envelope keeps it raw', () => {
  const { envelope, headers } = indexMessage(load('encoded/rfc2822-a-iso-2022-jp-subject.eml'));
  assert.match(envelope.subject ?? '', /=\?ISO-2022-JP\?B\?GyRCJUYlOSVIGyhC\?=/);
  assert.equal(headers.subject, 'Re: TEST \tテストテスト');
  assert.equal(headers.baseSubject, 'TEST テストテスト');
});

test('multipart/digest parts default to message/rfc822 (RFC 2046 §5.1.5)', () => {
  const { root } = indexMessage(load('multipart/digest.eml'));
  assert.deepEqual(root.children.map((c) => `${c.contentType.type}/${c.contentType.subtype}`), ['message/rfc822', 'message/rfc822', 'message/rfc822']);
  assert.equal(findPart(root, '1')?.message?.envelope.subject, 'my opinion');
  assert.equal(findPart(root, '3.2')?.contentType.params.name, 'test.txt');
});

test('a missing close boundary ends the multipart at the end of the message', () => {
  const raw = load('malformed/missing-final-boundary.eml');
  const { root, warnings } = indexMessage(raw);
  assert.equal(root.children.length, 1);
  assert.equal(root.children[0].bodyEnd, raw.length);
  assert.equal(text(raw, root.children[0].bodyStart, root.children[0].bodyEnd), 'Some body\n');
  assert.ok(warnings.some((w) => w.includes('close delimiter missing')));
});

test('CR-only line endings are parsed into parts', () => {
  const raw = load('malformed/cr-only-line-endings.eml');
  const { root, envelope } = indexMessage(raw);
  assert.equal(envelope.subject, 'Undelivered Mail Returned to Sender');
  assert.deepEqual(root.children.map((c) => c.contentType.subtype), ['plain', 'delivery-status', 'rfc822']);
  assert.equal(root.children[0].lines, 15);
  assert.ok(!text(raw, root.children[0].bodyStart, root.children[0].bodyEnd).includes('--FFFF'));
});

test('multiparts nested under one reused boundary nest innermost first', () => {
  const { root } = indexMessage(load('malformed/stw-deep-nesting.eml'));
  assert.equal(findPart(root, '2.2.2.1')?.contentType.subtype, 'plain');
});

test('a 210 KB folded subject is unfolded and decoded', () => {
  const raw = load('malformed/very-long-header.eml');
  const { headers } = indexMessage(raw);
  assert.ok(headers.subject.length > 50_000);
  assert.ok(headers.subject.startsWith('Die heiße Zypernsonne'));
  assert.ok(!headers.subject.includes('\n'));
});

test('raw UTF-8 headers (RFC 6532) survive as text', () => {
  const { envelope, headers } = indexMessage(load('encoded/rfc6532-raw-utf8-headers.eml'));
  assert.deepEqual(envelope.from, [{ name: 'Jöhn Doe', adl: null, mailbox: 'jdöe', host: 'mächine.example' }]);
  assert.equal(headers.toAddress, 'märy@exämple.net');
});

test('RFC 2822 A.6.2: obsolete dates, comments and groups', () => {
  const { envelope, headers } = indexMessage(load('plain/rfc2822-a6-2-obsolete-dates.eml'));
  assert.equal(headers.date, '1969-02-14T03:02:00.000Z');
  assert.deepEqual(envelope.from, [{ name: 'Pete', adl: null, mailbox: 'pete', host: 'silly.test' }]);
  assert.deepEqual(envelope.cc, [
    { name: null, adl: null, mailbox: 'Undisclosed recipients', host: null },
    { name: null, adl: null, mailbox: null, host: null },
  ]);
  assert.equal(envelope.to?.length, 5);
});

test('UTF-16LE base64 text is decoded for search', () => {
  const { searchText } = indexMessage(load('encoded/base64-utf16le-body.eml'));
  assert.ok(searchText.includes('Hi Magnus, here a better UTF-16 encoded mail.'));
});

test('every part header of the torture test parses into fields', () => {
  const raw = load('multipart/crispin-mime-torture-1993.eml');
  const index = indexMessage(raw);
  assert.ok(index.root.children.length > 5);
  const fields = headerFields(raw.subarray(index.root.headerStart, index.root.bodyStart));
  assert.ok(fields.some((f) => f.name.toLowerCase() === 'mime-version'));
});
