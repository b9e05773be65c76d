// Unicode TR 39 "highly restrictive" as a table: names people write in one
// script (or Latin with CJK as TR 39 allows), and hostile names that borrow
// letters from another script to imitate a familiar one.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkNewName, highlyRestrictive } from './mixed-script.ts';
import { systemActor } from './access.ts';
import type { Actor } from './api.ts';
import { isStoaError } from '../errors/catalogue.ts';

const accepted: Array<[string, string]> = [
  ['ASCII', 'john.smith-2'],
  ['Latin with diacritics', 'jürgen.müller'],
  ['Latin with a combining accent', 'rene\u0301'],
  ['all Cyrillic', 'пример'],
  ['all Greek', 'αλφα'],
  ['Arabic with ASCII digits', 'مريم1'],
  ['Hebrew', 'שלום'],
  ['Devanagari', 'नमस्ते'],
  ['Thai', 'สวัสดี'],
  ['Han', '東京'],
  ['Japanese: Han, Hiragana, Katakana, prolonged sound mark', '日本語ひらがなカタカナー'],
  ['Japanese with Latin', 'とうきょうtokyo'],
  ['Chinese with Bopomofo', '中文ㄅㄆ'],
  ['Korean: Hangul with Han', '서울東京'],
  ['Korean with Latin', '한국abc'],
  ['digits and punctuation only', '2024_01-99'],
  ['Roman numeral (Latin)', 'ⅻ'],
];

const refused: Array<[string, string]> = [
  ['paypal with a Cyrillic а', 'pаypal'],
  ['apple with a Cyrillic р', 'aрple'],
  ['microsoft with a Greek ο', 'micrοsoft'],
  ['admin with a Cyrillic і', 'admіn'],
  ['Cyrillic with one Latin letter', 'приmер'],
  ['Greek and Cyrillic', 'αβгд'],
  ['Arabic-Indic digit in a Latin name', 'bank٣'],
  ['Hangul with Katakana', '한국カ'],
  ['Armenian օ in google', 'gօօgle'],
  ['Cherokee letters in a Latin name', 'Ꭺpple'],
  ['Latin with Bopomofo and Hangul', 'aㄅ한'],
  ['an unassigned code point', 'a\u0378b'],
];

test('names in one script, or Latin with Japanese, Chinese or Korean, are highly restrictive', () => {
  for (const [what, name] of accepted) assert.equal(highlyRestrictive(name).ok, true, `${what}: ${name} ${JSON.stringify(highlyRestrictive(name))}`);
});

test('names that mix scripts to imitate another are not', () => {
  for (const [what, name] of refused) assert.equal(highlyRestrictive(name).ok, false, `${what}: ${name}`);
});

const domainAdmin: Actor = { id: 'x', login: 'da@example.com', role: 'domain-admin', adminDomainIds: ['d'], ip: null };

test('a new name that mixes scripts is refused with STOA_MIXED_SCRIPT, naming the part and its scripts', () => {
  assert.throws(() => checkNewName(domainAdmin, { local: 'pаypal' }, undefined), (err: unknown) =>
    isStoaError(err, 'STOA_MIXED_SCRIPT') && /the local part "pаypal" has letters of several scripts \(Cyrl, Latn\)/.test(err.message));
  assert.throws(() => checkNewName(systemActor(), { domainUnicode: 'ok.xn--pple-43d.com'.replace('xn--pple-43d', 'аpple') }, undefined), (err: unknown) =>
    isStoaError(err, 'STOA_MIXED_SCRIPT') && /the domain label "аpple"/.test(err.message));
  // Each label on its own: a Cyrillic label under a Latin TLD is fine.
  checkNewName(domainAdmin, { domainUnicode: 'пример.com' }, undefined);
  checkNewName(domainAdmin, { local: '*' }, undefined);
});

test('only a server admin may override it', () => {
  checkNewName(systemActor(), { local: 'pаypal' }, true);
  checkNewName({ ...domainAdmin, role: 'server-admin' }, { local: 'pаypal' }, true);
  assert.throws(() => checkNewName(domainAdmin, { local: 'pаypal' }, true), (err: unknown) => isStoaError(err, 'STOA_FORBIDDEN'));
  assert.throws(() => checkNewName(domainAdmin, { local: 'plain' }, true), (err: unknown) => isStoaError(err, 'STOA_FORBIDDEN'));
});
