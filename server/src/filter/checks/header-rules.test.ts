// Header and structure rules judged by the whole filter service (real
// SQLite store, DNS pointed at a closed port so no check waits on it).
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { openTestFilter, silentLog as log } from '../../../../test/support/filter-service.ts';
import type { FilterService } from '../filter-service.ts';
import { isFreemail } from '../host-names.ts';

let filter: FilterService;
let close: () => Promise<void>;

before(async () => {
  ({ filter, close } = await openTestFilter('header-rules', 'mx.local.test'));
});
after(() => close());

/** The rules that fire on a message, delivered to `rcpt`. */
async function rules(message: string, rcpt = 'bob@local.test'): Promise<string[]> {
  const raw = Buffer.from(message.replace(/\r?\n/g, '\r\n'));
  const session = filter.session({ direction: 'inbound', ip: '198.51.100.25', clientHostname: 'mail.sender.example', log });
  session.helo = 'mail.sender.example';
  const ctx = filter.transaction(session);
  ctx.sender = 'bounce@sender.example';
  ctx.recipients = [{ address: rcpt, accountId: 'bob', domain: rcpt.slice(rcpt.indexOf('@') + 1) }];
  const e = await filter.evaluateMessage(ctx, { raw, size: raw.length, stream: () => Readable.from([raw]) });
  return e.verdict.rules.map((h) => h.rule);
}

const head = (fields: string): string => `${fields}\nDate: Tue, 7 May 2024 10:00:00 +0200\nMessage-ID: <1@sender.example>\nSubject: Hello\n`;

describe('sender and recipient fields', () => {
  it('the display name is the recipient\'s own address (FROM_NAME_SPOOFS_RECIPIENT)', async () => {
    const r = await rules(`${head('From: "bob@local.test" <x9@other.example>\nTo: bob@local.test')}\nYour account was used.\n`);
    assert.ok(r.includes('FROM_NAME_SPOOFS_RECIPIENT') && r.includes('FROM_DISPLAY_ADDRESS_MISMATCH'), r.join(' '));
  });
  it('the same From: on list mail that rewrote it for DMARC does not', async () => {
    const r = await rules(`${head('From: "bob@local.test via Friends" <friends@lists.example>\nTo: friends@lists.example\nList-Id: <friends.lists.example>')}\nMy own post.\n`);
    assert.ok(!r.includes('FROM_NAME_SPOOFS_RECIPIENT'), r.join(' '));
  });
  it('a display name with somebody else\'s address is only the milder mismatch', async () => {
    const r = await rules(`${head('From: "carol@third.example" <x9@other.example>\nTo: bob@local.test')}\nHi.\n`);
    assert.ok(!r.includes('FROM_NAME_SPOOFS_RECIPIENT') && r.includes('FROM_DISPLAY_ADDRESS_MISMATCH'), r.join(' '));
  });
  it('company mail whose replies go to a free-mail box (FREEMAIL_FORGED_REPLYTO)', async () => {
    const r = await rules(`${head('From: sales@factory.example\nReply-To: 3163745494@qq.com\nTo: bob@local.test')}\nOffer.\n`);
    assert.ok(r.includes('FREEMAIL_FORGED_REPLYTO') && r.includes('REPLY_TO_OTHER_DOMAIN'), r.join(' '));
  });
  it('free-mail From: with a free-mail Reply-To: is a person with two boxes', async () => {
    const r = await rules(`${head('From: anna@gmail.com\nReply-To: anna@yahoo.co.uk\nTo: bob@local.test')}\nHi.\n`);
    assert.ok(!r.includes('FREEMAIL_FORGED_REPLYTO'), r.join(' '));
  });
  it('one local part at three domains (RCPT_SAME_USER_MANY_DOMAINS), and three people at three domains without it', async () => {
    const harvested = await rules(`${head('From: a@sender.example\nTo: webmaster@one.example, webmaster@two.example, webmaster@three.example')}\nHi.\n`);
    assert.ok(harvested.includes('RCPT_SAME_USER_MANY_DOMAINS') && harvested.includes('RCPT_MANY_DOMAINS'), harvested.join(' '));
    const people = await rules(`${head('From: a@sender.example\nTo: anna@one.example, bert@two.example\nCc: carl@three.example')}\nHi.\n`);
    assert.ok(!people.includes('RCPT_SAME_USER_MANY_DOMAINS') && people.includes('RCPT_MANY_DOMAINS'), people.join(' '));
  });
  it('a Reply-To: without To: or Cc: (REPLYTO_WITHOUT_TO_CC)', async () => {
    assert.ok((await rules(`${head('From: a@sender.example\nReply-To: a@sender.example')}\nHi.\n`)).includes('REPLYTO_WITHOUT_TO_CC'));
    assert.ok(!(await rules(`${head('From: a@sender.example\nReply-To: a@sender.example\nCc: bob@local.test')}\nHi.\n`)).includes('REPLYTO_WITHOUT_TO_CC'));
  });
  it('free-mail providers, national variants included, and company domains', () => {
    for (const d of ['gmail.com', 'qq.com', 'yahoo.co.uk', 'hotmail.fr', 'outlook.com.au', 'web.de', 'proton.me']) assert.ok(isFreemail(d), d);
    for (const d of ['example.com', 'mail.example.com', 'gmail.example', 'yahoo.example.com']) assert.ok(!isFreemail(d), d);
  });
});

