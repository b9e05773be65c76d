// One SMTP client session to one address: connect, EHLO, STARTTLS, optional
// AUTH, one transaction for every recipient of a domain (RFC 5321 §3.3), and
// per-recipient answers. Built on nodemailer's SMTPConnection.
import { isIP } from 'node:net';
import SMTPConnection from 'nodemailer/lib/smtp-connection';
import type { SmtpAnswer } from '../store/queue-port.ts';
import { connectionAnswer, parseReply } from './smtp-answer.ts';
import type { QueueConfig, SmarthostConfig } from './queue-config.ts';

export interface SessionTarget {
  /** Name of the MX host (SNI, logging); the address is what we connect to. */
  host: string;
  ip: string;
  port: number;
  smarthost: SmarthostConfig | null;
}

export interface SessionEnvelope {
  sender: string;
  recipients: Array<{ address: string; notify: string[] | null; orcpt: string | null }>;
  ret: string | null;
  envId: string | null;
  size: number;
}

export type SessionResult =
  /** Never reached MAIL FROM: the caller may try the next MX host (RFC 5321 §5.1). */
  | { stage: 'connect'; tls: boolean; answer: SmtpAnswer }
  /** A transaction happened: one answer per recipient address. */
  | { stage: 'transaction'; tls: boolean; answers: Map<string, SmtpAnswer>; remoteDsn: boolean };

export interface SessionHandle { result: Promise<SessionResult>; abort(): void }

interface ReplyError { recipient?: string; response?: string; responseCode?: number; rejectedErrors?: ReplyError[]; code?: string; command?: string }

/** RFC 6531 §3.2: non-ASCII in the envelope or the header section needs SMTPUTF8. */
function needsSmtpUtf8(env: SessionEnvelope, message: Buffer): boolean {
  const nonAscii = /[^\x00-\x7f]/;
  if (nonAscii.test(env.sender) || env.recipients.some((r) => nonAscii.test(r.address))) return true;
  const end = message.indexOf('\r\n\r\n');
  const head = end < 0 ? message : message.subarray(0, end);
  return head.some((b) => b > 0x7f);
}

/** EHLO keywords as parsed by nodemailer (not in its typings; it exposes them only after send()). */
function extensions(conn: SMTPConnection): string[] {
  return (conn as unknown as { _supportedExtensions?: string[] })._supportedExtensions ?? [];
}

function answerOf(err: ReplyError): SmtpAnswer {
  return (typeof err.response === 'string' ? parseReply(err.response) : null) ?? connectionAnswer(err);
}

export function openSession(config: QueueConfig, target: SessionTarget, env: SessionEnvelope, message: Buffer): SessionHandle {
  const sh = target.smarthost;
  const conn = new SMTPConnection({
    host: target.ip,
    port: target.port,
    name: config.hostname,
    servername: isIP(target.host) ? undefined : target.host,
    secure: sh?.tls === 'tls',
    requireTLS: sh?.tls === 'starttls',
    ignoreTLS: sh?.tls === 'none',
    // RFC 7435 opportunistic security: encrypt when offered, accept any
    // certificate, never fall back to failure over it (MX certificates are
    // unverifiable without DANE/MTA-STS). A smarthost is checked as configured.
    opportunisticTLS: sh === null,
    tls: { rejectUnauthorized: sh !== null && sh.tlsVerify, minVersion: 'TLSv1.2' },
    connectionTimeout: config.timeouts.connectMs,
    greetingTimeout: config.timeouts.greetingMs,
    socketTimeout: config.timeouts.socketMs,
    socketCloseTimeout: 0,
    allowInternalNetworkInterfaces: true,
  });
  let inTransaction = false;
  let forwardNotify: string[] | undefined;
  let settle!: (r: SessionResult) => void;
  const result = new Promise<SessionResult>((resolve) => { settle = resolve; });
  let done = false;
  const finish = (r: SessionResult): void => {
    if (done) return;
    done = true;
    settle(r);
    if (r.stage === 'transaction' && !conn.destroyed) conn.quit();
    else conn.close();
  };
  const fail = (err: unknown): void => {
    const answer = connectionAnswer(err);
    if (!inTransaction) finish({ stage: 'connect', tls: conn.secure, answer });
    else finish({ stage: 'transaction', tls: conn.secure, answers: new Map(env.recipients.map((r) => [r.address, answer])), remoteDsn: false });
  };
  conn.on('error', fail);
  conn.on('end', () => fail(Object.assign(new Error('connection closed by the remote host'), { code: 'ECONNECTION' })));

  const transact = (): void => {
    const utf8 = needsSmtpUtf8(env, message);
    if (utf8 && !extensions(conn).includes('SMTPUTF8')) {
      // RFC 6531 §3.5: without SMTPUTF8 at the server the message cannot be sent as is.
      const answer: SmtpAnswer = { code: 553, enhanced: '5.6.7', text: `${target.host} does not support SMTPUTF8, needed for this message` };
      finish({ stage: 'transaction', tls: conn.secure, answers: new Map(env.recipients.map((r) => [r.address, answer])), remoteDsn: false });
      return;
    }
    inTransaction = true;
    const eightBit = message.some((b) => b > 0x7f);
    const notifies = new Set(env.recipients.map((r) => (r.notify ? r.notify.join(',') : '')));
    forwardNotify = notifies.size === 1 && env.recipients[0].notify ? env.recipients[0].notify : undefined;
    conn.send({
      from: env.sender === '' ? false : env.sender,
      to: env.recipients.map((r) => r.address),
      size: env.size,
      // RFC 6152: declare 8-bit content; a server without 8BITMIME gets it as is (as Postfix does).
      use8BitMime: eightBit,
      // RFC 3461 §5.2: pass the DSN parameters on to a DSN-capable next hop.
      // nodemailer sends one NOTIFY for every RCPT, so it is forwarded only
      // when all recipients share it; otherwise we keep the duty to notify.
      dsn: { ret: env.ret, envid: env.envId, notify: forwardNotify },
    }, message, (err, info) => {
      const answers = new Map<string, SmtpAnswer>();
      const rejected = (err as ReplyError | null)?.rejectedErrors ?? (info?.rejectedErrors as ReplyError[] | undefined) ?? [];
      for (const r of rejected) if (r.recipient) answers.set(r.recipient, answerOf(r));
      let rest: SmtpAnswer;
      if (err) {
        const e = err as ReplyError;
        // nodemailer says EMESSAGE both for its own SIZE check against the EHLO
        // SIZE value (RFC 1870 §6.2; no reply from the server) and for a server
        // that refused the end of DATA (with its reply, which decides temporary
        // or permanent and is what the sender's DSN must show).
        if (e.code === 'EMESSAGE' && typeof e.response !== 'string') rest = { code: 552, enhanced: '5.3.4', text: `message too big for ${target.host}` };
        else rest = answerOf(e);
      } else {
        rest = parseReply(info.response) ?? { code: 250, enhanced: null, text: info.response };
      }
      for (const r of env.recipients) if (!answers.has(r.address)) answers.set(r.address, rest);
      finish({ stage: 'transaction', tls: conn.secure, answers, remoteDsn: forwardNotify !== undefined && extensions(conn).includes('DSN') });
    });
  };

  conn.connect(() => {
    if (sh?.auth) {
      conn.login({ user: sh.auth.user, pass: sh.auth.password }, (err) => {
        if (err) fail(err);
        else transact();
      });
    } else {
      transact();
    }
  });

  return {
    result,
    abort: () => fail(Object.assign(new Error('delivery aborted (worker stopping or lease lost)'), { code: 'ECONNECTION' })),
  };
}
