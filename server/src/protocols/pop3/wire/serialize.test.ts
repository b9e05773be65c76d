// Responses as RFC 1939 §3 and RFC 2449 §8 print them, the RETR/TOP encoder
// (CRLF, byte-stuffing, TOP line counting) and the SASL decoders.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MessageEncoder, pop3Octets } from './message-encoder.ts';
import { decodeLoginField, decodePlain } from '../../wire/sasl.ts';
import { multiLine, saslChallenge, statusLine } from './serialize.ts';

describe('POP3 response serializer', () => {
  const table: [Buffer, string][] = [
    [statusLine(true, 'POP3 server ready'), '+OK POP3 server ready\r\n'],
    [statusLine(true, ''), '+OK\r\n'],
    [statusLine(false, 'no such message'), '-ERR no such message\r\n'],
    [statusLine(false, 'Mailbox is locked by another session', 'IN-USE'), '-ERR [IN-USE] Mailbox is locked by another session\r\n'],
    [statusLine(false, 'Authentication failed', 'AUTH'), '-ERR [AUTH] Authentication failed\r\n'],
    [statusLine(false, 'bad\r\ninjected'), '-ERR bad injected\r\n'],
    [multiLine('2 messages (320 octets)', ['1 120', '2 200']), '+OK 2 messages (320 octets)\r\n1 120\r\n2 200\r\n.\r\n'],
    [multiLine('Capability list follows', ['TOP', 'USER', '.odd']), '+OK Capability list follows\r\nTOP\r\nUSER\r\n..odd\r\n.\r\n'],
    [saslChallenge(Buffer.from('Username:')), '+ VXNlcm5hbWU6\r\n'],
    [saslChallenge(Buffer.alloc(0)), '+ \r\n'],
  ];
  for (const [bytes, expected] of table) {
    it(`writes ${JSON.stringify(expected)}`, () => assert.equal(bytes.toString('utf8'), expected));
  }
});

function encode(message: string, bodyLines: number | null = null, chunk = 1e9): { out: string; octets: number } {
  const encoder = new MessageEncoder(bodyLines);
  const input = Buffer.from(message, 'latin1');
  const parts: Buffer[] = [];
  for (let i = 0; i < input.length; i += chunk) parts.push(encoder.push(input.subarray(i, i + chunk)));
  parts.push(encoder.finish());
  return { out: Buffer.concat(parts).toString('latin1'), octets: encoder.octets };
}

describe('RETR and TOP encoder', () => {
  const retr: [string, string, string][] = [
    ['CRLF message passes unchanged', 'Subject: a\r\n\r\nbody\r\n', 'Subject: a\r\n\r\nbody\r\n.\r\n'],
    ['bare LF becomes CRLF', 'Subject: a\n\nbody\n', 'Subject: a\r\n\r\nbody\r\n.\r\n'],
    ['bare CR becomes CRLF', 'Subject: a\r\rbody\r', 'Subject: a\r\n\r\nbody\r\n.\r\n'],
    ['an unterminated last line is terminated', 'Subject: a\r\n\r\nbody', 'Subject: a\r\n\r\nbody\r\n.\r\n'],
    ['a leading dot is stuffed (RFC 1939 §3)', 'S: a\r\n\r\n.\r\n..x\r\n.\r\nend\r\n', 'S: a\r\n\r\n..\r\n...x\r\n..\r\nend\r\n.\r\n'],
    ['dots inside lines are not stuffed', 'S: a\r\n\r\na.b.\r\n', 'S: a\r\n\r\na.b.\r\n.\r\n'],
    ['an empty message is just the terminator', '', '.\r\n'],
  ];
  for (const [name, input, expected] of retr) {
    it(name, () => {
      assert.equal(encode(input).out, expected);
      // Any chunking gives the same bytes: the state carries across chunk borders.
      for (const size of [1, 2, 3]) assert.equal(encode(input, null, size).out, expected);
    });
  }

  it('counts octets as sent, without stuffing or terminator', () => {
    assert.equal(encode('S: a\n\n.x\n').octets, 'S: a\r\n\r\n.x\r\n'.length);
    assert.equal(pop3Octets([Buffer.from('S: a\r\n\r\nbody')]), 'S: a\r\n\r\nbody\r\n'.length);
  });

  const message = 'From: a\r\nSubject: b\r\n\r\nline 1\r\n.line 2\r\nline 3\r\n';
  const top: [number, string][] = [
    [0, 'From: a\r\nSubject: b\r\n\r\n.\r\n'],
    [1, 'From: a\r\nSubject: b\r\n\r\nline 1\r\n.\r\n'],
    [2, 'From: a\r\nSubject: b\r\n\r\nline 1\r\n..line 2\r\n.\r\n'],
    [3, 'From: a\r\nSubject: b\r\n\r\nline 1\r\n..line 2\r\nline 3\r\n.\r\n'],
    [99, 'From: a\r\nSubject: b\r\n\r\nline 1\r\n..line 2\r\nline 3\r\n.\r\n'],
  ];
  for (const [n, expected] of top) {
    it(`TOP with ${n} body lines sends the header, the blank line and ${n} lines (RFC 1939 §7)`, () => {
      assert.equal(encode(message, n).out, expected);
      assert.equal(encode(message, n, 1).out, expected);
    });
  }
  it('TOP of a message without a body sends the whole header', () => {
    assert.equal(encode('From: a\r\nSubject: b', 0).out, 'From: a\r\nSubject: b\r\n.\r\n');
  });
});

describe('SASL decoders', () => {
  it('decodes PLAIN with and without authzid (RFC 4616 §2)', () => {
    assert.deepEqual(decodePlain(Buffer.from('\0tim\0tanstaaftanstaaf')), { ok: true, authzid: '', username: 'tim', password: 'tanstaaftanstaaf' });
    assert.deepEqual(decodePlain(Buffer.from('Ursel\0Kurt\0xipj3plmq')), { ok: true, authzid: 'Ursel', username: 'Kurt', password: 'xipj3plmq' });
  });
  const badPlain: [string, Buffer][] = [
    ['no separators', Buffer.from('timpassword')],
    ['one separator', Buffer.from('tim\0password')],
    ['three separators', Buffer.from('\0tim\0pass\0word')],
    ['empty password', Buffer.from('\0tim\0')],
    ['empty user', Buffer.from('\0\0pass')],
    ['invalid UTF-8', Buffer.from([0, 0x74, 0, 0xff])],
    ['an over-long field', Buffer.from(`\0${'u'.repeat(256)}\0p`)],
  ];
  for (const [name, data] of badPlain) {
    it(`refuses PLAIN with ${name}`, () => assert.equal(decodePlain(data).ok, false));
  }
  it('decodes LOGIN fields and refuses NUL or empty ones', () => {
    assert.equal(decodeLoginField(Buffer.from('alice@example.org')), 'alice@example.org');
    assert.equal(decodeLoginField(Buffer.alloc(0)), null);
    assert.equal(decodeLoginField(Buffer.from('a\0b')), null);
  });
});
