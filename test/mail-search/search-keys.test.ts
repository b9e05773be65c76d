// SEARCH keys one by one (RFC 9051 §6.4.4 and the extensions in
// criteria.ts) over a handful of crafted messages appended through the mail
// services to a real SQLite store.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { SearchCriteria } from '../../server/src/mail/search/criteria.ts';
import { searchMailbox, searchMessages } from '../../server/src/mail/search/search.ts';
import { openMailHarness, type MailHarness } from '../mail/harness.ts';
import { systemActor as makeSystemActor } from '../../server/src/directory/access.ts';
const SYSTEM = makeSystemActor();

const CRLF = '\r\n';
const msg = (headers: string[], body: string) => Buffer.from(`${headers.join(CRLF)}${CRLF}${CRLF}${body}${CRLF}`);

const MESSAGES = [
  {
    source: msg([
      'From: "Alice Example" <alice@example.org>', 'To: bob@example.net', 'Cc: Carol <carol@example.com>',
      'Subject: Quarterly report', 'Date: Mon, 05 Jan 2026 23:30:00 -0500', 'Message-ID: <q1@example.org>', 'X-Priority: 1',
    ], 'The numbers are up.'),
    flags: ['\\Seen', '\\Flagged'], internalDate: '2026-01-06T04:30:00Z',
  },
  {
    source: msg([
      'From: Bob <bob@example.net>', 'To: alice@example.org', 'Subject: Re: Quarterly report',
      'Date: Tue, 06 Jan 2026 10:00:00 +0000', 'Message-ID: <q2@example.net>', 'In-Reply-To: <q1@example.org>', 'References: <q1@example.org>',
    ], 'Great news about the report!'),
    flags: ['\\Answered', '$Important'], internalDate: '2026-01-07T00:00:00Z',
  },
  {
    source: msg([
      'From: =?utf-8?q?J=C3=B6rg?= <joerg@example.de>', 'To: alice@example.org', 'Bcc: secret@example.org',
      'Subject: =?utf-8?q?Gr=C3=BC=C3=9Fe?=', 'Message-ID: <g3@example.de>', 'Content-Type: text/plain; charset=utf-8',
      'Content-Transfer-Encoding: 8bit',
    ], `Viele Grüße aus München.\r\n${'Lorem ipsum dolor sit amet. '.repeat(200)}`),
    flags: ['\\Deleted', '\\Draft'], internalDate: '2026-02-01T12:00:00Z',
  },
  {
    source: msg([
      'From: list@lists.example', 'To: members@lists.example', 'Subject: Weekly digest', 'Date: Tue, 10 Feb 2026 08:00:00 +0100',
      'List-Id: <digest.lists.example>', 'Delivered-To: alice@example.org', 'Message-ID: <d4@lists.example>',
    ], 'Alice said hello to everyone.'),
    flags: [], internalDate: '2026-02-10T07:00:00Z',
  },
];

