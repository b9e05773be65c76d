// Serializer tables: typed responses → exact bytes, from the response
// examples of RFC 9051 §7 and the extension RFCs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { MimePart, Envelope } from '../../server/src/mail/mime/types.ts';
import {
  bodyStructureFromMimePart, responseBytes, serializeResponse, serializeResponseToBuffer, type Response,
} from '../../server/src/protocols/imap/wire/index.ts';

const text = (res: Response, utf8 = false) => serializeResponseToBuffer(res, { utf8 }).toString('utf8');

const table: Array<[string, Response, string, boolean?]> = [
  ['tagged OK with READ-WRITE', { kind: 'tagged', tag: 'A142', status: 'OK', code: { code: 'READ-WRITE' }, text: 'SELECT completed' }, 'A142 OK [READ-WRITE] SELECT completed\r\n'],
  ['NO TRYCREATE', { kind: 'tagged', tag: 'A003', status: 'NO', code: { code: 'TRYCREATE' }, text: 'No such mailbox' }, 'A003 NO [TRYCREATE] No such mailbox\r\n'],
  ['BAD without a code', { kind: 'tagged', tag: 'a1', status: 'BAD', text: 'Bad\r\ninjected' }, 'a1 BAD Bad injected\r\n'],
  ['untagged ALERT', { kind: 'untagged', status: 'OK', code: { code: 'ALERT' }, text: 'System shutdown in 10 minutes' }, '* OK [ALERT] System shutdown in 10 minutes\r\n'],
  ['BYE', { kind: 'untagged', status: 'BYE', text: 'Autologout; idle for too long' }, '* BYE Autologout; idle for too long\r\n'],
  ['PREAUTH with CAPABILITY', { kind: 'untagged', status: 'PREAUTH', code: { code: 'CAPABILITY', capabilities: ['IMAP4rev2', 'AUTH=PLAIN'] }, text: 'ready' }, '* PREAUTH [CAPABILITY IMAP4rev2 AUTH=PLAIN] ready\r\n'],
  ['PERMANENTFLAGS', { kind: 'untagged', status: 'OK', code: { code: 'PERMANENTFLAGS', flags: ['\\Deleted', '\\Seen', '\\*'] }, text: 'Limited' }, '* OK [PERMANENTFLAGS (\\Deleted \\Seen \\*)] Limited\r\n'],
  ['UIDVALIDITY', { kind: 'untagged', status: 'OK', code: { code: 'UIDVALIDITY', value: 3857529045 }, text: 'UIDs valid' }, '* OK [UIDVALIDITY 3857529045] UIDs valid\r\n'],
  ['UIDNEXT', { kind: 'untagged', status: 'OK', code: { code: 'UIDNEXT', value: 4392 }, text: 'Predicted next UID' }, '* OK [UIDNEXT 4392] Predicted next UID\r\n'],
  ['HIGHESTMODSEQ', { kind: 'untagged', status: 'OK', code: { code: 'HIGHESTMODSEQ', value: 715194045007n }, text: 'Highest' }, '* OK [HIGHESTMODSEQ 715194045007] Highest\r\n'],
  ['NOMODSEQ', { kind: 'untagged', status: 'OK', code: { code: 'NOMODSEQ' }, text: 'Sorry' }, '* OK [NOMODSEQ] Sorry\r\n'],
  ['RFC 4315 APPENDUID', { kind: 'tagged', tag: 'A003', status: 'OK', code: { code: 'APPENDUID', uidValidity: 38505, uids: [3955] }, text: 'APPEND completed' }, 'A003 OK [APPENDUID 38505 3955] APPEND completed\r\n'],
  ['RFC 4315 COPYUID', { kind: 'tagged', tag: 'A004', status: 'OK', code: { code: 'COPYUID', uidValidity: 38505, source: [304, 319, 320, 321], destination: [3956, 3957, 3958, 3959] }, text: 'Done' }, 'A004 OK [COPYUID 38505 304,319:321 3956:3959] Done\r\n'],
  ['RFC 7162 MODIFIED', { kind: 'tagged', tag: 'a103', status: 'OK', code: { code: 'MODIFIED', set: [7, 9] }, text: 'Conditional STORE failed' }, 'a103 OK [MODIFIED 7,9] Conditional STORE failed\r\n'],
  ['BADCHARSET', { kind: 'tagged', tag: 'a', status: 'NO', code: { code: 'BADCHARSET', charsets: ['UTF-8'] }, text: 'x' }, 'a NO [BADCHARSET (UTF-8)] x\r\n'],
  ['RFC 8474 MAILBOXID', { kind: 'tagged', tag: '3', status: 'OK', code: { code: 'MAILBOXID', id: 'F2212ea87-6097-4256-9d51-71338625' }, text: 'Completed' }, '3 OK [MAILBOXID (F2212ea87-6097-4256-9d51-71338625)] Completed\r\n'],
  ['RFC 5530 codes', { kind: 'tagged', tag: 'a', status: 'NO', code: { code: 'AUTHENTICATIONFAILED' }, text: 'Authentication failed' }, 'a NO [AUTHENTICATIONFAILED] Authentication failed\r\n'],
  ['continuation', { kind: 'continuation' }, '+ Ready for literal\r\n'],
  ['SASL challenge', { kind: 'continuation', base64: Buffer.from('challenge') }, '+ Y2hhbGxlbmdl\r\n'],
  ['empty SASL challenge', { kind: 'continuation', base64: Buffer.alloc(0) }, '+ \r\n'],
  ['CAPABILITY', { kind: 'capability', capabilities: ['IMAP4rev2', 'STARTTLS', 'AUTH=GSSAPI', 'LOGINDISABLED'] }, '* CAPABILITY IMAP4rev2 STARTTLS AUTH=GSSAPI LOGINDISABLED\r\n'],
  ['ENABLED', { kind: 'enabled', capabilities: ['CONDSTORE'] }, '* ENABLED CONDSTORE\r\n'],
  ['EXISTS', { kind: 'exists', count: 23 }, '* 23 EXISTS\r\n'],
  ['RECENT', { kind: 'recent', count: 5 }, '* 5 RECENT\r\n'],
  ['EXPUNGE', { kind: 'expunge', seq: 44 }, '* 44 EXPUNGE\r\n'],
  ['RFC 7162 VANISHED (EARLIER)', { kind: 'vanished', earlier: true, uids: [41, 43, 44, 45, 116, 115] }, '* VANISHED (EARLIER) 41,43:45,115:116\r\n'],
  ['RFC 7162 VANISHED (EARLIER) from UID ranges', { kind: 'vanished', earlier: true, ranges: [[1, 1], [3, 100000]] }, '* VANISHED (EARLIER) 1,3:100000\r\n'],
  ['FLAGS', { kind: 'flags', flags: ['\\Answered', '\\Flagged', '\\Deleted', '\\Seen', '\\Draft', '$Forwarded'] }, '* FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft $Forwarded)\r\n'],
  ['LIST', { kind: 'list', attributes: ['\\Noselect'], delimiter: '/', mailbox: '~/Mail/foo' }, '* LIST (\\Noselect) "/" ~/Mail/foo\r\n'],
  ['LIST with a space and mUTF-7', { kind: 'list', attributes: [], delimiter: '/', mailbox: 'Sent Items/台北' }, '* LIST () "/" "Sent Items/&U,BTFw-"\r\n'],
  ['LIST in UTF-8 mode', { kind: 'list', attributes: [], delimiter: '/', mailbox: 'Entwürfe' }, '* LIST () "/" "Entwürfe"\r\n', true],
  ['LIST NIL delimiter', { kind: 'list', attributes: ['\\Noselect'], delimiter: null, mailbox: '' }, '* LIST (\\Noselect) NIL ""\r\n'],
  ['RFC 5258 CHILDINFO', { kind: 'list', attributes: ['\\HasChildren'], delimiter: '/', mailbox: 'Foo', extended: { childInfo: ['SUBSCRIBED'] } }, '* LIST (\\HasChildren) "/" Foo ("CHILDINFO" ("SUBSCRIBED"))\r\n'],
  ['OLDNAME', { kind: 'list', attributes: [], delimiter: '/', mailbox: 'New', extended: { oldName: 'Old' } }, '* LIST () "/" New ("OLDNAME" (Old))\r\n'],
  ['LIST of a mailbox named NIL', { kind: 'lsub', attributes: [], delimiter: '.', mailbox: 'NIL' }, '* LSUB () "." "NIL"\r\n'],
  ['STATUS', { kind: 'status', mailbox: 'blurdybloop', items: [{ name: 'MESSAGES', value: 231 }, { name: 'UIDNEXT', value: 44292 }, { name: 'MAILBOXID', value: 'F1' }] }, '* STATUS blurdybloop (MESSAGES 231 UIDNEXT 44292 MAILBOXID (F1))\r\n'],
  ['SEARCH', { kind: 'search', ids: [2, 84, 882] }, '* SEARCH 2 84 882\r\n'],
  ['empty SEARCH', { kind: 'search', ids: [] }, '* SEARCH\r\n'],
  ['SEARCH with MODSEQ', { kind: 'search', ids: [2, 5, 6], modseq: 917162500n }, '* SEARCH 2 5 6 (MODSEQ 917162500)\r\n'],
  ['RFC 4731 ESEARCH', { kind: 'esearch', tag: 'A282', uid: false, min: 2, count: 3 }, '* ESEARCH (TAG "A282") MIN 2 COUNT 3\r\n'],
  ['ESEARCH ALL', { kind: 'esearch', tag: 'A283', uid: true, all: [2, 10, 11, 12, 13, 14, 15] }, '* ESEARCH (TAG "A283") UID ALL 2,10:15\r\n'],
  ['SORT', { kind: 'sort', ids: [2, 84, 882] }, '* SORT 2 84 882\r\n'],
  ['RFC 5256 THREAD', { kind: 'thread', threads: [
    { id: 2, children: [] },
    { id: 3, children: [{ id: 6, children: [{ id: 4, children: [{ id: 23, children: [] }] }, { id: 44, children: [{ id: 7, children: [{ id: 96, children: [] }] }] }] }] },
  ] }, '* THREAD (2)(3 6 (4 23)(44 7 96))\r\n'],
  ['THREAD with a missing parent', { kind: 'thread', threads: [{ id: null, children: [{ id: 3, children: [] }, { id: 5, children: [] }] }] }, '* THREAD ((3)(5))\r\n'],
  ['NAMESPACE', { kind: 'namespace', personal: [{ prefix: '', delimiter: '/' }], other: null, shared: [{ prefix: 'Public Folders/', delimiter: '/' }] }, '* NAMESPACE (("" "/")) NIL (("Public Folders/" "/"))\r\n'],
  // RFC 9051 §9: several descriptors of one section follow each other without a space.
  ['NAMESPACE, two shared namespaces', { kind: 'namespace', personal: [{ prefix: '', delimiter: '/' }], other: [], shared: [{ prefix: 'Shared Folders/', delimiter: '/' }, { prefix: 'Shared/', delimiter: '/' }] }, '* NAMESPACE (("" "/")) NIL (("Shared Folders/" "/")("Shared/" "/"))\r\n'],
  ['RFC 9208 QUOTA', { kind: 'quota', root: '', resources: [{ name: 'STORAGE', usage: 10, limit: 512 }] }, '* QUOTA "" (STORAGE 10 512)\r\n'],
  ['RFC 9208 QUOTAROOT', { kind: 'quotaroot', mailbox: 'INBOX', roots: [''] }, '* QUOTAROOT INBOX ""\r\n'],
  ['RFC 4314 ACL', { kind: 'acl', mailbox: 'INBOX', entries: [{ identifier: 'Fred', rights: 'rwipsldexta' }] }, '* ACL INBOX Fred rwipsldexta\r\n'],
  ['RFC 4314 LISTRIGHTS', { kind: 'listrights', mailbox: '~/Mail/saved', identifier: 'smith', required: 'la', optional: ['r', 'swicdkxte'] }, '* LISTRIGHTS ~/Mail/saved smith la r swicdkxte\r\n'],
  ['RFC 4314 MYRIGHTS', { kind: 'myrights', mailbox: 'INBOX', rights: 'rwiptsldaex' }, '* MYRIGHTS INBOX rwiptsldaex\r\n'],
  ['RFC 2971 ID', { kind: 'id', params: [['name', 'Stoa'], ['version', null]] }, '* ID ("name" "Stoa" "version" NIL)\r\n'],
  ['ID NIL', { kind: 'id', params: null }, '* ID NIL\r\n'],
  ['FETCH simple items', { kind: 'fetch', seq: 12, items: [
    { item: 'FLAGS', flags: ['\\Seen'] }, { item: 'INTERNALDATE', date: new Date('1996-07-17T09:44:25Z') }, { item: 'RFC822.SIZE', size: 4286 },
    { item: 'UID', uid: 7 }, { item: 'MODSEQ', modseq: 12121231000n }, { item: 'EMAILID', id: 'M6d99ac3275bb4e' }, { item: 'THREADID', id: null },
    { item: 'SAVEDATE', date: new Date('2020-01-05T00:00:00Z') }, { item: 'BINARY.SIZE', part: [1], size: 10 },
  ] }, '* 12 FETCH (FLAGS (\\Seen) INTERNALDATE "17-Jul-1996 09:44:25 +0000" RFC822.SIZE 4286 UID 7 MODSEQ (12121231000) EMAILID (M6d99ac3275bb4e) THREADID NIL SAVEDATE " 5-Jan-2020 00:00:00 +0000" BINARY.SIZE[1] 10)\r\n'],
  ['FETCH body sections', { kind: 'fetch', seq: 2, items: [
    { item: 'BODY[]', section: { part: [], text: 'HEADER.FIELDS', fields: ['DATE', 'FROM'] }, origin: null, value: Buffer.from('From: a\r\n\r\n') },
    { item: 'BODY[]', section: { part: [1, 2], text: null, fields: [] }, origin: 0, value: Buffer.from('abc') },
    { item: 'BINARY', part: [1], origin: null, value: Buffer.from([0, 1]) },
    { item: 'RFC822.TEXT', value: null },
  ] }, '* 2 FETCH (BODY[HEADER.FIELDS (DATE FROM)] {11}\r\nFrom: a\r\n\r\n BODY[1.2]<0> {3}\r\nabc BINARY[1] ~{2}\r\n\x00\x01 RFC822.TEXT NIL)\r\n'],
];

