import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { describe, it } from 'node:test';
import iconv from 'iconv-lite';
import { createMessageView } from './message-view.ts';

const view = (text: string) => {
  const bytes = Buffer.from(text.replace(/\r?\n/g, '\r\n'), 'latin1');
  return createMessageView(bytes, bytes.length, () => Readable.from([bytes]), 1 << 20);
};

describe('the message view the checks read', () => {
  it('attachments are transfer-decoded bytes, whatever charset a text attachment declares', () => {
    const original = iconv.encode('Zażółć gęślą jaźń', 'iso-8859-2');
    const m = view([
      'From: a@example.org', 'Subject: s', 'MIME-Version: 1.0', 'Content-Type: multipart/mixed; boundary=b', '',
      '--b', 'Content-Type: text/plain', '', 'see attached', '',
      '--b', 'Content-Type: text/plain; charset=iso-8859-2', 'Content-Disposition: attachment; filename=notes.txt', 'Content-Transfer-Encoding: base64', '',
      original.toString('base64'), '--b--', '',
    ].join('\n'));
    const [attachment] = m.attachments();
    assert.equal(attachment.filename, 'notes.txt');
    assert.ok(attachment.bytes.equals(original));
    assert.match(m.text(), /see attached/);
    assert.doesNotMatch(m.text(), /gęślą/);
  });
  it('header values are unfolded and decoded once, every field of a name in order', () => {
    const m = view('Received: from a\n by b; Mon, 1 Jan 2024 00:00:00 +0000\nReceived: from c by d; Mon, 1 Jan 2024 00:00:00 +0000\nSubject: =?utf-8?q?Gr=C3=BC=C3=9Fe?=\n\nbody\n');
    assert.deepEqual(m.headers('received'), ['from a by b; Mon, 1 Jan 2024 00:00:00 +0000', 'from c by d; Mon, 1 Jan 2024 00:00:00 +0000']);
    assert.equal(m.headers('RECEIVED'), m.headers('received'));
    assert.equal(m.header('subject'), 'Grüße');
    assert.ok(Object.isFrozen(m.headers('received')));
    assert.deepEqual(m.headers('x-none'), []);
  });
});
