// Command parsing tables: examples from RFC 9051 §6 and §8, RFC 3501 §6 and
// the extension RFCs, each input → the typed command the session receives.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseOne, set, show } from './harness.ts';

const noReturn = { subscribed: false, children: false, specialUse: false, status: null };

const table: Array<[string, string, Record<string, unknown>, object?]> = [
  ['RFC 9051 §6.1.1 CAPABILITY', 'abcd CAPABILITY\r\n', { tag: 'abcd', name: 'CAPABILITY' }],
  ['RFC 9051 §6.1.2 NOOP', 'a002 NOOP\r\n', { tag: 'a002', name: 'NOOP' }],
  ['RFC 9051 §6.1.3 LOGOUT', 'A023 LOGOUT\r\n', { tag: 'A023', name: 'LOGOUT' }],
  ['RFC 9051 §6.2.1 STARTTLS', 'a001 starttls\r\n', { tag: 'a001', name: 'STARTTLS' }],
  ['RFC 9051 §6.2.2 AUTHENTICATE', 'A001 AUTHENTICATE GSSAPI\r\n', { tag: 'A001', name: 'AUTHENTICATE', mechanism: 'GSSAPI', initialResponse: null }],
  ['RFC 4959 §3 SASL-IR', 'a01 AUTHENTICATE PLAIN AGZyZWQAdGVzdA==\r\n',
    { tag: 'a01', name: 'AUTHENTICATE', mechanism: 'PLAIN', initialResponse: Buffer.from('\0fred\0test') }],
  ['RFC 4959 §3 empty initial response', 'a02 AUTHENTICATE EXTERNAL =\r\n',
    { tag: 'a02', name: 'AUTHENTICATE', mechanism: 'EXTERNAL', initialResponse: Buffer.alloc(0) }],
  ['RFC 9051 §6.2.3 LOGIN', 'a001 LOGIN SMITH SESAME\r\n', { tag: 'a001', name: 'LOGIN', username: 'SMITH', password: 'SESAME' }],
  ['LOGIN with quoted and literal', 'a1 LOGIN "fred \\"x\\"" {4}\r\np\u00e4s\r\n',
    { tag: 'a1', name: 'LOGIN', username: 'fred "x"', password: 'päs' }],
  ['RFC 9051 §6.3.1 ENABLE', 't2 ENABLE CONDSTORE X-GOOD-IDEA\r\n', { tag: 't2', name: 'ENABLE', capabilities: ['CONDSTORE', 'X-GOOD-IDEA'] }],
  ['RFC 9051 §6.3.2 SELECT', 'A142 SELECT INBOX\r\n', { tag: 'A142', name: 'SELECT', mailbox: 'INBOX', condstore: false, qresync: null }],
  ['INBOX is case-insensitive', 'A1 EXAMINE inbox\r\n', { tag: 'A1', name: 'EXAMINE', mailbox: 'INBOX', condstore: false, qresync: null }],
  ['RFC 7162 §3.1.8 SELECT CONDSTORE', 'A142 SELECT INBOX (CONDSTORE)\r\n', { tag: 'A142', name: 'SELECT', mailbox: 'INBOX', condstore: true, qresync: null }],
  ['RFC 7162 §3.2.5.2 SELECT QRESYNC', 'A02 SELECT INBOX (QRESYNC (67890007 20050715194045000 41,43:211,214:541))\r\n',
    { tag: 'A02', name: 'SELECT', mailbox: 'INBOX', condstore: false,
      qresync: { uidValidity: 67890007, modseq: 20050715194045000n, knownUids: set([41, 41], [43, 211], [214, 541]), seqMatch: null } }],
  ['RFC 7162 §3.2.5.2 QRESYNC with seq-match-data',
    'B04 SELECT INBOX (QRESYNC (67890007 90060115194045000 1:29997 (5000,7500,9000,9990:9999 15000,22500,27000,29970,29973,29976,29979:29997)))\r\n',
    { tag: 'B04', name: 'SELECT', mailbox: 'INBOX', condstore: false,
      qresync: { uidValidity: 67890007, modseq: 90060115194045000n, knownUids: set([1, 29997]),
        seqMatch: { seqs: set([5000, 5000], [7500, 7500], [9000, 9000], [9990, 9999]),
          uids: set([15000, 15000], [22500, 22500], [27000, 27000], [29970, 29970], [29973, 29973], [29976, 29976], [29979, 29997]) } } }],
  ['RFC 9051 §6.3.4 CREATE', 'A003 CREATE owatagusiam/\r\n', { tag: 'A003', name: 'CREATE', mailbox: 'owatagusiam/', specialUse: [] }],
  ['RFC 6154 §5.2 CREATE USE', 't1 CREATE MySpecial (USE (\\Drafts \\Sent))\r\n',
    { tag: 't1', name: 'CREATE', mailbox: 'MySpecial', specialUse: ['\\Drafts', '\\Sent'] }],
  ['RFC 3501 §5.1.3 mUTF-7 name', 'A1 CREATE ~peter/mail/&U,BTFw-/&ZeVnLIqe-\r\n',
    { tag: 'A1', name: 'CREATE', mailbox: '~peter/mail/台北/日本語', specialUse: [] }],
  ['RFC 9051 §6.3.5 DELETE', 'A683 DELETE blurdybloop\r\n', { tag: 'A683', name: 'DELETE', mailbox: 'blurdybloop' }],
  ['RFC 9051 §6.3.6 RENAME', 'A684 RENAME blurdybloop sarasoop\r\n', { tag: 'A684', name: 'RENAME', from: 'blurdybloop', to: 'sarasoop' }],
  ['RFC 9051 §6.3.7 SUBSCRIBE', 'A002 SUBSCRIBE #news.comp.mail.mime\r\n', { tag: 'A002', name: 'SUBSCRIBE', mailbox: '#news.comp.mail.mime' }],
  ['RFC 9051 §6.3.8 UNSUBSCRIBE', 'A002 UNSUBSCRIBE #news.comp.mail.mime\r\n', { tag: 'A002', name: 'UNSUBSCRIBE', mailbox: '#news.comp.mail.mime' }],
  ['RFC 9051 §6.3.9 LIST', 'A101 LIST "" ""\r\n', { tag: 'A101', name: 'LIST', reference: '', patterns: [''], selection: [], return: noReturn }],
  ['RFC 9051 §6.3.9 LIST wildcard', 'A202 LIST ~/Mail/ %\r\n', { tag: 'A202', name: 'LIST', reference: '~/Mail/', patterns: ['%'], selection: [], return: noReturn }],
  ['RFC 5258 §5 selection and return options', 'A04 LIST (SUBSCRIBED RECURSIVEMATCH) "" "%" RETURN (CHILDREN)\r\n',
    { tag: 'A04', name: 'LIST', reference: '', patterns: ['%'], selection: ['SUBSCRIBED', 'RECURSIVEMATCH'], return: { ...noReturn, children: true } }],
  ['RFC 5258 §5 multiple patterns', 'A05 LIST "" ("INBOX" "Drafts" "Sent/%")\r\n',
    { tag: 'A05', name: 'LIST', reference: '', patterns: ['INBOX', 'Drafts', 'Sent/%'], selection: [], return: noReturn }],
  ['RFC 5819 §4 RETURN STATUS', 'A01 LIST "" % RETURN (STATUS (MESSAGES UNSEEN))\r\n',
    { tag: 'A01', name: 'LIST', reference: '', patterns: ['%'], selection: [], return: { ...noReturn, status: ['MESSAGES', 'UNSEEN'] } }],
  ['RFC 6154 §5.1 SPECIAL-USE', 't3 LIST (SPECIAL-USE) "" "*" RETURN (SPECIAL-USE SUBSCRIBED)\r\n',
    { tag: 't3', name: 'LIST', reference: '', patterns: ['*'], selection: ['SPECIAL-USE'], return: { ...noReturn, specialUse: true, subscribed: true } }],
  ['RFC 3501 §6.3.9 LSUB', 'A002 LSUB "#news." "comp.mail.*"\r\n', { tag: 'A002', name: 'LSUB', reference: '#news.', pattern: 'comp.mail.*' }],
  ['RFC 9051 §6.3.10 NAMESPACE', 'A001 NAMESPACE\r\n', { tag: 'A001', name: 'NAMESPACE' }],
  ['RFC 9051 §6.3.11 STATUS', 'A042 STATUS blurdybloop (UIDNEXT MESSAGES)\r\n', { tag: 'A042', name: 'STATUS', mailbox: 'blurdybloop', items: ['UIDNEXT', 'MESSAGES'] }],
  ['STATUS with extension items', 'a STATUS x (SIZE DELETED HIGHESTMODSEQ APPENDLIMIT MAILBOXID RECENT UNSEEN UIDVALIDITY)\r\n',
    { tag: 'a', name: 'STATUS', mailbox: 'x', items: ['SIZE', 'DELETED', 'HIGHESTMODSEQ', 'APPENDLIMIT', 'MAILBOXID', 'RECENT', 'UNSEEN', 'UIDVALIDITY'] }],
  ['RFC 9051 §6.3.13 IDLE', 'A002 IDLE\r\n', { tag: 'A002', name: 'IDLE' }],
  ['RFC 9051 §6.4.1 CLOSE', 'A341 CLOSE\r\n', { tag: 'A341', name: 'CLOSE' }],
  ['RFC 9051 §6.4.2 UNSELECT', 'A342 UNSELECT\r\n', { tag: 'A342', name: 'UNSELECT' }],
  ['RFC 3501 §6.4.1 CHECK', 'FXXZ CHECK\r\n', { tag: 'FXXZ', name: 'CHECK' }],
  ['RFC 9051 §6.4.3 EXPUNGE', 'A202 EXPUNGE\r\n', { tag: 'A202', name: 'EXPUNGE' }],
  ['RFC 4315 §2.1 UID EXPUNGE', 'A003 UID EXPUNGE 3000:3002\r\n', { tag: 'A003', name: 'UID EXPUNGE', uids: set([3000, 3002]) }],
  ['RFC 9051 §6.4.6 STORE', 'A003 STORE 2:4 +FLAGS (\\Deleted)\r\n',
    { tag: 'A003', name: 'STORE', uid: false, sequence: set([2, 4]), unchangedSince: null, operation: 'add', silent: false, flags: ['\\Deleted'] }],
  ['STORE -FLAGS.SILENT without parentheses', 'a UID STORE 4:2,* -flags.silent \\seen $Junk\r\n',
    { tag: 'a', name: 'STORE', uid: true, sequence: set([4, 2], ['*', '*']), unchangedSince: null, operation: 'remove', silent: true, flags: ['\\Seen', '$Junk'] }],
  ['RFC 7162 §3.1.3 UNCHANGEDSINCE', 'a103 UID STORE 6,4,8 (UNCHANGEDSINCE 12121230045) +FLAGS.SILENT (\\Deleted)\r\n',
    { tag: 'a103', name: 'STORE', uid: true, sequence: set([6, 6], [4, 4], [8, 8]), unchangedSince: 12121230045n, operation: 'add', silent: true, flags: ['\\Deleted'] }],
  ['RFC 9051 §6.4.7 COPY', 'A003 COPY 2:4 MEETING\r\n', { tag: 'A003', name: 'COPY', uid: false, sequence: set([2, 4]), mailbox: 'MEETING' }],
  ['RFC 6851 §3.3 UID MOVE', 'a UID MOVE 42:69 foo\r\n', { tag: 'a', name: 'MOVE', uid: true, sequence: set([42, 69]), mailbox: 'foo' }],
  ['RFC 5182 §2.4 COPY $', 'A283 COPY $ Trash\r\n', { tag: 'A283', name: 'COPY', uid: false, sequence: { ranges: [], saved: true }, mailbox: 'Trash' }],
  ['RFC 9208 §4.2 GETQUOTA', 'G0001 GETQUOTA "!partition/sda4"\r\n', { tag: 'G0001', name: 'GETQUOTA', root: '!partition/sda4' }],
  ['RFC 9208 §4.3 GETQUOTAROOT', 'G0002 GETQUOTAROOT INBOX\r\n', { tag: 'G0002', name: 'GETQUOTAROOT', mailbox: 'INBOX' }],
  ['RFC 9208 §4.1 SETQUOTA', 'S0000 SETQUOTA "User quota" (STORAGE 510)\r\n',
    { tag: 'S0000', name: 'SETQUOTA', root: 'User quota', limits: [{ resource: 'STORAGE', limit: 510n }] }],
  ['RFC 4314 §3.1 SETACL', 'A035 SETACL INBOX/Drafts John lrswicda\r\n',
    { tag: 'A035', name: 'SETACL', mailbox: 'INBOX/Drafts', identifier: 'John', mode: 'set', rights: 'lrswicda' }],
  ['RFC 4314 SETACL add rights', 'A1 SETACL INBOX Fred +w\r\n', { tag: 'A1', name: 'SETACL', mailbox: 'INBOX', identifier: 'Fred', mode: 'add', rights: 'w' }],
  ['RFC 4314 §3.2 DELETEACL', 'A002 DELETEACL ~/decisions/maintenance Chris\r\n',
    { tag: 'A002', name: 'DELETEACL', mailbox: '~/decisions/maintenance', identifier: 'Chris' }],
  ['RFC 4314 §3.3 GETACL', 'A002 GETACL INBOX\r\n', { tag: 'A002', name: 'GETACL', mailbox: 'INBOX' }],
  ['RFC 4314 §3.4 LISTRIGHTS', 'a001 LISTRIGHTS ~/Mail/saved smith\r\n', { tag: 'a001', name: 'LISTRIGHTS', mailbox: '~/Mail/saved', identifier: 'smith' }],
  ['RFC 4314 §3.5 MYRIGHTS', 'A003 MYRIGHTS INBOX\r\n', { tag: 'A003', name: 'MYRIGHTS', mailbox: 'INBOX' }],
  ['RFC 2971 §3.4 ID', 'a023 ID ("name" "sodr" "version" "19.34" "vendor" "Pink Floyd Music Limited")\r\n',
    { tag: 'a023', name: 'ID', params: [['name', 'sodr'], ['version', '19.34'], ['vendor', 'Pink Floyd Music Limited']] }],
  ['RFC 2971 ID NIL', 'a ID NIL\r\n', { tag: 'a', name: 'ID', params: null }],
  ['RFC 4978 §3 COMPRESS', 'a COMPRESS DEFLATE\r\n', { tag: 'a', name: 'COMPRESS', mechanism: 'DEFLATE' }],
];

