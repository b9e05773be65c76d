// A card as a client asks for it (RFC 6352 §10.4 address-data, §5.1.1
// Accept): converted between vCard 3.0 and 4.0 and cut down to the asked
// properties. A pure conversion of text the caller already read with its
// rights, so it takes no caller: the front end and the contacts service
// call it alike.
import type { CardShape } from './api.ts';
import { convert, projectCard, readLines, type VCard, type VCardLimits } from './vcard.ts';

/** Content lines one card may have (docs/security.md). */
export const VCARD_MAX_LINES = 10_000;

export function cardLimits(maxBytes: number): VCardLimits {
  return { maxBytes, maxLines: VCARD_MAX_LINES };
}

export function shapeCard(text: string, s: CardShape, limits: VCardLimits): string {
  let out = text;
  if (s.version) {
    const lines = readLines(text, limits);
    const version = lines.find((l) => l.name === 'VERSION')?.value.trim();
    if (version !== s.version && (version === '3.0' || version === '4.0')) {
      const uid = lines.find((l) => l.name === 'UID')?.value ?? '';
      out = convert({ version, uid, lines } satisfies VCard, s.version);
    }
  }
  if (s.props) out = projectCard(out, s.props, limits);
  return out;
}
