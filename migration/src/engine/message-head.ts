// The little the importer reads of a message itself: is it a message at
// all (RFC 5322 §2.2: it starts with header fields), its Message-ID (the
// idempotence key with the content hash) and its Date (INTERNALDATE for
// sources that keep none, such as .eml files). Stoa's own MIME indexer does
// the real parsing when the message is stored.
import { MalformedError } from '../groupware/objects.ts';

export interface MessageHead {
  messageId: string | null;
  date: Date | null;
}

// RFC 5322 §3.6.8: field-name is printable US-ASCII except ":"; obs-optional allows WSP before the colon (§4.5.3).
const FIELD = /^[\x21-\x39\x3b-\x7e]+[ \t]*:/;

/** Header lines of the head, unfolded (RFC 5322 §2.2.3), up to the blank line. */
function headerLines(head: Buffer): string[] {
  const text = head.toString('latin1');
  const end = text.search(/\r?\n\r?\n|\r\r/);
  const section = end === -1 ? text : text.slice(0, end);
  const lines: string[] = [];
  for (const line of section.split(/\r\n|\n|\r/)) {
    if (/^[ \t]/.test(line) && lines.length > 0) lines[lines.length - 1] += line;
    else lines.push(line);
  }
  return lines;
}

/** Bytes of a UTF-8 byte order mark and whitespace before the first header field. */
function leadingJunk(head: Buffer): number {
  let i = head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf ? 3 : 0;
  while (i < head.length && (head[i] === 0x20 || head[i] === 0x09 || head[i] === 0x0d || head[i] === 0x0a)) i++;
  return i;
}

/** Throws MalformedError when the bytes are not a message: empty, or not starting with a header field. */
export function checkMessage(head: Buffer, size: number): void {
  if (size === 0) throw new MalformedError('empty message');
  // Tolerated in front, as real mailboxes hold them: a UTF-8 BOM, blank space, an mbox "From " line. Stoa stores the bytes as they are.
  const lines = headerLines(head.subarray(leadingJunk(head)));
  const first = lines[0]?.startsWith('From ') ? lines[1] : lines[0];
  if (first === undefined || !FIELD.test(first)) {
    throw new MalformedError('not an RFC 5322 message: it does not start with a header field');
  }
}

export function readMessageHead(head: Buffer): MessageHead {
  let messageId: string | null = null;
  let date: Date | null = null;
  for (const line of headerLines(head.subarray(leadingJunk(head)))) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const name = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    if (name === 'message-id' && messageId === null) {
      const m = /<[^<>\s]+>/.exec(value);
      messageId = m ? m[0] : value === '' ? null : value;
    } else if (name === 'date' && date === null) {
      const parsed = new Date(value.replace(/\s*\([^)]*\)\s*$/, ''));
      if (!Number.isNaN(parsed.getTime())) date = parsed;
    }
  }
  return { messageId, date };
}
