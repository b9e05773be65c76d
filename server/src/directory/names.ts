// Domain names and addresses as the directory stores them: domains in ASCII
// (A-label) lower case with the Unicode form kept for display, addresses as
// `local@domain` with the local part case-folded. Everything that names a
// directory object goes through here, so lookups never depend on how a user
// typed a name.
import { isIP } from 'node:net';
import { domainToASCII, domainToUnicode } from 'node:url';
import { StoaError } from '../errors/catalogue.ts';

export interface DomainName {
  /** A-label form, lower case, no trailing dot: what the store keys on. */
  ascii: string;
  /** U-label form for display (RFC 5890 §2.3.2.1). */
  unicode: string;
}

export interface ParsedAddress {
  /** Case-folded, NFC-normalised local part; "*" for a catch-all. */
  local: string;
  domain: string;
  /** `local@domain` with the ASCII domain. */
  address: string;
  catchAll: boolean;
}

// IDNA2008 (RFC 3490 §3.1, kept by UTS #46) treats these as label separators
// too, so "münchen。de" means "münchen.de".
const DOT_LIKE = /[.\u3002\uff0e\uff61]/;
const LDH_LABEL = /^[a-z0-9-]+$/;
const ASCII_NOT_ALLOWED = /[\x00-\x2c\x2f\x3a-\x40\x5b-\x60\x7b-\x7f]/;

function invalidDomain(detail: string): never {
  throw new StoaError('STOA_INVALID_DOMAIN', detail);
}

function describeChar(ch: string): string {
  const code = ch.codePointAt(0) ?? 0;
  return code < 0x21 || code === 0x7f ? `U+${code.toString(16).toUpperCase().padStart(4, '0')}` : `"${ch}"`;
}

/**
 * Validates a domain name typed as ASCII or Unicode and returns both forms.
 * RFC 1035 §2.3.4 limits labels to 63 octets and names to 253 characters (255
 * on the wire); RFC 5891 §4.2.3.1 forbids leading/trailing hyphens; RFC 3696
 * §2 forbids an all-numeric top-level label, which is also what keeps IPv4
 * literals out. Mail to address literals (RFC 5321 §4.1.3) is not a directory
 * matter, so "[…]" is rejected too.
 */
export function parseDomain(input: string): DomainName {
  let name = input.trim();
  if (name === '') invalidDomain('the domain name is empty');
  if (name.startsWith('[') || isIP(name) !== 0) invalidDomain(`"${name}" is an IP address literal, not a domain name`);
  // One trailing dot is the DNS root (an absolute name); it means the same domain.
  if (name.length > 1 && DOT_LIKE.test(name.slice(-1))) name = name.slice(0, -1);
  const bad = ASCII_NOT_ALLOWED.exec(name);
  if (bad) invalidDomain(`the character ${describeChar(bad[0])} is not allowed in a domain name`);
  if (/[\p{C}\p{Z}]/u.test(name)) invalidDomain('the domain name contains spaces or control characters');

  const rawLabels = name.split(DOT_LIKE);
  if (rawLabels.some((l) => l === '')) invalidDomain(`"${name}" has an empty label (two dots in a row, or a leading dot)`);
  if (rawLabels.length < 2) invalidDomain(`"${name}" is a single label; mail domains need at least two (e.g. example.com)`);
  const rawTld = rawLabels[rawLabels.length - 1];
  if (/^(?:[0-9]+|0x[0-9a-f]*)$/i.test(rawTld)) invalidDomain(`the top-level label "${rawTld}" is numeric (RFC 3696 §2)`);

  const ascii = domainToASCII(name);
  if (ascii === '') invalidDomain(`"${name}" is not a valid internationalised domain name (IDNA)`);
  if (isIP(ascii) !== 0) invalidDomain(`"${name}" is an IP address literal, not a domain name`);
  if (ascii.length > 253) invalidDomain(`the domain name is ${ascii.length} characters long; the limit is 253 (RFC 1035 §2.3.4)`);

  for (const label of ascii.split('.')) {
    if (label === '') invalidDomain(`"${name}" has an empty label`);
    if (label.length > 63) invalidDomain(`the label "${label.slice(0, 20)}…" is ${label.length} characters long; the limit is 63 (RFC 1035 §2.3.4)`);
    if (!LDH_LABEL.test(label)) {
      const ch = [...label].find((c) => !/[a-z0-9-]/.test(c)) ?? '?';
      invalidDomain(`the character ${describeChar(ch)} is not allowed in a domain name`);
    }
    if (label.startsWith('-') || label.endsWith('-')) invalidDomain(`the label "${label}" starts or ends with a hyphen (RFC 5891 §4.2.3.1)`);
    if (label.slice(2, 4) === '--') {
      // RFC 5891 §4.2.3.1: "??--" is reserved; only valid Punycode A-labels may use it.
      if (!label.startsWith('xn--')) invalidDomain(`the label "${label}" has "--" in the third and fourth positions, which is reserved for IDN (RFC 5891 §4.2.3.1)`);
      const unicode = domainToUnicode(label);
      if (unicode === '' || unicode === label) invalidDomain(`the label "${label}" is not valid Punycode (RFC 3492)`);
    }
  }
  return { ascii, unicode: domainToUnicode(ascii) };
}

