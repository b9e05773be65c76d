// RFC 3501 §6.4.4 SEARCH: address keys match the address in every form
// RFC 5322 allows (display names, comments, groups, encoded words), TEXT
// and BODY find a string in any text part whatever its transfer encoding,
// substrings included.
import { appendStep, literal, message, type ConformanceCase, type Step } from '../runner.ts';

const utf8 = (s: string): string => Buffer.from(s, 'utf8').toString('latin1');

const FROMS = [
  '"User Name" <user-from@domain.org>',
  'user-from@domain.org (Comment Here)',
  'Group: user-from@domain.org;',
  '=?utf-8?q?J=C3=B6rg_Name?= <user-from@domain.org>',
  'user-from@domain.org',
  'Someone Else <other@domain.org>',
  'user-from (comment) @ domain.org',
  '"user-from"@domain.org',
  '"Long Name"\r\n <user-from@domain.org>',
  '<@route.example:user-from@domain.org>',
];

const FROM_MAILBOX: Step[] = [
  ...FROMS.map((from, i) => appendStep('INBOX', message({ From: from, Subject: `from ${i + 1}` }))),
  { send: 'SELECT INBOX' },
];

const QP = message({ From: 'a@example.org', Subject: 'qp', 'Content-Type': 'text/plain; charset=utf-8', 'Content-Transfer-Encoding': 'quoted-printable' }, 'The word is qwer=\r\ntyuiop, split by a soft line break.');
const B64 = message({ From: 'a@example.org', Subject: 'b64', 'Content-Type': 'text/plain', 'Content-Transfer-Encoding': 'base64' }, Buffer.from('base64 body with qwertyuiop inside\r\n').toString('base64'));
const HTML = message({ From: 'a@example.org', Subject: 'html', 'Content-Type': 'text/html' }, '<html><body><p>in <b>qwertyuiop</b> html</p></body></html>');
const ATTACHED = [
  'From: a@example.org', 'Subject: attached', 'MIME-Version: 1.0', 'Content-Type: multipart/mixed; boundary="zz"', '',
  '--zz', 'Content-Type: text/plain', '', 'nothing here', '',
  '--zz', 'Content-Type: text/plain; name="notes.txt"', 'Content-Disposition: attachment; filename="notes.txt"', 'Content-Transfer-Encoding: base64', '',
  Buffer.from('attachment says qwertyuiop\r\n').toString('base64'), '--zz--', '',
].join('\r\n');
const HEADER_ONLY = message({ From: 'a@example.org', Subject: 'subject says qwertyuiop' }, 'plain body');
const NONE = message({ From: 'a@example.org', Subject: 'none' }, 'qwerty uiop apart');

export const cases: ConformanceCase[] = [
  {
    name: 'SEARCH FROM finds the address behind a display name, a comment, a group and an encoded word',
    rfc: 'RFC 3501 §6.4.4 FROM, RFC 5322 §3.4',
    steps: [...FROM_MAILBOX, { send: 'SEARCH FROM user-from@domain.org', untagged: ['* SEARCH 1 2 3 4 5 7 8 9 10'] }],
  },
  {
    name: 'SEARCH FROM matches substrings of the address and of the display name',
    rfc: 'RFC 3501 §6.4.4 ("contains the specified string")',
    steps: [
      ...FROM_MAILBOX,
      { send: 'SEARCH FROM from@domain', untagged: ['* SEARCH 1 2 3 4 5 7 8 9 10'] },
      { send: 'SEARCH FROM "User Na"', untagged: ['* SEARCH 1'] },
      { send: 'SEARCH FROM domain.org', untagged: ['* SEARCH 1 2 3 4 5 6 7 8 9 10'] },
    ],
  },
  {
    name: 'SEARCH FROM with a UTF-8 string matches a decoded display name',
    rfc: 'RFC 3501 §6.4.4 (CHARSET), RFC 2047',
    steps: [...FROM_MAILBOX, { send: `SEARCH CHARSET UTF-8 FROM ${literal(utf8('Jörg'))}`, untagged: ['* SEARCH 4'] }],
  },
  {
    name: 'SEARCH TEXT finds a word in quoted-printable, base64, HTML, an attachment and a header, and not split apart',
    rfc: 'RFC 3501 §6.4.4 TEXT ("header or body")',
    steps: [
      appendStep('INBOX', QP), appendStep('INBOX', B64), appendStep('INBOX', HTML), appendStep('INBOX', ATTACHED),
      appendStep('INBOX', HEADER_ONLY), appendStep('INBOX', NONE),
      { send: 'SELECT INBOX' },
      { send: 'SEARCH TEXT qwertyuiop', untagged: ['* SEARCH 1 2 3 4 5'] },
      { send: 'SEARCH TEXT wertyui', untagged: ['* SEARCH 1 2 3 4 5'] },
      { send: 'SEARCH BODY qwertyuiop', untagged: ['* SEARCH 1 2 3 4'] },
      { send: 'SEARCH TEXT QWERTYUIOP', untagged: ['* SEARCH 1 2 3 4 5'] },
    ],
  },
  {
    name: 'SEARCH TEXT right after APPEND finds the new message',
    rfc: 'RFC 3501 §6.4.4, §6.3.11',
    steps: [
      { send: 'SELECT INBOX' },
      appendStep('INBOX', message({ From: 'a@example.org', Subject: 'fresh' }, 'zxcvbnmlkj fresh text')),
      { send: 'SEARCH TEXT zxcvbnmlkj', untagged: ['* SEARCH 1'] },
      { send: 'SEARCH BODY xcvbn', untagged: ['* SEARCH 1'] },
    ],
  },
  {
    name: 'SEARCH HEADER with an empty string matches every message that has the field',
    rfc: 'RFC 3501 §6.4.4 HEADER',
    steps: [
      appendStep('INBOX', message({ From: 'a@example.org', Subject: 's', 'X-Tag': 'one' })),
      appendStep('INBOX', message({ From: 'a@example.org', Subject: 's' })),
      { send: 'SELECT INBOX' },
      { send: 'SEARCH HEADER X-Tag ""', untagged: ['* SEARCH 1'] },
      { send: 'SEARCH NOT HEADER X-Tag ""', untagged: ['* SEARCH 2'] },
    ],
  },
  {
    name: 'SEARCH with OR, NOT, sequence sets and UID',
    rfc: 'RFC 3501 §6.4.4',
    steps: [
      ...FROM_MAILBOX,
      { send: 'STORE 2,4 +FLAGS (\\Flagged)' },
      { send: 'SEARCH OR FLAGGED 6 NOT 1:3', untagged: ['* SEARCH 4 6'] },
      { send: 'UID SEARCH UID 2:3 FLAGGED', untagged: ['* SEARCH 2'] },
      { send: 'SEARCH OR 1 2', untagged: ['* SEARCH 1 2'] },
    ],
  },
  {
    name: 'SEARCH with an unknown charset is NO [BADCHARSET]',
    rfc: 'RFC 3501 §6.4.4, §7.1',
    steps: [{ send: 'SELECT INBOX' }, { send: 'SEARCH CHARSET X-UNKNOWN-9 TEXT a', tagged: 'NO [BADCHARSET $...]' }],
  },
];
