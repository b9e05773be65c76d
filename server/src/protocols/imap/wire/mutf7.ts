// Modified UTF-7 mailbox names (RFC 3501 §5.1.3), and the UTF-8 alternative of
// RFC 6855 §3 once UTF8=ACCEPT is enabled.

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+,';
const B64_INDEX = new Map([...B64].map((c, i) => [c, i]));

/** Encodes a Unicode mailbox name; printable US-ASCII stays itself, "&" becomes "&-". */
export function encodeMutf7(name: string): string {
  let out = '';
  let pending: number[] = [];
  const flush = (): void => {
    if (pending.length === 0) return;
    let bits = 0;
    let acc = 0;
    let chunk = '&';
    for (const unit of pending) {
      acc = (acc << 16) | unit;
      bits += 16;
      while (bits >= 6) {
        bits -= 6;
        chunk += B64[(acc >> bits) & 0x3f];
      }
      acc &= (1 << bits) - 1;
    }
    if (bits > 0) chunk += B64[(acc << (6 - bits)) & 0x3f];
    out += chunk + '-';
    pending = [];
  };
  for (let i = 0; i < name.length; i++) {
    const unit = name.charCodeAt(i);
    if (unit >= 0x20 && unit <= 0x7e) {
      flush();
      out += unit === 0x26 ? '&-' : name[i];
    } else {
      pending.push(unit);
    }
  }
  flush();
  return out;
}

/** Decodes modified UTF-7 strictly; returns null for anything RFC 3501 §5.1.3 does not allow. */
export function decodeMutf7(text: string): string | null {
  let out = '';
  let i = 0;
  while (i < text.length) {
    const c = text.charCodeAt(i);
    if (c < 0x20 || c > 0x7e) return null;
    if (c !== 0x26) {
      out += text[i++];
      continue;
    }
    const end = text.indexOf('-', i + 1);
    if (end < 0) return null;
    if (end === i + 1) {
      out += '&';
      i = end + 1;
      continue;
    }
    let acc = 0;
    let bits = 0;
    const units: number[] = [];
    for (let j = i + 1; j < end; j++) {
      const v = B64_INDEX.get(text[j]);
      if (v === undefined) return null;
      acc = ((acc << 6) | v) & 0xffffff;
      bits += 6;
      if (bits >= 16) {
        bits -= 16;
        units.push((acc >> bits) & 0xffff);
      }
    }
    // Leftover bits must be fewer than 6 and zero, or the encoder was wrong.
    if (bits >= 6 || (acc & ((1 << bits) - 1)) !== 0 || units.length === 0) return null;
    for (let k = 0; k < units.length; k++) {
      const u = units[k];
      // "MUST NOT be used to represent any printing US-ASCII character which can represent itself".
      if (u >= 0x20 && u <= 0x7e) return null;
      if (u >= 0xd800 && u <= 0xdbff) {
        const low = units[k + 1];
        if (low === undefined || low < 0xdc00 || low > 0xdfff) return null;
        k++;
        out += String.fromCharCode(u, low);
        continue;
      }
      if (u >= 0xdc00 && u <= 0xdfff) return null;
      out += String.fromCharCode(u);
    }
    i = end + 1;
  }
  return out;
}

/** RFC 9051 §5.1: "INBOX" is case-insensitive; it is always reported as "INBOX". */
export function normalizeInbox(name: string): string {
  return name.length === 5 && name.toUpperCase() === 'INBOX' ? 'INBOX' : name;
}

/**
 * Mailbox name bytes from the wire to Unicode: raw UTF-8 in UTF-8 mode
 * (RFC 6855 §3), otherwise 7-bit modified UTF-7. Null when invalid.
 */
export function decodeMailboxName(bytes: Buffer, utf8: boolean, valid8bit: (b: Buffer) => boolean): string | null {
  if (bytes.includes(0) || bytes.includes(0x0d) || bytes.includes(0x0a)) return null;
  if (utf8) return valid8bit(bytes) ? normalizeInbox(bytes.toString('utf8')) : null;
  for (const b of bytes) if (b >= 0x80) return null;
  const decoded = decodeMutf7(bytes.toString('latin1'));
  return decoded === null ? null : normalizeInbox(decoded);
}

/** Unicode mailbox name to its wire form for the session mode. */
export function encodeMailboxName(name: string, utf8: boolean): string {
  return utf8 ? name : encodeMutf7(name);
}
