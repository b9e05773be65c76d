// Addresses as Sieve tests see them (RFC 5228 §2.7.4): header address lists
// parsed by the mail module's RFC 5322 parser, envelope paths as given, and
// their local-part and domain. Group markers are skipped; a header that does
// not parse yields what the lenient parser makes of it.
import { parseAddressList } from '../mail/mime/address-list.ts';
import type { AddressPart } from './ir.ts';

export interface SplitAddress {
  /** The whole address ("local@domain"), or the raw text when it has no "@". */
  all: string;
  localpart: string;
  domain: string;
}

export function splitAddress(address: string): SplitAddress {
  const at = address.lastIndexOf('@');
  if (at < 0) return { all: address, localpart: address, domain: '' };
  return { all: address, localpart: address.slice(0, at), domain: address.slice(at + 1) };
}

/** Mailboxes of an unfolded address header value; "<>" and group markers give nothing. */
export function headerAddresses(value: string): SplitAddress[] {
  const out: SplitAddress[] = [];
  for (const a of parseAddressList(value)) {
    if (a.mailbox === null || a.host === null) continue;
    const local = a.mailbox;
    const host = a.host === 'MISSING_DOMAIN' ? '' : a.host;
    if (local === 'MISSING_MAILBOX' && host === '') continue;
    out.push({ all: host === '' ? local : `${local}@${host}`, localpart: local, domain: host });
  }
  return out;
}

export function addressPartOf(a: SplitAddress, part: AddressPart): string {
  return part === 'all' ? a.all : part === 'localpart' ? a.localpart : a.domain;
}

/** RFC 5321 §4.1.2 Mailbox, loosely: one "@", a non-empty local part, a dotted domain of sane characters. */
export function isValidRedirectAddress(address: string): boolean {
  if (address.length > 320 || /[\s<>(),;:\\"[\]\x00-\x1f\x7f]/.test(address.replace(/^"[^"]*"@/, 'q@'))) return false;
  const at = address.lastIndexOf('@');
  if (at <= 0 || at === address.length - 1) return false;
  const domain = address.slice(at + 1);
  return /^[^.@]+(\.[^.@]+)+$/.test(domain) || /^\[[0-9a-fA-F:.]+\]$/.test(domain);
}
