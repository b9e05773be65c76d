// ManageSieve wire tables: client commands from RFC 5804's examples (§2)
// split at every byte, malformed, truncated, oversized and hostile input,
// and the server's responses as the RFC shows them.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LineReader, type ReaderEvent } from './line-reader.ts';
import { parseCommand, parseSaslLine, type ParsedCommand } from './parse-command.ts';
import { capabilityLines, response, saslChallenge, scriptBody, scriptList, sieveString } from './serialize.ts';

const LIMITS = { maxLine: 1024, maxLiteral: 4096, maxLineLiterals: 8192 };

function read(input: string | Buffer, chunk = Infinity): ReaderEvent[] {
  const reader = new LineReader(LIMITS);
  const bytes = Buffer.from(input);
  const events: ReaderEvent[] = [];
  for (let i = 0; i < bytes.length; i += chunk === Infinity ? bytes.length : chunk) events.push(...reader.push(bytes.subarray(i, i + (chunk === Infinity ? bytes.length : chunk))));
  return events;
}

function commands(input: string | Buffer): ParsedCommand[] {
  return read(input).map((e) => (e.kind === 'line' ? parseCommand(e.tokens) : { ok: false as const, message: e.message, verb: null }));
}

const valid: [string, string, unknown][] = [
  // RFC 5804 §2.1 (with PLAIN, as in §2.1.1's first example)
  ['§2.1 AUTHENTICATE PLAIN with an initial response', 'Authenticate "PLAIN" "QJIrweAPyo6Q1T9xu"\r\n', { verb: 'AUTHENTICATE', mechanism: 'PLAIN', initial: Buffer.from('QJIrweAPyo6Q1T9xu') }],
  ['§2.1 AUTHENTICATE with a literal', 'AUTHENTICATE "PLAIN" {20+}\r\nAHRlc3QAdGVzdHBhc3M=\r\n', { verb: 'AUTHENTICATE', mechanism: 'PLAIN', initial: Buffer.from('AHRlc3QAdGVzdHBhc3M=') }],
  ['§2.1 AUTHENTICATE without initial response', 'AUTHENTICATE "LOGIN"\r\n', { verb: 'AUTHENTICATE', mechanism: 'LOGIN', initial: null }],
  ['§2.2 STARTTLS', 'StartTls\r\n', { verb: 'STARTTLS' }],
  ['§2.3 LOGOUT', 'Logout\r\n', { verb: 'LOGOUT' }],
  ['§2.4 CAPABILITY', 'CAPABILITY\r\n', { verb: 'CAPABILITY' }],
  ['§2.5 HAVESPACE', 'HAVESPACE "myscript" 999999\r\n', { verb: 'HAVESPACE', name: 'myscript', size: 999999 }],
  ['§2.6 PUTSCRIPT with a literal', 'Putscript "foo" {31+}\r\n#comment\r\nInvalidSieveCommand\r\n\r\n', { verb: 'PUTSCRIPT', name: 'foo', content: '#comment\r\nInvalidSieveCommand\r\n' }],
  ['§2.6 PUTSCRIPT with a synchronising literal', 'PUTSCRIPT "mysievescript" {9}\r\nkeep;\r\n\r\n\r\n', { verb: 'PUTSCRIPT', name: 'mysievescript', content: 'keep;\r\n\r\n' }],
  ['§2.6 PUTSCRIPT with a quoted script', 'PUTSCRIPT "a" "keep;"\r\n', { verb: 'PUTSCRIPT', name: 'a', content: 'keep;' }],
  ['§2.7 LISTSCRIPTS', 'Listscripts\r\n', { verb: 'LISTSCRIPTS' }],
  ['§2.8 SETACTIVE', 'Setactive "vacationscript"\r\n', { verb: 'SETACTIVE', name: 'vacationscript' }],
  ['§2.8 SETACTIVE "" deactivates', 'SETACTIVE ""\r\n', { verb: 'SETACTIVE', name: '' }],
  ['§2.9 GETSCRIPT', 'Getscript "myscript"\r\n', { verb: 'GETSCRIPT', name: 'myscript' }],
  ['§2.10 DELETESCRIPT', 'Deletescript "foo"\r\n', { verb: 'DELETESCRIPT', name: 'foo' }],
  ['§2.11.1 RENAMESCRIPT', 'Renamescript "foo" "bar"\r\n', { verb: 'RENAMESCRIPT', from: 'foo', to: 'bar' }],
  ['§2.12 CHECKSCRIPT', 'CheckScript {31+}\r\n#comment\r\nInvalidSieveCommand\r\n\r\n', { verb: 'CHECKSCRIPT', content: '#comment\r\nInvalidSieveCommand\r\n' }],
  ['§2.13 NOOP with a tag', 'NOOP "STARTTLS-SYNC-42"\r\n', { verb: 'NOOP', tag: 'STARTTLS-SYNC-42' }],
  ['§2.14.1 UNAUTHENTICATE', 'UNAUTHENTICATE\r\n', { verb: 'UNAUTHENTICATE' }],
  ['escapes in quoted strings', 'GETSCRIPT "a\\"b\\\\c"\r\n', { verb: 'GETSCRIPT', name: 'a"b\\c' }],
  ['UTF-8 script names', 'GETSCRIPT "Régles été"\r\n', { verb: 'GETSCRIPT', name: 'Régles été' }],
  ['a bare LF ends a line', 'LOGOUT\n', { verb: 'LOGOUT' }],
];

