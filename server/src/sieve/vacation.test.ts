// Vacation decisions (RFC 5230 §4, RFC 3834 §2) as a table, and the reply
// bytes (RFC 5230 §5): headers, encodings, :mime, :from.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { VacationRequest } from './actions.ts';
import { createMessageView } from './message-view.ts';
import { buildVacationReply } from './vacation-reply.ts';
import { replyFrom, vacationDecision, vacationKey } from './vacation.ts';

const request: VacationRequest = { reason: 'Away.', subject: null, from: null, addresses: ['me@alias.example'], mime: false, handle: 'h', periodSeconds: null };
const me = ['me@example.com'];

function msg(headers: string): ReturnType<typeof createMessageView> {
  return createMessageView(Buffer.from(`${headers.trim().split('\n').join('\r\n')}\r\n\r\nbody\r\n`));
}

describe('vacation decisions', () => {
  const table: [string, string, string, boolean | RegExp][] = [
    ['a plain message to me', 'From: a@x.example\nTo: me@example.com', 'a@x.example', true],
    ['to one of :addresses', 'From: a@x.example\nCc: Me <ME@alias.example>', 'a@x.example', true],
    ['Bcc or a list: I am not an explicit recipient', 'From: a@x.example\nTo: all@x.example', 'a@x.example', /explicit recipient/],
    ['the null sender', 'From: a@x.example\nTo: me@example.com', '', /null sender/],
    ['myself', 'From: me@example.com\nTo: me@example.com', 'ME@example.com', /the user/],
    ['MAILER-DAEMON', 'From: x@x.example\nTo: me@example.com', 'MAILER-DAEMON@x.example', /automated/],
    ['owner- and -request addresses', 'From: x@x.example\nTo: me@example.com', 'owner-list@x.example', /automated/],
    ['Auto-Submitted: auto-replied', 'From: a@x.example\nTo: me@example.com\nAuto-Submitted: auto-replied', 'a@x.example', /Auto-Submitted/],
    ['Auto-Submitted: no is a person', 'From: a@x.example\nTo: me@example.com\nAuto-Submitted: no', 'a@x.example', true],
    ['Precedence: bulk', 'From: a@x.example\nTo: me@example.com\nPrecedence: Bulk', 'a@x.example', /Precedence/],
    ['Precedence: list', 'From: a@x.example\nTo: me@example.com\nPrecedence: list', 'a@x.example', /Precedence/],
    ['Precedence: junk', 'From: a@x.example\nTo: me@example.com\nPrecedence: junk', 'a@x.example', /Precedence/],
    ['List-Id', 'From: a@x.example\nTo: me@example.com\nList-Id: <l.x.example>', 'a@x.example', /mailing list/],
    ['List-Unsubscribe', 'From: a@x.example\nTo: me@example.com\nList-Unsubscribe: <mailto:u@x.example>', 'a@x.example', /mailing list/],
    ['Exchange X-Auto-Response-Suppress', 'From: a@x.example\nTo: me@example.com\nX-Auto-Response-Suppress: DR, OOF, AutoReply', 'a@x.example', /Suppress/],
  ];
  for (const [name, headers, sender, expected] of table) {
    it(name, () => {
      const d = vacationDecision(request, { userAddresses: me, envelopeSender: sender, message: msg(headers), junk: false });
      if (expected === true) assert.deepEqual(d, { reply: true, to: sender });
      else assert.match(d.reply ? 'replied' : d.reason, expected as RegExp);
    });
  }

  it('never answers spam', () => {
    const d = vacationDecision(request, { userAddresses: me, envelopeSender: 'a@x.example', message: msg('From: a@x.example\nTo: me@example.com'), junk: true });
    assert.equal(d.reply, false);
  });

  it('keeps one memory key per user, handle and sender, whatever the case of the address', () => {
    assert.equal(vacationKey('u1', 'h', 'A@X.example'), vacationKey('u1', 'h', 'a@x.example'));
    assert.notEqual(vacationKey('u1', 'h', 'a@x.example'), vacationKey('u1', 'h2', 'a@x.example'));
    assert.notEqual(vacationKey('u1', 'h', 'a@x.example'), vacationKey('u2', 'h', 'a@x.example'));
  });

  it('uses :from only when it is one of the user\'s addresses', () => {
    assert.equal(replyFrom({ ...request, from: 'Me <me@example.com>' }, 'me@example.com', me), 'Me <me@example.com>');
    assert.equal(replyFrom({ ...request, from: 'ceo@bank.example' }, 'me@example.com', me), 'me@example.com');
  });

  it('never lets another address ride in :from behind one of the user\'s (hostile address lists)', () => {
    // Each of these names ceo@example.com next to the user's own address: a DKIM-signed reply "From" both.
    for (const from of [
      'me@example.com, ceo@example.com',
      'Me <me@example.com>, <ceo@example.com>',
      'G: me@example.com, ceo@example.com;',
      '<me@example.com> <ceo@example.com>',
      'me@example.com; ceo@example.com',
      'Team: me@example.com;',
    ]) {
      const got = replyFrom({ ...request, from }, 'me@example.com', me);
      assert.doesNotMatch(got, /ceo@|Team|;|,/, from);
      assert.match(got, /me@example\.com/, from);
    }
    // The display name is kept, quoted, and cannot carry an address of its own into the field.
    assert.equal(replyFrom({ ...request, from: '"ceo@example.com" <me@example.com>' }, 'me@example.com', me), '"ceo@example.com" <me@example.com>');
    assert.equal(replyFrom({ ...request, from: 'Me "x" <me@example.com>' }, 'me@example.com', me), 'Me x <me@example.com>');
    assert.equal(replyFrom({ ...request, from: 'Grüße <me@example.com>' }, 'me@example.com', me), '=?UTF-8?Q?Gr=C3=BC=C3=9Fe?= <me@example.com>');
  });
});

