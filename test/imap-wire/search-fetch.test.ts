// SEARCH, SORT, THREAD and FETCH argument tables from RFC 9051 §6.4, RFC 4731,
// RFC 5182, RFC 7162, RFC 5032, RFC 8474, RFC 5256, RFC 5957 and RFC 3516.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseOne, set, show } from './harness.ts';

function command(input: string): any {
  const ev = parseOne(input);
  if (ev.kind !== 'command') assert.fail(show(ev));
  return ev.command;
}

const searchTable: Array<[string, string, unknown]> = [
  ['RFC 9051 §6.4.4 FLAGGED SINCE FROM', 'A282 SEARCH FLAGGED SINCE 1-Feb-1994 NOT FROM "Smith"\r\n',
    [{ key: 'FLAGGED' }, { key: 'SINCE', date: '1994-02-01' }, { key: 'NOT', criterion: { key: 'FROM', value: 'Smith' } }]],
  ['RFC 9051 §6.4.4 OR with group', 'A285 SEARCH OR (DELETED SEEN) DRAFT\r\n',
    [{ key: 'OR', left: { key: 'AND', criteria: [{ key: 'DELETED' }, { key: 'SEEN' }] }, right: { key: 'DRAFT' } }]],
  ['every flag key', 'a SEARCH ALL ANSWERED DELETED DRAFT FLAGGED NEW OLD RECENT SEEN UNANSWERED UNDELETED UNDRAFT UNFLAGGED UNSEEN\r\n',
    ['ALL', 'ANSWERED', 'DELETED', 'DRAFT', 'FLAGGED', 'NEW', 'OLD', 'RECENT', 'SEEN', 'UNANSWERED', 'UNDELETED', 'UNDRAFT', 'UNFLAGGED', 'UNSEEN'].map((key) => ({ key }))],
  ['string, header, size and date keys', 'a SEARCH BCC b BODY "x y" CC c TEXT t TO u SUBJECT {3}\r\nabc HEADER Message-ID "<x@y>" LARGER 100 SMALLER 200 BEFORE "31-Dec-2023" ON 1-jan-2024 SENTBEFORE 2-Feb-2020 SENTON 3-Mar-2020 SENTSINCE 4-Apr-2020\r\n',
    [{ key: 'BCC', value: 'b' }, { key: 'BODY', value: 'x y' }, { key: 'CC', value: 'c' }, { key: 'TEXT', value: 't' }, { key: 'TO', value: 'u' },
      { key: 'SUBJECT', value: 'abc' }, { key: 'HEADER', field: 'Message-ID', value: '<x@y>' }, { key: 'LARGER', size: 100 }, { key: 'SMALLER', size: 200 },
      { key: 'BEFORE', date: '2023-12-31' }, { key: 'ON', date: '2024-01-01' }, { key: 'SENTBEFORE', date: '2020-02-02' },
      { key: 'SENTON', date: '2020-03-03' }, { key: 'SENTSINCE', date: '2020-04-04' }]],
  ['KEYWORD, UID and sequence sets', 'a SEARCH KEYWORD $Forwarded UNKEYWORD $Junk UID 1:100,200 2,4:*\r\n',
    [{ key: 'KEYWORD', flag: '$Forwarded' }, { key: 'UNKEYWORD', flag: '$Junk' }, { key: 'UID', set: set([1, 100], [200, 200]) }, { key: 'SEQUENCE', set: set([2, 2], [4, '*']) }]],
  ['RFC 5182 §2.4 UID $', 'A282 UID SEARCH UID $ SMALLER 4096\r\n', [{ key: 'UID', set: { ranges: [], saved: true } }, { key: 'SMALLER', size: 4096 }]],
  ['RFC 7162 §3.1.5 MODSEQ with entry', 'a SEARCH MODSEQ "/flags/\\\\draft" all 620162338\r\n',
    [{ key: 'MODSEQ', modseq: 620162338n, entry: { name: '/flags/\\draft', type: 'all' } }]],
  ['RFC 7162 MODSEQ plain', 'a SEARCH MODSEQ 0\r\n', [{ key: 'MODSEQ', modseq: 0n, entry: null }]],
  ['RFC 5032 YOUNGER / OLDER', 'a SEARCH YOUNGER 3600 OLDER 60\r\n', [{ key: 'YOUNGER', seconds: 3600 }, { key: 'OLDER', seconds: 60 }]],
  ['RFC 8474 EMAILID / THREADID', 'a SEARCH EMAILID M6d99ac3275bb4e THREADID T64b478a75b7ea9\r\n',
    [{ key: 'EMAILID', id: 'M6d99ac3275bb4e' }, { key: 'THREADID', id: 'T64b478a75b7ea9' }]],
  ['RFC 8514 SAVEDATE keys', 'a SEARCH SAVEDBEFORE 1-Jan-2020 SAVEDON 2-Jan-2020 SAVEDSINCE 3-Jan-2020 SAVEDATESUPPORTED\r\n',
    [{ key: 'SAVEDBEFORE', date: '2020-01-01' }, { key: 'SAVEDON', date: '2020-01-02' }, { key: 'SAVEDSINCE', date: '2020-01-03' }, { key: 'SAVEDATESUPPORTED' }]],
];

