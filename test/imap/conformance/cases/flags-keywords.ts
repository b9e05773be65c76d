// RFC 3501 §2.3.2, §6.3.1, §6.4.6, §7.2.6 and RFC 9051 §7.3.5: flags and
// keywords, and above all that a client hears of a keyword (untagged FLAGS,
// OK [PERMANENTFLAGS]) before any FETCH shows it, whoever added it.
import { appendStep, message, type ConformanceCase } from '../runner.ts';

const m = (subject: string): string => message({ From: 'a@example.org', Subject: subject });

export const cases: ConformanceCase[] = [
  {
    name: 'SELECT announces the system flags and PERMANENTFLAGS with \\*',
    rfc: 'RFC 3501 §6.3.1, §7.1',
    steps: [
      {
        send: 'SELECT INBOX',
        untagged: [
          '* FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft $...)',
          '* OK [PERMANENTFLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft \\* $...)]',
          '* 0 EXISTS',
          '* OK [UIDVALIDITY $_]',
        ],
        tagged: 'OK [READ-WRITE]',
      },
    ],
  },
  {
    name: 'EXAMINE is read-only: no permanent flags',
    rfc: 'RFC 3501 §6.3.2',
    steps: [
      appendStep('INBOX', m('one')),
      { send: 'EXAMINE INBOX', untagged: ['* 1 EXISTS', '* OK [PERMANENTFLAGS ()]'], tagged: 'OK [READ-ONLY]' },
    ],
  },
  {
    name: 'STORE of a new keyword announces FLAGS and PERMANENTFLAGS before the FETCH that shows it',
    rfc: 'RFC 3501 §7.2.6, RFC 9051 §7.3.5',
    steps: [
      appendStep('INBOX', m('one')),
      { send: 'SELECT INBOX', absent: ['* FLAGS ($Hello $...)'] },
      {
        send: 'STORE 1 +FLAGS ($Hello)',
        untagged: ['* FLAGS ($Hello $...)', '* 1 FETCH (FLAGS ($Hello $...))'],
        ordered: true,
      },
      { send: 'FETCH 1 (FLAGS)', untagged: ['* 1 FETCH (FLAGS ($Hello $...))'] },
    ],
  },
  {
    name: 'STORE .SILENT of a new keyword still announces it in FLAGS',
    rfc: 'RFC 3501 §6.4.6, §7.2.6',
    steps: [
      appendStep('INBOX', m('one')),
      { send: 'SELECT INBOX' },
      { send: 'STORE 1 +FLAGS.SILENT (Quiet)', untagged: ['* FLAGS (Quiet $...)'] },
      { send: 'FETCH 1 (FLAGS)', untagged: ['* 1 FETCH (FLAGS (Quiet $...))'] },
    ],
  },
  {
    name: 'APPEND of a message with a new keyword into the selected mailbox announces the keyword before FETCH shows it',
    rfc: 'RFC 3501 §6.3.11, §7.2.6',
    steps: [
      { send: 'SELECT INBOX' },
      appendStep('INBOX', m('kw'), '$Appended', { untagged: ['* FLAGS ($Appended $...)', '* 1 EXISTS'] }),
      { send: 'FETCH 1 (FLAGS)', untagged: ['* 1 FETCH (FLAGS ($Appended $...))'] },
    ],
  },
  {
    name: 'a keyword another session stores is announced with FLAGS before that session\'s FETCH',
    rfc: 'RFC 3501 §7.2.6, RFC 9051 §7.3.5, §7.5.1',
    steps: [
      appendStep('INBOX', m('one')),
      { send: 'SELECT INBOX' },
      { session: 'b', send: 'SELECT INBOX' },
      { session: 'b', send: 'STORE 1 +FLAGS (Elsewhere)' },
      {
        send: 'NOOP',
        untagged: ['* FLAGS (Elsewhere $...)', '* OK [PERMANENTFLAGS (Elsewhere $...)]', '* 1 FETCH (FLAGS (Elsewhere $...) $...)'],
        ordered: true,
      },
    ],
  },
  {
    name: 'a message another session appends with a new keyword: FLAGS comes before the keyword shows in FETCH',
    rfc: 'RFC 3501 §7.2.6, §7.3.1',
    steps: [
      { send: 'SELECT INBOX' },
      appendStep('INBOX', m('kw'), '$FromB', { session: 'b' }),
      { send: 'NOOP', untagged: ['* FLAGS ($FromB $...)', '* 1 EXISTS'] },
      { send: 'FETCH 1 (FLAGS)', untagged: ['* 1 FETCH (FLAGS ($FromB $...))'] },
    ],
  },
  {
    name: 'STORE FLAGS replaces, +FLAGS adds and -FLAGS removes',
    rfc: 'RFC 3501 §6.4.6',
    steps: [
      appendStep('INBOX', m('one'), '\\Seen'),
      { send: 'SELECT INBOX' },
      { send: 'STORE 1 FLAGS (\\Flagged Work)', untagged: ['* 1 FETCH (FLAGS (\\Flagged Work $...))'], absent: ['* 1 FETCH (FLAGS (\\Seen $...))'] },
      { send: 'STORE 1 +FLAGS (\\Answered)', untagged: ['* 1 FETCH (FLAGS (\\Flagged \\Answered Work $...))'] },
      { send: 'STORE 1 -FLAGS (Work \\Flagged)', untagged: ['* 1 FETCH (FLAGS (\\Answered $...))'], absent: ['* 1 FETCH (FLAGS (Work $...))'] },
    ],
  },
  {
    name: 'flag names in STORE are case-insensitive for system flags',
    rfc: 'RFC 3501 §2.3.2, §9 (case-insensitive keywords)',
    steps: [
      appendStep('INBOX', m('one')),
      { send: 'SELECT INBOX' },
      { send: 'STORE 1 +FLAGS (\\SEEN \\flagged)', untagged: ['* 1 FETCH (FLAGS (\\Seen \\Flagged $...))'] },
    ],
  },
  {
    name: 'a keyword with an atom-special character is a syntax error',
    rfc: 'RFC 3501 §9 flag-keyword = atom',
    steps: [
      appendStep('INBOX', m('one')),
      { send: 'SELECT INBOX' },
      { send: 'STORE 1 +FLAGS (bad{kw)', tagged: 'BAD' },
      { send: 'NOOP' },
    ],
  },
];
