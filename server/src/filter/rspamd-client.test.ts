// rspamd's /checkv2 reply, request headers and the RSPAMD rule's detail. The
// first replies are verbatim from Debian's rspamd 3.4 (test/support/rspamd.ts);
// the rest are malformed, truncated and hostile ones.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseRspamdReply, rspamdAddress, rspamdDetail, rspamdHeaders, type RspamdResult } from './rspamd-client.ts';

/** rspamd 3.4, GTUBE: a pre-result, scored at the reject threshold. */
const GTUBE_REPLY = '{"is_skipped":true,"score":15.0,"required_score":15.0,"action":"reject","symbols":{"GTUBE":{"name":"GTUBE","score":0.0,"metric_score":0.0}},"messages":{"smtp_message":"Gtube pattern"},"message-id":"1@remote.example","time_real":0.079687}';

/** rspamd 3.4, a corpus ham message (ham/sa-amazon-shipping.eml) from 127.0.0.1; scores written as "0.100000". */
const HAM_REPLY = '{"is_skipped":false,"score":1.0,"required_score":15.0,"action":"no action","symbols":{"ARC_NA":{"name":"ARC_NA","score":0.0,"metric_score":0.0,"description":"ARC signature absent"},"RCVD_COUNT_FIVE":{"name":"RCVD_COUNT_FIVE","score":0.0,"metric_score":0.0,"description":"Message has 5-7 Received headers","options":["6"]},"RCVD_NO_TLS_LAST":{"name":"RCVD_NO_TLS_LAST","score":0.100000,"metric_score":0.100000,"description":"Last hop did not use encrypted transports"},"DATE_IN_PAST":{"name":"DATE_IN_PAST","score":1.0,"metric_score":1.0,"description":"Message date is in past","options":["214611"]},"MIME_GOOD":{"name":"MIME_GOOD","score":-0.100000,"metric_score":-0.100000,"description":"Known content-type","options":["text/plain"]}},"messages":{},"message-id":"20020614195517.0578E3F41@sas-dc-mail-102.amazon.com","time_real":0.222543,"milter":{"remove_headers":{"X-Spam":0}}}';

/** rspamd 3.4: a symbol's applied score can differ from its weight (metric_score); the total is the sum of the applied ones. */
const LIMITED_REPLY = '{"is_skipped":false,"score":10.400000,"required_score":15.0,"action":"add header","symbols":{"MISSING_FROM":{"name":"MISSING_FROM","score":2.0,"metric_score":2.0},"MISSING_TO":{"name":"MISSING_TO","score":2.0,"metric_score":2.0},"MISSING_SUBJECT":{"name":"MISSING_SUBJECT","score":0.500000,"metric_score":2.0},"MISSING_DATE":{"name":"MISSING_DATE","score":1.0,"metric_score":1.0},"MIME_GOOD":{"name":"MIME_GOOD","score":-0.100000,"metric_score":-0.100000},"HFILTER_HOSTNAME_UNKNOWN":{"name":"HFILTER_HOSTNAME_UNKNOWN","score":2.500000,"metric_score":2.500000},"MISSING_MID":{"name":"MISSING_MID","score":2.500000,"metric_score":2.500000}},"messages":{},"message-id":"undef","time_real":0.008203}';

