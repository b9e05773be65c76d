import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import iconv from 'iconv-lite';
import { decodeCharset } from './charset.ts';

describe('body text sent without its charset', () => {
  const japanese = '電子メール広告社です。今後、広告をご希望されない方はこちらへご連絡ください。';
  const chinese = '我们是专业的外贸客户开发团队，为您提供最新的营销方案和优质的服务。';
  const korean = '안녕하세요 고객님 이번 주 특별 할인 행사를 안내해 드립니다 많은 관심 바랍니다';
  const table: Array<[string, Buffer, string]> = [
    ['UTF-8 is read as UTF-8', Buffer.from('Grüße aus Köln', 'utf8'), 'Grüße aus Köln'],
    ['Western 8-bit text stays windows-1252', iconv.encode('Café crème, “quoted”, 10 €', 'windows-1252'), 'Café crème, “quoted”, 10 €'],
    ['Shift_JIS Japanese is recognised by its kana', iconv.encode(japanese, 'shift_jis'), japanese],
    ['EUC-JP Japanese too', iconv.encode(japanese, 'euc-jp'), japanese],
    ['Shift_JIS with a stray byte is still Japanese', Buffer.concat([iconv.encode(japanese, 'shift_jis'), Buffer.from([0x81])]), japanese],
    ['EUC-KR Korean by its Hangul and spaces', iconv.encode(korean, 'euc-kr'), korean],
    ['GBK Chinese by its Han', iconv.encode(chinese, 'gbk'), chinese],
  ];
  for (const [name, bytes, text] of table) {
    it(name, () => assert.ok(decodeCharset(bytes, 'us-ascii').startsWith(text), decodeCharset(bytes, 'us-ascii').slice(0, 40)));
  }
  it('a declared charset is believed', () => {
    assert.equal(decodeCharset(iconv.encode('Żółć', 'iso-8859-2'), 'iso-8859-2'), 'Żółć');
  });
  it('binary data labelled as text (NUL bytes) is not read as Chinese or Japanese', () => {
    // A GIF header and pixel data: mostly high bytes, as double-byte text would be, but with NULs.
    const bytes = Buffer.concat([Buffer.from('GIF89a\x10\x00\x10\x00', 'latin1'), Buffer.from(Array.from({ length: 200 }, (_, i) => (i % 7 === 0 ? 0 : 0xa1 + (i % 90))))]);
    const text = decodeCharset(bytes, 'us-ascii');
    assert.doesNotMatch(text, /[\u3040-\u30ff\u4e00-\u9fff\uac00-\ud7a3]/);
    assert.ok(text.startsWith('GIF89a'));
  });
  it('a few 8-bit bytes in English are no double-byte text', () => {
    const bytes = Buffer.concat([Buffer.from('Price list for next week, valid until Friday. Thanks\u00a0', 'latin1'), Buffer.from([0xa0, 0xe9, 0xa0])]);
    assert.match(decodeCharset(bytes, null), /^Price list/);
    assert.doesNotMatch(decodeCharset(bytes, null), /[\u3040-\u9fff]/);
  });
});