for (const [title, input, expected, options] of table) {
  test(`parses ${title}`, () => {
    const ev = parseOne(input, options);
    if (ev.kind !== 'command') assert.fail(show(ev));
    assert.deepEqual((ev as { command: unknown }).command, expected);
  });
}

test('parses RFC 9051 §6.3.12 APPEND with flags, date-time and a literal', () => {
  const msg = 'Date: Mon, 7 Feb 1994 21:52:25 -0800 (PST)\r\nSubject: afternoon meeting\r\n\r\nHello Joe\r\n';
  const ev = parseOne(`A003 APPEND saved-messages (\\Seen) " 7-Feb-1994 21:52:25 -0800" {${msg.length}}\r\n${msg}\r\n`);
  assert.equal(ev.kind, 'command');
  assert.deepEqual((ev as any).command, {
    tag: 'A003', name: 'APPEND', mailbox: 'saved-messages',
    messages: [{ flags: ['\\Seen'], date: new Date('1994-02-08T05:52:25Z'), data: Buffer.from(msg), binary: false, utf8: false }],
  });
});

test('parses RFC 3502 MULTIAPPEND, RFC 3516 literal8 and RFC 6855 UTF8 data', () => {
  const ev = parseOne('A1 APPEND foo {3+}\r\nabc ~{2+}\r\n\0x (\\Draft) UTF8 (~{1+}\r\nz)\r\n');
  assert.equal(ev.kind, 'command');
  assert.deepEqual((ev as any).command.messages, [
    { flags: null, date: null, data: Buffer.from('abc'), binary: false, utf8: false },
    { flags: null, date: null, data: Buffer.from('\0x'), binary: true, utf8: false },
    { flags: ['\\Draft'], date: null, data: Buffer.from('z'), binary: true, utf8: true },
  ]);
});

test('accepts raw UTF-8 mailbox names and quoted strings only in UTF8=ACCEPT mode', () => {
  const input = 'a SELECT "Entwürfe"\r\n';
  assert.deepEqual((parseOne(input, { utf8: true }) as any).command.mailbox, 'Entwürfe');
  const ev = parseOne(input);
  assert.equal(ev.kind, 'error');
  assert.equal((ev as any).error.code, 'eight-bit-not-allowed');
  assert.equal((parseOne('a SELECT {10}\r\nEntwürfe\r\n') as any).error.code, 'invalid-mailbox-name');
});