for (const [title, res, bytes, utf8] of table) {
  test(`serializes ${title}`, () => assert.equal(text(res, utf8), bytes));
}

test('chooses quoted strings or literals for strings', () => {
  const env: Envelope = {
    date: 'Wed, 17 Jul 1996 02:23:25 -0700 (PDT)', subject: 'Jürgen "IMAP"\\', from: [{ name: 'Terry Gray', adl: null, mailbox: 'gray', host: 'cac.washington.edu' }],
    sender: null, replyTo: [], to: null, cc: null, bcc: null, inReplyTo: null, messageId: '<B27397-0100000@cac.washington.edu>',
  };
  const from = '(("Terry Gray" NIL "gray" "cac.washington.edu"))';
  assert.equal(text({ kind: 'fetch', seq: 1, items: [{ item: 'ENVELOPE', envelope: env }] }),
    `* 1 FETCH (ENVELOPE ("Wed, 17 Jul 1996 02:23:25 -0700 (PDT)" {15}\r\nJürgen "IMAP"\\ ${from} ${from} ${from} NIL NIL NIL NIL "<B27397-0100000@cac.washington.edu>"))\r\n`);
  assert.equal(text({ kind: 'fetch', seq: 1, items: [{ item: 'ENVELOPE', envelope: { ...env, subject: 'a "b" \\c' } }] }, true).split(' ((')[0],
    `* 1 FETCH (ENVELOPE ("Wed, 17 Jul 1996 02:23:25 -0700 (PDT)" "a \\"b\\" \\\\c"`);
});

