// mbox parsing as tables: separators, quoting, dates, client status headers,
// and hostile or truncated input.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { after, describe, test } from 'node:test';
import { MboxUnquote, flagsFromHeaders, fromLineDate, scanMbox, unquoteBuffer } from './mbox-format.ts';

const dir = mkdtempSync(join(tmpdir(), 'stoa-mbox-unit-'));
after(() => rmSync(dir, { recursive: true, force: true }));

async function bodies(text: string | Buffer): Promise<string[]> {
  const path = join(dir, `m${Math.random()}`);
  writeFileSync(path, text);
  const data = typeof text === 'string' ? Buffer.from(text, 'latin1') : text;
  const out: string[] = [];
  for await (const e of scanMbox(path)) out.push(data.subarray(e.bodyStart, e.end).toString('latin1'));
  return out;
}

describe('mbox message boundaries', () => {
  const cases: [string, string, string[]][] = [
    ['two messages separated by a blank line', 'From a Mon Jan  6 10:00:00 2025\nA: 1\n\nx\n\nFrom b Mon Jan  6 10:00:00 2025\nB: 2\n\ny\n', ['A: 1\n\nx\n', 'B: 2\n\ny\n']],
    ['CRLF line endings', 'From a Mon Jan  6 10:00:00 2025\r\nA: 1\r\n\r\nx\r\n\r\nFrom b Mon Jan  6 10:00:00 2025\r\nB: 2\r\n\r\ny\r\n\r\n', ['A: 1\r\n\r\nx\r\n', 'B: 2\r\n\r\ny\r\n']],
    ['a quoted >From line is not a separator', 'From a Mon Jan  6 10:00:00 2025\nA: 1\n\n>From here\n', ['A: 1\n\n>From here\n']],
    ['an undated "From " line without a blank line before is body text', 'From a Mon Jan  6 10:00:00 2025\nA: 1\n\nline\nFrom me to you\n', ['A: 1\n\nline\nFrom me to you\n']],
    ['a dated From line without a blank line before still separates (mboxo writers)', 'From a Mon Jan  6 10:00:00 2025\nA: 1\n\nx\nFrom b Tue Jan  7 10:00:00 2025\nB: 2\n', ['A: 1\n\nx\n', 'B: 2\n']],
    ['an empty file has no messages', '', []],
    ['text without any From line has no messages', 'Subject: stray\n\nbody\n', []],
    ['a file cut in the middle keeps what is there', 'From a Mon Jan  6 10:00:00 2025\nA: 1\n\npartial bo', ['A: 1\n\npartial bo']],
    ['an unfinished "From " line at the very end stays with the message (it is no separator yet)', 'From a Mon Jan  6 10:00:00 2025\nA: 1\n\nx\n\nFrom b', ['A: 1\n\nx\n\nFrom b']],
  ];
  for (const [name, input, expected] of cases) {
    test(name, async () => assert.deepEqual(await bodies(input), expected));
  }

  test('separators are found across read-chunk boundaries (1 MiB chunks)', async () => {
    const filler = 'x'.repeat(1024 * 1024 - 40);
    const text = `From a Mon Jan  6 10:00:00 2025\nA: 1\n\n${filler}\n\nFrom b Mon Jan  6 10:00:00 2025\nB: 2\n\ny\n`;
    const out = await bodies(text);
    assert.equal(out.length, 2);
    assert.equal(out[1], 'B: 2\n\ny\n');
  });

  test('binary garbage and NUL bytes do not confuse the scan', async () => {
    const garbage = Buffer.concat([Buffer.from('From a Mon Jan  6 10:00:00 2025\n'), Buffer.from([0, 255, 10, 0, 13, 10]), Buffer.from('\nFrom b Mon Jan  6 10:00:00 2025\nB: 2\n')]);
    assert.equal((await bodies(garbage)).length, 2);
  });
});

describe('mbox dates, quoting and flags', () => {
  const dates: [string, string | null][] = [
    ['From MAILER-DAEMON Thu Nov 27 10:00:00 2025', '2025-11-27T10:00:00.000Z'],
    ['From a@b.c Mon Jul  4 12:34:56 +0200 2022', '2022-07-04T10:34:56.000Z'],
    ['From 1657894561234567890@xxx Thu Jul 14 12:34:56 +0000 2022', '2022-07-14T12:34:56.000Z'],
    ['From nobody', null],
    ['From here to eternity', null],
    ['From a@b.c garbage 99:99 2025', null],
  ];
  for (const [line, iso] of dates) test(`the date of "${line}"`, () => assert.equal(fromLineDate(line)?.toISOString() ?? null, iso));

  const quoted: [string, string, string][] = [
    ['one level removed', '>From x\n', 'From x\n'],
    ['several levels lose one', '>>>From x\n', '>>From x\n'],
    ['only at line starts', 'a >From x\n>From y\n', 'a >From x\nFrom y\n'],
    ['other quoted lines stay', '> quoted\n>Frome\n', '> quoted\n>Frome\n'],
    ['CRLF lines', '>From x\r\n', 'From x\r\n'],
  ];
  for (const [name, input, out] of quoted) test(`mboxrd unquoting: ${name}`, () => assert.equal(unquoteBuffer(Buffer.from(input)).toString(), out));

  test('the streaming unquote gives the same bytes however the input is cut', async () => {
    const input = 'Subject: x\n\n>From a\nbody >From b\n>>From c\n';
    for (let cut = 1; cut < input.length; cut++) {
      const out: Buffer[] = [];
      for await (const c of Readable.from([Buffer.from(input.slice(0, cut)), Buffer.from(input.slice(cut))]).pipe(new MboxUnquote())) out.push(c as Buffer);
      assert.equal(Buffer.concat(out).toString(), 'Subject: x\n\nFrom a\nbody >From b\n>From c\n', `cut at ${cut}`);
    }
  });

  const flags: [string, string[], string[]][] = [
    ['Status: RO', ['\\Seen'], []],
    ['Status: O', [], []],
    ['X-Status: AFT', ['\\Answered', '\\Flagged', '\\Draft'], []],
    ['X-Mozilla-Status: 1007', ['\\Seen', '\\Answered', '\\Flagged'], ['$Forwarded']],
    ['X-Mozilla-Status: 0008', ['\\Deleted'], []],
    ['X-Mozilla-Status: zzzz', [], []],
    ['X-Keywords: $Label1, Work\nX-Mozilla-Keys: later', [], ['$Label1', 'Work', 'later']],
  ];
  for (const [headers, f, k] of flags) {
    test(`flags of "${headers.replace(/\n/g, ' | ')}"`, () => assert.deepEqual(flagsFromHeaders(Buffer.from(`${headers}\nSubject: x\n\nStatus: RO\n`)), { flags: f, keywords: k }));
  }
});
