// IMAP section numbers (RFC 9051 §6.4.5) resolved against the part tree,
// and the byte range each section-spec reads from the stored message.
import type { MimePart } from './types.ts';

const isMultipart = (p: MimePart): boolean => p.contentType.type === 'multipart';

/**
 * The part a dotted section number names ("" is the whole message).
 * - A multipart's body parts are numbered 1, 2, … (a multipart itself has
 *   no number of its own).
 * - A non-multipart top-level message has exactly one part, "1" (the message).
 * - Under a message/rfc822 (or message/global) part "S", the encapsulated
 *   message's body parts are S.1, S.2, … when it is multipart; when it is
 *   not, its body is "S.1".
 * Returns null for any number that does not exist.
 */
export function findPart(root: MimePart, section: string): MimePart | null {
  if (section === '') return root;
  const numbers = section.split('.');
  let current = root;
  for (let i = 0; i < numbers.length; i++) {
    if (!/^[1-9][0-9]{0,8}$/.test(numbers[i])) return null;
    const n = Number(numbers[i]);
    if (i === 0 && !isMultipart(root)) {
      if (n !== 1) return null;
      continue;
    }
    let container: MimePart;
    if (isMultipart(current)) container = current;
    else if (current.message !== null) {
      const inner = current.message.root;
      if (!isMultipart(inner)) {
        if (n !== 1) return null;
        current = inner;
        continue;
      }
      container = inner;
    } else return null;
    const next = container.children[n - 1];
    if (next === undefined) return null;
    current = next;
  }
  return current;
}

export type SectionText = '' | 'HEADER' | 'TEXT' | 'MIME';

export interface ByteRange { start: number; end: number }

/**
 * Byte range of BODY[section] (RFC 9051 §6.4.5): `part` is the dotted number
 * ("" for the message), `text` the specifier after it. HEADER and TEXT apply
 * to the top-level message or to a message/rfc822 part (its encapsulated
 * message); MIME to a numbered part. HEADER.FIELDS[.NOT] read the HEADER
 * range and filter it with headerFields(). Null when the section does not
 * exist.
 */
export function sectionRange(root: MimePart, part: string, text: SectionText): ByteRange | null {
  const found = findPart(root, part);
  if (found === null) return null;
  switch (text) {
    case '':
      return part === '' ? { start: found.headerStart, end: found.bodyEnd } : { start: found.bodyStart, end: found.bodyEnd };
    case 'MIME':
      return part === '' ? null : { start: found.headerStart, end: found.bodyStart };
    case 'HEADER':
    case 'TEXT': {
      const message = part === '' ? found : found.message?.root;
      if (message === undefined) return null;
      return text === 'HEADER' ? { start: message.headerStart, end: message.bodyStart } : { start: message.bodyStart, end: message.bodyEnd };
    }
  }
}
