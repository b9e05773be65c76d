// The message as Sieve tests see it, built on the mail module's MIME code
// (server/src/mail/mime/): header fields of the top-level message, unfolded
// and RFC 2047-decoded (RFC 5228 §2.7.2), and — only when a "body" test asks
// — its parts, transfer- and charset-decoded (RFC 5173 §5). Parsing is lazy:
// a script that reads two headers costs a scan of the header block only.
import type { Buffer } from 'node:buffer';
import { decodeWords } from '../mail/mime/envelope.ts';
import { decodePart } from '../mail/mime/decode-body.ts';
import { headerFields, unfoldValue, type HeaderField } from '../mail/mime/header-fields.ts';
import { htmlToText } from '../mail/mime/html-text.ts';
import { walkParts } from '../mail/mime/part-walk.ts';
import { parseStructure } from '../mail/mime/structure-parser.ts';
import type { MessageIndex, MimePart } from '../mail/mime/types.ts';
import { headerAddresses, type SplitAddress } from './addresses.ts';

export interface BodyPart {
  /** "type/subtype", lower case. */
  contentType: string;
  /** Decoded text of the part (HTML turned into text for :text). */
  text(): string;
}

export interface MessageView {
  /** Octets of the message as delivered (RFC 5228 §5.9). */
  readonly size: number;
  /** Values of every field with this name (case-insensitive), in order: unfolded, trimmed, RFC 2047-decoded. */
  header(name: string): readonly string[];
  /** The same values without RFC 2047 decoding (address parsing needs the raw text). */
  rawHeader(name: string): readonly string[];
  /** Leaf parts (and encapsulated messages' parts), in order, for "body :text" / ":content". */
  parts(): readonly BodyPart[];
  /** The body after the header, undecoded (RFC 5173 :raw). */
  rawBody(): string;
  /** Mailboxes of one raw address header value, parsed once per message however many tests ask. */
  addresses(rawValue: string): readonly SplitAddress[];
}

export interface MessageViewOptions {
  /** The MIME index, when the caller has one already (parse once). */
  index?: MessageIndex;
  /** Decoded body text kept per part (RFC 5173 leaves the limit to the site). */
  maxPartText?: number;
}

/** Where the header block ends: just after the empty line, or the whole message when there is none. */
function headerEnd(raw: Buffer): number {
  const lf = raw.indexOf('\n\n');
  const crlf = raw.indexOf('\r\n\r\n');
  if (crlf >= 0 && (lf < 0 || crlf + 1 < lf)) return crlf + 4;
  if (lf >= 0) return lf + 2;
  // A message that is all header.
  return raw.length;
}

export function createMessageView(raw: Buffer, options: MessageViewOptions = {}): MessageView {
  const maxPartText = options.maxPartText ?? 1024 * 1024;
  const bodyStart = options.index ? options.index.root.bodyStart : headerEnd(raw);
  let byName: Map<string, HeaderField[]> | null = null;
  const decoded = new Map<string, string[]>();
  const rawValues = new Map<string, string[]>();
  let parts: BodyPart[] | null = null;
  const parsedAddresses = new Map<string, SplitAddress[]>();

  const fieldsNamed = (name: string): HeaderField[] => {
    if (byName === null) {
      byName = new Map();
      for (const f of headerFields(raw.subarray(0, bodyStart))) {
        const key = f.name.toLowerCase();
        const list = byName.get(key);
        if (list) list.push(f);
        else byName.set(key, [f]);
      }
    }
    return byName.get(name.toLowerCase()) ?? [];
  };

  const rawHeader = (name: string): string[] => {
    const key = name.toLowerCase();
    let values = rawValues.get(key);
    if (values === undefined) {
      values = fieldsNamed(key).map((f) => unfoldValue(f.value));
      rawValues.set(key, values);
    }
    return values;
  };

  return {
    size: raw.length,
    header(name) {
      const key = name.toLowerCase();
      let values = decoded.get(key);
      if (values === undefined) {
        values = rawHeader(key).map(decodeWords);
        decoded.set(key, values);
      }
      return values;
    },
    rawHeader,
    parts() {
      if (parts !== null) return parts;
      const root = options.index?.root ?? parseStructure(raw, { maxDepth: 50, maxParts: 2000 }, () => {}).root;
      parts = [];
      for (const { part } of walkParts(root)) {
        if (part.children.length > 0 || part.message !== null) continue;
        parts.push(bodyPart(raw, part, maxPartText));
      }
      return parts;
    },
    rawBody: () => raw.toString('latin1', bodyStart),
    addresses(value) {
      let list = parsedAddresses.get(value);
      if (list === undefined) {
        list = headerAddresses(value);
        parsedAddresses.set(value, list);
      }
      return list;
    },
  };
}

function bodyPart(raw: Buffer, part: MimePart, maxPartText: number): BodyPart {
  const contentType = `${part.contentType.type}/${part.contentType.subtype}`.toLowerCase();
  let text: string | null = null;
  return {
    contentType,
    text() {
      if (text !== null) return text;
      // Non-text parts (":content" can name them) are matched as their transfer-decoded octets.
      const body = decodePart(raw, part);
      const decoded = body.text ?? body.bytes.toString('latin1');
      const plain = part.contentType.subtype === 'html' ? htmlToText(decoded) : decoded;
      return (text = plain.length > maxPartText ? plain.slice(0, maxPartText) : plain);
    },
  };
}
