// The incremental reader: framing across arbitrary chunk boundaries,
// synchronizing and non-synchronizing literals (RFC 9051 §4.3, RFC 7888),
// streamed APPEND literals, limits, resynchronisation and raw line mode.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CommandReader, isIdleDone, parseAuthenticateLine } from '../../server/src/protocols/imap/wire/index.ts';
import { readAll, show } from './harness.ts';

const session = 'a1 LOGIN {4}\r\nfred {6+}\r\nsecret\r\na2 SELECT "Sent Items"\r\na3 APPEND INBOX (\\Seen) {5}\r\nhello\r\na4 LOGOUT\r\n';

test('yields the same events wherever the input is split', () => {
  const whole = show(readAll(session));
  for (let size = 1; size <= 17; size++) assert.equal(show(readAll(session, {}, size)), whole, `chunk size ${size}`);
  const kinds = readAll(session).map((e) => (e.kind === 'command' ? e.command.name : e.kind));
  assert.deepEqual(kinds, ['continuation', 'LOGIN', 'SELECT', 'continuation', 'APPEND', 'LOGOUT']);
});

test('asks for a continuation before each synchronizing literal only', () => {
  const events = readAll(session);
  assert.deepEqual(events[0], { kind: 'continuation', tag: 'a1', command: 'LOGIN', size: 4 });
  assert.deepEqual((events[1] as any).command, { tag: 'a1', name: 'LOGIN', username: 'fred', password: 'secret' });
});

test('drops a command whose synchronizing literal the session refused', () => {
  const reader = new CommandReader();
  reader.push(Buffer.from('a1 APPEND Nowhere {10}\r\n'));
  assert.equal(reader.next()?.kind, 'continuation');
  assert.equal(reader.rejectLiteral(), true);
  reader.push(Buffer.from('a2 NOOP\r\n'));
  assert.deepEqual(reader.next(), { kind: 'command', command: { tag: 'a2', name: 'NOOP' } });
});

test('refuses an oversized synchronizing literal without waiting for it', () => {
  const events = readAll('a1 LOGIN {2000000}\r\na2 NOOP\r\n', { maxLiteralSize: 1000 });
  assert.deepEqual(events.map((e) => e.kind), ['error', 'command']);
  assert.deepEqual((events[0] as any).error.tag, 'a1');
  assert.equal((events[0] as any).error.code, 'literal-too-large');
});

test('LITERAL-: rejects a non-synchronizing literal over 4096 bytes and skips its bytes (RFC 7888 §5)', () => {
  const events = readAll(`a1 APPEND INBOX {5000+}\r\n${'x'.repeat(5000)}\r\na2 NOOP\r\n`, { literalMinus: true });
  assert.deepEqual(events.map((e) => e.kind), ['error', 'command']);
  assert.equal((events[0] as any).error.tag, 'a1');
  assert.equal((events[1] as any).command.tag, 'a2');
});

test('skips an oversized non-synchronizing literal and every literal after it in the command', () => {
  const events = readAll(`a1 LOGIN {300+}\r\n${'y'.repeat(300)} {3+}\r\nabc\r\na2 NOOP\r\n`, { maxLiteralSize: 100 }, 7);
  assert.deepEqual(events.map((e) => e.kind), ['error', 'command']);
  assert.equal((events[1] as any).command.tag, 'a2');
});

test('streams a large APPEND literal as chunks and still parses the rest of the command', () => {
  const big = Buffer.alloc(300_000, 0x61);
  const input = Buffer.concat([Buffer.from(`a1 APPEND INBOX {5+}\r\nsmall (\\Flagged) {${big.length}}\r\n`), big, Buffer.from('\r\n')]);
  const events = readAll(input, { streamThreshold: 65536 }, 16384);
  const data = events.filter((e) => e.kind === 'literal-data') as Array<{ chunk: Buffer; index: number }>;
  assert.ok(data.length > 1 && data.every((d) => d.chunk.length <= 16384 && d.index === 1));
  assert.ok(Buffer.concat(data.map((d) => d.chunk)).equals(big));
  const kinds = events.filter((e) => e.kind !== 'literal-data').map((e) => e.kind);
  assert.deepEqual(kinds, ['continuation', 'literal-start', 'literal-end', 'command']);
  const command = (events.at(-1) as any).command;
  assert.deepEqual(command.messages[0].data, Buffer.from('small'));
  assert.deepEqual(command.messages[1], { flags: ['\\Flagged'], date: null, data: { kind: 'streamed', index: 1, size: big.length, binary: false }, binary: false, utf8: false });
});

