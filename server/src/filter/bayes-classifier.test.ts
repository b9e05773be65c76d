import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { describe, it } from 'node:test';
import iconv from 'iconv-lite';
import { messageTokens, rawTokens } from './bayes-classifier.ts';
import { bayesWeight } from './checks/bayes-check.ts';
import { createMessageView } from './message-view.ts';

const tokens = (raw: Buffer | string): string[] => {
  const bytes = typeof raw === 'string' ? Buffer.from(raw.replace(/\n/g, '\r\n'), 'latin1') : raw;
  return rawTokens(createMessageView(bytes, bytes.length, () => Readable.from([bytes]), 1 << 20));
};
const head = 'From: a@example.org\nSubject: s\n';

describe('the words the classifier learns from', () => {
  it('Chinese and Japanese text in overlapping pairs of characters, not whole sentences', () => {
    const t = tokens(Buffer.from(`${head}Content-Type: text/plain; charset=utf-8\n\n【重要訊息】電費扣繳成功\n`.replace(/\n/g, '\r\n'), 'utf8'));
    for (const pair of ['重要', '要訊', '電費', '扣繳', '成功']) assert.ok(t.includes(pair), pair);
    assert.ok(!t.some((w) => w.startsWith('long:')));
  });
  it('half-width katakana and compatibility ideographs are paired too, Latin words beside them kept whole', () => {
    const t = tokens(Buffer.from(`${head}Content-Type: text/plain; charset=utf-8\n\nｾｰﾙ開催中 Discount 﨑本店 today\n`.replace(/\n/g, '\r\n'), 'utf8'));
    for (const pair of ['ｾｰ', 'ｰﾙ', 'ﾙ開', '開催', '﨑本', '本店', 'discount', 'today']) assert.ok(t.includes(pair), pair);
  });
  it('text without Chinese or Japanese keeps its words, apostrophes and prices', () => {
    const t = tokens(`${head}\nDon't miss: only 49$ for Grüße-Karten, 1234567 codes\n`);
    for (const w of ["don't", 'miss', 'only', '49$', 'grüße-karten', 'num:7', 'codes']) assert.ok(t.includes(w), w);
    assert.ok(!t.some((w) => w.length === 2 && !w.includes(':')), 'no character pairs');
  });
  it('Korean words as they are written, between spaces', () => {
    const t = tokens(Buffer.from(`${head}Content-Type: text/plain; charset=utf-8\n\n특별 할인 행사를 안내해 드립니다\n`.replace(/\n/g, '\r\n'), 'utf8'));
    assert.ok(t.includes('행사를') && t.includes('드립니다'));
  });
  it('base64 text, quoted-printable HTML and UTF-16 decoded', () => {
    const b64 = Buffer.from('Cheap watches, genuine replicas').toString('base64');
    assert.ok(tokens(`${head}Content-Transfer-Encoding: base64\n\n${b64}\n`).includes('replicas'));
    assert.ok(tokens(`${head}Content-Type: text/html\nContent-Transfer-Encoding: quoted-printable\n\n<p>Genuine <b>repli=\ncas</b></p>\n`).includes('replicas'));
    const utf16 = Buffer.from('\r\nGenuine replicas', 'utf16le').toString('base64');
    assert.ok(tokens(`${head}Content-Type: text/plain; charset=utf-16\nContent-Transfer-Encoding: base64\n\n${utf16}\n`).includes('replicas'));
  });
  it('Japanese sent as 8-bit without a charset', () => {
    const body = iconv.encode('電子メール広告社です。今後、広告をご希望されない方はこちらへ', 'shift_jis');
    const raw = Buffer.concat([Buffer.from(`${head}Content-Type: text/plain; charset=us-ascii\r\n\r\n`.replace(/(?<!\r)\n/g, '\r\n')), body]);
    assert.ok(tokens(raw).includes('広告'));
  });
  it('the text of a multipart whose header lacks its empty line', () => {
    const t = tokens(`${head}Content-Type: multipart/alternative;\n boundary="--b=:1"\n----b=:1\nContent-Type: text/plain\n\nmassive discount today\n----b=:1--\n`);
    assert.ok(t.includes('massive') && t.includes('discount'));
  });
});

describe('how much the classifier counts while it learns', () => {
  const table: Array<[number, number, number]> = [
    [10, 10, 0.05], [13, 14, 0.065], [100, 500, 0.5], [200, 200, 1], [5000, 300, 1],
  ];
  for (const [spam, ham, weight] of table) {
    it(`${spam} spam / ${ham} ham trained → BAYES_* count ×${weight}`, () => assert.equal(bayesWeight({ spam, ham }, 200), weight));
  }
});

describe('the stored form of a token', () => {
  it('is the first 12 characters of its SHA-1 in base64url, as trained counts were stored', () => {
    const bytes = Buffer.from('From: a@example.org\r\nSubject: Grüße\r\n\r\nwinning numbers for you\r\n', 'utf8');
    const m = createMessageView(bytes, bytes.length, () => Readable.from([bytes]), 1 << 20);
    assert.deepEqual(messageTokens(m), rawTokens(m).map((t) => createHash('sha1').update(t).digest('base64url').slice(0, 12)));
  });
});
