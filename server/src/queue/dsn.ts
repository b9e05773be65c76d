// Delivery status notifications (RFC 3464) in a multipart/report (RFC 6522):
// a human-readable part, the machine-readable message/delivery-status, and the
// original message (message/rfc822) or its header section
// (text/rfc822-headers), as RET and our size limit allow (RFC 3461 §4.3).
import { randomBytes } from 'node:crypto';
import type { QueuedMessage, QueuedRecipient, SmtpAnswer } from '../store/queue-port.ts';
import { statusOf } from './smtp-answer.ts';

export interface DsnRecipient {
  recipient: Pick<QueuedRecipient, 'address' | 'orcpt'>;
  /** RFC 3464 §2.3.3. */
  action: 'failed' | 'delayed' | 'relayed';
  answer: SmtpAnswer;
  /** MX host that gave the answer; null when the failure is ours (DNS, expiry). */
  remoteMta: string | null;
  lastAttemptAt: number;
}

export interface DsnInput {
  reportingMta: string;
  message: QueuedMessage;
  recipients: DsnRecipient[];
  original: Buffer;
  /** Include the whole original (else only its header section). */
  full: boolean;
  now: number;
}

const NON_ASCII = /[^\x00-\x7f]/;

/** RFC 5322 §3.3 date-time, in UTC. */
export function rfc5322Date(ms: number): string {
  return new Date(ms).toUTCString().replace(/GMT$/, '+0000');
}

/** RFC 3464 §2.1.2 / RFC 6533 §3: address-type "rfc822", or "utf-8" for internationalised addresses. */
function typedAddress(address: string): string {
  return `${NON_ASCII.test(address) ? 'utf-8' : 'rfc822'}; ${address}`;
}

export function headerSection(message: Buffer): Buffer {
  const end = message.indexOf('\r\n\r\n');
  return end < 0 ? message : message.subarray(0, end + 2);
}

function oneLine(text: string): string {
  return text.replace(/[\r\n]+/g, ' ').slice(0, 900);
}

function diagnostic(answer: SmtpAnswer): string {
  const code = answer.enhanced ? `${answer.code} ${answer.enhanced}` : `${answer.code}`;
  return oneLine(`smtp; ${code} ${answer.text}`);
}

function humanText(input: DsnInput, failed: boolean): string {
  const relayed = input.recipients.every((r) => r.action === 'relayed');
  const lines = relayed
    ? ['This is the mail system at host ' + input.reportingMta + '.', '',
      'Your message was passed on to a system that does not return delivery notifications.', '']
    : failed
    ? ['This is the mail system at host ' + input.reportingMta + '.', '',
      'Your message could not be delivered to one or more recipients.',
      'It is attached below. The reason for each recipient follows.', '']
    : ['This is the mail system at host ' + input.reportingMta + '.', '',
      'Your message has not been delivered yet to one or more recipients.',
      'The mail system will keep trying until ' + rfc5322Date(input.message.expiresAt) + '.',
      'You do not need to send it again.', ''];
  for (const r of input.recipients) {
    const via = r.remoteMta ? ` (host ${r.remoteMta} said: ${r.answer.code} ${r.answer.enhanced ?? ''} ${r.answer.text})` : ` (${r.answer.text})`;
    lines.push(`<${r.recipient.address}>:${oneLine(via).replace(/\s+/g, ' ')}`);
  }
  return lines.join('\r\n') + '\r\n';
}

function statusFields(input: DsnInput): string {
  const perMessage = [`Reporting-MTA: dns; ${input.reportingMta}`];
  if (input.message.envId) perMessage.push(`Original-Envelope-Id: ${input.message.envId}`);
  perMessage.push(`Arrival-Date: ${rfc5322Date(input.message.createdAt)}`);
  const blocks = [perMessage.join('\r\n')];
  for (const r of input.recipients) {
    const f: string[] = [];
    if (r.recipient.orcpt) f.push(`Original-Recipient: ${r.recipient.orcpt.includes(';') ? r.recipient.orcpt : typedAddress(r.recipient.orcpt)}`);
    f.push(`Final-Recipient: ${typedAddress(r.recipient.address)}`);
    f.push(`Action: ${r.action}`);
    // RFC 3464 §2.3.4: a delayed recipient carries a 4.x.x status.
    const status = r.action === 'delayed' && !statusOf(r.answer).startsWith('4') ? '4.0.0' : statusOf(r.answer);
    f.push(`Status: ${status}`);
    if (r.remoteMta) f.push(`Remote-MTA: dns; ${r.remoteMta}`);
    f.push(`Diagnostic-Code: ${diagnostic(r.answer)}`);
    f.push(`Last-Attempt-Date: ${rfc5322Date(r.lastAttemptAt)}`);
    if (r.action === 'delayed') f.push(`Will-Retry-Until: ${rfc5322Date(input.message.expiresAt)}`);
    blocks.push(f.join('\r\n'));
  }
  return blocks.join('\r\n\r\n') + '\r\n';
}

/** The complete notification message, ready to be sent from the null sender to `message.sender`. */
export function buildDsn(input: DsnInput): Buffer {
  const failed = input.recipients.some((r) => r.action === 'failed');
  const boundary = `stoa-dsn-${randomBytes(12).toString('hex')}`;
  const international = input.recipients.some((r) => NON_ASCII.test(r.recipient.address) || NON_ASCII.test(r.recipient.orcpt ?? ''));
  const relayed = input.recipients.every((r) => r.action === 'relayed');
  const subject = failed ? 'Undelivered Mail Returned to Sender' : relayed ? 'Successful Mail Delivery Report' : 'Delayed Mail (still being retried)';
  const head = [
    `From: Mail Delivery System <MAILER-DAEMON@${input.reportingMta}>`,
    `To: <${input.message.sender}>`,
    `Subject: ${subject}`,
    `Date: ${rfc5322Date(input.now)}`,
    `Message-ID: <${randomBytes(12).toString('hex')}.dsn@${input.reportingMta}>`,
    // RFC 3834 §5: machine-generated, so auto-responders stay quiet.
    'Auto-Submitted: auto-replied',
    'MIME-Version: 1.0',
    `Content-Type: multipart/report; report-type=delivery-status; boundary="${boundary}"`,
  ];
  const original = input.full ? input.original : headerSection(input.original);
  const parts = [
    head.join('\r\n'), '', 'This is a MIME-encapsulated delivery status notification.', '',
    `--${boundary}`, 'Content-Type: text/plain; charset=utf-8', 'Content-Transfer-Encoding: 8bit', '',
    humanText(input, failed),
    `--${boundary}`,
    // RFC 6533 §6.2: internationalised addresses need the global variant.
    `Content-Type: ${international ? 'message/global-delivery-status' : 'message/delivery-status'}`, '',
    statusFields(input),
    `--${boundary}`,
    `Content-Type: ${input.full ? 'message/rfc822' : 'text/rfc822-headers'}`,
    ...(input.full ? [] : ['Content-Transfer-Encoding: 8bit']),
    '', '',
  ];
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
  const body = original.subarray(original.length - 2).toString() === '\r\n' ? original.subarray(0, original.length - 2) : original;
  return Buffer.concat([Buffer.from(parts.join('\r\n')), body, tail]);
}
