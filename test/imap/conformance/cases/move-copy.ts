// RFC 3501 §6.4.7 COPY, RFC 6851 MOVE and RFC 4315 UIDPLUS COPYUID.
import { appendStep, message, type ConformanceCase, type Step } from '../runner.ts';

const m = (subject: string): string => message({ From: 'a@example.org', Subject: subject });

const TWO: Step[] = [appendStep('INBOX', m('one'), '\\Flagged'), appendStep('INBOX', m('two')), { send: 'SELECT INBOX' }];

export const cases: ConformanceCase[] = [
  {
    name: 'COPY answers COPYUID and keeps flags and keywords',
    rfc: 'RFC 3501 §6.4.7, RFC 4315 §3',
    requires: ['UIDPLUS'],
    steps: [
      { send: 'CREATE Target' },
      ...TWO,
      { send: 'STORE 1 +FLAGS (Kept)' },
      { send: 'COPY 1:2 Target', tagged: 'OK [COPYUID $_ 1:2 1:2]' },
      { send: 'SELECT Target', untagged: ['* 2 EXISTS', '* FLAGS (Kept $...)'] },
      { send: 'FETCH 1 (FLAGS)', untagged: ['* 1 FETCH (FLAGS (\\Flagged Kept $...))'] },
    ],
  },
  {
    name: 'COPY to a mailbox that does not exist is NO [TRYCREATE]',
    rfc: 'RFC 3501 §6.4.7',
    steps: [...TWO, { send: 'COPY 1 Nowhere', tagged: 'NO [TRYCREATE]' }],
  },
  {
    name: 'MOVE reports COPYUID and expunges the moved messages from the source',
    rfc: 'RFC 6851 §3.3, §4.3',
    requires: ['MOVE', 'UIDPLUS'],
    steps: [
      { send: 'CREATE Target' },
      ...TWO,
      { send: 'MOVE 1 Target', untagged: ['* 1 EXPUNGE'], codes: ['COPYUID $_ 1 1'] },
      { send: 'UID SEARCH ALL', untagged: ['* SEARCH 2'] },
      { send: 'STATUS Target (MESSAGES)', untagged: ['* STATUS Target (MESSAGES 1)'] },
    ],
  },
  {
    name: 'MOVE into the selected mailbox gives the messages new UIDs and expunges the old ones',
    rfc: 'RFC 6851 §3.3 (the target may be the selected mailbox), RFC 4315 §3',
    requires: ['MOVE', 'UIDPLUS'],
    steps: [
      ...TWO,
      { send: 'MOVE 1 INBOX', untagged: ['* 1 EXPUNGE'], codes: ['COPYUID $_ 1 3'] },
      { send: 'NOOP' },
      { send: 'UID SEARCH ALL', untagged: ['* SEARCH 2 3'] },
      { send: 'UID FETCH 3 (FLAGS)', untagged: ['* 2 FETCH (UID 3 FLAGS (\\Flagged $...))'] },
    ],
  },
  {
    name: 'UID MOVE of a UID that does not exist moves nothing and succeeds',
    rfc: 'RFC 6851 §3.3, RFC 3501 §6.4.8',
    requires: ['MOVE'],
    steps: [
      { send: 'CREATE Target' },
      ...TWO,
      { send: 'UID MOVE 99 Target', absent: ['* $_ EXPUNGE'] },
      { send: 'STATUS Target (MESSAGES)', untagged: ['* STATUS Target (MESSAGES 0)'] },
    ],
  },
  {
    name: 'another session sees a MOVE out of its mailbox as EXPUNGE',
    rfc: 'RFC 6851 §4.1, RFC 3501 §7.4.1',
    requires: ['MOVE'],
    steps: [
      { send: 'CREATE Target' },
      ...TWO,
      { session: 'b', send: 'SELECT INBOX' },
      { send: 'MOVE 2 Target' },
      { session: 'b', send: 'NOOP', untagged: ['* 2 EXPUNGE'] },
    ],
  },
];
