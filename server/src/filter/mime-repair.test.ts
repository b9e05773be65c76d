import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { describe, it } from 'node:test';
import { createMessageView } from './message-view.ts';
import { headerBodyGap, recoverBoundary } from './mime-repair.ts';

const crlf = (s: string): Buffer => Buffer.from(s.replace(/\r?\n/g, '\r\n'), 'latin1');
const view = (raw: Buffer) => createMessageView(raw, raw.length, () => Readable.from([raw]), 1024 * 1024);

describe('where a header without its empty line ends (RFC 5322 §2.1)', () => {
  const table: Array<[string, string, string | null]> = [
    ['a well-formed header ends at the empty line', 'From: a@example.org\nSubject: hi\n\nbody\n', null],
    ['folded fields continue, even a line of white space only', 'Subject: a\n b\n \nTo: x@example.org\n\nbody\n', null],
    ['a line without a colon starts the body', 'From: a@example.org\nSubject: hi\nHello there,\nmore\n', 'Hello there,'],
    ['a MIME delimiter starts the body, even with a colon in the boundary', 'Content-Type: multipart/mixed; boundary="=:b"\n--=:b\nContent-Type: text/plain\n\nx\n--=:b--\n', '--=:b'],
    ['a malformed line with a colon stays in the header', 'From: a@example.org\n: leading colon\nSubject: s\n\nbody\n', null],
    ['a leading mbox "From " line is not the body', 'From someone@example.org  Fri Aug 31 13:39:16 2001\nSubject: s\n\nbody\n', null],
    ['a header without any empty line and only fields is all header', 'From: a@example.org\nSubject: s\n', null],
    ['CRLF line breaks', 'Subject: s\r\nNo colon here\r\n', 'No colon here'],
  ];
  for (const [name, text, body] of table) {
    it(name, () => {
      const raw = Buffer.from(text, 'latin1');
      const gap = headerBodyGap(raw);
      if (body === null) assert.equal(gap, -1);
      else assert.equal(raw.toString('latin1', gap, gap + body.length), body);
    });
  }
});

describe('recovering the boundary a multipart really uses (RFC 2046 §5.1.1)', () => {
  const table: Array<[string, string, string | null]> = [
    ['the first delimiter line that appears twice', '\n--real\nContent-Type: text/plain\n\nx\n--real--\n', 'real'],
    ['delimiters written without the leading "--"', 'preamble\n------=_Part_1\n\nx\n------=_Part_1--\n', '----=_Part_1'],
    ['a signature separator is no delimiter', 'text\n-- \nsig\n-- \n', null],
    ['a delimiter seen only once is no delimiter', '--once\nContent-Type: text/plain\n\nx\n', null],
    ['quotes cannot be in a boundary', '--a"b\n\n--a"b--\n', null],
  ];
  for (const [name, body, boundary] of table) {
    it(name, () => assert.equal(recoverBoundary(Buffer.from(body, 'latin1'), 0), boundary));
  }
});

describe('the filter reads malformed MIME as a forgiving client shows it', () => {
  it('finds the parts of a multipart whose header lacks its empty line', () => {
    const v = view(crlf('From: a@example.org\nContent-Type: multipart/alternative;\n boundary="--x=:1"\n \n----x=:1\nContent-Type: text/plain\n\nCheap watches for sale\n----x=:1--\n'));
    assert.match(v.text(), /Cheap watches for sale/);
    assert.ok(v.defects().some((d) => /no empty line after the header/.test(d)));
  });
  it('reads the parts under the boundary the body uses when a second Content-Type declares another', () => {
    const v = view(crlf('From: a@example.org\nContent-Type: multipart/related; boundary=bar\nContent-Type: multipart/alternative; boundary="foo"\nX-UID: 1\n--foo\nContent-Type: text/html\n\n<p>Buy <b>now</b></p>\n--foo--\n'));
    assert.match(v.text(), /Buy now/);
    assert.match(v.htmlText(), /Buy now/);
    assert.ok(v.defects().some((d) => /not the declared one/.test(d)));
  });
  it('shows the body as text when no part can be found at all', () => {
    const v = view(crlf('From: a@example.org\nContent-Type: multipart/mixed; boundary=nowhere\n\nJust some words.\n'));
    assert.match(v.text(), /Just some words/);
    assert.ok(v.defects().some((d) => /without any body part/.test(d)));
  });
  it('finds no defect in well-formed mail, and none in a missing close delimiter alone', () => {
    assert.deepEqual(view(crlf('From: a@example.org\nSubject: s\n\nbody\n')).defects(), []);
    assert.deepEqual(view(crlf('Content-Type: multipart/mixed; boundary=b\n\n--b\nContent-Type: text/plain\n\nx\n')).defects(), []);
  });
  it('keeps the text and HTML alternatives apart', () => {
    const v = view(crlf('Content-Type: multipart/alternative; boundary=b\n\n--b\nContent-Type: text/plain\n\nplain words\n--b\nContent-Type: text/html\n\n<p>html words</p>\n--b--\n'));
    assert.equal(v.plainText().trim(), 'plain words');
    assert.equal(v.htmlText().trim(), 'html words');
  });
});
