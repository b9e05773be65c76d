// Writes an Outlook message (outlook-message.ts) as RFC 5322 + MIME
// (RFC 2045-2049): the headers it arrived with when Outlook kept them
// (Received, DKIM-Signature … stay; only the MIME structure headers are
// replaced), else headers made from its properties (RFC 2047 encoded words
// for non-ASCII); text and HTML as multipart/alternative, inline images in
// multipart/related, attachments in multipart/mixed, attached messages as
// message/rfc822. Attachments are base64-encoded as they stream, never held
// whole; boundaries and made-up Message-IDs derive from a stable seed, so
// the same item gives the same bytes in every run (and the re-run skips it).
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import libmime from 'libmime';
import { encode as qpEncode, wrap as qpWrap } from 'libqp';
import type { Address, OutlookAttachment, OutlookMessage } from './outlook-message.ts';

const CRLF = '\r\n';
const MIME_STRUCTURE = new Set(['content-type', 'content-transfer-encoding', 'mime-version', 'content-disposition', 'content-id', 'content-description']);
const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** RFC 5322 §3.3 date-time, in UTC. */
export function rfc5322Date(d: Date): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${DAYS[d.getUTCDay()]}, ${d.getUTCDate()} ${MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear()} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())} +0000`;
}

const ascii = (s: string) => /^[\x20-\x7e]*$/.test(s);
const word = (s: string) => (ascii(s) ? s : libmime.encodeWords(s, 'Q', 52));

function headerLine(name: string, value: string): string {
  return libmime.foldLines(`${name}: ${value}`, 76) + CRLF;
}

function mailbox(a: Address): string | null {
  if (!a.address && !a.name) return null;
  const address = a.address && /@/.test(a.address) ? a.address : null;
  if (!address) return a.name ? `${word(a.name).includes('=?') ? word(a.name) : `"${a.name.replace(/["\\]/g, '')}"`}:;` : null;
  if (!a.name || a.name === address) return `<${address}>`;
  const name = ascii(a.name) ? `"${a.name.replace(/["\\]/g, '')}"` : word(a.name);
  return `${name} <${address}>`;
}

const list = (as: Address[]) => as.map(mailbox).filter((x): x is string => x !== null).join(', ');

/** The transport headers minus the MIME structure ones, which the new body defines (RFC 2045 §3). */
function keptTransportHeaders(raw: string): { text: string; names: Set<string> } {
  const lines = raw.replace(/\r?\n/g, '\n').replace(/\n\n[\s\S]*$/, '').split('\n');
  const fields: string[] = [];
  for (const line of lines) {
    if (/^[ \t]/.test(line) && fields.length > 0) fields[fields.length - 1] += `${CRLF}${line}`;
    else if (/^[\x21-\x39\x3b-\x7e]+:/.test(line)) fields.push(line);
  }
  const kept = fields.filter((f) => !MIME_STRUCTURE.has(f.slice(0, f.indexOf(':')).trim().toLowerCase()));
  return { text: kept.map((f) => f + CRLF).join(''), names: new Set(kept.map((f) => f.slice(0, f.indexOf(':')).trim().toLowerCase())) };
}

