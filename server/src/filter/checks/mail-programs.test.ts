// The desktop mail programs a message may claim, and the two rules that
// catch a false claim (FORGED_MUA_CHARSET, MUA_DIRECT_TO_MX), judged by the
// whole filter service (real SQLite store, DNS pointed at a closed port).
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { openTestFilter, silentLog as log } from '../../../../test/support/filter-service.ts';
import type { FilterService } from '../filter-service.ts';
import { createMessageView } from '../message-view.ts';
import { desktopMailer } from './mail-programs.ts';

const view = (header: string) => {
  const raw = Buffer.from(`${header.replace(/\n/g, '\r\n')}\r\n\r\nbody\r\n`, 'latin1');
  return createMessageView(raw, raw.length, () => Readable.from([raw]), 1 << 20);
};

describe('which mail programs are a person\'s own', () => {
  const table: Array<[string, boolean]> = [
    ['X-Mailer: Microsoft Outlook Express 6.00.2900.5512', true],
    ['X-Mailer: Microsoft Outlook 16.0', true],
    ['X-Mailer: Microsoft Office Outlook 12.0', true],
    ['X-Mailer: Microsoft Outlook IMO, Build 9.0.2416 (9.0.2910.0)', true],
    ['X-Mailer: Microsoft Windows Live Mail 16.4.3528.331', true],
    ['User-Agent: Microsoft-MacOutlook/16.78.23100802', true],
    ['User-Agent: Mozilla/5.0 (X11; Linux x86_64; rv:102.0) Gecko/20100101 Thunderbird/102.3.0', true],
    ['X-Mailer: Mozilla 4.04 [en]C-bls40  (Win95; U)', true],
    ['User-Agent: Mozilla Thunderbird 1.0.6 (Windows/20050716)', true],
    ['X-Mailer: Apple Mail (2.3731.300.101.1.3)', true],
    ['X-Mailer: iPhone Mail (8J2)', true],
    ['X-Mailer: QUALCOMM Windows Eudora Version 5.1', true],
    ['X-Mailer: The Bat! (v3.5.30) Professional', true],
    ['X-Mailer: Foxmail 7, 2,53,  24[cn]', true],
    ['User-Agent: Evolution 3.46.4', true],
    ['User-Agent: Mutt/1.5.21 (2010-09-15)', true],
    ['X-Mailer: eM_Client/7.0', true],
    ['User-Agent: Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36', false],
    ['User-Agent: Roundcube Webmail/1.6.5', false],
    ['X-Mailer: PHPMailer 6.8.1 (https://github.com/PHPMailer/PHPMailer)', false],
    ['X-Mailer: Microsoft CDO for Windows 2000', false],
    ['X-Mailer: Microsoft Outlook Web App', false],
    ['X-Mailer: MIME::Lite 3.027', false],
    ['X-Mailer: ', false],
    ['X-Mailer: Outlook', false],
    [`X-Mailer: Microsoft Outlook ${'x'.repeat(300)}`, false],
  ];
  for (const [field, desktop] of table) it(`${field.slice(0, 70)} → ${desktop ? 'a mail program' : 'not one'}`, () => assert.equal(desktopMailer(view(`From: a@example.org\n${field}`)) !== null, desktop));
  it('a folded name, and no name at all', () => {
    assert.ok(desktopMailer(view('From: a@example.org\nX-Mailer: Microsoft\n Outlook 16.0')) !== null);
    assert.equal(desktopMailer(view('From: a@example.org')), null);
  });
});

let filter: FilterService;
let close: () => Promise<void>;

before(async () => {
  ({ filter, close } = await openTestFilter('mail-programs', 'mx.local.test'));
});
after(() => close());

/** The rules that fire on a message from a client at `ip` with reverse name `rdns`. */
async function rules(message: string | Buffer, client: { ip: string; rdns: string | null } = { ip: '198.51.100.25', rdns: 'mail.sender.example' }): Promise<string[]> {
  const raw = typeof message === 'string' ? Buffer.from(message.replace(/\r?\n/g, '\r\n'), 'latin1') : message;
  const session = filter.session({ direction: 'inbound', ip: client.ip, clientHostname: client.rdns, log });
  session.helo = 'pc';
  const ctx = filter.transaction(session);
  ctx.sender = 'a@sender.example';
  ctx.recipients = [{ address: 'bob@local.test', accountId: 'bob', domain: 'local.test' }];
  const e = await filter.evaluateMessage(ctx, { raw, size: raw.length, stream: () => Readable.from([raw]) });
  return e.verdict.rules.map((h) => h.rule);
}

