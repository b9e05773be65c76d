// RFC 3501 §2.3.2 \Recent for IMAP4rev1 sessions: RECENT counts on SELECT,
// EXAMINE, STATUS and NOOP, the \Recent flag in FETCH only for the first
// session that is told of a message, SEARCH NEW/OLD/RECENT (§6.4.4);
// IMAP4rev2 sessions never see it (RFC 9051 §2.3.2, appendix E).
import { appendStep, message, type ConformanceCase } from '../runner.ts';

const m = (subject: string): string => message({ From: 'a@example.org', Subject: subject });

export const cases: ConformanceCase[] = [
  {
    name: 'SELECT reports messages new to the mailbox as RECENT, and FETCH shows \\Recent',
    rfc: 'RFC 3501 §2.3.2, §6.3.1, §7.3.2',
    steps: [
      appendStep('INBOX', m('one')),
      appendStep('INBOX', m('two'), '\\Seen'),
      { send: 'SELECT INBOX', untagged: ['* 2 EXISTS', '* 2 RECENT'] },
      { send: 'FETCH 1:2 (FLAGS)', untagged: ['* 1 FETCH (FLAGS (\\Recent))', '* 2 FETCH (FLAGS (\\Seen \\Recent))'] },
    ],
  },
  {
    name: 'only the first session to select a mailbox gets its new messages as \\Recent',
    rfc: 'RFC 3501 §2.3.2 ("this session is the first session to have been notified")',
    steps: [
      appendStep('INBOX', m('one')),
      { send: 'SELECT INBOX', untagged: ['* 1 RECENT'] },
      { session: 'b', send: 'SELECT INBOX', untagged: ['* 1 EXISTS', '* 0 RECENT'] },
      { session: 'b', send: 'FETCH 1 (FLAGS)', untagged: ['* 1 FETCH (FLAGS ())'] },
      { send: 'FETCH 1 (FLAGS)', untagged: ['* 1 FETCH (FLAGS (\\Recent))'] },
    ],
  },
  {
    name: 'STATUS RECENT counts messages no session has been told of',
    rfc: 'RFC 3501 §6.3.10',
    steps: [
      { send: 'CREATE Rec' },
      appendStep('Rec', m('one')),
      appendStep('Rec', m('two')),
      { send: 'STATUS Rec (MESSAGES RECENT)', untagged: ['* STATUS Rec (MESSAGES 2 RECENT 2)'] },
      { session: 'b', send: 'SELECT Rec', untagged: ['* 2 RECENT'] },
      { send: 'STATUS Rec (RECENT)', untagged: ['* STATUS Rec (RECENT 0)'] },
    ],
  },
  {
    name: 'EXAMINE counts recent messages without taking \\Recent away from the next SELECT',
    rfc: 'RFC 3501 §6.3.2 ("MUST NOT cause messages to lose the \\Recent flag")',
    steps: [
      appendStep('INBOX', m('one')),
      { send: 'EXAMINE INBOX', untagged: ['* 1 EXISTS', '* 1 RECENT'] },
      { send: 'CLOSE' },
      { session: 'b', send: 'SELECT INBOX', untagged: ['* 1 RECENT'] },
    ],
  },
  {
    name: 'a message arriving in the selected mailbox comes with EXISTS and RECENT, and is \\Recent to that session',
    rfc: 'RFC 3501 §7.3.1, §7.3.2',
    steps: [
      { send: 'SELECT INBOX', untagged: ['* 0 EXISTS', '* 0 RECENT'] },
      appendStep('INBOX', m('arrives'), '', { session: 'b' }),
      { send: 'NOOP', untagged: ['* 1 EXISTS', '* 1 RECENT'] },
      { send: 'FETCH 1 (FLAGS)', untagged: ['* 1 FETCH (FLAGS (\\Recent))'] },
    ],
  },
  {
    name: 'SEARCH RECENT, NEW and OLD use this session\'s \\Recent messages',
    rfc: 'RFC 3501 §6.4.4',
    steps: [
      appendStep('INBOX', m('old')),
      { send: 'SELECT INBOX', untagged: ['* 1 RECENT'] },
      { send: 'CLOSE' },
      appendStep('INBOX', m('new seen'), '\\Seen'),
      appendStep('INBOX', m('new unseen')),
      { send: 'SELECT INBOX', untagged: ['* 3 EXISTS', '* 2 RECENT'] },
      { send: 'SEARCH RECENT', untagged: ['* SEARCH 2 3'] },
      { send: 'SEARCH NEW', untagged: ['* SEARCH 3'] },
      { send: 'SEARCH OLD', untagged: ['* SEARCH 1'] },
      { send: 'SEARCH NOT RECENT SEEN', untagged: ['* SEARCH'] },
    ],
  },
  {
    name: 'STORE cannot set \\Recent, and FLAGS replacement keeps it',
    rfc: 'RFC 3501 §2.3.2 ("This flag can not be altered by the client")',
    steps: [
      appendStep('INBOX', m('one')),
      { send: 'SELECT INBOX', untagged: ['* 1 RECENT'] },
      { send: 'STORE 1 FLAGS (\\Seen)', untagged: ['* 1 FETCH (FLAGS (\\Seen \\Recent))'] },
    ],
  },
  {
    name: 'an IMAP4rev2 session never sees \\Recent or RECENT',
    rfc: 'RFC 9051 §2.3.2, appendix E',
    requires: ['IMAP4rev2'],
    steps: [
      { send: 'ENABLE IMAP4rev2' },
      appendStep('INBOX', m('one')),
      { send: 'SELECT INBOX', untagged: ['* 1 EXISTS'], absent: ['* $_ RECENT'] },
      { send: 'FETCH 1 (FLAGS)', untagged: ['* 1 FETCH (FLAGS ())'] },
      { session: 'b', send: 'SELECT INBOX', untagged: ['* 1 RECENT'] },
    ],
  },
];
