// Finding the scheduling message of a delivered mail (intake/calendar-parts.ts,
// RFC 6047 §2.4): a table over the corpus's real invitations, plus
// malformed, truncated, nested and hostile messages. It never throws, and it
// never reads a calendar out of an attached (forwarded) message.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { schedulingPart } from '../../server/src/intake/calendar-parts.ts';
import { CORPUS } from '../support/corpus.ts';

const corpus = (name: string): Buffer => readFileSync(join(CORPUS, 'calendar', `${name}.eml`));
const crlf = (lines: string[]): Buffer => Buffer.from(lines.join('\r\n'));
const invite = ['BEGIN:VCALENDAR', 'VERSION:2.0', 'METHOD:REQUEST', 'BEGIN:VEVENT', 'UID:x', 'END:VEVENT', 'END:VCALENDAR'];

describe('the scheduling part of a message', () => {
  const table: Array<[string, Buffer, string | null]> = [
    ['a Thunderbird test invitation (quoted-printable, multipart/mixed > alternative)', corpus('single-event-request'), 'REQUEST'],
    ['a cancellation', corpus('cancel-single-event'), 'CANCEL'],
    ['an Outlook invitation (base64)', corpus('outlook-invite'), 'REQUEST'],
    ['an Exchange meeting request', corpus('exchange-meeting-request'), 'REQUEST'],
    ['a Teams invitation', corpus('ms-teams-invite'), 'REQUEST'],
    ['a Google Calendar invitation (inline part and .ics attachment)', corpus('google-calendar-invite'), 'REQUEST'],
    ['a Notes-style invitation (only the method parameter)', corpus('notes-style-invite'), 'REQUEST'],
    ['an event published in odd-case TeXt/CaLeNdAr', corpus('message-containing-event'), 'PUBLISH'],
    ['a whole message of text/calendar', crlf(['Content-Type: text/calendar; method=REQUEST', '', ...invite, '']), 'REQUEST'],
    ['a METHOD folded inside its name (RFC 5545 §3.1: folding may split anything)', crlf(['Content-Type: text/calendar', '', 'BEGIN:VCALENDAR', 'METH', ' OD:REPLY', 'END:VCALENDAR', '']), 'REPLY'],
    ['a calendar part with only the method parameter', crlf(['Content-Type: text/calendar; method=CANCEL', '', 'BEGIN:VCALENDAR', 'END:VCALENDAR', '']), 'CANCEL'],
    ['a method parameter that is no method name', crlf(['Content-Type: text/calendar; method="REQUEST:mailto:x"', '', 'BEGIN:VCALENDAR', 'END:VCALENDAR', '']), null],
    ['a METHOD value folded', crlf(['Content-Type: text/calendar', '', 'BEGIN:VCALENDAR', 'METHOD:REP', ' LY', 'END:VCALENDAR', '']), 'REPLY'],
    ['plain text', crlf(['Content-Type: text/plain', '', 'METHOD:REQUEST', '']), null],
    ['a calendar part without METHOD', crlf(['Content-Type: text/calendar', '', 'BEGIN:VCALENDAR', 'END:VCALENDAR', '']), null],
    ['an invitation inside a forwarded message', crlf([
      'Content-Type: multipart/mixed; boundary=b', '', '--b', 'Content-Type: text/plain', '', 'fwd', '--b', 'Content-Type: message/rfc822', '',
      'Content-Type: text/calendar; method=REQUEST', '', ...invite, '', '--b--', '']), null],
    ['a truncated message (no closing boundary)', crlf(['Content-Type: multipart/mixed; boundary=b', '', '--b', 'Content-Type: text/calendar', '', ...invite.slice(0, 4)]), 'REQUEST'],
    ['a message cut in its header', Buffer.from('Content-Type: multipart/mixed; bound'), null],
    ['empty input', Buffer.alloc(0), null],
    ['binary noise', Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 37) % 256)), null],
  ];
  for (const [what, raw, expected] of table) {
    it(`finds ${expected ?? 'nothing'} in ${what}`, () => {
      assert.equal(schedulingPart(raw)?.method ?? null, expected);
    });
  }

  it('decodes the part: the Google invitation\'s UID and organizer are readable', () => {
    const part = schedulingPart(corpus('google-calendar-invite'));
    assert.match(part?.ics ?? '', /UID:1utaf3eftt1agbnisfcc3a5ps0@google\.com/);
    assert.match(part?.ics ?? '', /ORGANIZER;CN=Andris Reinman:mailto:andris@postalsys\.com/);
  });

  it('survives thousands of nested multiparts without looking past its limits', () => {
    const depth = 5000;
    const open = Array.from({ length: depth }, (_, i) => `Content-Type: multipart/mixed; boundary=b${i}\r\n\r\n--b${i}\r\n`).join('');
    const raw = Buffer.from(`${open}Content-Type: text/calendar\r\n\r\n${invite.join('\r\n')}\r\n`);
    assert.doesNotThrow(() => schedulingPart(raw));
  });
});
