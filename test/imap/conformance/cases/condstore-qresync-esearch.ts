// RFC 7162 CONDSTORE and QRESYNC, RFC 4731 ESEARCH (and its MODSEQ rules).
import { appendStep, message, type ConformanceCase, type Step } from '../runner.ts';

const m = (subject: string): string => message({ From: 'a@example.org', Subject: subject });

/** Three messages with distinct MODSEQs; message 3 changed last, so its MODSEQ is the highest. */
const THREE: Step[] = [
  appendStep('INBOX', m('one')),
  appendStep('INBOX', m('two')),
  appendStep('INBOX', m('three')),
  // CONDSTORE on from the start: a server may give every message the same MODSEQ until then (Dovecot does).
  { send: 'SELECT INBOX (CONDSTORE)' },
  { send: 'STORE 3 +FLAGS (\\Flagged)' },
  { send: 'STORE 2 +FLAGS (\\Answered)' },
  { send: 'STORE 1 +FLAGS (\\Seen)' },
  { send: 'STORE 3 +FLAGS (\\Draft)' },
];

export const cases: ConformanceCase[] = [
  {
    name: 'SELECT (CONDSTORE) reports HIGHESTMODSEQ',
    rfc: 'RFC 7162 §3.1.1, §3.1.8',
    requires: ['CONDSTORE'],
    steps: [{ send: 'SELECT INBOX (CONDSTORE)', untagged: ['* OK [HIGHESTMODSEQ $_]'] }],
  },
  {
    name: 'FETCH (MODSEQ) enables CONDSTORE in the selected mailbox: HIGHESTMODSEQ is reported, later FETCH responses carry MODSEQ',
    rfc: 'RFC 7162 §3.1 (CONDSTORE enabling commands), §3.1.4',
    requires: ['CONDSTORE'],
    steps: [
      appendStep('INBOX', m('one')),
      { send: 'SELECT INBOX' },
      { send: 'FETCH 1 (MODSEQ)', untagged: ['* 1 FETCH (MODSEQ ($_))'], codes: ['HIGHESTMODSEQ $_'] },
      { send: 'STORE 1 +FLAGS (\\Flagged)', untagged: ['* 1 FETCH (FLAGS (\\Flagged $...) MODSEQ ($_) $...)'] },
    ],
  },
  {
    name: 'SEARCH MODSEQ as the first CONDSTORE command reports HIGHESTMODSEQ',
    rfc: 'RFC 7162 §3.1, §3.1.5',
    requires: ['CONDSTORE'],
    steps: [
      appendStep('INBOX', m('one')),
      { send: 'SELECT INBOX' },
      { send: 'SEARCH MODSEQ 1', codes: ['HIGHESTMODSEQ $_'] },
    ],
  },
  {
    name: 'SEARCH MODSEQ answers with the highest MODSEQ of the matching messages',
    rfc: 'RFC 7162 §3.1.5',
    requires: ['CONDSTORE'],
    steps: [
      ...THREE,
      { send: 'FETCH 1:3 (MODSEQ)', untagged: ['* 1 FETCH (MODSEQ (${m1}))', '* 2 FETCH (MODSEQ (${m2}))', '* 3 FETCH (MODSEQ (${m3}))'] },
      { send: 'SEARCH MODSEQ ${m2} NOT FLAGGED', untagged: ['* SEARCH 1 2 (MODSEQ ${m1})'] },
    ],
  },
  {
    name: 'ESEARCH RETURN (MIN) / (MAX) with MODSEQ gives the MODSEQ of the returned message, not the mailbox\'s highest',
    rfc: 'RFC 7162 §3.1.5, RFC 4731 §3.1',
    requires: ['CONDSTORE', 'ESEARCH'],
    steps: [
      ...THREE,
      { send: 'FETCH 1:3 (MODSEQ)', untagged: ['* 1 FETCH (MODSEQ (${m1}))', '* 2 FETCH (MODSEQ (${m2}))', '* 3 FETCH (MODSEQ (${m3}))'] },
      { send: 'SEARCH RETURN (MIN) MODSEQ 1', untagged: ['* ESEARCH (TAG $_) MIN 1 MODSEQ ${m1}'] },
      { send: 'SEARCH RETURN (MAX) MODSEQ 1 NOT DRAFT', untagged: ['* ESEARCH (TAG $_) MAX 2 MODSEQ ${m2}'] },
      { send: 'SEARCH RETURN (MIN MAX) MODSEQ 1 NOT DRAFT', untagged: ['* ESEARCH (TAG $_) MIN 1 MAX 2 MODSEQ ${m1}'] },
      { send: 'SEARCH RETURN (COUNT) MODSEQ 1', untagged: ['* ESEARCH (TAG $_) COUNT 3 MODSEQ ${m3}'] },
    ],
  },
  {
    name: 'ESEARCH: RETURN () means ALL, results as a sequence set with the command\'s tag',
    rfc: 'RFC 4731 §3.1, §3.2',
    requires: ['ESEARCH'],
    steps: [
      ...THREE,
      { send: 'SEARCH RETURN () ALL', untagged: ['* ESEARCH (TAG $_) ALL 1:3'] },
      { send: 'UID SEARCH RETURN (COUNT MIN) FLAGGED', untagged: ['* ESEARCH (TAG $_) UID COUNT 1 MIN $_'] },
      { send: 'SEARCH RETURN (MIN MAX COUNT) KEYWORD nothere', untagged: ['* ESEARCH (TAG $_) COUNT 0'] },
    ],
  },
  {
    name: 'STORE UNCHANGEDSINCE refuses a changed message with MODIFIED and changes the others',
    rfc: 'RFC 7162 §3.1.3',
    requires: ['CONDSTORE'],
    steps: [
      ...THREE,
      { send: 'FETCH 1:3 (MODSEQ)', untagged: ['* 1 FETCH (MODSEQ (${m1}))', '* 2 FETCH (MODSEQ (${m2}))', '* 3 FETCH (MODSEQ (${m3}))'] },
      { send: 'STORE 2:3 (UNCHANGEDSINCE ${m2}) +FLAGS (Cond)', untagged: ['* 2 FETCH (FLAGS (Cond $...) MODSEQ ($_) $...)'], tagged: 'OK [MODIFIED 3]' },
    ],
  },
  {
    name: 'FETCH CHANGEDSINCE returns only messages changed after the given MODSEQ, with MODSEQ',
    rfc: 'RFC 7162 §3.1.4.1',
    requires: ['CONDSTORE'],
    steps: [
      ...THREE,
      { send: 'FETCH 1:3 (MODSEQ)', untagged: ['* 1 FETCH (MODSEQ (${m1}))'] },
      { send: 'FETCH 1:3 (FLAGS) (CHANGEDSINCE ${m1})', untagged: ['* 3 FETCH (FLAGS ($...) MODSEQ ($_) $...)'], absent: ['* 1 FETCH $...', '* 2 FETCH $...'] },
    ],
  },
  {
    name: 'SELECT (QRESYNC …) reports what vanished and what changed since the client\'s state',
    rfc: 'RFC 7162 §3.2.5, §3.2.10',
    requires: ['QRESYNC'],
    steps: [
      { session: 'b', send: 'ENABLE QRESYNC' },
      ...THREE,
      { send: 'FETCH 3 (MODSEQ)', untagged: ['* 3 FETCH (MODSEQ (${m3}))'] },
      { send: 'STATUS INBOX (UIDVALIDITY)', untagged: ['* STATUS INBOX (UIDVALIDITY ${v})'] },
      { send: 'STORE 2 +FLAGS (\\Deleted)' },
      { send: 'EXPUNGE' },
      { send: 'STORE 1 +FLAGS (Later)' },
      { session: 'b', send: 'SELECT INBOX (QRESYNC (${v} ${m3} 1:3))', untagged: ['* VANISHED (EARLIER) 2', '* 1 FETCH (UID 1 FLAGS (Later $...) MODSEQ ($_) $...)'] },
    ],
  },
  {
    name: 'after ENABLE QRESYNC, EXPUNGE is reported as VANISHED',
    rfc: 'RFC 7162 §3.2.10',
    requires: ['QRESYNC'],
    steps: [
      { send: 'ENABLE QRESYNC', untagged: ['* ENABLED QRESYNC $...'] },
      appendStep('INBOX', m('one')),
      appendStep('INBOX', m('two')),
      { send: 'SELECT INBOX' },
      { send: 'STORE 1 +FLAGS.SILENT (\\Deleted)' },
      { send: 'EXPUNGE', untagged: ['* VANISHED 1'], absent: ['* 1 EXPUNGE'] },
    ],
  },
];
