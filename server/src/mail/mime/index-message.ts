// Parse a raw message once, at delivery or APPEND, into the MessageIndex
// the store keeps beside the blob (DESIGN.md: "parse MIME once").
import type { Buffer } from 'node:buffer';
import type { MessageIndex, MimePart } from './types.ts';
import { parseStructure } from './structure-parser.ts';
import { buildEnvelope, buildIndexedHeaders } from './envelope.ts';
import { buildSearchText } from './search-text.ts';
import { partFileName } from './part-headers.ts';
import { walkParts } from './part-walk.ts';
import { wireSize } from './wire-size.ts';

export interface IndexOptions {
  /** Deeper multipart / message nesting is indexed as an opaque leaf (default 50). */
  maxDepth?: number;
  /** Parts beyond this count are not indexed (default 2000). */
  maxParts?: number;
  /** Cap of searchText in UTF-8 bytes (default 1 MiB). */
  maxSearchTextBytes?: number;
}

const MAX_WARNINGS = 100;

/**
 * An attachment, for the \HasAttachment-style flag: a part marked
 * "attachment", a named non-inline part, or a forwarded message.
 */
function isAttachment(part: MimePart, messageRoot: boolean): boolean {
  if (messageRoot || part.contentType.type === 'multipart') return false;
  if (part.disposition?.type === 'attachment') return true;
  if (part.contentType.type === 'message' && part.contentType.subtype === 'rfc822') return true;
  return part.disposition?.type !== 'inline' && partFileName(part) !== null;
}

/** Parse `raw` into a MessageIndex. Never throws: problems end up in `warnings`. */
export function indexMessage(raw: Buffer, options: IndexOptions = {}): MessageIndex {
  const warnings = new Set<string>();
  const warn = (w: string): void => {
    if (warnings.size < MAX_WARNINGS) warnings.add(w);
  };
  try {
    return build(raw, options, warn, warnings);
  } catch (error) {
    // Last line of defence: a parser bug must not bounce mail or fail an
    // APPEND. The message is kept as one opaque part, and the index says so.
    warn(`MIME structure not indexed: ${(error as Error).message}`);
    return opaqueIndex(raw, [...warnings]);
  }
}

function opaqueIndex(raw: Buffer, warnings: string[]): MessageIndex {
  const root: MimePart = {
    section: '', headerStart: 0, bodyStart: 0, bodyEnd: raw.length,
    contentType: { type: 'application', subtype: 'octet-stream', params: {} }, encoding: '7bit',
    id: null, description: null, disposition: null, language: null, location: null, md5: null,
    size: raw.length, lines: null, children: [], message: null,
  };
  const envelope = buildEnvelope([]);
  return {
    size: raw.length, wireSize: wireSize(raw), root, envelope, headers: buildIndexedHeaders([], envelope), searchText: '', hasAttachments: false, warnings,
  };
}

function build(raw: Buffer, options: IndexOptions, warn: (w: string) => void, warnings: Set<string>): MessageIndex {
  const maxDepth = options.maxDepth ?? 50;
  const maxParts = options.maxParts ?? 2000;
  const maxSearchTextBytes = options.maxSearchTextBytes ?? 1024 * 1024;

  const { root, rootFields } = parseStructure(raw, { maxDepth, maxParts }, warn);
  if (raw.indexOf(0) >= 0) warn('message contains NUL bytes (RFC 5322 §2.1); IMAP must send parts holding them as literal8 (RFC 3516)');
  const envelope = buildEnvelope(rootFields);
  const headers = buildIndexedHeaders(rootFields, envelope);

  let hasAttachments = false;
  for (const { part, messageRoot } of walkParts(root)) {
    if (isAttachment(part, messageRoot)) {
      hasAttachments = true;
      break;
    }
  }
  let searchText = '';
  try {
    searchText = buildSearchText(raw, root, rootFields, maxSearchTextBytes);
  } catch (error) {
    // A decoder bug must not cost the message its index entry.
    warn(`search text not extracted: ${(error as Error).message}`);
  }
  return { size: raw.length, wireSize: wireSize(raw), root, envelope, headers, searchText, hasAttachments, warnings: [...warnings] };
}