test('streams a body section from a source without buffering it', async () => {
  async function* blob() {
    yield Buffer.from('Hello ');
    yield Buffer.from('world');
  }
  const chunks = serializeResponse({ kind: 'fetch', seq: 3, items: [{ item: 'UID', uid: 9 }, { item: 'BODY[]', section: { part: [], text: null, fields: [] }, origin: null, value: { size: 11, stream: blob() } }] });
  assert.equal(chunks.filter((c) => !Buffer.isBuffer(c)).length, 1);
  const out: Buffer[] = [];
  for await (const b of responseBytes(chunks)) out.push(b);
  assert.equal(Buffer.concat(out).toString(), '* 3 FETCH (UID 9 BODY[] {11}\r\nHello world)\r\n');
  assert.throws(() => serializeResponseToBuffer({ kind: 'fetch', seq: 1, items: [{ item: 'RFC822', value: { size: 1, stream: blob() } }] }));
});

test('fails loudly when a stream does not match its announced size', async () => {
  async function* short() { yield Buffer.from('abc'); }
  const chunks = serializeResponse({ kind: 'fetch', seq: 1, items: [{ item: 'RFC822', value: { size: 5, stream: short() } }] });
  await assert.rejects(async () => { for await (const _ of responseBytes(chunks)) { /* drain */ } }, /ended after 3 of 5/);
});

