// The MIME header fields of one entity (RFC 2045 §3, RFC 2183, RFC 3282,
// RFC 2557 §4) turned into the fields BODYSTRUCTURE needs (RFC 9051 §7.5.2).
import type { MimePart } from './types.ts';
import { type HeaderField, firstField, unfoldValue } from './header-fields.ts';
import { parseContentType, parseDisposition, parseEncoding } from './header-params.ts';

export type PartDescription = Pick<
  MimePart,
  'contentType' | 'encoding' | 'id' | 'description' | 'disposition' | 'language' | 'location' | 'md5'
>;

function raw(fields: readonly HeaderField[], name: string): string | null {
  const f = firstField(fields, name);
  if (f === undefined) return null;
  const value = unfoldValue(f.value);
  return value === '' ? null : value;
}

/**
 * Describe an entity from its header fields. `digestChild`: the entity is a
 * body part of multipart/digest, whose default type is message/rfc822
 * (RFC 2046 §5.1.5).
 */
export function describePart(fields: readonly HeaderField[], digestChild: boolean, warn: (w: string) => void): PartDescription {
  const ct = firstField(fields, 'content-type');
  const { contentType, invalid } = parseContentType(ct?.value, digestChild);
  if (invalid) warn('invalid Content-Type, default type used (RFC 2045 §5.2)');
  const language = raw(fields, 'content-language');
  return {
    contentType,
    encoding: parseEncoding(firstField(fields, 'content-transfer-encoding')?.value),
    id: raw(fields, 'content-id'),
    description: raw(fields, 'content-description'),
    disposition: parseDisposition(firstField(fields, 'content-disposition')?.value),
    // RFC 3282 §2: Content-Language is a comma-separated list of language tags.
    language: language === null ? null : language.split(',').map((t) => t.trim()).filter((t) => t !== ''),
    location: raw(fields, 'content-location'),
    md5: raw(fields, 'content-md5'),
  };
}

/** File name of a part: Content-Disposition filename, else Content-Type name (RFC 2183 §2.3, RFC 2046 §4.5.1). */
export function partFileName(part: Pick<MimePart, 'contentType' | 'disposition'>): string | null {
  const name = part.disposition?.params.filename ?? part.contentType.params.name;
  return name === undefined || name === '' ? null : name;
}
