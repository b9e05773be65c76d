// Turning what the remote side said (or failed to say) into an SmtpAnswer and
// a per-recipient result. RFC 5321 §4.2.1: 2yz done, 4yz transient, 5yz
// permanent; RFC 3463 enhanced codes where the server gave one.
import type { AttemptResult, SmtpAnswer } from '../store/queue-port.ts';

/** "550-5.1.1 first\n550 5.1.1 second" → {550, '5.1.1', 'first second'}. */
export function parseReply(reply: string): SmtpAnswer | null {
  const lines = reply.split(/\r?\n/).filter((l) => l.length > 0);
  const m = /^([2-5]\d\d)[ -]?(.*)$/.exec(lines[0] ?? '');
  if (!m) return null;
  const code = Number(m[1]);
  const texts = lines.map((l) => l.replace(/^[2-5]\d\d[ -]?/, ''));
  const e = /^([245]\.\d{1,3}\.\d{1,3})\s+/.exec(texts[0]);
  const enhanced = e && e[1][0] === m[1][0] ? e[1] : null;
  const text = texts.map((t) => t.replace(/^[245]\.\d{1,3}\.\d{1,3}\s*/, '')).join(' ').trim();
  return { code, enhanced, text };
}

export function resultOf(answer: SmtpAnswer): AttemptResult {
  if (answer.code >= 200 && answer.code < 300) return 'delivered';
  return answer.code >= 500 ? 'failed' : 'deferred';
}

/** RFC 3464 §2.3.4 Status: the enhanced code, or one derived from the reply class. */
export function statusOf(answer: SmtpAnswer): string {
  if (answer.enhanced) return answer.enhanced;
  if (answer.code >= 500) return '5.0.0';
  if (answer.code >= 400) return '4.0.0';
  return '2.0.0';
}

interface NodemailerLikeError { code?: string; originalCode?: string; response?: string; responseCode?: number; message?: string }

/** An error without a server reply (timeout, reset, garbage): always transient (RFC 5321 §4.5.4.1). */
export function connectionAnswer(err: unknown): SmtpAnswer {
  const e = (err ?? {}) as NodemailerLikeError;
  if (typeof e.response === 'string') {
    const parsed = parseReply(e.response);
    if (parsed) return parsed;
  }
  const kind = e.originalCode ?? e.code ?? '';
  const message = (e.message ?? String(err)).replace(/\s+/g, ' ').slice(0, 300);
  if (kind === 'ETIMEDOUT' || /timeout/i.test(message)) return { code: 451, enhanced: '4.4.2', text: `timeout: ${message}` };
  if (kind === 'EPROTOCOL') return { code: 451, enhanced: '4.5.0', text: `protocol error: ${message}` };
  if (kind === 'ECONNREFUSED' || kind === 'ECONNECTION' || kind === 'EHOSTUNREACH') return { code: 451, enhanced: '4.4.1', text: `no answer from host: ${message}` };
  return { code: 451, enhanced: '4.4.2', text: `connection failed: ${message}` };
}