describe('SEARCH keys', () => {
  let h: MailHarness;
  let box: string;
  let uids: number[];
  let flaggedModseq: number;
  let emailId: string;
  let threadId: string;
  const search = (c: SearchCriteria, now?: number) => searchMessages({ actor: SYSTEM, messages: h.messages }, box, c, { now });

  before(async () => {
    h = await openMailHarness();
    const account = await h.account('search');
    box = (await h.mailboxes.create(SYSTEM, account.id, 'Keys')).id;
    uids = (await h.messages.appendMany(SYSTEM, box, MESSAGES)).uids;
    flaggedModseq = (await h.messages.storeFlags(SYSTEM, box, [[uids[3], uids[3]]], { mode: 'add', flags: ['Later'] })).modseq;
    const [first, second] = await h.messages.fetch(SYSTEM, box, [[uids[0], uids[1]]]);
    emailId = second.emailId;
    assert.equal(first.threadId, second.threadId, 'the reply shares its parent thread (RFC 8474)');
    threadId = first.threadId;
  });
  after(async () => { await h.close(); });

  // [name, criteria, expected message numbers (1-based into MESSAGES)]
  const table: [string, () => SearchCriteria, number[]][] = [
    ['ALL', () => ({ type: 'all' }), [1, 2, 3, 4]],
    ['UID set', () => ({ type: 'uid', uids: [[uids[1], uids[2]]] }), [2, 3]],
    ['SEEN', () => ({ type: 'flag', flag: '\\Seen', present: true }), [1]],
    ['UNSEEN', () => ({ type: 'flag', flag: '\\Seen', present: false }), [2, 3, 4]],
    ['ANSWERED', () => ({ type: 'flag', flag: '\\Answered', present: true }), [2]],
    ['DELETED', () => ({ type: 'flag', flag: '\\deleted', present: true }), [3]],
    ['UNDRAFT', () => ({ type: 'flag', flag: '\\Draft', present: false }), [1, 2, 4]],
    ['FLAGGED', () => ({ type: 'flag', flag: '\\Flagged', present: true }), [1]],
    ['RECENT never matches in IMAP4rev2', () => ({ type: 'flag', flag: '\\Recent', present: true }), []],
    ['OLD = NOT RECENT', () => ({ type: 'not', criterion: { type: 'flag', flag: '\\Recent', present: true } }), [1, 2, 3, 4]],
    ['KEYWORD, case-insensitively', () => ({ type: 'flag', flag: '$important', present: true }), [2]],
    ['UNKEYWORD', () => ({ type: 'flag', flag: 'Later', present: false }), [1, 2, 3]],
    ['BEFORE (internal date, UTC day)', () => ({ type: 'date', field: 'internal', op: 'before', date: '2026-01-07' }), [1]],
    ['ON', () => ({ type: 'date', field: 'internal', op: 'on', date: '2026-01-07' }), [2]],
    ['SINCE', () => ({ type: 'date', field: 'internal', op: 'since', date: '2026-02-01' }), [3, 4]],
    ['SENTON uses the day written in the Date: header', () => ({ type: 'date', field: 'sent', op: 'on', date: '2026-01-05' }), [1]],
    ['SENTBEFORE falls back to the internal date without Date:', () => ({ type: 'date', field: 'sent', op: 'before', date: '2026-02-02' }), [1, 2, 3]],
    ['SENTSINCE', () => ({ type: 'date', field: 'sent', op: 'since', date: '2026-01-06' }), [2, 3, 4]],
    ['SAVEDSINCE (RFC 8514)', () => ({ type: 'date', field: 'saved', op: 'since', date: '2000-01-01' }), [1, 2, 3, 4]],
    ['SAVEDBEFORE', () => ({ type: 'date', field: 'saved', op: 'before', date: '2000-01-01' }), []],
    ['LARGER', () => ({ type: 'size', op: 'larger', octets: 2000 }), [3]],
    ['SMALLER', () => ({ type: 'size', op: 'smaller', octets: 2000 }), [1, 2, 4]],
    ['FROM on the display name', () => ({ type: 'address', field: 'from', value: 'alice EXAMPLE' }), [1]],
    ['FROM on an RFC 2047 name', () => ({ type: 'address', field: 'from', value: 'jörg' }), [3]],
    ['FROM across name and address', () => ({ type: 'address', field: 'from', value: 'Bob <bob@' }), [2]],
    ['TO', () => ({ type: 'address', field: 'to', value: 'alice@example' }), [2, 3]],
    ['CC', () => ({ type: 'address', field: 'cc', value: 'carol' }), [1]],
    ['BCC', () => ({ type: 'address', field: 'bcc', value: 'secret' }), [3]],
    ['SUBJECT', () => ({ type: 'subject', value: 'quarterly' }), [1, 2]],
    ['SUBJECT on a decoded subject', () => ({ type: 'subject', value: 'GRÜßE' }), [3]],
    ['SUBJECT of two letters', () => ({ type: 'subject', value: 're' }), [1, 2]],
    ['HEADER with a value', () => ({ type: 'header', field: 'x-priority', value: '1' }), [1]],
    ['HEADER "" is presence', () => ({ type: 'header', field: 'List-Id', value: '' }), [4]],
    ['HEADER on an indexed field', () => ({ type: 'header', field: 'Delivered-To', value: 'alice' }), [4]],
    ['HEADER on a field no message has', () => ({ type: 'header', field: 'Received', value: '' }), []],
    ['BODY ignores the message header', () => ({ type: 'text', scope: 'body', value: 'alice' }), [4]],
    ['BODY in decoded 8-bit text', () => ({ type: 'text', scope: 'body', value: 'münchen' }), [3]],
    ['TEXT covers header and body', () => ({ type: 'text', scope: 'text', value: 'alice' }), [1, 2, 3, 4]],
    ['TEXT of two characters', () => ({ type: 'text', scope: 'text', value: 'up' }), [1]],
    ['NOT TEXT is the complement', () => ({ type: 'not', criterion: { type: 'text', scope: 'text', value: 'report' } }), [3, 4]],
    ['OR', () => ({ type: 'or', left: { type: 'flag', flag: '\\Seen', present: true }, right: { type: 'text', scope: 'body', value: 'hello' } }), [1, 4]],
    ['AND of cheap and expensive keys', () => ({ type: 'and', criteria: [
      { type: 'subject', value: 'report' }, { type: 'flag', flag: '\\Seen', present: false }, { type: 'address', field: 'to', value: 'alice' },
    ] }), [2]],
    ['empty AND matches everything', () => ({ type: 'and', criteria: [] }), [1, 2, 3, 4]],
    ['NOT OR nests', () => ({ type: 'not', criterion: { type: 'or', left: { type: 'uid', uids: [[uids[0], uids[0]]] }, right: { type: 'subject', value: 'digest' } } }), [2, 3]],
    ['MODSEQ (RFC 7162)', () => ({ type: 'modseq', modseq: flaggedModseq }), [4]],
    ['MODSEQ with a per-flag entry', () => ({ type: 'modseq', modseq: flaggedModseq, entry: { name: '/flags/later', kind: 'all' } }), [4]],
    ['EMAILID (RFC 8474)', () => ({ type: 'emailId', id: emailId }), [2]],
    ['THREADID', () => ({ type: 'threadId', id: threadId }), [1, 2]],
  ];

  for (const [name, criteria, expected] of table) {
    it(`${name}`, async () => {
      assert.deepEqual(await search(criteria()), expected.map((n) => uids[n - 1]));
    });
  }

  it('YOUNGER and OLDER count seconds back from now (RFC 5032)', async () => {
    const now = Date.parse('2026-02-10T07:00:30Z');
    assert.deepEqual(await search({ type: 'age', op: 'younger', seconds: 60 }, now), [uids[3]]);
    assert.deepEqual(await search({ type: 'age', op: 'older', seconds: 60 }, now), uids.slice(0, 3));
    assert.deepEqual(await search({ type: 'age', op: 'younger', seconds: 30 }, now), [uids[3]], 'exactly as old as the interval is younger');
  });

  it('reports the highest modseq of the matches when MODSEQ was a key (RFC 7162 §3.1.5)', async () => {
    const deps = { actor: SYSTEM, messages: h.messages };
    assert.deepEqual(await searchMailbox(deps, box, { type: 'modseq', modseq: 1 }), { uids, highestModSeq: flaggedModseq });
    assert.deepEqual(await searchMailbox(deps, box, { type: 'flag', flag: 'Later', present: true }), { uids: [uids[3]], highestModSeq: null });
  });

  it('gives the same answers with the caller\'s list as with an index-seeded universe', async () => {
    const list = await h.messages.list(SYSTEM, box);
    for (const [name, criteria, expected] of table) {
      const found = await searchMessages({ actor: SYSTEM, messages: h.messages }, box, criteria(), { list });
      assert.deepEqual(found, expected.map((n) => uids[n - 1]), name);
    }
    const mixed: SearchCriteria = { type: 'and', criteria: [
      { type: 'text', scope: 'text', value: 'example' }, { type: 'flag', flag: '\\Seen', present: false },
      { type: 'not', criterion: { type: 'size', op: 'larger', octets: 2000 } }, { type: 'uid', uids: [[uids[1], uids[3]]] },
      { type: 'flag', flag: '$IMPORTANT', present: true },
    ] };
    assert.deepEqual(await search(mixed), [uids[1]]);
    assert.deepEqual(await searchMessages({ actor: SYSTEM, messages: h.messages }, box, mixed, { list }), [uids[1]]);
  });

  it('refuses an impossible date', async () => {
    await assert.rejects(search({ type: 'date', field: 'internal', op: 'on', date: '2026-02-31' }), /invalid date/);
  });

  it('leaves out messages expunged after the caller read its list', async () => {
    const list = await h.messages.list(SYSTEM, box);
    await h.messages.expunge(SYSTEM, box, [[uids[2], uids[2]]]);
    const found = await searchMessages({ actor: SYSTEM, messages: h.messages }, box, { type: 'subject', value: 'e' }, { list });
    assert.deepEqual(found, [uids[0], uids[1], uids[3]]);
  });
});
