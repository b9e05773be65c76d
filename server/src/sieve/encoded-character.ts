// RFC 5228 §2.4.2.4 encoded-character: "${hex:…}" stands for octets and
// "${unicode:…}" for code points, in any string once the script requires
// "encoded-character". Text that does not match the syntax is left as it is;
// a code point outside Unicode, a surrogate, or octets that are not UTF-8
// are errors.
import { SieveSyntaxError, type SievePosition } from './errors.ts';

const utf8 = new TextDecoder('utf-8', { fatal: true });
// blank = WSP / CRLF; the sequence is 1*2HEXDIG (hex) or 1*HEXDIG (unicode) items separated by blanks.
const SEQUENCE = /\$\{(hex|unicode):([\s]*[0-9a-fA-F]+(?:[\s]+[0-9a-fA-F]+)*[\s]*)\}/gi;

export function decodeEncodedCharacters(value: string, at: SievePosition): string {
  if (!value.includes('${')) return value;
  return value.replace(SEQUENCE, (whole: string, kind: string, body: string) => {
    const items = body.trim().split(/\s+/);
    if (kind.toLowerCase() === 'hex') {
      if (items.some((h) => h.length > 2)) return whole;
      try {
        return utf8.decode(Uint8Array.from(items.map((h) => parseInt(h, 16))));
      } catch {
        throw new SieveSyntaxError(`"${whole}" does not encode UTF-8 text`, at);
      }
    }
    let out = '';
    for (const h of items) {
      const cp = h.replace(/^0+(?=.)/, '').length > 6 ? Infinity : parseInt(h, 16);
      if (!(cp <= 0x10ffff) || (cp >= 0xd800 && cp <= 0xdfff)) {
        throw new SieveSyntaxError(`"${whole}": ${h} is not a Unicode scalar value (RFC 5228 §2.4.2.4)`, at);
      }
      out += String.fromCodePoint(cp);
    }
    return out;
  });
}
