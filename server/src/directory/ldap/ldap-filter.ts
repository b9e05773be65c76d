// Building LDAP filters from untrusted text. RFC 4515 §3: in an assertion
// value the octets '*' (0x2A), '(' (0x28), ')' (0x29), '\' (0x5C) and NUL
// (0x00) MUST be escaped as a backslash and two hex digits; we also escape
// every other control character, so a user name can never change a filter's
// structure ("*)(uid=*" stays one literal value).

const MUST_ESCAPE = /[\\*()\x00-\x1f\x7f]/g;

export function escapeFilterValue(value: string): string {
  return value.replace(MUST_ESCAPE, (ch) => `\\${ch.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

/** Every octet escaped: for binary assertion values such as objectGUID. */
export function escapeBinaryValue(bytes: Uint8Array): string {
  let out = '';
  for (const b of bytes) out += `\\${b.toString(16).padStart(2, '0')}`;
  return out;
}

/** `(attr=value)` with the value escaped; the attribute comes from admin configuration, never from a user. */
export function equalityFilter(attribute: string, value: string): string {
  return `(${attribute}=${escapeFilterValue(value)})`;
}

/** `(&a b …)`, dropping empty parts; a single part stands alone. */
export function andFilter(...parts: (string | null | undefined)[]): string {
  const present = parts.filter((p): p is string => typeof p === 'string' && p.length > 0);
  return present.length === 1 ? present[0] : `(&${present.join('')})`;
}

export function orFilter(parts: readonly string[]): string {
  return parts.length === 1 ? parts[0] : `(|${parts.join('')})`;
}

/** Longest login name worth asking a directory about (a UPN is at most 1024 in AD, but no one types that). */
export const MAX_LOGIN_LENGTH = 256;

/**
 * What a user typed, if it may be looked up in a directory at all: not empty,
 * not too long, and free of control characters (NUL in particular, which some
 * servers treat as the end of the string). Null means: do not query.
 */
export function loginForLookup(username: string): string | null {
  const trimmed = username.trim();
  if (trimmed.length === 0 || trimmed.length > MAX_LOGIN_LENGTH) return null;
  if (/[\x00-\x1f\x7f]/.test(trimmed)) return null;
  return trimmed;
}

/**
 * AD objectGUID bytes to the usual text form. The first three fields are
 * little-endian (MS-DTYP §2.3.4.2), so "246c18bc-…" on the wire is shown as
 * "bc186c24-…" as Windows tools show it.
 */
export function guidToString(bytes: Uint8Array): string {
  if (bytes.length !== 16) return Buffer.from(bytes).toString('hex');
  const hex = (from: number, to: number, reverse: boolean) => {
    const part = [...bytes.subarray(from, to)];
    return (reverse ? part.reverse() : part).map((b) => b.toString(16).padStart(2, '0')).join('');
  };
  return `${hex(0, 4, true)}-${hex(4, 6, true)}-${hex(6, 8, true)}-${hex(8, 10, false)}-${hex(10, 16, false)}`;
}

/** The inverse of guidToString; null when the text is not a GUID. */
export function guidToBytes(text: string): Buffer | null {
  const m = /^([0-9a-f]{8})-([0-9a-f]{4})-([0-9a-f]{4})-([0-9a-f]{4})-([0-9a-f]{12})$/i.exec(text);
  if (!m) return null;
  const le = (h: string) => Buffer.from(h, 'hex').reverse();
  return Buffer.concat([le(m[1]), le(m[2]), le(m[3]), Buffer.from(m[4], 'hex'), Buffer.from(m[5], 'hex')]);
}
