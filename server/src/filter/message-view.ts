// The message as the DATA-stage checks see it: parsed once, lazily, and
// bounded. Checks read the header fields, the decoded text (HTML turned into
// text), the URLs and the attachments; antivirus and mail authentication
// stream the whole message. Only the first `maxScanBytes` are parsed: spam
// is small, and a 50 MiB message must not cost 50 MiB of parsing per check
// (SpamAssassin skips messages over 500 KB altogether; we scan their start).
// The rules and the classifier read the first PART_SCAN_CHARS of each text
// part, as SpamAssassin's body rules do (body_part_scan_size).
import type { Readable } from 'node:stream';
import { decodeBody, decodePart } from '../mail/mime/decode-body.ts';
import { decodeWords } from '../mail/mime/envelope.ts';
import { headerFields, unfoldValue, type HeaderField } from '../mail/mime/header-fields.ts';
import { htmlToText } from '../mail/mime/html-text.ts';
import { partFileName } from '../mail/mime/part-headers.ts';
import { walkParts } from '../mail/mime/part-walk.ts';
import { bytesToText } from '../mail/mime/charset.ts';
import { parseStructure } from '../mail/mime/structure-parser.ts';
import type { MimePart } from '../mail/mime/types.ts';
import { headerBodyGap, insertHeaderEnd, recoverBoundary, withBoundary } from './mime-repair.ts';

/** Text fed to the content rules and the classifier, in characters. */
const MAX_TEXT_CHARS = 256 * 1024;
const MAX_URLS = 500;
const LIMITS = { maxDepth: 20, maxParts: 500 };
/**
 * Text of one part the content rules and the classifier read, in
 * characters: SpamAssassin's body_part_scan_size (50,000 by default). Spam
 * says what it sells at the start; a long newsletter, a pasted log or a
 * 100 KiB report costs its first 50,000 characters, not all of them. URLs
 * and the raw HTML are read further (MAX_TEXT_CHARS).
 */
export const PART_SCAN_CHARS = 50_000;
/** How far past PART_SCAN_CHARS the cut looks for the end of a line or word. */
const CUT_SLACK = 1024;

/**
 * The first PART_SCAN_CHARS of a part's text, cut as SpamAssassin cuts it:
 * after the next line break if one comes within CUT_SLACK characters, else
 * after the next space, else at the limit.
 */
export function scanPrefix(text: string, limit = PART_SCAN_CHARS): string {
  if (text.length <= limit) return text;
  for (const stop of ['\n', ' ']) {
    const at = text.indexOf(stop, limit);
    if (at >= 0 && at - limit <= CUT_SLACK) return text.slice(0, at + 1);
  }
  return text.slice(0, limit);
}

export interface Attachment {
  /** File name as given (RFC 2231/2047 decoded by the parser), '' when none. */
  filename: string;
  /** Lower-case "type/subtype". */
  contentType: string;
  /** Transfer-decoded content (within the scanned bytes). */
  bytes: Buffer;
}

export interface MessageView {
  /** Size of the whole message in octets. */
  readonly size: number;
  /** The scanned bytes: the whole message, or its first maxScanBytes. */
  readonly raw: Buffer;
  readonly truncated: boolean;
  /** The whole message, for checks that must see every byte (antivirus, DKIM body hash). */
  stream(): Readable;
  fields(): HeaderField[];
  /** Unfolded, RFC 2047-decoded value of the first field of that name, or null. */
  header(name: string): string | null;
  /** Every field of that name, unfolded and decoded (cached: shared by the checks, not to be changed). */
  headers(name: string): readonly string[];
  /** Decoded text of every text part (HTML as text), the first PART_SCAN_CHARS of each, capped. */
  text(): string;
  /** Raw HTML of the text/html parts (decoded, capped), '' when none. */
  html(): string;
  /** Decoded text of the text/plain (and other non-HTML text) parts only. */
  plainText(): string;
  /** The text/html parts as text only. */
  htmlText(): string;
  /** http(s) URLs found in the text and HTML, each once, capped. */
  urls(): string[];
  attachments(): Attachment[];
  /** MIME tree (null when the parser gave up: the checks then see headers only). */
  root(): MimePart | null;
  /**
   * What the parser had to repair or default (mime-repair.ts): a missing
   * empty line after the header, a boundary that never appears, an invalid
   * Content-Type … Empty for well-formed mail.
   */
  defects(): string[];
  /**
   * Drops what was derived from the body (texts, HTML, URLs, attachments);
   * a later call derives it again. The filter calls it once the verdict is
   * made: the view stays reachable from the transaction's context until the
   * next MAIL, and ~4 copies of a 100 KiB text kept that long outlive young-
   * generation collections and are promoted, to be freed only by a full GC.
   */
  release(): void;
}