describe('rspamd /checkv2 replies', () => {
  it('reads rspamd 3.4\'s GTUBE answer as a pre-result at its reject threshold', () => {
    assert.deepEqual(parseRspamdReply(GTUBE_REPLY), { score: 15, required: 15, action: 'reject', skipped: true, symbols: [{ name: 'GTUBE', score: 0 }] });
  });

  it('reads a ham answer: score, reject threshold, action and every symbol with its applied score', () => {
    const r = parseRspamdReply(HAM_REPLY);
    assert.equal(r.score, 1);
    assert.equal(r.required, 15);
    assert.equal(r.action, 'no action');
    assert.equal(r.skipped, false);
    assert.equal(r.symbols.length, 5);
    assert.deepEqual(r.symbols.find((s) => s.name === 'MIME_GOOD'), { name: 'MIME_GOOD', score: -0.1 });
  });

  it('takes each symbol\'s applied score, not its weight, so the symbols add up to the total', () => {
    const r = parseRspamdReply(LIMITED_REPLY);
    assert.equal(r.symbols.find((s) => s.name === 'MISSING_SUBJECT')?.score, 0.5);
    assert.equal(Math.round(r.symbols.reduce((sum, s) => sum + s.score, 0) * 10) / 10, r.score);
  });

  const refused: Array<[string, string, RegExp]> = [
    ['empty', '', /not JSON/],
    ['truncated', HAM_REPLY.slice(0, 200), /not JSON/],
    ['not JSON', 'SPAMD/1.1 0 EX_OK', /not JSON/],
    ['an array', '[1.0]', /not a JSON object/],
    ['null', 'null', /not a JSON object/],
    ['a number', '15', /not a JSON object/],
    ['rspamd\'s error object', '{"error":"cannot parse input"}', /Error: rspamd: cannot parse input$/],
    ['no score', '{"action":"reject"}', /no score/],
    ['a score as a string', '{"score":"15"}', /no score/],
    ['an infinite score (1e999)', '{"score":1e999}', /no score/],
    ['a negative infinite score', '{"score":-1e999}', /no score/],
    ['symbols as a string', '{"score":1,"symbols":"GTUBE"}', /symbols is not an object/],
    ['symbols as an array', '{"score":1,"symbols":[{"name":"GTUBE","score":1}]}', /symbols is not an object/],
  ];
  for (const [name, text, error] of refused) {
    it(`refuses ${name}`, () => assert.throws(() => parseRspamdReply(text), error));
  }

  it('quotes at most 60 characters of a reply that is not JSON, control characters replaced', () => {
    assert.throws(() => parseRspamdReply(`<html>\r\n${'x'.repeat(10_000)}`), (err: Error) => err.message.length < 120 && !/[\r\n]/.test(err.message));
  });

  it('drops symbols it cannot trust and keeps the rest', () => {
    const r = parseRspamdReply(JSON.stringify({
      score: 3, required_score: 15, action: 'no action', symbols: {
        GOOD: { score: 3 }, ['X'.repeat(65)]: { score: 1 }, 'BAD NAME': { score: 1 }, 'NEW\r\nLINE': { score: 1 },
        NO_SCORE: {}, STRING_SCORE: { score: '1' }, NULL_ENTRY: null, NUMBER_ENTRY: 5,
      },
    }));
    assert.deepEqual(r.symbols, [{ name: 'GOOD', score: 3 }]);
  });

  it('keeps a hostile action short and printable, and a missing or odd threshold as unknown', () => {
    const r = parseRspamdReply(JSON.stringify({ score: 1, required_score: 'high', action: `reject\r\n${'x'.repeat(1000)}` }));
    assert.equal(r.required, null);
    assert.equal(r.action.length, 32);
    assert.doesNotMatch(r.action, /[\r\n]/);
    assert.deepEqual(r.symbols, []);
  });
});

describe('the RSPAMD rule\'s detail', () => {
  it('lists scored symbols, weightiest first, with their scores', () => {
    assert.equal(rspamdDetail(parseRspamdReply(HAM_REPLY)), '1/15 no action: DATE_IN_PAST=1 MIME_GOOD=-0.1 RCVD_NO_TLS_LAST=0.1');
  });

  it('names a pre-result\'s symbols although they carry no score', () => {
    assert.equal(rspamdDetail(parseRspamdReply(GTUBE_REPLY)), '15/15 reject (pre-result): GTUBE');
  });

  it('lists at most 12 symbols', () => {
    const r: RspamdResult = { score: 20, required: null, action: 'reject', skipped: false, symbols: Array.from({ length: 20 }, (_, i) => ({ name: `S${i}`, score: 1 })) };
    assert.equal(rspamdDetail(r).split(': ')[1].split(' ').length, 12);
    assert.match(rspamdDetail(r), /^20\/\? reject: /);
  });
});

describe('the envelope in rspamd\'s request headers', () => {
  const addresses: Array<[string, string | null]> = [
    ['', ''],
    ['user@example.org', 'user@example.org'],
    ['jorg@bücher.example', 'jorg@xn--bcher-kva.example'],
    ['user@пример.рф', 'user@xn--e1afmkfd.xn--p1ai'],
    ['jörg@example.org', null],
    ['пользователь@пример.рф', null],
    ['no-at-sign', 'no-at-sign'],
    ['ünïcode', null],
  ];
  for (const [address, expected] of addresses) {
    it(`sends ${JSON.stringify(address)} as ${JSON.stringify(expected)}`, () => assert.equal(rspamdAddress(address), expected));
  }

  it('every header value is printable ASCII, whatever the envelope holds', () => {
    const headers = rspamdHeaders({ url: 'http://127.0.0.1:11333', password: 'pw' }, {
      ip: '192.0.2.1', helo: 'мх.пример.рф', sender: 'пользователь@пример.рф', user: 'jörg@bücher.example', clientHostname: 'bad\r\nname',
    });
    assert.deepEqual(headers, { IP: '192.0.2.1', Helo: 'xn--l1as.xn--e1afmkfd.xn--p1ai', Password: 'pw', User: 'j%C3%B6rg%40b%C3%BCcher.example' });
    for (const value of Object.values(headers)) assert.match(value, /^[\x21-\x7e]+$/);
  });

  it('a null sender (a bounce) goes as an empty From, as rspamd expects', () => {
    assert.equal(rspamdHeaders({ url: 'http://x', password: null }, { ip: '192.0.2.1', helo: 'mx.example.org', sender: '', user: null, clientHostname: null }).From, '');
  });
});
