// RFC 5256 SORT and THREAD, RFC 5957 SORT=DISPLAY: base subjects, address
// keys from the first address, empty and missing headers, ties by sequence number.
import { appendStep, literal, message, type ConformanceCase, type Step } from '../runner.ts';

const withHeaders = (h: Record<string, string>): Step => appendStep('INBOX', message({ From: 'a@example.org', ...h }));

export const cases: ConformanceCase[] = [
  {
    name: 'SORT (SUBJECT) orders by the base subject, ties in sequence order',
    rfc: 'RFC 5256 §2.1, §3',
    requires: ['SORT'],
    steps: [
      withHeaders({ Subject: 'Zebra' }),
      withHeaders({ Subject: 'Re: Re: apple' }),
      withHeaders({ Subject: '[blob] Fwd: banana (fwd)' }),
      withHeaders({ Subject: '[fwd: Re: cherry]' }),
      withHeaders({ Subject: 'RE:   apple' }),
      withHeaders({ Subject: 'Fw: [list] Re: date' }),
      withHeaders({ Subject: '' }),
      withHeaders({ Subject: '[fwd: [fwd: elder]]' }),
      withHeaders({ Subject: 'Re: [x] [y] fig' }),
      appendStep('INBOX', message({ From: 'a@example.org' })),
      { send: 'SELECT INBOX' },
      { send: 'SORT (SUBJECT) UTF-8 ALL', untagged: ['* SORT 7 10 2 5 3 4 6 8 9 1'] },
      { send: 'SORT (REVERSE SUBJECT) UTF-8 ALL', untagged: ['* SORT 1 9 8 6 4 3 2 5 7 10'] },
    ],
  },
  {
    name: 'SORT (CC) uses the mailbox of the first Cc address (a group\'s first address is its start marker, named by the group); none sorts as the empty string',
    rfc: 'RFC 5256 §3 (CC, "If ... no such header ... empty string")',
    requires: ['SORT'],
    steps: [
      withHeaders({ Subject: '1', Cc: '"Zed Name" <bbb@example.org>, aaa@example.org' }),
      withHeaders({ Subject: '2', Cc: 'aaa@example.org' }),
      withHeaders({ Subject: '3' }),
      withHeaders({ Subject: '4', Cc: 'ccc@example.org' }),
      withHeaders({ Subject: '5', Cc: '' }),
      withHeaders({ Subject: '6', Cc: 'Team: ABB@example.org;' }),
      { send: 'SELECT INBOX' },
      { send: 'SORT (CC) UTF-8 ALL', untagged: ['* SORT 3 5 2 1 4 6'] },
    ],
  },
  {
    name: 'SORT (DISPLAYTO) uses the decoded display name of the first To address, else its address (a group: its name)',
    rfc: 'RFC 5957 §2',
    requires: ['SORT=DISPLAY'],
    steps: [
      withHeaders({ Subject: '1', To: '"Zed" <aaa@example.org>' }),
      withHeaders({ Subject: '2', To: 'bob@example.org' }),
      withHeaders({ Subject: '3', To: '=?utf-8?q?=C3=81lvaro?= <zzz@example.org>' }),
      withHeaders({ Subject: '4' }),
      withHeaders({ Subject: '5', To: 'Carl <carl@example.org>, aaa@example.org' }),
      withHeaders({ Subject: '6', To: '"" <yyy@example.org>' }),
      withHeaders({ Subject: '7', To: 'undisclosed-recipients:;' }),
      withHeaders({ Subject: '8', To: 'Friends: Xavier <x@example.org>;' }),
      { send: 'SELECT INBOX' },
      { send: 'SORT (DISPLAYTO) UTF-8 ALL', untagged: ['* SORT 4 3 2 5 8 7 6 1'] },
      { send: 'SORT (DISPLAYFROM SUBJECT) UTF-8 ALL', untagged: ['* SORT 1 2 3 4 5 6 7 8'] },
    ],
  },
  {
    name: 'SORT by SIZE and REVERSE ARRIVAL, and UID SORT answers UIDs',
    rfc: 'RFC 5256 §3',
    requires: ['SORT'],
    steps: [
      { send: `APPEND INBOX "01-Jan-2024 10:00:00 +0000" ${literal(message({ Subject: 'big' }, 'x'.repeat(500)))}` },
      { send: `APPEND INBOX "01-Jan-2024 09:00:00 +0000" ${literal(message({ Subject: 'small' }, 'x'))}` },
      { send: `APPEND INBOX "01-Jan-2024 11:00:00 +0000" ${literal(message({ Subject: 'middle' }, 'x'.repeat(100)))}` },
      { send: 'SELECT INBOX' },
      { send: 'SORT (SIZE) UTF-8 ALL', untagged: ['* SORT 2 3 1'] },
      { send: 'SORT (REVERSE ARRIVAL) UTF-8 ALL', untagged: ['* SORT 3 1 2'] },
      { send: 'UID SORT (SIZE) UTF-8 NOT 1', untagged: ['* SORT 2 3'] },
    ],
  },
  {
    name: 'THREAD=ORDEREDSUBJECT groups by base subject',
    rfc: 'RFC 5256 §4 (ORDEREDSUBJECT)',
    requires: ['THREAD=ORDEREDSUBJECT'],
    steps: [
      withHeaders({ Subject: 'topic', Date: 'Mon, 1 Jan 2024 10:00:00 +0000' }),
      withHeaders({ Subject: 'other', Date: 'Mon, 1 Jan 2024 11:00:00 +0000' }),
      withHeaders({ Subject: 'Re: topic', Date: 'Mon, 1 Jan 2024 12:00:00 +0000' }),
      { send: 'SELECT INBOX' },
      { send: 'THREAD ORDEREDSUBJECT UTF-8 ALL', untagged: ['* THREAD (1 3)(2)'] },
    ],
  },
  {
    name: 'THREAD=REFERENCES links replies by References and In-Reply-To',
    rfc: 'RFC 5256 §4 (REFERENCES)',
    requires: ['THREAD=REFERENCES'],
    steps: [
      withHeaders({ Subject: 'root', 'Message-ID': '<r@x>', Date: 'Mon, 1 Jan 2024 10:00:00 +0000' }),
      withHeaders({ Subject: 'Re: root', 'Message-ID': '<c1@x>', 'In-Reply-To': '<r@x>', Date: 'Mon, 1 Jan 2024 11:00:00 +0000' }),
      withHeaders({ Subject: 'alone', 'Message-ID': '<a@x>', Date: 'Mon, 1 Jan 2024 12:00:00 +0000' }),
      withHeaders({ Subject: 'Re: root', 'Message-ID': '<c2@x>', References: '<r@x> <c1@x>', Date: 'Mon, 1 Jan 2024 13:00:00 +0000' }),
      { send: 'SELECT INBOX' },
      { send: 'THREAD REFERENCES UTF-8 ALL', untagged: ['* THREAD (1 2 4)(3)'] },
    ],
  },
];
