// Telling users their rules failed (issue 10, "Bad input": at run time the
// message is kept in INBOX and the error is logged and shown to the user).
// The report is a short message delivered to the user's own INBOX from the
// server, like Exchange's and Kerio's rule notices: what went wrong, where in
// the script (line and column when the error has one), and which message was
// affected. At most one report per kind of problem per day, remembered in
// the vacation memory (shared by every node), so a rule failing on every
// message does not double the user's mail.
import { randomBytes } from 'node:crypto';
import { encode as qpEncode, wrap as qpWrap } from 'libqp';
import type { DeliveryError } from './evaluate-delivery.ts';
import type { MessageView } from './message-view.ts';
import { field, rfc5322Date, text } from './vacation-reply.ts';
import type { VacationMemory } from './vacation.ts';

/** One report per (account, kind of error) per this period. */
export const NOTICE_PERIOD_MS = 24 * 60 * 60 * 1000;
/** Errors listed in one report; more are counted. */
const MAX_LISTED = 10;

export interface RuleErrorNoticeInput {
  /** The user's own address: the report's recipient. */
  to: string;
  errors: readonly DeliveryError[];
  /** The message the rules ran on (its Subject, From, Date and Message-ID are quoted). */
  original: MessageView;
  now: number;
  hostname: string;
}

/** The kinds not yet reported within the period, claimed now; empty when there is nothing to tell. */
export async function claimNotice(memory: VacationMemory, accountId: string, errors: readonly DeliveryError[], now: number): Promise<DeliveryError[]> {
  const fresh: DeliveryError[] = [];
  for (const kind of new Set(errors.map((e) => e.kind))) {
    if (await memory.claim(`sieve-error:${accountId}:${kind}`, now, NOTICE_PERIOD_MS)) fresh.push(...errors.filter((e) => e.kind === kind));
  }
  return fresh;
}

function where(e: DeliveryError): string {
  return e.line === null ? '' : ` (line ${e.line}${e.column === null ? '' : `, column ${e.column}`})`;
}

/** The complete report, CRLF line endings, from the server's postmaster. */
export function buildRuleErrorNotice(input: RuleErrorNoticeInput): Buffer {
  const { original } = input;
  const quoted = (name: string): string => (original.header(name)[0] ?? '').replace(/[\r\n]+/g, ' ').trim().slice(0, 200);
  const listed = input.errors.slice(0, MAX_LISTED).map((e) => `  - ${e.message}${where(e)}`);
  if (input.errors.length > MAX_LISTED) listed.push(`  - and ${input.errors.length - MAX_LISTED} more`);
  const body = [
    'Your mail rules (Sieve) could not be carried out completely for a message.',
    'Nothing was lost: each problem below says what the server did instead',
    '(where a rule could not file the message, it was kept in your Inbox).',
    '',
    'What went wrong:',
    ...listed,
    '',
    'The message:',
    `  From:    ${quoted('from') || '(none)'}`,
    `  Subject: ${quoted('subject') || '(none)'}`,
    `  Date:    ${quoted('date') || '(none)'}`,
    '',
    'You can correct the rules in your mail program (ManageSieve) or in the',
    'rules page. You get at most one such report a day for each kind of problem.',
  ].join('\r\n');
  const lines = [
    field('From', `"Mail rules" <postmaster@${input.hostname}>`),
    field('To', `<${input.to}>`),
    field('Subject', text('Your mail rules could not be carried out')),
    `Date: ${rfc5322Date(input.now)}`,
    `Message-ID: <${randomBytes(16).toString('base64url')}@${input.hostname}>`,
    // RFC 3834 §5: a report the server generated; nobody should auto-reply to it.
    'Auto-Submitted: auto-generated',
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=utf-8',
    'Content-Transfer-Encoding: quoted-printable',
  ];
  const encoded = qpWrap(qpEncode(Buffer.from(body, 'utf8')), 76).replace(/\r?\n/g, '\r\n');
  return Buffer.from(`${lines.join('\r\n')}\r\n\r\n${encoded}\r\n`, 'utf8');
}
