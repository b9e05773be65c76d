// The bytes of a vacation reply (RFC 5230 §5, RFC 3834 §3): addressed to the
// envelope sender, "Auto-Submitted: auto-replied", In-Reply-To and
// References pointing at the original, the subject "Auto: <original>" unless
// the script gave one, UTF-8 text (or the script's own MIME entity with
// :mime). It leaves with the null reverse-path (RFC 3834 §3.3), so a bounce
// of the reply cannot start a loop.
import { randomBytes } from 'node:crypto';
import libmime from 'libmime';
import { encode as qpEncode, wrap as qpWrap } from 'libqp';
import type { VacationRequest } from './actions.ts';
import type { MessageView } from './message-view.ts';

export interface ReplyInput {
  request: VacationRequest;
  /** The From: of the reply (vacation.ts replyFrom). */
  from: string;
  to: string;
  original: MessageView;
  now: number;
  /** Right-hand side of the Message-ID. */
  hostname: string;
  /** Left-hand side of the Message-ID; random when omitted. */
  messageIdLocal?: string;
}

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** RFC 5322 §3.3 date-time in UTC. */
export function rfc5322Date(ms: number): string {
  const d = new Date(ms);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${DAYS[d.getUTCDay()]}, ${d.getUTCDate()} ${MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear()} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())} +0000`;
}

/** An unstructured header value, RFC 2047-encoded when it is not plain ASCII, without line breaks. */
export function text(value: string): string {
  const flat = value.replace(/[\r\n]+/g, ' ').trim();
  return /^[\x20-\x7e]*$/.test(flat) ? flat : libmime.encodeWords(flat, 'Q', 52);
}

/** A header line folded at 78 characters where it has spaces (RFC 5322 §2.2.3). */
export function field(name: string, value: string): string {
  return libmime.foldLines(`${name}: ${value}`, 76, true).replace(/\r?\n/g, '\r\n');
}

/** RFC 3834 §3.1.5: the original's Message-ID after its References (or In-Reply-To), at most a few kept. */
function references(original: MessageView): { inReplyTo: string | null; references: string | null } {
  const id = original.rawHeader('message-id')[0]?.match(/<[^<>\s]+>/)?.[0] ?? null;
  const refs = original.rawHeader('references').join(' ').match(/<[^<>\s]+>/g)
    ?? original.rawHeader('in-reply-to').join(' ').match(/<[^<>\s]+>/g) ?? [];
  const chain = id === null ? refs : [...refs, id];
  // Keep the thread root and the latest ones: References grow without bound otherwise.
  const kept = chain.length > 20 ? [chain[0], ...chain.slice(-19)] : chain;
  return { inReplyTo: id, references: kept.length > 0 ? kept.join(' ') : null };
}

function defaultSubject(original: MessageView): string {
  const subject = original.header('subject')[0]?.trim() ?? '';
  // RFC 3834 §3.1.5: "Auto:" in front of the original subject.
  return subject === '' ? 'Automatic reply' : `Auto: ${subject.replace(/^(auto:\s*)+/i, '')}`;
}

/** The complete reply message, CRLF line endings. */
export function buildVacationReply(input: ReplyInput): Buffer {
  const { request, original } = input;
  const { inReplyTo, references: refs } = references(original);
  const id = input.messageIdLocal ?? randomBytes(16).toString('base64url');
  const lines = [
    field('From', input.from.replace(/[\r\n]+/g, ' ')),
    field('To', `<${input.to}>`),
    field('Subject', text(request.subject ?? defaultSubject(original))),
    `Date: ${rfc5322Date(input.now)}`,
    `Message-ID: <${id}@${input.hostname}>`,
  ];
  if (inReplyTo !== null) lines.push(`In-Reply-To: ${inReplyTo}`);
  if (refs !== null) lines.push(field('References', refs));
  lines.push('Auto-Submitted: auto-replied (vacation)', 'MIME-Version: 1.0');
  if (request.mime) {
    // RFC 5230 §4.8: the reason is a complete MIME entity, header included.
    const entity = request.reason.replace(/\r?\n/g, '\r\n');
    return Buffer.from(`${lines.join('\r\n')}\r\n${entity.endsWith('\r\n') ? entity : `${entity}\r\n`}`, 'utf8');
  }
  let body = request.reason.replace(/\r?\n/g, '\r\n');
  // RFC 5322 §2.1.1: no line over 998 octets; long ones go quoted-printable.
  const long = body.split('\r\n').some((l) => Buffer.byteLength(l) > 998);
  lines.push('Content-Type: text/plain; charset=utf-8', `Content-Transfer-Encoding: ${long ? 'quoted-printable' : '8bit'}`);
  if (long) body = qpWrap(qpEncode(Buffer.from(body, 'utf8')), 76).replace(/\r?\n/g, '\r\n');
  return Buffer.from(`${lines.join('\r\n')}\r\n\r\n${body.endsWith('\r\n') ? body : `${body}\r\n`}`, 'utf8');
}
