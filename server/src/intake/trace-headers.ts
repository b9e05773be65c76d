// Trace header fields (RFC 5321 §4.4, RFC 5322 §3.6.7) the intake prepends
// to every message it accepts. Pure formatting: no I/O.

export interface ReceivedInput {
  /** HELO/EHLO argument as the client gave it. */
  helo: string;
  /** Reverse-DNS name, or null when the address did not resolve. */
  clientHostname: string | null;
  ip: string;
  /** Our host name. */
  by: string;
  /** Session or queue id, for matching logs. */
  id: string;
  esmtp: boolean;
  tls: { protocol: string; cipher: string } | null;
  authenticated: boolean;
  /** RFC 6531 §3.7.3: UTF8SMTP protocol types when SMTPUTF8 was used. */
  utf8: boolean;
  /** Only for a single recipient: naming all would disclose Bcc recipients. */
  forRecipient: string | null;
  date: Date;
}

/** RFC 5322 §3.3 date-time. */
export function rfc5322Date(d: Date): string {
  return d.toUTCString().replace(/GMT$/, '+0000');
}

/** RFC 3848 / RFC 6531 §3.7.3 "with" protocol type. */
export function protocolType(esmtp: boolean, tls: boolean, auth: boolean, utf8: boolean): string {
  if (!esmtp) return 'SMTP';
  const base = utf8 ? 'UTF8SMTP' : 'ESMTP';
  return `${base}${tls ? 'S' : ''}${auth ? 'A' : ''}`;
}

const SAFE = /[^\x21-\x7e]/g;
/** Client-supplied words must not break the header: no spaces, controls or parentheses. */
const word = (s: string): string => s.replace(SAFE, '?').replace(/[()]/g, '?').slice(0, 255) || 'unknown';
const ipLiteral = (ip: string): string => (ip.includes(':') ? `[IPv6:${ip}]` : `[${ip}]`);

export function receivedHeader(r: ReceivedInput): string {
  const from = `from ${word(r.helo)} (${r.clientHostname ? `${word(r.clientHostname)} ` : ''}${ipLiteral(r.ip)})`;
  const lines = [
    `Received: ${from}`,
    `\tby ${r.by} (Stoa) with ${protocolType(r.esmtp, r.tls !== null, r.authenticated, r.utf8)} id ${r.id}`,
  ];
  if (r.tls) lines.push(`\t(using ${word(r.tls.protocol)} with cipher ${word(r.tls.cipher)})`);
  lines.push(r.forRecipient ? `\tfor <${r.forRecipient}>; ${rfc5322Date(r.date)}` : `\t; ${rfc5322Date(r.date)}`);
  return `${lines.join('\r\n')}\r\n`;
}

/** RFC 5321 §4.4: added by the final delivery, with the envelope sender ("<>" for bounces). */
export function returnPathHeader(sender: string): string {
  return `Return-Path: <${sender}>\r\n`;
}

/** The mailbox the copy was delivered to (Postfix/qmail convention, used to detect forwarding loops). */
export function deliveredToHeader(address: string): string {
  return `Delivered-To: ${address}\r\n`;
}

/** Counts our own Received fields: more than this many hops is a loop (RFC 5321 §6.3). */
export function countReceived(headerSection: string): number {
  return (headerSection.match(/^Received:/gim) ?? []).length;
}
