// SMTP replies as values: a basic code (RFC 5321 §4.2), an enhanced status
// code (RFC 3463, advertised as ENHANCEDSTATUSCODES, RFC 2034) and text.
// Hooks throw SmtpReply; the gate hands it to smtp-server as the error of the
// hook's callback. smtp-server would otherwise prefix every handler error with
// a generic enhanced code chosen from the basic code alone (550 → 5.1.1 even
// for "relay access denied"), so installEnhancedStatusPassThrough() teaches
// its connection to leave a reply alone that already carries one.
import { SMTPConnection } from 'smtp-server/lib/smtp-connection.js';
import { ERRORS, isStoaError } from '../../errors/catalogue.ts';
import { faultText, isServerFault } from '../../errors/incident.ts';
import { FilterRefusal } from '../../filter/decision.ts';

const ENHANCED = /^([245])\.\d{1,3}\.\d{1,3}(?: |$)/;

/** Why a command or message was refused: the label of stoa_smtp_rejected_total. */
export type RejectReason =
  | 'syntax' | 'auth-required' | 'auth-failed' | 'auth-throttled' | 'tls-required' | 'sender-not-owned'
  | 'relay-denied' | 'unknown-recipient' | 'too-many-recipients' | 'over-quota' | 'too-big' | 'harvest'
  | 'connection-limit' | 'policy' | 'greylisted' | 'rate-limited' | 'bad-content' | 'temporary-failure'
  | 'spam' | 'virus' | 'attachment' | 'filter-failure';

export class SmtpReply extends Error {
  readonly responseCode: number;
  readonly enhanced: string;
  readonly reason: RejectReason;

  constructor(code: number, enhanced: string, text: string, reason: RejectReason) {
    // The enhanced code leads the text: that is the wire form (RFC 2034 §3).
    super(`${enhanced} ${text}`);
    this.name = 'SmtpReply';
    this.responseCode = code;
    this.enhanced = enhanced;
    this.reason = reason;
  }

  /** The full reply line, for logs and tests. */
  get line(): string {
    return `${this.responseCode} ${this.message}`;
  }
}

const REASON_BY_CODE: Partial<Record<keyof typeof ERRORS, RejectReason>> = {
  STOA_OVER_QUOTA: 'over-quota',
  STOA_MESSAGE_EXCEEDS_QUOTA: 'over-quota',
  STOA_PAYLOAD_TOO_LARGE: 'too-big',
  STOA_INVALID_ADDRESS: 'syntax',
  STOA_NOT_FOUND: 'unknown-recipient',
  STOA_UNKNOWN_DOMAIN: 'relay-denied',
  STOA_AUTH_THROTTLED: 'auth-throttled',
  STOA_AUTH_FAILED: 'auth-failed',
  STOA_ACCOUNT_DISABLED: 'auth-failed',
  STOA_AUTH_UNAVAILABLE: 'temporary-failure',
  STOA_RATE_LIMITED: 'rate-limited',
  STOA_RECIPIENT_UNKNOWN: 'unknown-recipient',
  STOA_MAILBOX_DISABLED: 'unknown-recipient',
  STOA_RELAY_DENIED: 'relay-denied',
  STOA_SENDER_NOT_OWNED: 'sender-not-owned',
  STOA_MESSAGE_INVALID: 'bad-content',
  STOA_MAIL_LOOP: 'bad-content',
  STOA_UNAUTHENTICATED: 'auth-required',
  STOA_PROTOCOL_NOT_ALLOWED: 'auth-failed',
};

/** Which filter check refused, as the label of stoa_smtp_rejected_total. */
const REASON_BY_CHECK: Record<string, RejectReason> = {
  'ip-lists': 'policy', dnsbl: 'policy', greylist: 'greylisted', 'rate-limit': 'rate-limited', 'mail-auth': 'policy',
  antivirus: 'virus', attachments: 'attachment', outbound: 'spam',
};

/** The stoa_smtp_rejected_total label of a filter refusal: the deciding check, or the score. */
export function rejectReasonFor(check: string | undefined, action: string): RejectReason {
  return (check && REASON_BY_CHECK[check]) || (action === 'defer' ? 'filter-failure' : 'spam');
}

/**
 * The reply for any error a hook meets: an SmtpReply as is, a catalogue error
 * with its documented SMTP reply (docs/errors.md), anything else 451 4.3.0 so
 * the client retries rather than losing the message. A fault on the server's
 * side says nothing of itself but `ref`, the id its log line carries
 * (errors/incident.ts).
 */
export function replyFor(err: unknown, ref: string | null = null): SmtpReply {
  if (err instanceof SmtpReply) return err;
  if (err instanceof FilterRefusal) {
    const d = err.decision;
    return new SmtpReply(d.smtpCode, d.enhancedCode, d.reason, rejectReasonFor(d.check, d.action));
  }
  const local = 'Local error in processing; try again later';
  const generic = ref ? faultText(local, ref) : local;
  if (isStoaError(err)) {
    const spec = err.spec.smtp ?? ERRORS.STOA_INTERNAL.smtp;
    const [code, enhanced] = spec.split(' ');
    // The detail names what was refused ("<bob@x>"); server faults say nothing of themselves (docs/security.md).
    const text = err.spec.smtp && !isServerFault(err) ? err.message : generic;
    return new SmtpReply(Number(code), enhanced, text, REASON_BY_CODE[err.code] ?? 'temporary-failure');
  }
  return new SmtpReply(451, '4.3.0', generic, 'temporary-failure');
}

let installed = false;

/** smtp-server's context of the replies that accept MAIL FROM and RCPT TO. */
const GROUPED = new Set(['MAIL_FROM_OK', 'RCPT_TO_OK']);

interface Connection { _socket?: { cork(): void; uncork(): void } }

/**
 * RFC 2920 §3.2 (4): replies to MAIL FROM and RCPT TO are buffered and sent
 * as a unit with the next reply. A pipelining client's MAIL, RCPT and DATA
 * are answered within one run of the event loop, so this turns their three
 * replies into one socket write. The uncork comes on the next tick whatever
 * happens next, so a reply is never held back longer than that.
 */
function holdForNextReply(connection: Connection): void {
  const socket = connection._socket;
  if (!socket) return;
  socket.cork();
  process.nextTick(() => socket.uncork());
}

/** Idempotent; affects only replies whose text starts with an enhanced code of the same class. */
export function installEnhancedStatusPassThrough(): void {
  if (installed) return;
  installed = true;
  const proto = SMTPConnection.prototype as unknown as { send(code: number, data: unknown, context?: unknown): void };
  const send = proto.send;
  proto.send = function sendKeepingEnhancedCode(this: Connection, code: number, data: unknown, context?: unknown): void {
    const match = typeof data === 'string' ? ENHANCED.exec(data) : null;
    // context false: smtp-server adds no code of its own (RFC 3463 §2: one per reply).
    if (match && match[1] === String(code)[0]) return send.call(this, code, data, false);
    if (typeof context === 'string' && GROUPED.has(context)) holdForNextReply(this);
    return send.call(this, code, data, context);
  };
}
