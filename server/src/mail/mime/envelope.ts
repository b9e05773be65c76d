// RFC 9051 §7.5.2 ENVELOPE from a header block, and the decoded header
// values (IndexedHeaders) that SORT (RFC 5256 §3), THREAD and search use.
import libmime from 'libmime';
import type { Envelope, EnvelopeAddress, IndexedHeaders } from './types.ts';
import { type HeaderField, firstField, allFields, unfoldValue } from './header-fields.ts';
import { parseAddressList } from './address-list.ts';
import { parseMailDate } from './mail-date.ts';
import { baseSubject } from './base-subject.ts';

function rawValue(fields: readonly HeaderField[], name: string): string | null {
  const f = firstField(fields, name);
  return f === undefined ? null : unfoldValue(f.value);
}

function addresses(fields: readonly HeaderField[], name: string): EnvelopeAddress[] | null {
  const value = rawValue(fields, name);
  if (value === null) return null;
  const list = parseAddressList(value);
  return list.length === 0 ? null : list;
}

/**
 * ENVELOPE fields are raw header text (RFC 9051 §7.5.2); the first
 * occurrence of a repeated field wins. Sender and Reply-To default to From
 * when absent or empty, as the RFC requires.
 */
export function buildEnvelope(fields: readonly HeaderField[]): Envelope {
  const from = addresses(fields, 'from');
  return {
    date: rawValue(fields, 'date'),
    subject: rawValue(fields, 'subject'),
    from,
    sender: addresses(fields, 'sender') ?? from,
    replyTo: addresses(fields, 'reply-to') ?? from,
    to: addresses(fields, 'to'),
    cc: addresses(fields, 'cc'),
    bcc: addresses(fields, 'bcc'),
    inReplyTo: rawValue(fields, 'in-reply-to'),
    messageId: rawValue(fields, 'message-id'),
  };
}

/** RFC 2047 decoding that never throws (a broken encoded word stays as it is). */
export function decodeWords(value: string): string {
  if (!value.includes('=?')) return value;
  try {
    return libmime.decodeWords(value);
  } catch {
    return value;
  }
}

/** First real mailbox of a list (group markers skipped), as "local@domain" lower case. */
function firstAddress(list: readonly EnvelopeAddress[] | null): EnvelopeAddress | null {
  for (const a of list ?? []) if (a.host !== null && a.mailbox !== null) return a;
  return null;
}

export function addressText(a: EnvelopeAddress | null): string {
  if (a === null || a.mailbox === null) return '';
  return (a.host === null || a.host === 'MISSING_DOMAIN' ? a.mailbox : `${a.mailbox}@${a.host}`).toLowerCase();
}

/** RFC 5322 §3.6.4 msg-id tokens ("<…>") in a field value. */
function msgIds(value: string | null): string[] {
  return value === null ? [] : (value.match(/<[^<>\s]*>/g) ?? []);
}

/** At most this many References are kept: the first (thread root) and the latest. */
const MAX_REFERENCES = 1000;

export function buildIndexedHeaders(fields: readonly HeaderField[], envelope: Envelope): IndexedHeaders {
  const subject = decodeWords(envelope.subject ?? '');
  const from = firstAddress(envelope.from);
  const messageId = msgIds(envelope.messageId)[0] ?? (envelope.messageId === '' ? null : envelope.messageId);
  let references = allFields(fields, 'references').flatMap((f) => msgIds(unfoldValue(f.value)));
  if (references.length > MAX_REFERENCES) references = [references[0], ...references.slice(-(MAX_REFERENCES - 1))];
  return {
    date: parseMailDate(envelope.date),
    subject,
    baseSubject: baseSubject(subject),
    fromAddress: addressText(from),
    fromName: from?.name ? decodeWords(from.name) : '',
    toAddress: addressText(firstAddress(envelope.to)),
    ccAddress: addressText(firstAddress(envelope.cc)),
    messageId,
    inReplyTo: msgIds(envelope.inReplyTo)[0] ?? null,
    references,
  };
}