const head = 'From: a@sender.example\nTo: bob@local.test\nDate: Tue, 7 May 2024 10:00:00 +0200\nMessage-ID: <d3de01cd60c6$1491c120$a8557053@pc.sender.example>\nMIME-Version: 1.0\n';
const oe = 'X-Mailer: Microsoft Outlook Express 6.00.2900.5512\n';
const utf16 = (text: string) => Buffer.from(text, 'utf16le').toString('base64');

describe('a mail program that never writes UTF-16 (FORGED_MUA_CHARSET)', () => {
  it('Outlook Express with a UTF-16 subject and body', async () => {
    const r = await rules(`${head}${oe}Subject: =?utf-16?B?${utf16('Design and manufacturing')}?=\nContent-Type: text/plain; charset=utf-16\nContent-Transfer-Encoding: base64\n\n${utf16('Dear partner')}\n`);
    assert.ok(r.includes('FORGED_MUA_CHARSET'), r.join(' '));
  });
  it('a UTF-16 part deep in a multipart, charset quoted, with an RFC 2231 language in an encoded word', async () => {
    const body = `--b\nContent-Type: multipart/alternative; boundary=c\n\n--c\nContent-Type: text/html; charset=" UTF-16LE "\nContent-Transfer-Encoding: base64\n\n${utf16('<p>hi</p>')}\n--c--\n--b--\n`;
    assert.ok((await rules(`${head}${oe}Subject: hello\nContent-Type: multipart/related; boundary=b\n\n${body}`)).includes('FORGED_MUA_CHARSET'));
    assert.ok((await rules(`${head}${oe}Subject: =?UTF-16*en?B?${utf16('hi')}?=\n\nplain\n`)).includes('FORGED_MUA_CHARSET'));
  });
  it('not without a program\'s name: a Windows script may send UTF-16 (and Thunderbird must read it)', async () => {
    assert.ok(!(await rules(`${head}Content-Type: text/plain; charset=UTF-16LE\nContent-Transfer-Encoding: base64\n\n${utf16('\ufeffHi Magnus')}\n`)).includes('FORGED_MUA_CHARSET'));
  });
  it('not for UTF-8, UTF-7 or a legacy charset, nor a UTF-16 attachment that is no text', async () => {
    assert.ok(!(await rules(`${head}${oe}Subject: =?utf-8?B?w6k=?=\nContent-Type: text/plain; charset=utf-8\n\nhi\n`)).includes('FORGED_MUA_CHARSET'));
    assert.ok(!(await rules(`${head}${oe}Subject: =?utf-7?Q?hi?=\nContent-Type: text/plain; charset=iso-2022-jp\n\nhi\n`)).includes('FORGED_MUA_CHARSET'));
    const attached = `--m\nContent-Type: text/plain\n\nsee file\n--m\nContent-Type: application/octet-stream; charset=utf-16; name=a.bin\nContent-Disposition: attachment; filename=a.bin\n\nAAAA\n--m--\n`;
    assert.ok(!(await rules(`${head}${oe}Subject: file\nContent-Type: multipart/mixed; boundary=m\n\n${attached}`)).includes('FORGED_MUA_CHARSET'));
  });
  it('hostile headers: broken encoded words, a thousand of them, a charset name too long to be one', async () => {
    const broken = `${head}${oe}Subject: =?utf-16?B =?utf-16 =? ?= =?*?B?x?= =?${'u'.repeat(5000)}?B?AA==?=\nContent-Type: text/plain; charset=\n\nhi\n`;
    assert.ok(!(await rules(broken)).includes('FORGED_MUA_CHARSET'));
    const many = `${head}${oe}Subject: ${'=?iso-8859-1?Q?a?= '.repeat(1000)}=?utf-16?B?AA==?=\n\nhi\n`;
    assert.ok((await rules(many)).includes('FORGED_MUA_CHARSET'), 'the field is read to its end');
  });
});

