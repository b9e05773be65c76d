// RFC 3501 §6.3.11 APPEND with RFC 4315 APPENDUID, RFC 3516 BINARY, and the
// FETCH data APPEND stores (ENVELOPE, RFC 3501 §7.4.2).
import { appendStep, literal, message, type ConformanceCase } from '../runner.ts';

const MULTIPART = [
  'From: a@example.org',
  'Subject: parts',
  'MIME-Version: 1.0',
  'Content-Type: multipart/mixed; boundary="b1"',
  '',
  '--b1',
  'Content-Type: text/plain',
  '',
  '',
  '--b1',
  'Content-Type: application/octet-stream',
  'Content-Transfer-Encoding: base64',
  '',
  'AAEC/w==',
  '--b1--',
  '',
].join('\r\n');

export const cases: ConformanceCase[] = [
  {
    name: 'APPEND answers APPENDUID; APPEND to a missing mailbox is NO [TRYCREATE]',
    rfc: 'RFC 3501 §6.3.11, RFC 4315 §3',
    requires: ['UIDPLUS'],
    steps: [
      appendStep('INBOX', message({ Subject: 'x' }), '', { tagged: 'OK [APPENDUID $_ 1]' }),
      appendStep('Nowhere', message({ Subject: 'x' }), '', { tagged: 'NO [TRYCREATE]' }),
    ],
  },
  {
    name: 'APPEND keeps the internal date and flags it is given',
    rfc: 'RFC 3501 §6.3.11',
    steps: [
      { send: `APPEND INBOX (\\Seen \\Draft) "05-Mar-2021 10:11:12 +0100" ${literal(message({ Subject: 'dated' }))}` },
      { send: 'SELECT INBOX' },
      // The same instant; a server may answer it in another zone (both Stoa and Dovecot answer UTC).
      { send: 'FETCH 1 (INTERNALDATE FLAGS)', untagged: ['* 1 FETCH (INTERNALDATE $_ FLAGS (\\Seen \\Draft $...))'], wire: [/INTERNALDATE "[ 0]5-Mar-2021 (10:11:12 \+0100|09:11:12 \+0000)"/] },
    ],
  },
  {
    name: 'BINARY of an empty part is a zero-length literal, BINARY.SIZE 0',
    rfc: 'RFC 3516 §4.2 (BINARY answers with a literal, literal8 where it may hold NUL)',
    requires: ['BINARY'],
    steps: [
      appendStep('INBOX', MULTIPART),
      { send: 'SELECT INBOX' },
      { send: 'FETCH 1 (BINARY.PEEK[1] BINARY.SIZE[1])', untagged: ['* 1 FETCH (BINARY[1] "" BINARY.SIZE[1] 0)'], wire: [/BINARY\[1\] ~?\{0\}\r\n/] },
    ],
  },
  {
    name: 'BINARY decodes base64 and answers NUL-bearing data as literal8',
    rfc: 'RFC 3516 §4.2, §4.3',
    requires: ['BINARY'],
    steps: [
      appendStep('INBOX', MULTIPART),
      { send: 'SELECT INBOX' },
      { send: 'FETCH 1 (BINARY.PEEK[2] BINARY.SIZE[2])', untagged: ['* 1 FETCH (BINARY[2] "\x00\x01\x02\xff" BINARY.SIZE[2] 4)'], wire: [/BINARY\[2\] ~\{4\}\r\n/] },
    ],
  },
  {
    name: 'ENVELOPE keeps a source route in the adl field',
    rfc: 'RFC 3501 §7.4.2 (address: name, adl, mailbox, host)',
    steps: [
      appendStep('INBOX', message({ From: '<@route.example:user@domain.example>', Subject: 'routed' })),
      { send: 'SELECT INBOX' },
      { send: 'FETCH 1 (ENVELOPE)', untagged: ['* 1 FETCH (ENVELOPE ($_ "routed" ((NIL "@route.example" "user" "domain.example")) $...))'] },
    ],
  },
  {
    name: 'ENVELOPE: a group becomes start and end markers around its members',
    rfc: 'RFC 3501 §7.4.2 (group syntax)',
    steps: [
      appendStep('INBOX', message({ From: 'a@example.org', To: 'Team: x@example.org, "Why" <y@example.org>;', Subject: 'group' })),
      { send: 'SELECT INBOX' },
      {
        send: 'FETCH 1 (ENVELOPE)',
        untagged: ['* 1 FETCH (ENVELOPE ($_ "group" $_ $_ $_ ((NIL NIL "Team" NIL) (NIL NIL "x" "example.org") ("Why" NIL "y" "example.org") (NIL NIL NIL NIL)) $...))'],
      },
    ],
  },
];
