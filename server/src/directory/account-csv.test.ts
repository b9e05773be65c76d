import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MAX_IMPORT_ROWS, parseAccountCsv, parseCsvRecords } from './account-csv.ts';

describe('parseCsvRecords (RFC 4180)', () => {
  const table: Array<[string, string, Array<[number, string[]]> | null]> = [
    ['plain rows, LF', 'a,b\nc,d\n', [[1, ['a', 'b']], [2, ['c', 'd']]]],
    ['CRLF and no final line end', 'a,b\r\nc,d', [[1, ['a', 'b']], [2, ['c', 'd']]]],
    ['quoted comma and doubled quote', '"x, y","say ""hi"""\n', [[1, ['x, y', 'say "hi"']]]],
    ['quoted line break keeps the record on its first line', '"two\nlines",b\nc,d\n', [[1, ['two\nlines', 'b']], [3, ['c', 'd']]]],
    ['blank lines are skipped', 'a\n\n\nb\n', [[1, ['a']], [4, ['b']]]],
    ['byte-order mark from a spreadsheet', '\uFEFFaddress\nx@y.test\n', [[1, ['address']], [2, ['x@y.test']]]],
    ['empty fields', ',,\n', [[1, ['', '', '']]]],
    ['a quote inside an unquoted field is kept', 'a"b,c\n', [[1, ['a"b', 'c']]]],
    ['unterminated quote (truncated file)', 'a,"open\n', null],
    ['empty input', '', []],
  ];
  for (const [name, input, expected] of table) {
    it(name, () => {
      const got = parseCsvRecords(input);
      assert.deepEqual(got === null ? null : got.map((r) => [r.line, r.cells]), expected);
    });
  }
});

describe('parseAccountCsv', () => {
  it('maps columns case-insensitively and converts sizes, numbers, booleans and address lists', () => {
    const r = parseAccountCsv('Address,DISPLAYNAME,quotaBytes,quotaMessages,enabled,forwardTo,keepForwardedCopy\nann@x.test, Ann ,5 GiB,100,yes,a@y.test; b@y.test,no\n');
    assert.ok(r.ok);
    assert.deepEqual(r.rows[0].input, { address: 'ann@x.test', displayName: 'Ann', quotaBytes: 5 * 1024 ** 3, quotaMessages: 100, enabled: true, forwardTo: ['a@y.test', 'b@y.test'], keepForwardedCopy: false });
    assert.deepEqual(r.rows[0].errors, []);
  });

  it('keeps passwords exactly as written (spaces included)', () => {
    const r = parseAccountCsv('address,password\nann@x.test, pass word \n');
    assert.ok(r.ok);
    assert.equal(r.rows[0].input.password, ' pass word ');
  });

  it('reports bad cells per field without dropping the row', () => {
    const r = parseAccountCsv('address,quotaBytes,quotaMessages,enabled\nann@x.test,lots,-1,maybe\nbob@x.test,1,2,3,4\n');
    assert.ok(r.ok);
    assert.deepEqual(r.rows[0].errors.map((e) => e.field), ['quotaBytes', 'quotaMessages', 'enabled']);
    assert.deepEqual(r.rows[1].errors.map((e) => e.field), ['row', 'enabled']);
  });

  const fileErrors: Array<[string, string, RegExp]> = [
    ['unknown column', 'address,nickname\n', /Unknown column "nickname"/],
    ['a column twice', 'address,Address\n', /appears twice/],
    ['no address column', 'displayName\nAnn\n', /include "address"/],
    ['empty file', '\n\n', /empty/],
    ['unclosed quote', 'address\n"ann@x.test\n', /not closed/],
    ['a size that overflows', 'address,quotaBytes\nann@x.test,99999999999999 TiB\n', /^$/],
  ];
  for (const [name, input, message] of fileErrors) {
    it(`refuses the whole file: ${name}`, () => {
      const r = parseAccountCsv(input);
      if (message.source === '^$') {
        assert.ok(r.ok);
        assert.equal(r.rows[0].errors[0].field, 'quotaBytes');
        return;
      }
      assert.equal(r.ok, false);
      assert.match(r.ok ? '' : r.error, message);
    });
  }

  it(`refuses more than ${MAX_IMPORT_ROWS} accounts in one file`, () => {
    const big = `address\n${'x@y.test\n'.repeat(MAX_IMPORT_ROWS + 1)}`;
    const r = parseAccountCsv(big);
    assert.equal(r.ok, false);
    assert.match(r.ok ? '' : r.error, /At most 10000/);
  });
});
