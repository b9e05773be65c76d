// The Received: trace (RFC 5321 §4.4, RFC 5322 §3.6.7) read into hops: who
// connected (its HELO name, its reverse name as the receiving server looked
// it up, its address), which server received it, with which protocol, and
// when. Servers write the "from" clause in a few well-known shapes; the
// ones read here cover Postfix, Sendmail, Exim, qmail and Microsoft's. A
// hop written in another shape keeps only what is certain (by, with, date).
import { isIP } from 'node:net';
import { parseMailDate } from '../mail/mime/mail-date.ts';

export interface Hop {
  /** The name the client gave in HELO/EHLO, or null when not recorded. */
  helo: string | null;
  /**
   * The client's reverse name as the receiving server found it: a name, ''
   * when the server recorded that there is none (Postfix's "unknown",
   * Sendmail's bare "[ip]"), null when the server does not say or its
   * notation is ambiguous (qmail writes "unknown" also when it does not
   * look names up; Exim leaves out a name equal to the HELO).
   */
  rdns: string | null;
  /** The client address, or null when none is recorded. */
  ip: string | null;
  /** The receiving server's name ("by"), or null. */
  by: string | null;
  /** The protocol ("with"), upper case, or null. */
  with: string | null;
  /** The queue id ("id"), or null. */
  id: string | null;
  /** The time stamp after the last ";" as written (read it with hopTime), or null. */
  stamp: string | null;
  /** The client authenticated (RFC 3848 ESMTPA/ESMTPSA/LMTPA…, or the server says so). */
  authenticated: boolean;
}

/** Hops read from at most this many Received: fields, newest first: enough for any real path. */
export const MAX_HOPS = 30;

const IP = String.raw`(?:IPv6:)?[0-9a-fA-F:.]+(?:%\w+)?`;
/** Exim: "from rdns ([ip]:port helo=name)", "from [ip] (helo=name)", "from name ([ip])". */
const EXIM = new RegExp(String.raw`^(\S+)\s+\(\[(${IP})\](?::\d+)?(?:\s+helo=([^\s)]+))?\)`, 'i');
const EXIM_NO_RDNS = new RegExp(String.raw`^\[(${IP})\](?::\d+)?\s+\(helo=([^\s)]+)\)`, 'i');
/** qmail: "from rdns (HELO name) (ip)" — "unknown" when there is no reverse name. */
const QMAIL = new RegExp(String.raw`^(\S+)\s+\(HELO\s+([^\s)]*)\)\s+\(\[?(${IP})\]?\)`, 'i');
/** Postfix and Sendmail: "from helo (rdns [ip])", "from helo (unknown [ip])"; others: "from helo ([ip] rdns)". */
const POSTFIX = new RegExp(String.raw`^(\S+)\s+\((?:([^\s()[\]]+)\s+)?\[(${IP})\](?:\s+([^\s()[\]]+))?[^)]*\)`, 'i');
/** Sendmail's "by host (8.12.10/8.12.7)": its bare "([ip])" means the reverse lookup failed. */
const SENDMAIL_BY = /\bby\s+\S+\s+\(\d+\.\d+\.\d+[^)]*\)/i;
/** Microsoft and others: "from name (ip)". */
const PAREN_IP = new RegExp(String.raw`^(\S+)\s+\((${IP})\)`, 'i');
/**
 * Protocol names of sessions whose client logged in: RFC 3848 §2 (ESMTPA,
 * ESMTPSA, LMTPA…, and RFC 6531 §3.7.3's UTF8 forms), and a webmail or MAPI
 * client handing its message to its own provider.
 */
const AUTH_WITH = /^(?:E?SMTPS?A|LMTPS?A|UTF8SMTPS?A|UTF8LMTPS?A|MAPI|HTTPS?)$/i;

function cleanIp(text: string): string | null {
  const ip = text.replace(/^IPv6:/i, '').replace(/%\w+$/, '');
  return isIP(ip) ? ip : null;
}

/** The text with (comments) removed, nested ones too, in a bounded number of passes. */
function withoutComments(text: string): string {
  let out = text;
  for (let i = 0; i < 5 && out.includes('('); i++) out = out.replace(/\([^()]*\)/g, ' ');
  return out;
}

