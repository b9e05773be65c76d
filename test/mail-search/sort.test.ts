// RFC 5256 SORT and RFC 5957 DISPLAYFROM/DISPLAYTO over messages appended
// through the mail services.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { searchMessages } from '../../server/src/mail/search/search.ts';
import { sortMessages, type SortKey } from '../../server/src/mail/search/sort.ts';
import { openMailHarness, type MailHarness } from '../mail/harness.ts';
import { systemActor as makeSystemActor } from '../../server/src/directory/access.ts';
const SYSTEM = makeSystemActor();

const m = (headers: string[], body = 'x') => Buffer.from(`${headers.join('\r\n')}\r\n\r\n${body}\r\n`);

// Numbered 1–5 in append (UID) order.
const MESSAGES = [
  { source: m(['From: "Zed Last" <aaron@sort.test>', 'To: Mia <zoe@sort.test>', 'Cc: b@sort.test', 'Subject: Re: banana', 'Date: Wed, 04 Mar 2026 09:00:00 +0100'], 'x'.repeat(300)), internalDate: '2026-03-01T00:00:00Z' },
  { source: m(['From: =?utf-8?q?=C3=89mile?= <zack@sort.test>', 'To: adam@sort.test', 'Subject: Apple', 'Date: Wed, 04 Mar 2026 07:30:00 +0000']), internalDate: '2026-03-03T00:00:00Z' },
  { source: m(['From: bert@sort.test', 'To: "Anna" <yann@sort.test>', 'Cc: a@sort.test', 'Subject: [club] cherry', 'Date: Tue, 03 Mar 2026 12:00:00 +0000'], 'y'.repeat(100)), internalDate: '2026-03-02T00:00:00Z' },
  { source: m(['From: Carla <carl@sort.test>', 'Subject: apple', 'Date: garbage']), internalDate: '2026-03-04T00:00:00Z' },
  { source: m(['From: Carla <carl@sort.test>', 'To: adam@sort.test', 'Subject: Fwd: Apple', 'Date: Wed, 04 Mar 2026 07:30:00 +0000']), internalDate: '2026-03-05T00:00:00Z' },
];

describe('SORT', () => {
  let h: MailHarness;
  let box: string;
  let uids: number[];
  before(async () => {
    h = await openMailHarness();
    const account = await h.account('sort');
    box = (await h.mailboxes.create(SYSTEM, account.id, 'Sort')).id;
    uids = (await h.messages.appendMany(SYSTEM, box, MESSAGES)).uids;
  });
  after(async () => { await h.close(); });

  const sorted = async (keys: SortKey[], only?: number[]) =>
    (await sortMessages({ actor: SYSTEM, messages: h.messages }, box, keys, (only ?? [1, 2, 3, 4, 5]).map((n) => uids[n - 1]))).map((uid) => uids.indexOf(uid) + 1);

  const table: [string, SortKey[], number[]][] = [
    ['ARRIVAL', [{ key: 'arrival' }], [1, 3, 2, 4, 5]],
    ['REVERSE ARRIVAL', [{ key: 'arrival', reverse: true }], [5, 4, 2, 3, 1]],
    // 1 is 08:00 UTC; 2 and 5 tie at 07:30 (UID order); 4 has no usable Date:, so its internal date (00:00) counts.
    ['DATE, zones applied, internal date when unparseable', [{ key: 'date' }], [3, 4, 2, 5, 1]],
    ['REVERSE DATE keeps ties in UID order', [{ key: 'date', reverse: true }], [1, 2, 5, 4, 3]],
    ['SIZE', [{ key: 'size' }], [4, 5, 2, 3, 1]],
    ['SUBJECT on base subjects, case-insensitive', [{ key: 'subject' }], [2, 4, 5, 1, 3]],
    ['SUBJECT then REVERSE DATE', [{ key: 'subject' }, { key: 'date', reverse: true }], [2, 5, 4, 1, 3]],
    ['FROM on the mailbox part', [{ key: 'from' }], [1, 3, 4, 5, 2]],
    ['TO, missing sorts first', [{ key: 'to' }], [4, 2, 5, 3, 1]],
    ['CC', [{ key: 'cc' }], [2, 4, 5, 3, 1]],
    // "Émile" folds to e + U+0301 under NFKD, so it sorts among the e's, before "Zed".
    ['DISPLAYFROM on decoded names, else the address', [{ key: 'displayfrom' }], [3, 4, 5, 2, 1]],
    ['DISPLAYTO', [{ key: 'displayto' }], [4, 2, 5, 3, 1]],
  ];
  for (const [name, keys, expected] of table) {
    it(name, async () => assert.deepEqual(await sorted(keys), expected));
  }

  it('sorts a SEARCH result only', async () => {
    const hits = await searchMessages({ actor: SYSTEM, messages: h.messages }, box, { type: 'subject', value: 'apple' });
    const out = await sortMessages({ actor: SYSTEM, messages: h.messages }, box, [{ key: 'date', reverse: true }], hits);
    assert.deepEqual(out.map((uid) => uids.indexOf(uid) + 1), [2, 5, 4]);
  });
});
