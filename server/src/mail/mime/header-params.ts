// Content-Type and Content-Disposition: a value plus parameters
// (RFC 2045 §5.1, RFC 2183 §2), with RFC 2231 continuations and charsets
// and the RFC 2047 encoded words many clients put in file names.
import type { Buffer } from 'node:buffer';
import libmime from 'libmime';
import type { ContentType } from './types.ts';
import { latin1ToText } from './charset.ts';
import { unfoldLatin1 } from './header-fields.ts';

interface Parsed { value: string; params: Record<string, string> }

/** Parameters whose bytes must stay exactly as sent: a boundary is matched byte for byte. */
const RAW_PARAMS = new Set(['boundary']);

function parse(raw: Buffer): Parsed {
  const text = unfoldLatin1(raw);
  let parsed: Parsed;
  try {
    parsed = libmime.parseHeaderValue(text, { stripComments: true }) as Parsed;
  } catch {
    return { value: text.split(';')[0].trim(), params: {} };
  }
  const params: Record<string, string> = {};
  for (const [key, value] of Object.entries(parsed.params)) {
    // Names come from the sender: "__proto__" would not be an own property.
    if (typeof value !== 'string' || key === '__proto__') continue;
    if (RAW_PARAMS.has(key)) {
      params[key] = value;
      continue;
    }
    let text2 = latin1ToText(value);
    if (text2.includes('=?')) {
      try {
        text2 = libmime.decodeWords(text2);
      } catch {
        // keep the undecoded value: better a raw name than none
      }
    }
    params[key] = text2;
  }
  return { value: parsed.value.trim(), params };
}

// RFC 2045 §5.1 token: any CHAR except SPACE, CTLs and tspecials.
const TOKEN = /^[!#$%&'*+\-.^_`{|}~0-9a-z]+$/;

/**
 * RFC 2045 §5.2: a missing or syntactically invalid Content-Type means
 * text/plain; charset=us-ascii — except inside multipart/digest, where the
 * default is message/rfc822 (RFC 2046 §5.1.5). Returns `invalid` so the
 * caller can warn.
 */
export function parseContentType(raw: Buffer | undefined, digestChild: boolean): { contentType: ContentType; invalid: boolean } {
  const fallback = (): ContentType =>
    digestChild
      ? { type: 'message', subtype: 'rfc822', params: {} }
      : { type: 'text', subtype: 'plain', params: { charset: 'us-ascii' } };
  if (raw === undefined) return { contentType: fallback(), invalid: false };
  const { value, params } = parse(raw);
  const slash = value.indexOf('/');
  const type = (slash < 0 ? value : value.slice(0, slash)).trim().toLowerCase();
  const subtype = (slash < 0 ? '' : value.slice(slash + 1)).trim().toLowerCase();
  if (!TOKEN.test(type) || !TOKEN.test(subtype)) {
    const contentType = fallback();
    // Keep what can be kept: a charset still helps decode the text.
    if (!digestChild && params.charset) contentType.params.charset = params.charset;
    return { contentType, invalid: true };
  }
  return { contentType: { type, subtype, params }, invalid: false };
}

/** RFC 2183 Content-Disposition; null when absent or empty. */
export function parseDisposition(raw: Buffer | undefined): { type: string; params: Record<string, string> } | null {
  if (raw === undefined) return null;
  const { value, params } = parse(raw);
  const type = value.toLowerCase();
  if (type === '' && Object.keys(params).length === 0) return null;
  return { type: type === '' ? 'attachment' : type, params };
}

/**
 * Content-Transfer-Encoding (RFC 2045 §6.1), lower case, first token only
 * (comments and trailing junk dropped); "7bit" when absent or empty.
 */
export function parseEncoding(raw: Buffer | undefined): string {
  if (raw === undefined) return '7bit';
  const token = unfoldLatin1(raw).replace(/\([^)]*\)/g, ' ').trim().split(/[\s;]+/)[0] ?? '';
  return token === '' ? '7bit' : token.toLowerCase();
}