/** One Received: field value (unfolded) as a hop. */
export function parseReceived(value: string): Hop {
  const text = value.replace(/\s+/g, ' ').trim();
  const semi = text.lastIndexOf(';');
  const clauses = semi >= 0 ? text.slice(0, semi) : text;
  // "by", "with" and "id" outside comments: "(qmail 123 invoked by uid 99)" names no server.
  const outer = withoutComments(clauses);
  const hop: Hop = {
    helo: null, rdns: null, ip: null,
    by: /(?:^|\s)by\s+([^\s;()]+)/i.exec(outer)?.[1]?.toLowerCase() ?? null,
    with: /(?:^|\s)with\s+([^\s;()]+)/i.exec(outer)?.[1]?.toUpperCase() ?? null,
    id: /(?:^|\s)id\s+<?([^\s;<>]+)>?/i.exec(outer)?.[1] ?? null,
    stamp: semi >= 0 ? text.slice(semi + 1).trim() : null,
    authenticated: false,
  };
  hop.authenticated = (hop.with !== null && AUTH_WITH.test(hop.with)) || /\(Authenticated sender:|\bauthenticated (?:as|user|bits)|\(using SMTP AUTH|\bauth=\w|\bvia HTTPS?\b/i.test(clauses);
  const from = /^from\s+(.*?)(?:\s+by\s|$)/i.exec(clauses)?.[1]?.replace(/^by\b.*/i, '');
  if (from === undefined || from === '') return hop;
  let m: RegExpExecArray | null;
  if ((m = QMAIL.exec(from))) {
    hop.rdns = m[1].toLowerCase() === 'unknown' ? null : m[1].toLowerCase();
    hop.helo = m[2];
    hop.ip = cleanIp(m[3]);
  } else if ((m = EXIM_NO_RDNS.exec(from))) {
    hop.ip = cleanIp(m[1]);
    hop.helo = m[2];
    hop.rdns = '';
  } else if ((m = EXIM.exec(from)) && (m[3] !== undefined || !/^\[/.test(m[1]))) {
    // Exim names the reverse name first and the HELO inside (left out when
    // it is the same name); Sendmail's "from helo ([ip])" has the same
    // shape and means there is no reverse name.
    hop.ip = cleanIp(m[2]);
    if (m[3] !== undefined || /\(Exim\b/i.test(clauses)) {
      hop.rdns = m[1].toLowerCase();
      hop.helo = m[3] ?? m[1];
    } else {
      hop.helo = m[1];
      hop.rdns = SENDMAIL_BY.test(clauses) ? '' : null;
    }
  } else if ((m = POSTFIX.exec(from))) {
    hop.helo = m[1];
    hop.ip = cleanIp(m[3]);
    const rdns = (m[2] ?? m[4])?.toLowerCase();
    hop.rdns = rdns === undefined ? null : rdns === 'unknown' ? '' : rdns;
  } else if ((m = PAREN_IP.exec(from))) {
    hop.helo = m[1];
    hop.ip = cleanIp(m[2]);
  } else {
    const word = /^(\S+)/.exec(from)?.[1] ?? null;
    hop.helo = word;
    if (word !== null && cleanIp(word.replace(/^\[|\]$/g, '')) !== null) hop.ip = cleanIp(word.replace(/^\[|\]$/g, ''));
  }
  if (hop.helo !== null) hop.helo = hop.helo.replace(/[,;]+$/, '');
  if (hop.rdns) hop.rdns = hop.rdns.replace(/\.$/, '');
  return hop;
}

/** When the hop's server received the message, in ms since the epoch, or null. */
export function hopTime(hop: Hop): number | null {
  const iso = hop.stamp === null ? null : parseMailDate(hop.stamp);
  return iso === null ? null : Date.parse(iso);
}

/** The hops of a message, newest (topmost Received:) first. */
export function receivedTrace(values: readonly string[]): Hop[] {
  return values.slice(0, MAX_HOPS).map(parseReceived);
}
