// iMIP out (RFC 6047): an invitation, reply or cancellation as a mail
// message (text/plain for people, text/calendar with its METHOD for their
// calendar programs), handed to the outbound path through one function.
// Until the intake service exists on this branch it is the queue's enqueue;
// the lead replaces it with intake.accept({ origin: { kind: 'calendar' } }).
import { randomBytes } from 'node:crypto';
import type { ImipMessage, ImipSender } from './scheduling.ts';

export interface ImipOutboundDeps {
  /** Hands one message to the outbound path; resolves once it is queued. */
  enqueue(req: { message: Buffer; sender: string; recipients: { address: string }[] }): Promise<unknown>;
  hostname: string;
  now?: () => number;
}

/** RFC 2047 encoded-word when the subject is not plain ASCII. */
function subjectHeader(text: string): string {
  return /^[\x20-\x7e]*$/.test(text) ? text : `=?UTF-8?B?${Buffer.from(text, 'utf8').toString('base64')}?=`;
}

export function buildImipMessage(m: ImipMessage, hostname: string, now: number): Buffer {
  const boundary = `stoa-${randomBytes(9).toString('hex')}`;
  const verb = m.method === 'REQUEST' ? 'Invitation' : m.method === 'REPLY' ? 'Reply' : 'Cancelled';
  const ics = m.ics.replace(/\r?\n/g, '\r\n');
  const lines = [
    `From: <${m.from}>`,
    `To: ${m.to.map((a) => `<${a}>`).join(', ')}`,
    `Subject: ${subjectHeader(`${verb}: ${m.summary}`)}`,
    `Date: ${new Date(now).toUTCString().replace('GMT', '+0000')}`,
    `Message-ID: <${randomBytes(12).toString('hex')}@${hostname}>`,
    'MIME-Version: 1.0',
    `Content-Type: multipart/alternative; boundary="${boundary}"`,
    '',
    `--${boundary}`,
    'Content-Type: text/plain; charset=utf-8',
    'Content-Transfer-Encoding: 8bit',
    '',
    `${verb}: ${m.summary}`,
    `--${boundary}`,
    // RFC 6047 §2.4: the method parameter matches the METHOD property.
    `Content-Type: text/calendar; charset=utf-8; method=${m.method}`,
    'Content-Transfer-Encoding: base64',
    '',
    ...(Buffer.from(ics, 'utf8').toString('base64').match(/.{1,76}/g) ?? []),
    `--${boundary}--`,
    '',
  ];
  return Buffer.from(lines.join('\r\n'), 'utf8');
}

export function createImipSender(deps: ImipOutboundDeps): ImipSender {
  const now = deps.now ?? Date.now;
  return async (m) => {
    await deps.enqueue({ message: buildImipMessage(m, deps.hostname, now()), sender: m.from, recipients: m.to.map((address) => ({ address })) });
  };
}
