// RFC 4180 as spreadsheets write it, and what they get wrong.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CsvError, parseCsv } from './csv.ts';

const ok: Array<[string, string, Array<[number, string[]]>]> = [
  ['plain rows, LF', 'a,b\n1,2\n', [[1, ['a', 'b']], [2, ['1', '2']]]],
  ['CRLF and no final newline', 'a,b\r\n1,2', [[1, ['a', 'b']], [2, ['1', '2']]]],
  ['empty fields', 'a,,c\n,,\n', [[1, ['a', '', 'c']], [2, ['', '', '']]]],
  ['quoted comma, quote and line break', 'x,"a,b","say ""hi""","two\nlines"\nnext\n', [[1, ['x', 'a,b', 'say "hi"', 'two\nlines']], [3, ['next']]]],
  ['byte order mark', '\ufeffaddress\nbob@example.com\n', [[1, ['address']], [2, ['bob@example.com']]]],
  ['blank lines skipped', 'a\n\n\nb\n', [[1, ['a']], [4, ['b']]]],
  ['non-ASCII kept as is', 'jürgen@münchen.example,Jürgen\n', [[1, ['jürgen@münchen.example', 'Jürgen']]]],
  ['lone CR ends a record', 'a\rb\r', [[1, ['a']], [2, ['b']]]],
  ['empty text', '', []],
];

test('CSV records and their first line', () => {
  for (const [name, text, expected] of ok) {
    assert.deepEqual(parseCsv(text).map((r) => [r.line, r.fields]), expected, name);
  }
});

const bad: Array<[string, string, RegExp]> = [
  ['unterminated quote', 'a,"b\nc\n', /^line 1: a quoted field is not closed/],
  ['text after a closing quote', 'a,"b"c\n', /^line 1: text after a closing quote/],
  ['bare quote in a field', 'a,b"c\n', /^line 1: a quote inside an unquoted field/],
  ['error on a later line', 'ok\nfine\nx,"y\n', /^line 3: a quoted field is not closed/],
  ['oversized field', `a,${'x'.repeat(70_000)}\n`, /^line 1: a field is longer than 65536 characters/],
  ['oversized quoted field', `"${'x'.repeat(70_000)}"\n`, /^line 1: a field is longer than 65536 characters/],
];

test('malformed CSV is refused with the line it starts on', () => {
  for (const [name, text, message] of bad) {
    assert.throws(() => parseCsv(text), (err: unknown) => err instanceof CsvError && message.test(err.message), name);
  }
});