describe('a mail program\'s message that no submission server saw (MUA_DIRECT_TO_MX)', () => {
  const at = '; Tue, 7 May 2024 10:00:01 +0200';
  const text = 'Subject: hello\nContent-Type: text/plain\n\nhi\n';
  it('first handed, without a login, from an address without a reverse name', async () => {
    const r = await rules(`Received: from advertise.example (unknown [111.224.250.131]) by mx.recipient.example with ESMTP id 5000${at}\n${head}${oe}${text}`);
    assert.ok(r.includes('MUA_DIRECT_TO_MX') && r.includes('RCVD_NO_RDNS'), r.join(' '));
  });
  it('only the first hop counts: a relay without a reverse name later on is another matter', async () => {
    const r = await rules(`Received: from relay.isp.example (unknown [203.0.113.9]) by mx.recipient.example with ESMTP id 2${at}\nReceived: from pc (dsl-1-2-3-4.isp.example [198.51.100.4]) by relay.isp.example with ESMTP id 1${at}\n${head}${oe}${text}`);
    assert.ok(!r.includes('MUA_DIRECT_TO_MX') && r.includes('RCVD_NO_RDNS'), r.join(' '));
  });
  it('not when the user logged in (ESMTPSA), nor from inside a private network', async () => {
    assert.ok(!(await rules(`Received: from pc (unknown [198.51.100.4]) by smtp.provider.example with ESMTPSA id 1${at}\n${head}${oe}${text}`)).includes('MUA_DIRECT_TO_MX'));
    assert.ok(!(await rules(`Received: from mail.company.example (unknown [203.0.113.9]) by mx.recipient.example with ESMTP id 2${at}\nReceived: from pc ([192.168.1.7]) by mail.company.example with ESMTP id 1${at}\n${head}${oe}${text}`)).includes('MUA_DIRECT_TO_MX'));
  });
  it('no trace at all: the client connected to us is where the message started', async () => {
    const message = `${head}${oe}${text}`;
    assert.ok((await rules(message, { ip: '203.0.113.50', rdns: null })).includes('MUA_DIRECT_TO_MX'));
    assert.ok(!(await rules(message, { ip: '203.0.113.50', rdns: 'mail.sender.example' })).includes('MUA_DIRECT_TO_MX'), 'a named server relayed it');
    assert.ok(!(await rules(message, { ip: '10.1.2.3', rdns: null })).includes('MUA_DIRECT_TO_MX'), 'our own network');
  });
  it('not for mail without a program\'s name, nor for list mail', async () => {
    const hop = `Received: from bulk.example (unknown [111.224.250.131]) by mx.recipient.example with ESMTP id 5${at}\n`;
    assert.ok(!(await rules(`${hop}${head}X-Mailer: PHPMailer 6.8.1\n${text}`)).includes('MUA_DIRECT_TO_MX'));
    assert.ok(!(await rules(`${hop}${head}${oe}List-Id: <friends.lists.example>\n${text}`)).includes('MUA_DIRECT_TO_MX'));
  });
  it('hostile traces: garbage, truncated and endless Received: fields judge nothing by them', async () => {
    const garbage = ['Received: ((((((((', 'Received: from', 'Received: from [999.1.1.1] (unknown [::ffff:zz])', `Received: from x (unknown [${'1.'.repeat(2000)}1])`].join('\n');
    assert.ok(!(await rules(`${garbage}\n${head}${oe}${text}`)).includes('MUA_DIRECT_TO_MX'));
    const endless = `Received: from a.example (a.example [192.0.2.1]) by b.example with ESMTP id 1${at}\n`.repeat(40);
    const tail = `Received: from pc (unknown [111.224.250.131]) by mx.example with ESMTP id 1${at}\n`;
    assert.ok(!(await rules(`${endless}${tail}${head}${oe}${text}`)).includes('MUA_DIRECT_TO_MX'), 'hops past the 30 read are not looked at');
  });
});