/**
 * Parser warnings that are no defect worth scoring: a missing close
 * delimiter is common sloppiness (and what a scan cut at maxScanBytes
 * looks like); a boundary never found is reported by parseRepaired itself.
 */
const BENIGN = /close delimiter missing|boundary never found/;

interface Parsed {
  root: MimePart | null;
  fields: HeaderField[];
  /** The bytes the part offsets point into: the scanned bytes, or a repaired copy. */
  bytes: Buffer;
  defects: string[];
}

function parseRepaired(scanned: Buffer): Parsed {
  const defects: string[] = [];
  let bytes = scanned;
  const gap = headerBodyGap(scanned);
  if (gap >= 0) {
    bytes = insertHeaderEnd(scanned, gap);
    defects.push('no empty line after the header (RFC 5322 §2.1)');
  }
  const warnings: string[] = [];
  const s = parseStructure(bytes, LIMITS, (w) => warnings.push(w));
  let root = s.root;
  if (root.contentType.type === 'multipart' && root.children.length === 0) {
    const boundary = recoverBoundary(bytes, root.bodyStart);
    const again = boundary === null ? null : withBoundary(bytes, root.bodyStart, root.contentType.subtype, boundary);
    const reparsed = again === null ? null : parseStructure(again, LIMITS, () => undefined);
    if (again !== null && reparsed !== null && reparsed.root.children.length > 0) {
      defects.push(`multipart boundary not the declared one (RFC 2046 §5.1.1): "${boundary}"`);
      root = reparsed.root;
      bytes = again;
    } else {
      defects.push('multipart without any body part (RFC 2046 §5.1.1)');
    }
  }
  for (const w of new Set(warnings)) if (!BENIGN.test(w)) defects.push(w);
  return { root, fields: s.rootFields, bytes, defects };
}