describe('HTML without a text part', () => {
  const from = head('From: a@sender.example\nTo: bob@local.test');
  it('a lone text/html body (MIME_HTML_ONLY)', async () => {
    assert.ok((await rules(`${from}MIME-Version: 1.0\nContent-Type: text/html\n\n<p>Hi there, a long enough paragraph of text.</p>\n`)).includes('MIME_HTML_ONLY'));
  });
  it('an alternative with the HTML part only, inside related and mixed', async () => {
    const r = await rules(`${from}MIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=m\n\n--m\nContent-Type: multipart/alternative; boundary=a\n\n--a\nContent-Type: text/html\n\n<p>Hi there.</p>\n--a--\n--m\nContent-Type: application/pdf; name=x.pdf\nContent-Disposition: attachment; filename=x.pdf\n\n%PDF-1.4\n--m--\n`);
    assert.ok(r.includes('MIME_HTML_ONLY'), r.join(' '));
  });
  it('not with a text/plain alternative, nor for a text attachment beside plain text', async () => {
    assert.ok(!(await rules(`${from}MIME-Version: 1.0\nContent-Type: multipart/alternative; boundary=a\n\n--a\nContent-Type: text/plain\n\nHi there.\n--a\nContent-Type: text/html\n\n<p>Hi there.</p>\n--a--\n`)).includes('MIME_HTML_ONLY'));
    assert.ok(!(await rules(`${from}MIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=m\n\n--m\nContent-Type: text/plain\n\nSee the page.\n--m\nContent-Type: text/html\nContent-Disposition: attachment; filename=page.html\n\n<p>page</p>\n--m--\n`)).includes('MIME_HTML_ONLY'));
  });
});

describe('fraud scripts', () => {
  const from = head('From: a@sender.example\nTo: bob@local.test');
  it('four different phrases of the romance script (CONTENT_SCAM_MANY), and the bulk meta rule without a Message-ID', async () => {
    const text = 'Hello dear, I am a woman seeking for a serious relationship. I got your email from a google search. I will send you pictures of me and tell you more about myself.';
    const r = await rules(`From: a@sender.example\nTo: bob@local.test\nDate: Tue, 7 May 2024 10:00:00 +0200\nSubject: its me\n\n${text}\n`);
    for (const rule of ['CONTENT_ROMANCE', 'CONTENT_SCAM_MANY', 'MISSING_MID', 'BULK_NO_MID']) assert.ok(r.includes(rule), `${rule}: ${r.join(' ')}`);
  });
  it('two phrases are the family alone', async () => {
    const r = await rules(`${from}\nHello dear, I will send you pictures of the garden tomorrow.\n`);
    assert.ok(r.includes('CONTENT_ROMANCE') && !r.includes('CONTENT_SCAM_MANY'), r.join(' '));
  });
});

describe('a text mostly in capitals (CONTENT_SHOUTING: 200 letters or more, over 40 % capitals)', () => {
  // The subject "Hello" counts too: 5 letters, 1 capital.
  const shouts = async (capitals: number, small: number): Promise<boolean> => {
    const body = `${'ABCDEFGHIJ'.repeat(20).slice(0, capitals)} 1234 ${'abcdefghij'.repeat(20).slice(0, small)} !?`;
    return (await rules(`${head('From: a@sender.example\nTo: bob@local.test')}\n${body}\n`)).includes('CONTENT_SHOUTING');
  };
  it('81 capitals of 200 letters', async () => assert.equal(await shouts(80, 115), true));
  it('not 80 of 200 (exactly 40 %)', async () => assert.equal(await shouts(79, 116), false));
  it('not under 200 letters, however many capitals', async () => assert.equal(await shouts(150, 40), false));
  it('not a long text with few capitals', async () => assert.equal(await shouts(60, 200), false));
});