const invalid: [string, string | Buffer, RegExp][] = [
  ['unknown command', 'FROB\r\n', /Unknown command/],
  ['missing argument', 'GETSCRIPT\r\n', /takes 1 argument/],
  ['too many arguments', 'LOGOUT "now"\r\n', /takes 0 argument/],
  ['a number where a string is needed', 'GETSCRIPT 42\r\n', /must be a string/],
  ['a string where a number is needed', 'HAVESPACE "a" "10"\r\n', /must be a number/],
  ['a script name with a control character', 'GETSCRIPT "a\tb"\r\n', /Invalid script name/],
  ['a script name with a slash', 'PUTSCRIPT "../x" "keep;"\r\n', /Invalid script name/],
  ['a script that is not UTF-8', Buffer.concat([Buffer.from('PUTSCRIPT "a" {2+}\r\n'), Buffer.from([0xff, 0xfe]), Buffer.from('\r\n')]), /not UTF-8/],
  ['a bad escape', 'GETSCRIPT "a\\nb"\r\n', /may be escaped/],
  ['a CR without LF', 'LOGOUT\rX\r\n', /CR without LF/],
  ['a bad literal', 'PUTSCRIPT "a" {x+}\r\n', /bad literal/],
  ['a literal size not at the end of the line', 'PUTSCRIPT "a" {3+} x\r\nabc\r\n', /must end the line/],
  ['a string that starts a command', '"LOGOUT"\r\n', /starts with its name/],
];