class Boundaries {
  readonly #seed: string;
  #n = 0;
  constructor(seed: string) {
    this.#seed = seed;
  }
  next(): string {
    return `----=_Stoa_${createHash('sha256').update(`${this.#seed}/${this.#n++}`).digest('hex').slice(0, 28)}`;
  }
}

/** Base64 in 76-character lines (RFC 2045 §6.8), from a Buffer or a stream. */
async function* base64Lines(data: Buffer | (() => Readable) | null): AsyncIterable<Buffer> {
  if (data === null) return;
  let carry = Buffer.alloc(0);
  const source: Iterable<Buffer> | AsyncIterable<Buffer> = Buffer.isBuffer(data) ? [data] : (data() as AsyncIterable<Buffer>);
  for await (const chunk of source) {
    const all = carry.length > 0 ? Buffer.concat([carry, chunk]) : chunk;
    const usable = all.length - (all.length % 57);
    // One buffer per chunk read, not one per line: fewer, larger writes downstream.
    const lines: string[] = [];
    for (let i = 0; i < usable; i += 57) lines.push(all.subarray(i, i + 57).toString('base64'));
    if (lines.length > 0) yield Buffer.from(lines.join(CRLF) + CRLF);
    carry = Buffer.from(all.subarray(usable));
  }
  if (carry.length > 0) yield Buffer.from(carry.toString('base64') + CRLF);
}

function textPart(text: string, subtype: 'plain' | 'html'): string {
  const body = qpWrap(qpEncode(Buffer.from(text.replace(/\r?\n/g, '\r\n'), 'utf8')), 76);
  return `Content-Type: text/${subtype}; charset=utf-8${CRLF}Content-Transfer-Encoding: quoted-printable${CRLF}${CRLF}${body}${CRLF}`;
}

function filenameParams(filename: string): string {
  // RFC 2231 for names that are not plain ASCII tokens.
  if (ascii(filename) && !/["\\]/.test(filename)) return `filename="${filename}"`;
  return `filename*=utf-8''${encodeURIComponent(filename).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)}`;
}

async function* attachmentPart(a: OutlookAttachment, seed: string): AsyncIterable<Buffer> {
  if (a.embedded) {
    yield Buffer.from(`Content-Type: message/rfc822${CRLF}Content-Disposition: attachment; ${filenameParams(a.filename.endsWith('.eml') ? a.filename : `${a.filename || 'message'}.eml`)}${CRLF}${CRLF}`);
    yield* messageBytes(a.embedded, `${seed}/embedded`);
    yield Buffer.from(CRLF);
    return;
  }
  const type = a.mimeType && /^[\w.+-]+\/[\w.+-]+$/.test(a.mimeType) ? a.mimeType : 'application/octet-stream';
  const name = a.filename || 'attachment';
  let head = `Content-Type: ${type}; name="${ascii(name) ? name.replace(/["\\]/g, '') : word(name)}"${CRLF}Content-Transfer-Encoding: base64${CRLF}`;
  head += `Content-Disposition: ${a.inline ? 'inline' : 'attachment'}; ${filenameParams(name)}${CRLF}`;
  if (a.contentId) head += `Content-ID: <${a.contentId.replace(/^<|>$/g, '')}>${CRLF}`;
  yield Buffer.from(head + CRLF);
  yield* base64Lines(a.data);
}

async function* multipart(subtype: string, boundary: string, parts: Array<() => AsyncIterable<Buffer>>): AsyncIterable<Buffer> {
  yield Buffer.from(`Content-Type: multipart/${subtype}; boundary="${boundary}"${CRLF}${CRLF}`);
  for (const part of parts) {
    yield Buffer.from(`--${boundary}${CRLF}`);
    yield* part();
  }
  yield Buffer.from(`--${boundary}--${CRLF}`);
}

async function* once(text: string): AsyncIterable<Buffer> {
  yield Buffer.from(text);
}

/** The body (MIME headers of the top entity included) of a message. */
function body(msg: OutlookMessage, b: Boundaries, seed: string): AsyncIterable<Buffer> {
  const text = msg.bodyText ?? (msg.bodyHtml ? null : '');
  const alternatives: Array<() => AsyncIterable<Buffer>> = [];
  if (text !== null) alternatives.push(() => once(textPart(text, 'plain')));
  const inline = msg.attachments.filter((a) => a.inline && a.contentId && !a.embedded);
  const rest = msg.attachments.filter((a) => !inline.includes(a));
  if (msg.bodyHtml) {
    const html = () => once(textPart(msg.bodyHtml!, 'html'));
    alternatives.push(inline.length > 0 && msg.bodyHtml
      ? () => multipart('related', b.next(), [html, ...inline.map((a, i) => () => attachmentPart(a, `${seed}/inline${i}`))])
      : html);
  }
  const main = alternatives.length === 1 ? alternatives[0] : () => multipart('alternative', b.next(), alternatives);
  if (rest.length === 0) return main();
  return multipart('mixed', b.next(), [main, ...rest.map((a, i) => () => attachmentPart(a, `${seed}/att${i}`))]);
}

async function* messageBytes(msg: OutlookMessage, seed: string): AsyncIterable<Buffer> {
  const b = new Boundaries(seed);
  let head = '';
  const kept = msg.transportHeaders ? keptTransportHeaders(msg.transportHeaders) : { text: '', names: new Set<string>() };
  head += kept.text;
  const add = (name: string, value: string | null) => {
    if (value && !kept.names.has(name.toLowerCase())) head += headerLine(name, value);
  };
  add('From', msg.from ? mailbox(msg.from) : null);
  add('To', list(msg.to) || null);
  add('Cc', list(msg.cc) || null);
  add('Bcc', kept.text === '' ? list(msg.bcc) || null : null);
  add('Subject', msg.subject ? word(msg.subject) : null);
  add('Date', msg.date ? rfc5322Date(msg.date) : null);
  add('Message-ID', msg.messageId ?? `<stoa-import-${createHash('sha256').update(seed).digest('hex').slice(0, 32)}@migration.invalid>`);
  add('In-Reply-To', msg.inReplyTo);
  if (msg.importance === 2) add('Importance', 'high');
  if (msg.importance === 0) add('Importance', 'low');
  head += `MIME-Version: 1.0${CRLF}`;
  yield Buffer.from(head);
  yield* body(msg, b, seed);
}

/** The message as MIME bytes, streamed. `seed` names the item stably (PST node id, EWS ItemId). */
export function composeMime(msg: OutlookMessage, seed: string): Readable {
  return Readable.from(messageBytes(msg, seed), { objectMode: false });
}

/** The same, collected (attached messages and tests). */
export async function composeMimeBuffer(msg: OutlookMessage, seed: string): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of messageBytes(msg, seed)) chunks.push(c);
  return Buffer.concat(chunks);
}
