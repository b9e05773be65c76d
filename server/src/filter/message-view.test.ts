import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { describe, it } from 'node:test';
import iconv from 'iconv-lite';
import { createMessageView, PART_SCAN_CHARS, scanPrefix } from './message-view.ts';

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

describe('releasing what the view derived from the body', () => {
  it('derives the same texts, links and attachments again when asked after release(); headers stay', () => {
    const m = view([
      'From: a@example.org', 'Subject: s', 'MIME-Version: 1.0', 'Content-Type: multipart/mixed; boundary=b', '',
      '--b', 'Content-Type: text/html', '', '<p>see <a href="https://example.net/x">this</a></p>', '',
      '--b', 'Content-Type: application/octet-stream', 'Content-Disposition: attachment; filename=a.bin', '', 'AAAA', '--b--', '',
    ].join('\n'));
    const before = { text: m.text(), html: m.html(), htmlText: m.htmlText(), plain: m.plainText(), urls: m.urls(), files: m.attachments().map((a) => a.filename) };
    const subject = m.header('subject');
    m.release();
    assert.equal(m.header('subject'), subject);
    assert.deepEqual({ text: m.text(), html: m.html(), htmlText: m.htmlText(), plain: m.plainText(), urls: m.urls(), files: m.attachments().map((a) => a.filename) }, before);
    assert.deepEqual(before.urls, ['https://example.net/x']);
  });
});

describe('the text the rules read: the first 50,000 characters of each part (SpamAssassin body_part_scan_size)', () => {
  /** A message of text/plain parts, given as they are (CRLF line ends, as SMTP stores them). */
  const message = (parts: string[]) => {
    const bytes = Buffer.from([
      'From: a@example.org', 'Subject: s', 'MIME-Version: 1.0', 'Content-Type: multipart/mixed; boundary=b', '',
      ...parts.flatMap((p) => ['--b', 'Content-Type: text/plain', '', p]), '--b--', '',
    ].join('\r\n'), 'latin1');
    return createMessageView(bytes, bytes.length, () => Readable.from([bytes]), 1 << 20);
  };
  /** Text of `length` characters in lines of 50 (CRLF included). */
  const filler = (length: number): string => `${'x'.repeat(48)}\r\n`.repeat(Math.ceil(length / 50)).slice(0, length);

  it('cuts after the next line break, else the next space, within 1,024 characters, else at the limit', () => {
    assert.equal(scanPrefix('abc', 3), 'abc');
    assert.equal(scanPrefix('abcd\nef', 3), 'abcd\n');
    assert.equal(scanPrefix(`abc${'d'.repeat(1020)}\n e`, 3), `abc${'d'.repeat(1020)}\n`);
    assert.equal(scanPrefix(`abc${'d'.repeat(1030)}\n e f`, 3), 'abc');
    assert.equal(scanPrefix(`abc${'d'.repeat(600)} ${'e'.repeat(600)}\n`, 3), `abc${'d'.repeat(600)} `);
    assert.equal(PART_SCAN_CHARS, 50_000);
  });

  it('reads a part of exactly 50,000 characters whole', () => {
    const part = `${filler(PART_SCAN_CHARS - 12)}act now here`;
    assert.equal(part.length, PART_SCAN_CHARS);
    const m = message([part]);
    assert.match(m.text(), /act now here/);
  });

  it('sees a phrase just inside the limit, not one just past it', () => {
    const inside = message([`${filler(PART_SCAN_CHARS - 50)}click here to win${'y'.repeat(20)}\r\n${filler(2000)}`]);
    assert.match(inside.text(), /click here to win/);
    const past = message([`${filler(PART_SCAN_CHARS + 1100)}click here to win\r\n`]);
    assert.doesNotMatch(past.text(), /click here/);
    assert.ok(past.text().length <= PART_SCAN_CHARS + 1024 + 100);
  });

  it('limits each part on its own, and still finds links past the limit', () => {
    const m = message([`${filler(PART_SCAN_CHARS + 5000)}see https://past.example/offer\r\n`, 'second part: act now']);
    assert.match(m.text(), /second part: act now/);
    assert.doesNotMatch(m.text(), /past\.example/);
    assert.deepEqual(m.urls(), ['https://past.example/offer']);
  });
});