test('rejects a line longer than the limit and resynchronises at the next line', () => {
  const events = readAll(`a1 SEARCH SUBJECT ${'z'.repeat(5000)}\r\na2 NOOP\r\n`, { maxLineLength: 1024 }, 100);
  assert.deepEqual(events.map((e) => e.kind), ['error', 'command']);
  assert.deepEqual([(events[0] as any).error.code, (events[0] as any).error.tag], ['line-too-long', 'a1']);
});

test('never buffers more than the line limit of an endless line', () => {
  const reader = new CommandReader({ maxLineLength: 1024 });
  let errors = 0;
  for (let i = 0; i < 1000; i++) {
    reader.push(Buffer.alloc(4096, 0x41));
    for (let ev = reader.next(); ev; ev = reader.next()) errors++;
    assert.equal(reader.buffered, 0);
  }
  assert.equal(errors, 1);
});

test('refuses a command whose in-memory literals exceed the command size limit', () => {
  const events = readAll(`a1 LOGIN {60+}\r\n${'u'.repeat(60)} {60}\r\n`, { maxCommandSize: 100 });
  const last = events.at(-1);
  assert.equal(last?.kind === 'error' && last.error.code, 'command-too-large');
});

test('reads raw lines for IDLE and AUTHENTICATE, then commands again', () => {
  const reader = new CommandReader();
  reader.push(Buffer.from('a1 IDLE\r\nDONE\r\na2 AUTHENTICATE PLAIN\r\nAGZyZWQAdGVzdA==\r\n*\r\na3 NOOP\r\n'));
  assert.equal((reader.next() as any).command.name, 'IDLE');
  reader.setMode('line');
  assert.ok(isIdleDone((reader.next() as any).line));
  reader.setMode('command');
  assert.equal((reader.next() as any).command.name, 'AUTHENTICATE');
  reader.setMode('line');
  assert.deepEqual(parseAuthenticateLine((reader.next() as any).line), { kind: 'data', data: Buffer.from('\0fred\0test') });
  assert.deepEqual(parseAuthenticateLine((reader.next() as any).line), { kind: 'cancel' });
  reader.setMode('command');
  assert.equal((reader.next() as any).command.name, 'NOOP');
  assert.deepEqual(parseAuthenticateLine(Buffer.from('%%%')), { kind: 'invalid' });
  assert.equal(isIdleDone(Buffer.from('done')), true);
});

test('forgets bytes pipelined before STARTTLS completes (RFC 9051 §6.2.1)', () => {
  const reader = new CommandReader();
  reader.push(Buffer.from('a1 STARTTLS\r\na2 LOGIN injected x\r\n'));
  assert.equal((reader.next() as any).command.name, 'STARTTLS');
  assert.ok(reader.reset() > 0);
  assert.equal(reader.next(), null);
});

test('hands unread bytes over when COMPRESS starts (RFC 4978 §3)', () => {
  const reader = new CommandReader();
  reader.push(Buffer.concat([Buffer.from('a1 COMPRESS DEFLATE\r\n'), Buffer.from([0x78, 0x9c])]));
  assert.equal((reader.next() as any).command.name, 'COMPRESS');
  assert.deepEqual(reader.takeBuffered(), Buffer.from([0x78, 0x9c]));
});

test('tolerates bare LF line ends and ignores empty lines', () => {
  assert.deepEqual(readAll('\r\na1 NOOP\n\na2 NOOP\r\n').map((e) => (e as any).command.tag), ['a1', 'a2']);
});

test('applies UTF8=ACCEPT once the session enables it', () => {
  const reader = new CommandReader();
  reader.setUtf8(true);
  reader.push(Buffer.from('a1 SELECT "Entwürfe"\r\n'));
  assert.equal((reader.next() as any).command.mailbox, 'Entwürfe');
});