export function createMessageView(raw: Buffer, size: number, stream: () => Readable, maxScanBytes: number): MessageView {
  const scanned = raw.length > maxScanBytes ? raw.subarray(0, maxScanBytes) : raw;
  let parsed: Parsed | null = null;
  let text: string | null = null;
  /** Every text part in full (up to MAX_TEXT_CHARS), where URLs are looked for. */
  let fullText: string | null = null;
  let html: string | null = null;
  let plainOnly: string | null = null;
  let htmlOnly: string | null = null;
  let urls: string[] | null = null;
  let attachments: Attachment[] | null = null;

  const parse = (): Parsed => {
    if (parsed) return parsed;
    try {
      parsed = parseRepaired(scanned);
    } catch {
      const end = scanned.indexOf('\n\n') >= 0 ? scanned.indexOf('\n\n') + 2 : scanned.indexOf('\r\n\r\n') + 4;
      parsed = { root: null, fields: headerFields(end > 3 ? scanned.subarray(0, end) : scanned), bytes: scanned, defects: ['the MIME parser gave up'] };
    }
    return parsed;
  };

  const bodies = (): void => {
    if (text !== null) return;
    const texts: string[] = [];
    const fullTexts: string[] = [];
    const htmls: string[] = [];
    const plains: string[] = [];
    const htmlTexts: string[] = [];
    const found: Attachment[] = [];
    let chars = 0;
    const { root, bytes } = parse();
    if (root && root.contentType.type === 'multipart' && root.children.length === 0) {
      // No part to read: show the body as a client would, as plain text.
      const shown = bytesToText(bytes.subarray(root.bodyStart, Math.min(root.bodyEnd, root.bodyStart + MAX_TEXT_CHARS)));
      fullTexts.push(shown);
      const scanned = scanPrefix(shown);
      texts.push(scanned);
      plains.push(scanned);
    } else if (root) {
      for (const { part, messageRoot } of walkParts(root)) {
        if (part.contentType.type === 'multipart' || part.message) continue;
        const type = `${part.contentType.type}/${part.contentType.subtype}`.toLowerCase();
        const filename = partFileName(part) ?? '';
        const isText = part.contentType.type === 'text' && part.disposition?.type !== 'attachment' && (filename === '' || messageRoot);
        if (isText && chars < MAX_TEXT_CHARS) {
          const decoded = decodePart(bytes, part).text ?? '';
          if (part.contentType.subtype === 'html') {
            htmls.push(decoded.slice(0, MAX_TEXT_CHARS));
            const asText = htmlToText(decoded.slice(0, MAX_TEXT_CHARS));
            fullTexts.push(asText);
            const scanned = scanPrefix(asText);
            texts.push(scanned);
            htmlTexts.push(scanned);
          } else {
            fullTexts.push(decoded.slice(0, MAX_TEXT_CHARS));
            const scanned = scanPrefix(decoded);
            texts.push(scanned);
            plains.push(scanned);
          }
          chars += decoded.length;
        } else if (!isText && (filename !== '' || part.contentType.type !== 'text')) {
          // Attachments are read as bytes: their charset decoding would be wasted work.
          found.push({ filename, contentType: type, bytes: decodeBody(bytes.subarray(part.bodyStart, part.bodyEnd), part.encoding).bytes });
        }
      }
    }
    text = texts.join('\n').slice(0, MAX_TEXT_CHARS);
    fullText = fullTexts.join('\n').slice(0, MAX_TEXT_CHARS);
    html = htmls.join('\n').slice(0, MAX_TEXT_CHARS);
    plainOnly = plains.join('\n').slice(0, MAX_TEXT_CHARS);
    htmlOnly = htmlTexts.join('\n').slice(0, MAX_TEXT_CHARS);
    attachments = found;
  };

  // The checks ask for the same fields many times: each is unfolded and decoded once.
  const headerCache = new Map<string, readonly string[]>();
  const headerValues = (name: string): readonly string[] => {
    const lower = name.toLowerCase();
    let values = headerCache.get(lower);
    if (values === undefined) {
      values = Object.freeze(parse().fields.filter((f) => f.name.toLowerCase() === lower).map((f) => decodeWords(unfoldValue(f.value).trim())));
      headerCache.set(lower, values);
    }
    return values;
  };

  return {
    size,
    raw: scanned,
    truncated: scanned.length < size,
    stream,
    fields: () => parse().fields,
    header: (name) => headerValues(name)[0] ?? null,
    headers: headerValues,
    text: () => { bodies(); return text!; },
    html: () => { bodies(); return html!; },
    plainText: () => { bodies(); return plainOnly!; },
    htmlText: () => { bodies(); return htmlOnly!; },
    urls() {
      if (urls) return urls;
      bodies();
      const set = new Set<string>();
      // RFC 3986 URIs as spammers write them: in the text and in href="…" (a text without "://" has none).
      const haystack = fullText!.includes('://') || html!.includes('://') ? `${fullText!}\n${html!}` : '';
      for (const m of haystack.matchAll(/\bhttps?:\/\/[^\s"'<>()\\]{1,2000}/gi)) {
        set.add(m[0].replace(/[.,;:!?]+$/, ''));
        if (set.size >= MAX_URLS) break;
      }
      urls = [...set];
      return urls;
    },
    attachments: () => { bodies(); return attachments!; },
    root: () => parse().root,
    defects: () => parse().defects,
    release() {
      text = fullText = html = plainOnly = htmlOnly = null;
      urls = null;
      attachments = null;
    },
  };
}

/** The host of a URL, lower case without a trailing dot, or null. */
export function urlHost(url: string): string | null {
  try {
    return new URL(url).hostname.toLowerCase().replace(/\.$/, '') || null;
  } catch {
    return null;
  }
}

/** The address inside "Name <a@b>" or a bare a@b, lower case. */
export function addressOf(value: string | null): string | null {
  if (!value) return null;
  const m = /<([^<>\s]+@[^<>\s]+)>/.exec(value) ?? /([^\s<>"',;:]+@[^\s<>"',;:]+)/.exec(value);
  return m ? m[1].toLowerCase() : null;
}

export function domainOf(address: string | null): string | null {
  if (!address) return null;
  const at = address.lastIndexOf('@');
  return at < 0 ? null : address.slice(at + 1).toLowerCase().replace(/[>\].]+$/, '');
}