describe('vacation reply bytes', () => {
  const original = msg('From: Ann <ann@x.example>\nTo: me@example.com\nSubject: =?UTF-8?Q?Gr=C3=BC=C3=9Fe?=\nMessage-ID: <m2@x.example>\nReferences: <m0@x.example>\n <m1@x.example>');

  it('answers with Auto-Submitted, the thread headers, "Auto:" and UTF-8 text', () => {
    const reply = buildVacationReply({ request: { ...request, reason: 'Ich bin weg.\nBis bald.' }, from: 'me@example.com', to: 'ann@x.example', original, now: Date.parse('2026-08-03T10:00:00Z'), hostname: 'mx.example.com', messageIdLocal: 'fixed' }).toString('utf8');
    assert.equal(reply, [
      'From: me@example.com', 'To: <ann@x.example>', 'Subject: Auto: =?UTF-8?Q?Gr=C3=BC=C3=9Fe?=', 'Date: Mon, 3 Aug 2026 10:00:00 +0000',
      'Message-ID: <fixed@mx.example.com>', 'In-Reply-To: <m2@x.example>', 'References: <m0@x.example> <m1@x.example> <m2@x.example>',
      'Auto-Submitted: auto-replied (vacation)', 'MIME-Version: 1.0', 'Content-Type: text/plain; charset=utf-8', 'Content-Transfer-Encoding: 8bit',
      '', 'Ich bin weg.', 'Bis bald.', '',
    ].join('\r\n'));
  });

  it('sends a :mime reason as the MIME entity it is, and long lines as quoted-printable', () => {
    const mime = buildVacationReply({ request: { ...request, mime: true, subject: 'Away', reason: 'Content-Type: text/html\r\n\r\n<p>Away</p>\r\n' }, from: 'me@example.com', to: 'ann@x.example', original, now: 0, hostname: 'h' }).toString();
    assert.match(mime, /MIME-Version: 1\.0\r\nContent-Type: text\/html\r\n\r\n<p>Away<\/p>\r\n$/);
    assert.match(mime, /^Subject: Away$/m);
    const long = buildVacationReply({ request: { ...request, reason: 'x'.repeat(2000) }, from: 'me@example.com', to: 'ann@x.example', original, now: 0, hostname: 'h' }).toString();
    assert.match(long, /Content-Transfer-Encoding: quoted-printable/);
    assert.ok(long.split('\r\n').every((l) => l.length <= 998));
  });
});
