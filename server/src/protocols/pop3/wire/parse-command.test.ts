// Parser tables: the command lines of RFC 1939 §§4–7 and its examples,
// RFC 2449 (CAPA), RFC 2595 (STLS), RFC 5034 (AUTH) and RFC 6856 (UTF8),
// then hostile input.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ParseErrorCode, Pop3Command } from './command-types.ts';
import { LineReader } from './line-reader.ts';
import { parseCommand, parseSaslLine } from './parse-command.ts';

const ok: [string, Pop3Command][] = [
  ['USER mrose', { verb: 'USER', name: 'mrose' }],
  ['user mrose@example.org', { verb: 'USER', name: 'mrose@example.org' }],
  ['PASS secret', { verb: 'PASS', password: 'secret' }],
  // RFC 1939 §7: the password may contain spaces; it is the rest of the line.
  ['PASS my secret  words ', { verb: 'PASS', password: 'my secret  words ' }],
  ['PASS pässwört', { verb: 'PASS', password: 'pässwört' }],
  ['STAT', { verb: 'STAT' }],
  ['LIST', { verb: 'LIST', msg: null }],
  ['LIST 2', { verb: 'LIST', msg: 2 }],
  ['list 3 ', { verb: 'LIST', msg: 3 }],
  ['RETR 1', { verb: 'RETR', msg: 1 }],
  ['DELE 1', { verb: 'DELE', msg: 1 }],
  ['NOOP', { verb: 'NOOP' }],
  ['RSET', { verb: 'RSET' }],
  ['QUIT', { verb: 'QUIT' }],
  ['TOP 1 10', { verb: 'TOP', msg: 1, lines: 10 }],
  ['TOP 1 0', { verb: 'TOP', msg: 1, lines: 0 }],
  ['UIDL', { verb: 'UIDL', msg: null }],
  ['UIDL 2', { verb: 'UIDL', msg: 2 }],
  ['CAPA', { verb: 'CAPA' }],
  ['STLS', { verb: 'STLS' }],
  ['UTF8', { verb: 'UTF8' }],
  ['AUTH', { verb: 'AUTH', mechanism: null, initialResponse: null }],
  ['AUTH PLAIN', { verb: 'AUTH', mechanism: 'PLAIN', initialResponse: null }],
  ['AUTH plain dGVzdAB0ZXN0AHRlc3Q=', { verb: 'AUTH', mechanism: 'PLAIN', initialResponse: 'dGVzdAB0ZXN0AHRlc3Q=' }],
  ['AUTH PLAIN =', { verb: 'AUTH', mechanism: 'PLAIN', initialResponse: '=' }],
  ['AUTH LOGIN', { verb: 'AUTH', mechanism: 'LOGIN', initialResponse: null }],
  ['AUTH X-UNKNOWN', { verb: 'AUTH', mechanism: 'X-UNKNOWN', initialResponse: null }],
];

const bad: [string, ParseErrorCode][] = [
  ['', 'empty'],
  ['XYZZY', 'unknown-command'],
  ['APOP mrose c4c9334bac560ecc979e58001b3e22fb', 'unknown-command'],
  ['LAST', 'unknown-command'],
  ['RETRX 1', 'unknown-command'],
  ['RETR', 'bad-arguments'],
  ['RETR 0', 'bad-arguments'],
  ['RETR -1', 'bad-arguments'],
  ['RETR +1', 'bad-arguments'],
  ['RETR 1 2', 'bad-arguments'],
  ['RETR one', 'bad-arguments'],
  ['RETR 12345678901', 'bad-arguments'],
  ['RETR  1', 'bad-arguments'],
  ['DELE', 'bad-arguments'],
  ['LIST 1 2', 'bad-arguments'],
  ['LIST 0x1', 'bad-arguments'],
  ['TOP 1', 'bad-arguments'],
  ['TOP 1 -1', 'bad-arguments'],
  ['TOP x 1', 'bad-arguments'],
  ['STAT 1', 'bad-arguments'],
  ['QUIT now', 'bad-arguments'],
  ['CAPA X', 'bad-arguments'],
  ['USER', 'bad-arguments'],
  ['USER  ', 'bad-arguments'],
  ['PASS', 'bad-arguments'],
  ['AUTH PLAIN not*base64', 'bad-arguments'],
  ['AUTH PLAIN abc', 'bad-arguments'],
  ['AUTH PL@IN', 'bad-arguments'],
  ['AUTH PLAIN a b', 'bad-arguments'],
  ['NOOP\0', 'bad-bytes'],
  ['US\0ER x', 'bad-bytes'],
  ['PASS a\tb', 'bad-bytes'],
  ['NOOP\x7f', 'bad-bytes'],
  [`LIST ${'1'.repeat(41)}`, 'bad-arguments'],
];

