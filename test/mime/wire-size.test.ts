// MessageIndex.wireSize is the POP3 size (RFC 1939 §5): it must equal what
// the POP3 MessageEncoder counts for RETR, before byte-stuffing, for every
// message of the shared corpus and for the line-ending edge cases.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { Buffer } from 'node:buffer';
import { indexMessage } from '../../server/src/mail/mime/index.ts';
import { wireSize } from '../../server/src/mail/mime/wire-size.ts';
import { pop3Octets } from '../../server/src/protocols/pop3/wire/message-encoder.ts';
import { CORPUS } from '../support/corpus.ts';

const files = readdirSync(CORPUS, { withFileTypes: true, recursive: true })
  .filter((e) => e.isFile() && e.name.endsWith('.eml'))
  .map((e) => join(e.parentPath, e.name))
  .sort();

test('the corpus is there', () => {
  assert.ok(files.length > 0, `no .eml files under ${CORPUS}`);
});

test('wireSize equals the POP3 encoder octets for every corpus message', () => {
  for (const file of files) {
    const raw = readFileSync(file);
    const where = relative(CORPUS, file);
    assert.equal(indexMessage(raw).wireSize, pop3Octets([raw]), where);
    // The same message with bare LF line endings, and without its last line break.
    const lf = Buffer.from(raw.toString('latin1').replace(/\r\n/g, '\n'), 'latin1');
    assert.equal(indexMessage(lf).wireSize, pop3Octets([lf]), `${where} (LF)`);
    const cut = lf.subarray(0, lf.length - 1);
    assert.equal(indexMessage(cut).wireSize, pop3Octets([cut]), `${where} (LF, no final line break)`);
  }
});

test('wireSize counts every line-ending case as the encoder does', () => {
  const cases = [
    '', 'a', 'a\r\n', 'a\n', 'a\r', 'a\r\r\n', 'a\n\r', '\r', '\n', '\r\n', '\r\r', '\n\n', '.\n..\r\n.',
    'Subject: x\n\nbody\r\nmore\rlast', 'Subject: x\r\n\r\n\r\n', 'x\0y\n',
  ];
  for (const text of cases) {
    const raw = Buffer.from(text, 'latin1');
    assert.equal(wireSize(raw), pop3Octets([raw]), JSON.stringify(text));
  }
  // The encoder keeps state across chunks: a CR LF split between two chunks is one line break.
  const raw = Buffer.from('a\r\nb\nc');
  assert.equal(wireSize(raw), pop3Octets([raw.subarray(0, 2), raw.subarray(2)]));
});
