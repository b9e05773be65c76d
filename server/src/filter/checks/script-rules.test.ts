import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { unexpectedScript, type Script } from './script-rules.ts';

describe('text in a writing system the users do not read', () => {
  const table: Array<[string, string, Script[], boolean]> = [
    ['Chinese for Latin readers', '外贸客户开发，势在必行。WhatsApp目前已经是国外最火的即时聊天通讯软件', ['Latin'], true],
    ['Japanese for Latin and Cyrillic readers', '電子メール広告社です。今後、広告をご希望されない方はこちらへ', ['Latin', 'Cyrillic'], true],
    ['Japanese for Japanese readers (kana with Han)', '電子メール広告社です。今後、広告をご希望されない方はこちらへ', ['Japanese'], false],
    ['Russian for Latin and Cyrillic readers', 'Здравствуйте, высылаем вам счёт за услуги связи за прошлый месяц', ['Latin', 'Cyrillic'], false],
    ['English with a Chinese signature', `Dear colleagues, please find the agenda for next week's meeting attached. ${'会议'.repeat(3)}`, ['Latin'], false],
    ['too few letters to tell', '你好', ['Latin'], false],
    ['nothing configured: every script is expected', '外贸客户开发，势在必行。WhatsApp目前已经是国外最火的即时聊天通讯软件', [], false],
  ];
  for (const [name, text, expected, fires] of table) it(name, () => assert.equal(unexpectedScript(text, expected) !== null, fires));
});