describe('POP3 command parser', () => {
  for (const [line, expected] of ok) {
    it(`parses ${JSON.stringify(line)}`, () => {
      assert.deepEqual(parseCommand(Buffer.from(line)), { ok: true, command: expected });
    });
  }
  for (const [line, code] of bad) {
    it(`rejects ${JSON.stringify(line.slice(0, 60))} as ${code}`, () => {
      const result = parseCommand(Buffer.from(line));
      assert.equal(result.ok, false);
      if (!result.ok) assert.equal(result.error.code, code);
    });
  }
  it('rejects invalid UTF-8 without echoing it', () => {
    const result = parseCommand(Buffer.from([0x55, 0x53, 0x45, 0x52, 0x20, 0xff, 0xfe]));
    assert.deepEqual(result, { ok: false, error: { code: 'bad-bytes', message: 'command is not valid UTF-8' } });
  });
});

describe('SASL response lines (RFC 5034 §4)', () => {
  const table: [string, ReturnType<typeof parseSaslLine>][] = [
    ['*', { kind: 'cancel' }],
    ['=', { kind: 'data', data: Buffer.alloc(0) }],
    ['', { kind: 'data', data: Buffer.alloc(0) }],
    ['dGltbWF5', { kind: 'data', data: Buffer.from('timmay') }],
    ['dGltbWF5!', { kind: 'bad' }],
    ['abc', { kind: 'bad' }],
  ];
  for (const [line, expected] of table) {
    it(`reads ${JSON.stringify(line)}`, () => assert.deepEqual(parseSaslLine(Buffer.from(line)), expected));
  }
});

describe('line reader', () => {
  const lines = (events: ReturnType<LineReader['push']>): string[] =>
    events.map((e) => (e.kind === 'line' ? e.line.toString() : '<too-long>'));

  it('frames lines split anywhere, CRLF or bare LF', () => {
    const reader = new LineReader(255);
    const input = Buffer.from('USER a\r\nPASS b\nST');
    const out: string[] = [];
    for (let i = 0; i < input.length; i++) out.push(...lines(reader.push(input.subarray(i, i + 1))));
    assert.deepEqual(out, ['USER a', 'PASS b']);
    assert.deepEqual(lines(reader.push(Buffer.from('AT\r\n'))), ['STAT']);
  });

  it('returns every pipelined command of one chunk (RFC 2449 §6.6)', () => {
    const reader = new LineReader(255);
    assert.deepEqual(lines(reader.push(Buffer.from('STAT\r\nLIST\r\nUIDL\r\nQUIT\r\n'))), ['STAT', 'LIST', 'UIDL', 'QUIT']);
  });

  it('reports an over-long line once, holds none of it, and resynchronises', () => {
    const reader = new LineReader(16);
    const events = [...reader.push(Buffer.from('NOOP ' + 'x'.repeat(10))), ...reader.push(Buffer.from('y'.repeat(100_000)))];
    assert.deepEqual(lines(events), ['<too-long>']);
    assert.ok(reader.pending <= 17);
    assert.deepEqual(lines(reader.push(Buffer.from('zzz\r\nNOOP\r\n'))), ['NOOP']);
  });

  it('accepts a line of exactly the limit with its CRLF split across chunks', () => {
    const reader = new LineReader(4);
    assert.deepEqual(lines(reader.push(Buffer.from('STAT\r'))), []);
    assert.deepEqual(lines(reader.push(Buffer.from('\n'))), ['STAT']);
    assert.deepEqual(lines(reader.push(Buffer.from('STATS\r\n'))), ['<too-long>']);
  });

  it('forgets buffered plaintext on reset (RFC 2595 §4 STLS injection)', () => {
    const reader = new LineReader(255);
    reader.push(Buffer.from('STLS\r\nUSER evil'));
    reader.reset();
    assert.deepEqual(lines(reader.push(Buffer.from('\r\nCAPA\r\n'))), ['', 'CAPA']);
  });
});
