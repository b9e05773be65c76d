// spamd's SPAMC/1.5 SYMBOLS reply (spamd(1p) "PROTOCOL"): well-formed,
// malformed and hostile replies.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseSpamdReply } from './spamd-client.ts';

describe('spamd SYMBOLS replies', () => {
  it('reads the verdict line and the rule names', () => {
    assert.deepEqual(parseSpamdReply('SPAMD/1.1 0 EX_OK\r\nContent-length: 40\r\nSpam: True ; 1002.3 / 5.0\r\n\r\nGTUBE,MISSING_DATE,NO_RECEIVED,NO_RELAYS'), {
      spam: true, score: 1002.3, required: 5, symbols: ['GTUBE', 'MISSING_DATE', 'NO_RECEIVED', 'NO_RELAYS'],
    });
    assert.deepEqual(parseSpamdReply('SPAMD/1.1 0 EX_OK\r\nSpam: False ; -0.1 / 5.0\r\n\r\n'), { spam: false, score: -0.1, required: 5, symbols: [] });
  });

  const refused: Array<[string, string, RegExp]> = [
    ['empty', '', /unexpected reply/],
    ['not spamd', 'HTTP/1.1 200 OK\r\n\r\n{}', /unexpected reply/],
    ['an error status', 'SPAMD/1.0 76 Bad header line: x\r\n\r\n', /Bad header line: x \(code 76\)/],
    ['no Spam: header (truncated)', 'SPAMD/1.1 0 EX_OK\r\nContent-length: 4\r\n', /no Spam: header/],
    ['a score that is not a number', 'SPAMD/1.1 0 EX_OK\r\nSpam: True ; 1.2.3 / 5.0\r\n\r\n', /no Spam: header/],
    ['a threshold that is not a number', 'SPAMD/1.1 0 EX_OK\r\nSpam: True ; 1 / 5..0\r\n\r\n', /no Spam: header/],
    ['a score too long to be finite', `SPAMD/1.1 0 EX_OK\r\nSpam: True ; ${'9'.repeat(400)} / 5.0\r\n\r\n`, /no Spam: header/],
  ];
  for (const [name, text, error] of refused) {
    it(`refuses ${name}`, () => assert.throws(() => parseSpamdReply(text), error));
  }

  it('keeps only rule-like names from the body', () => {
    assert.deepEqual(parseSpamdReply('SPAMD/1.1 0 EX_OK\r\nSpam: True ; 6 / 5\r\n\r\nGOOD_ONE, bad-one, <script>,ALSO_GOOD').symbols, ['GOOD_ONE', 'ALSO_GOOD']);
  });
});