for (const [title, input, criteria] of searchTable) {
  test(`parses SEARCH ${title}`, () => assert.deepEqual(command(input).criteria, criteria));
}

test('parses SEARCH RETURN options and CHARSET (RFC 4731 §4, RFC 9051 §6.4.4)', () => {
  assert.deepEqual(command('A282 SEARCH RETURN (MIN COUNT) FLAGGED SINCE 1-Feb-1994 NOT FROM "Smith"\r\n').return, ['MIN', 'COUNT']);
  assert.deepEqual(command('A283 SEARCH RETURN () FLAGGED\r\n').return, []);
  const c = command('A284 SEARCH CHARSET UTF-8 TEXT {12}\r\nрусский\r\n'.replace('{12}', `{${Buffer.byteLength('русский')}}`));
  assert.equal(c.charset, 'UTF-8');
  assert.deepEqual(c.criteria, [{ key: 'TEXT', value: 'русский' }]);
  assert.deepEqual(command('a UID SEARCH RETURN (SAVE) SEEN\r\n'), { tag: 'a', name: 'SEARCH', uid: true, charset: null, criteria: [{ key: 'SEEN' }], return: ['SAVE'] });
});

test('parses SORT and THREAD (RFC 5256 §4, RFC 5957)', () => {
  assert.deepEqual(command('A282 SORT (SUBJECT) UTF-8 SINCE 1-Feb-1994\r\n'), {
    tag: 'A282', name: 'SORT', uid: false, criteria: [{ reverse: false, key: 'SUBJECT' }], charset: 'UTF-8',
    search: [{ key: 'SINCE', date: '1994-02-01' }], return: null,
  });
  assert.deepEqual(command('A283 UID SORT (SUBJECT REVERSE DATE DISPLAYFROM) UTF-8 ALL\r\n').criteria,
    [{ reverse: false, key: 'SUBJECT' }, { reverse: true, key: 'DATE' }, { reverse: false, key: 'DISPLAYFROM' }]);
  assert.deepEqual(command('A284 SORT RETURN (MIN) (ARRIVAL) US-ASCII ALL\r\n').return, ['MIN']);
  assert.deepEqual(command('A283 THREAD ORDEREDSUBJECT UTF-8 SINCE 5-MAR-2000\r\n'), {
    tag: 'A283', name: 'THREAD', uid: false, algorithm: 'ORDEREDSUBJECT', charset: 'UTF-8', search: [{ key: 'SINCE', date: '2000-03-05' }],
  });
  assert.equal(command('A284 UID THREAD REFERENCES US-ASCII TEXT "gewp"\r\n').algorithm, 'REFERENCES');
});