const env: Envelope = { date: null, subject: 'inner', from: null, sender: null, replyTo: null, to: null, cc: null, bcc: null, inReplyTo: null, messageId: null };
const part = (over: Partial<MimePart>): MimePart => ({
  section: '', headerStart: 0, bodyStart: 0, bodyEnd: 0, contentType: { type: 'text', subtype: 'plain', params: { charset: 'us-ascii' } },
  encoding: '7bit', id: null, description: null, disposition: null, language: null, location: null, md5: null, size: 0, lines: null,
  children: [], message: null, ...over,
});

test('builds BODY and BODYSTRUCTURE from an indexed MIME part (RFC 9051 §7.5.2)', () => {
  const root = part({
    contentType: { type: 'multipart', subtype: 'mixed', params: { boundary: 'xyz' } },
    children: [
      part({ size: 3028, lines: 92 }),
      part({ contentType: { type: 'application', subtype: 'pdf', params: { name: 'a.pdf' } }, encoding: 'base64', size: 100,
        disposition: { type: 'attachment', params: { filename: 'a.pdf' } }, language: ['en', 'fr'] }),
      part({ contentType: { type: 'message', subtype: 'rfc822', params: {} }, size: 50, lines: 4, message: { envelope: env, root: part({ size: 5, lines: 1 }) } }),
    ],
  });
  const body = text({ kind: 'fetch', seq: 1, items: [{ item: 'BODY', structure: bodyStructureFromMimePart(root, false) }] });
  assert.equal(body, '* 1 FETCH (BODY (("TEXT" "PLAIN" ("CHARSET" "us-ascii") NIL NIL "7BIT" 3028 92)'
    + '("APPLICATION" "PDF" ("NAME" "a.pdf") NIL NIL "BASE64" 100)'
    + '("MESSAGE" "RFC822" NIL NIL NIL "7BIT" 50 (NIL "inner" NIL NIL NIL NIL NIL NIL NIL NIL) ("TEXT" "PLAIN" ("CHARSET" "us-ascii") NIL NIL "7BIT" 5 1) 4)'
    + ' "MIXED"))\r\n');
  const full = text({ kind: 'fetch', seq: 1, items: [{ item: 'BODYSTRUCTURE', structure: bodyStructureFromMimePart(root, true) }] });
  assert.ok(full.includes('"BASE64" 100 NIL ("ATTACHMENT" ("FILENAME" "a.pdf")) ("en" "fr") NIL)'), full);
  assert.ok(full.endsWith(' "MIXED" ("BOUNDARY" "xyz") NIL NIL NIL))\r\n'), full);
});
