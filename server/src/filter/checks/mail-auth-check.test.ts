import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { describe, it } from 'node:test';
import { createMessageView } from '../message-view.ts';
import { authInput, headerSectionEnd } from './mail-auth-check.ts';

const view = (raw: string, maxScanBytes = 1 << 20) => {
  const bytes = Buffer.from(raw, 'latin1');
  return createMessageView(bytes, bytes.length, () => Readable.from([bytes]), maxScanBytes);
};

describe('where mailauth finds the end of the header section', () => {
  const table: Array<[string, string, number]> = [
    ['CRLF', 'From: a@b\r\nTo: c@d\r\n\r\nbody\r\n', 22],
    ['bare LF', 'From: a@b\nTo: c@d\n\nbody\n', 19],
    ['a bare LF empty line before a CRLF one', 'From: a@b\n\nTo: c@d\r\n\r\nbody', 11],
    ['an LF then CRLF', 'From: a@b\n\r\nbody', 12],
    ['a line of a lone CR is not empty', 'From: a@b\r\n\r\r\nX: y\r\n\r\nbody', 22],
    ['no empty line in the scanned bytes', 'From: a@b\r\nTo: c@d\r\n', -1],
    ['an empty header section', '\r\nbody', -1],
    ['an empty header section, bare LF', '\nbody', -1],
    ['nothing at all', '', -1],
  ];
  for (const [name, raw, end] of table) it(name, () => assert.equal(headerSectionEnd(Buffer.from(raw, 'latin1')), end));
});

describe('what mailauth reads', () => {
  const body = 'Hello\r\n'.repeat(100);
  it('the header section alone when nothing is signed', () => {
    const input = authInput(view(`From: a@example.org\r\nSubject: hi\r\n\r\n${body}`));
    assert.ok(Buffer.isBuffer(input));
    assert.equal(input.toString('latin1'), 'From: a@example.org\r\nSubject: hi\r\n\r\n');
  });
  for (const field of ['DKIM-Signature', 'dkim-signature', 'ARC-Seal', 'ARC-Message-Signature', 'ARC-Authentication-Results']) {
    it(`the whole message with a ${field} field`, () => {
      const raw = `${field}: v=1; d=example.org\r\nFrom: a@example.org\r\n\r\n${body}`;
      assert.equal((authInput(view(raw)) as Buffer).toString('latin1'), raw);
    });
  }
  it('the stream when the scanned bytes are not the whole message', () => {
    const raw = `DKIM-Signature: v=1\r\nFrom: a@example.org\r\n\r\n${body.repeat(200)}`;
    assert.ok(!Buffer.isBuffer(authInput(view(raw, 1024))));
  });
  it('the whole message when its header section does not end in the scanned bytes', () => {
    const raw = `From: a@example.org\r\nX-Long: ${'x'.repeat(2000)}\r\n\r\nbody`;
    assert.ok(!Buffer.isBuffer(authInput(view(raw, 1024))));
  });
});
