import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { describe, it } from 'node:test';
import { createMessageView } from '../message-view.ts';
import { metaHits } from '../meta-rules.ts';
import { scoreTable } from '../rules.ts';
import { ratwareHits } from './ratware-rules.ts';

const scores = scoreTable({});
const rules = (header: string | Buffer): string[] => {
  const raw = Buffer.concat([typeof header === 'string' ? Buffer.from(header.replace(/\n/g, '\r\n')) : header, Buffer.from('\r\n\r\nbody\r\n')]);
  return ratwareHits(createMessageView(raw, raw.length, () => Readable.from([raw]), 1 << 20), scores).map((h) => h.rule).sort();
};
const base = 'From: a@example.org\nDate: Tue, 7 May 2024 10:00:00 +0200';

describe('mail that imitates a mail program or breaks RFC 5322 dates and headers', () => {
  const table: Array<[string, string | Buffer, string[]]> = [
    ['Outlook Express with its own kind of Message-ID', `${base}\nX-Mailer: Microsoft Outlook Express 6.00.2900.5512\nX-MSMail-Priority: Normal\nX-MimeOLE: Produced By Microsoft MimeOLE V6.00.2900.5512\nMessage-ID: <d3de01cd60c6$1491c120$a8557053@pc>`, []],
    ['Outlook Express with the Vista-style Message-ID', `${base}\nX-Mailer: Microsoft Outlook Express 6.00.3790.4548\nMessage-ID: <214E0E71FF854E5E82EA205D48BF41DE@example.org>`, []],
    ['Outlook Express with somebody else\'s Message-ID (FORGED_MUA_OUTLOOK)', `${base}\nX-Mailer: Microsoft Outlook Express 6.00.2600.0000\nMessage-ID: <20240507100000.GA1234@example.org>`, ['FORGED_MUA_OUTLOOK']],
    ['the same on a mailing list, whose server rewrites Message-IDs', `${base}\nList-Id: <x.lists.example.org>\nX-Mailer: Microsoft Outlook Express 6.00.2600.0000\nMessage-ID: <20240507100000.GA1234@example.org>`, []],
    ['Outlook\'s priority field without its MimeOLE field (MISSING_MIMEOLE)', `${base}\nX-MSMail-Priority: Normal\nMessage-ID: <a@example.org>`, ['MISSING_MIMEOLE']],
    ['a date without a time zone (INVALID_DATE)', 'From: a@example.org\nDate: Fri, 7 Dec 2001 07:01:03', ['INVALID_DATE']],
    ['a date that is no date', 'From: a@example.org\nDate: yesterday', ['INVALID_DATE']],
    ['obsolete but valid dates: two-digit year, named zones, comments', 'From: a@example.org\nDate: Mon, 09 Feb 04 23:17:44 GMT (sent)', []],
    ['a comment before the zone', 'From: a@example.org\nDate: Wed, 20 Sep 1995 00:19:00 (EDT) -0400', []],
    ['an ISO 8601 date is no RFC 5322 date', 'From: a@example.org\nDate: 2007-11-09 18:37:09', ['INVALID_DATE']],
    ['a named zone mail programs write anyway', 'From: a@example.org\nDate: 8 Mar 2005 17:40:36 CEST', []],
    ['raw 8-bit in Subject that is not UTF-8 (SUBJ_ILLEGAL_CHARS)', Buffer.concat([Buffer.from(`${base}\r\nSubject: Link Exchange`), Buffer.from([0xa0, 0xe9])]), ['HEADER_8BIT_RAW']],
    ['raw 8-bit in To: is left alone (old software wrote legacy names there)', Buffer.concat([Buffer.from(`${base}\r\nTo: `), Buffer.from([0xc4, 0x6c, 0x67]), Buffer.from(' <x@example.org>')]), []],
    ['raw UTF-8 in Subject is allowed (RFC 6532)', Buffer.from(`${base}\r\nSubject: Grüße aus Köln`, 'utf8'), []],
  ];
  for (const [name, header, expected] of table) it(name, () => assert.deepEqual(rules(header), expected));
});

describe('meta rules', () => {
  const fire = (...names: string[]) => metaHits(names.map((rule) => ({ rule, score: 1 })), scores).map((h) => h.rule);
  it('bulk signs on a message without a Message-ID from its sender (BULK_NO_MID)', () => {
    assert.deepEqual(fire('MISSING_MID', 'CONTENT_ADVERT'), ['BULK_NO_MID']);
    assert.deepEqual(fire('MID_ADDED_BY_RELAY', 'RCPT_MANY_DOMAINS'), ['BULK_NO_MID']);
  });
  it('nothing for either alone', () => {
    assert.deepEqual(fire('MISSING_MID', 'TO_UNDISCLOSED'), []);
    assert.deepEqual(fire('CONTENT_ADVERT', 'CONTENT_MONEY'), []);
  });
});
