// BODY / BODYSTRUCTURE input (RFC 9051 §7.5.2) and its construction from the
// MIME index, whose types live in shared/ (wire/ may import them; it may not
// import the mail domain module). A MimePart from the index is assignable to
// MimePartInput as it is.
import type { Envelope, EnvelopeAddress, MimePart } from '../../../../../shared/src/schemas/message-index.ts';

/** RFC 9051 §7.5.2 address: raw header text, null for NIL. */
export type EnvelopeAddressInput = EnvelopeAddress;

/** RFC 9051 §7.5.2 ENVELOPE fields. */
export type EnvelopeInput = Envelope;

/**
 * The index's MimePart without what BODYSTRUCTURE never reads (section
 * number, byte offsets), so the serializer and its tests can build parts by
 * hand; a MimePart from the index is assignable as it is.
 */
export type MimePartInput = Omit<MimePart, 'section' | 'headerStart' | 'bodyStart' | 'bodyEnd' | 'children' | 'message'> & {
  children: MimePartInput[];
  message: { envelope: EnvelopeInput; root: MimePartInput } | null;
};

export interface BodyDisposition { type: string; params: Array<[string, string]> }

/** body-ext-mpart / body-ext-1part trailing data (RFC 9051 §7.5.2). */
export interface BodyExtension {
  disposition: BodyDisposition | null;
  language: string[] | null;
  location: string | null;
}

/** body-type-mpart. */
export interface MultipartStructure {
  kind: 'multipart';
  subtype: string;
  children: BodyStructure[];
  /** Extension data (BODYSTRUCTURE only); null for BODY. */
  extension: (BodyExtension & { params: Array<[string, string]> }) | null;
}

/** body-type-1part: basic, text (with lines) or message/rfc822 (envelope, body, lines). */
export interface SinglePartStructure {
  kind: 'single';
  type: string;
  subtype: string;
  params: Array<[string, string]>;
  id: string | null;
  description: string | null;
  encoding: string;
  size: number;
  /** body-fld-lines: text/* and message/rfc822 (and message/global) only. */
  lines: number | null;
  message: { envelope: EnvelopeInput; body: BodyStructure } | null;
  extension: (BodyExtension & { md5: string | null }) | null;
}

export type BodyStructure = MultipartStructure | SinglePartStructure;

function params(record: Record<string, string>): Array<[string, string]> {
  return Object.entries(record);
}

function isEncapsulated(part: MimePartInput): boolean {
  const t = part.contentType.type.toLowerCase();
  const s = part.contentType.subtype.toLowerCase();
  // RFC 9051 §7.5.2 media-message: MESSAGE/RFC822 and MESSAGE/GLOBAL (RFC 6532 §3.5).
  return t === 'message' && (s === 'rfc822' || s === 'global') && part.message !== null;
}

/**
 * Builds BODY (`extended` false) or BODYSTRUCTURE (`extended` true) data from
 * an indexed MIME part.
 */
export function bodyStructureFromMimePart(part: MimePartInput, extended: boolean): BodyStructure {
  const common: BodyExtension = {
    disposition: part.disposition ? { type: part.disposition.type, params: params(part.disposition.params) } : null,
    language: part.language && part.language.length > 0 ? part.language : null,
    location: part.location,
  };
  if (part.contentType.type.toLowerCase() === 'multipart') {
    return {
      kind: 'multipart',
      subtype: part.contentType.subtype,
      children: part.children.map((child) => bodyStructureFromMimePart(child, extended)),
      extension: extended ? { params: params(part.contentType.params), ...common } : null,
    };
  }
  const encapsulated = isEncapsulated(part) ? part.message : null;
  const isText = part.contentType.type.toLowerCase() === 'text';
  return {
    kind: 'single',
    type: part.contentType.type,
    subtype: part.contentType.subtype,
    params: params(part.contentType.params),
    id: part.id,
    description: part.description,
    encoding: part.encoding,
    size: part.size,
    lines: isText || encapsulated ? (part.lines ?? 0) : null,
    message: encapsulated ? { envelope: encapsulated.envelope, body: bodyStructureFromMimePart(encapsulated.root, extended) } : null,
    extension: extended ? { md5: part.md5, ...common } : null,
  };
}