const body = (section: object, peek = false, partial: object | null = null) =>
  ({ item: 'BODY[]', peek, section: { part: [], text: null, fields: [], ...section }, partial });

const fetchTable: Array<[string, string, unknown[]]> = [
  ['RFC 9051 §6.4.5 FETCH with HEADER.FIELDS', 'A654 FETCH 2:4 (FLAGS BODY[HEADER.FIELDS (DATE FROM)])\r\n',
    [{ item: 'FLAGS' }, body({ text: 'HEADER.FIELDS', fields: ['DATE', 'FROM'] })]],
  ['macro ALL', 'a FETCH 1 ALL\r\n', [{ item: 'FLAGS' }, { item: 'INTERNALDATE' }, { item: 'RFC822.SIZE' }, { item: 'ENVELOPE' }]],
  ['macro FAST', 'a FETCH 1 fast\r\n', [{ item: 'FLAGS' }, { item: 'INTERNALDATE' }, { item: 'RFC822.SIZE' }]],
  ['macro FULL', 'a FETCH 1 FULL\r\n', [{ item: 'FLAGS' }, { item: 'INTERNALDATE' }, { item: 'RFC822.SIZE' }, { item: 'ENVELOPE' }, { item: 'BODY' }]],
  ['single item without parentheses', 'a FETCH 1 BODY[]\r\n', [body({})]],
  ['every simple item', 'a FETCH 1 (ENVELOPE FLAGS INTERNALDATE RFC822 RFC822.HEADER RFC822.TEXT RFC822.SIZE BODY BODYSTRUCTURE UID MODSEQ EMAILID THREADID SAVEDATE)\r\n',
    ['ENVELOPE', 'FLAGS', 'INTERNALDATE', 'RFC822', 'RFC822.HEADER', 'RFC822.TEXT', 'RFC822.SIZE', 'BODY', 'BODYSTRUCTURE', 'UID', 'MODSEQ', 'EMAILID', 'THREADID', 'SAVEDATE'].map((item) => ({ item }))],
  ['sections and partials', 'a FETCH 1 (BODY.PEEK[1.2.MIME] BODY[4.2.HEADER]<0.1024> BODY[TEXT] BODY[3] body.peek[HEADER.FIELDS.NOT (Received)]<10.20>)\r\n',
    [body({ part: [1, 2], text: 'MIME' }, true), body({ part: [4, 2], text: 'HEADER' }, false, { offset: 0, length: 1024 }),
      body({ text: 'TEXT' }), body({ part: [3] }), body({ text: 'HEADER.FIELDS.NOT', fields: ['RECEIVED'] }, true, { offset: 10, length: 20 })]],
  ['RFC 3516 BINARY items', 'a FETCH 1 (BINARY[1] BINARY.PEEK[1.2]<0.100> BINARY.SIZE[2] BINARY[])\r\n',
    [{ item: 'BINARY', peek: false, part: [1], partial: null }, { item: 'BINARY', peek: true, part: [1, 2], partial: { offset: 0, length: 100 } },
      { item: 'BINARY.SIZE', part: [2] }, { item: 'BINARY', peek: false, part: [], partial: null }]],
];

for (const [title, input, items] of fetchTable) {
  test(`parses FETCH ${title}`, () => assert.deepEqual(command(input).items, items));
}

test('parses RFC 7162 CHANGEDSINCE and VANISHED fetch modifiers', () => {
  const c = command('s100 UID FETCH 300:500 (FLAGS) (CHANGEDSINCE 12345 VANISHED)\r\n');
  assert.deepEqual({ uid: c.uid, sequence: c.sequence, changedSince: c.changedSince, vanished: c.vanished },
    { uid: true, sequence: set([300, 500]), changedSince: 12345n, vanished: true });
  assert.equal(command('a FETCH 1:* (FLAGS) (CHANGEDSINCE 1)\r\n').changedSince, 1n);
});