describe('ManageSieve command reader and parser', () => {
  for (const [name, input, expected] of valid) {
    it(name, () => {
      for (const chunk of [Infinity, 1, 3]) {
        const [parsed, ...rest] = read(input, chunk).map((e) => (e.kind === 'line' ? parseCommand(e.tokens) : e));
        assert.deepEqual(parsed, { ok: true, command: expected }, `chunk ${chunk}`);
        assert.deepEqual(rest, []);
      }
    });
  }
  for (const [name, input, message] of invalid) {
    it(`refuses ${name}`, () => {
      const [parsed] = commands(input);
      assert.equal(parsed.ok, false);
      assert.match(parsed.ok ? '' : parsed.message, message);
    });
  }

  it('waits for a truncated command and for a literal still arriving', () => {
    const reader = new LineReader(LIMITS);
    assert.deepEqual(reader.push(Buffer.from('PUTSCRIPT "a" {10+}\r\nkeep')), []);
    assert.deepEqual(reader.push(Buffer.from(';\r\n')), []);
    const [line] = reader.push(Buffer.from('abc\r\n'));
    assert.equal(line.kind, 'line');
  });

  it('answers pipelined commands in order', () => {
    assert.deepEqual(commands('NOOP\r\nLISTSCRIPTS\r\nLOGOUT\r\n').map((c) => c.ok && c.command.verb), ['NOOP', 'LISTSCRIPTS', 'LOGOUT']);
  });

  it('skips an over-long literal without reading its octets as commands', () => {
    const huge = 'LOGOUT\r\n'.repeat(1000);
    const events = read(`PUTSCRIPT "a" {${huge.length}+}\r\n${huge}\r\nNOOP\r\n`, 100);
    assert.deepEqual(events.map((e) => (e.kind === 'bad' ? e.reason : e.tokens[0]?.kind === 'atom' ? e.tokens[0].text : '?')), ['literal-too-large', 'NOOP']);
  });

  it('cuts a line that never ends and recovers at the next one', () => {
    const events = read(`NOOP "${'x'.repeat(20_000)}`, 512);
    assert.deepEqual(events.map((e) => e.kind === 'bad' && e.reason), ['line-too-long']);
  });

  it('refuses quoted strings over 1024 octets', () => {
    const [parsed] = commands(`GETSCRIPT "${'a'.repeat(1025)}"\r\n`);
    assert.equal(parsed.ok, false);
  });

  it('reads SASL response lines, "*" as a cancel', () => {
    const line = (s: string) => parseSaslLine((read(s)[0] as Extract<ReaderEvent, { kind: 'line' }>).tokens);
    assert.deepEqual(line('"dGVzdA=="\r\n'), { kind: 'data', data: Buffer.from('test') });
    assert.deepEqual(line('{8+}\r\ndGVzdA==\r\n'), { kind: 'data', data: Buffer.from('test') });
    assert.deepEqual(line('"*"\r\n'), { kind: 'cancel' });
    assert.deepEqual(line('"not base64!"\r\n'), { kind: 'bad' });
    assert.deepEqual(line('"a" "b"\r\n'), { kind: 'bad' });
  });
});

describe('ManageSieve serializer', () => {
  const table: [string, Buffer, string][] = [
    ['§1.2 OK', response('OK'), 'OK\r\n'],
    ['§2.6 NO with text', response('NO', 'line 2: Syntax error'), 'NO "line 2: Syntax error"\r\n'],
    ['§1.3 NO (QUOTA/MAXSIZE)', response('NO', 'Quota exceeded', 'QUOTA/MAXSIZE'), 'NO (QUOTA/MAXSIZE) "Quota exceeded"\r\n'],
    ['§2.13 OK (TAG …)', response('OK', 'Done', { tag: 'STARTTLS-SYNC-42' }), 'OK (TAG "STARTTLS-SYNC-42") "Done"\r\n'],
    ['§1.4 a multi-line text becomes a literal', response('NO', 'line 1\r\nline 2'), 'NO {14}\r\nline 1\r\nline 2\r\n'],
    ['§2.7 LISTSCRIPTS lines', scriptList([{ name: 'summer_script', active: false }, { name: 'vac"ation', active: true }]), '"summer_script"\r\n"vac\\"ation" ACTIVE\r\n'],
    ['§2.9 GETSCRIPT literal', scriptBody('keep;\r\n'), '{7}\r\nkeep;\r\n\r\n'],
    ['§1.7 capabilities', capabilityLines([['IMPLEMENTATION', 'Stoa'], ['STARTTLS', null]]), '"IMPLEMENTATION" "Stoa"\r\n"STARTTLS"\r\n'],
    ['§2.1 SASL challenge', saslChallenge(Buffer.from('Username:')), '"VXNlcm5hbWU6"\r\n'],
  ];
  for (const [name, bytes, text] of table) {
    it(name, () => assert.equal(bytes.toString('utf8'), text));
  }

  it('counts literal sizes in octets, not characters', () => {
    assert.equal(sieveString(`é${'x'.repeat(1100)}`).split('\r\n')[0], '{1102}');
    assert.equal(scriptBody('été').toString('utf8'), '{5}\r\nété\r\n');
  });
});