// RFC 5322 §3.2.3 atext, plus "." between atoms (dot-atom), plus any
// non-ASCII character that is not a control or a space (RFC 6531 §3.3 UTF8-non-ascii).
const LOCAL_ATEXT = /^[A-Za-z0-9!#$%&'*+\-/=?^_`{|}~.]$/;

function invalidAddress(detail: string): never {
  throw new StoaError('STOA_INVALID_ADDRESS', detail);
}

/**
 * Parses and normalises `local@domain`. Only the dot-atom form of the local
 * part is accepted: quoted strings, comments and address literals are legal
 * in RFC 5321 but no directory object needs them, and they make addresses that
 * mean the same look different. The local part is case-folded: RFC 5321 §2.4
 * lets the receiving host decide, and every mainstream server treats mailbox
 * names case-insensitively.
 */
export function parseAddress(input: string, opts: { allowCatchAll?: boolean } = {}): ParsedAddress {
  const text = input.trim();
  if (text === '') invalidAddress('the address is empty');
  if (text.startsWith('<') || text.endsWith('>')) invalidAddress('give the bare address, without angle brackets');
  if (text.startsWith('"')) invalidAddress('quoted local parts ("…"@domain) are not supported');
  const at = text.lastIndexOf('@');
  if (at < 0) invalidAddress(`"${text}" has no "@"`);
  const rawLocal = text.slice(0, at);
  const rawDomain = text.slice(at + 1);
  if (rawLocal.includes('@')) invalidAddress(`"${text}" has more than one "@"`);
  if (rawLocal === '') invalidAddress('the part before "@" is empty');
  if (rawDomain === '') invalidAddress('the domain after "@" is empty');
  if (rawDomain.startsWith('[')) invalidAddress('address literals (user@[192.0.2.1]) are not supported');

  let domain: DomainName;
  try {
    domain = parseDomain(rawDomain);
  } catch (err) {
    invalidAddress(`domain: ${(err as StoaError).detail ?? 'not valid'}`);
  }

  if (rawLocal === '*') {
    if (!opts.allowCatchAll) invalidAddress('"*@domain" is only allowed for a catch-all alias');
    return { local: '*', domain: domain.ascii, address: `*@${domain.ascii}`, catchAll: true };
  }

  // RFC 6532 §3.1: compare UTF-8 strings in NFC.
  const local = rawLocal.normalize('NFC').toLowerCase();
  for (const ch of local) {
    if (ch.codePointAt(0)! < 0x80) {
      if (!LOCAL_ATEXT.test(ch)) {
        if (ch === '"' || ch === '\\') invalidAddress('quoted or escaped local parts are not supported');
        if (ch === '(' || ch === ')') invalidAddress('comments in addresses are not supported');
        invalidAddress(`the character ${describeChar(ch)} is not allowed in the local part`);
      }
    } else if (/[\p{C}\p{Z}]/u.test(ch)) {
      invalidAddress('the local part contains a space or control character');
    }
  }
  if (local.startsWith('.') || local.endsWith('.')) invalidAddress('the local part starts or ends with a dot');
  if (local.includes('..')) invalidAddress('the local part has two dots in a row');
  // RFC 5321 §4.5.3.1.1: 64 octets, counted in UTF-8 (RFC 6531 §3.3).
  const localOctets = Buffer.byteLength(local, 'utf8');
  if (localOctets > 64) invalidAddress(`the local part is ${localOctets} octets long; the limit is 64 (RFC 5321 §4.5.3.1.1)`);
  const address = `${local}@${domain.ascii}`;
  // RFC 5321 §4.5.3.1.3: a path is at most 256 octets including "<" and ">".
  if (Buffer.byteLength(address, 'utf8') > 254) invalidAddress('the address is longer than 254 octets (RFC 5321 §4.5.3.1.3)');
  return { local, domain: domain.ascii, address, catchAll: false };
}

/** Normalised `local@domain`, or STOA_INVALID_ADDRESS. */
export function normaliseAddress(input: string): string {
  return parseAddress(input).address;
}

const OPERATOR_LOGIN = /^[a-z0-9](?:[a-z0-9._-]{0,62}[a-z0-9])?$/;

/**
 * Server operators (domainId null) log in with a bare name such as "admin".
 * The name never contains "@", so it cannot collide with a mailbox address.
 */
export function parseOperatorLogin(input: string): string {
  const login = input.trim().toLowerCase();
  if (!OPERATOR_LOGIN.test(login)) {
    throw new StoaError('STOA_VALIDATION', `"${input}" is not a valid operator login: use 1–64 letters, digits, ".", "_" or "-", starting and ending with a letter or digit`);
  }
  return login;
}

/** A login as typed at a protocol: an address, or a bare operator name. */
export function normaliseLogin(input: string): string {
  return input.includes('@') ? normaliseAddress(input) : parseOperatorLogin(input);
}
