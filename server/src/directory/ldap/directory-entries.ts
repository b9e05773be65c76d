// Directory entries as the sync sees them: users and groups read with a
// connection's attribute mapping, whatever the kind of directory. Addresses
// are only trimmed here; the planner normalises and checks them.
import type { Entry } from 'ldapts';
import type { DirectoryMapping } from '../../../../shared/src/schemas/directory-sync.ts';
import { guidToString } from './ldap-filter.ts';
import { asStrings, attribute } from './ldap-session.ts';

export interface DirectoryUser {
  /** objectGUID (as text), entryUUID … */
  externalId: string;
  dn: string;
  logins: string[];
  /** The primary address: the mail attribute, else the SMTP: proxy address; null when the entry has none. */
  mail: string | null;
  /** Other addresses (smtp: proxy addresses, further mail values, mailAlternateAddress), without the primary. */
  aliases: string[];
  displayName: string;
  disabled: boolean;
  /** uSNChanged or modifyTimestamp, for the incremental high-water mark. */
  change: string | null;
}

export interface DirectoryGroup {
  externalId: string;
  dn: string;
  name: string;
  mail: string | null;
  /** Member DNs (or login names for posixGroup memberUid). */
  members: string[];
  /** AD distribution groups (groupType without the security bit) are mailing lists only. */
  security: boolean;
  change: string | null;
}

export function externalIdOf(entry: Entry, mapping: DirectoryMapping): string | null {
  const value = attribute(entry, mapping.idAttribute);
  if (value === undefined) return null;
  const first = Array.isArray(value) ? value[0] : value;
  if (first === undefined) return null;
  if (typeof first !== 'string') return mapping.idBinary ? guidToString(first) : first.toString('utf8');
  return first;
}

function first(entry: Entry, name: string): string | null {
  const v = asStrings(attribute(entry, name)).map((s) => s.trim()).find((s) => s.length > 0);
  return v ?? null;
}

const sameAddress = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

/**
 * proxyAddresses (Exchange): "SMTP:" marks the primary address, "smtp:" the
 * others; other prefixes (X500:, SIP:, X400:) are not mail addresses. A value
 * without a prefix (mailAlternateAddress) is an address as is.
 */
export function parseAddressValues(values: readonly string[]): { primary: string | null; others: string[] } {
  let primary: string | null = null;
  const others: string[] = [];
  for (const raw of values) {
    const value = raw.trim();
    const m = /^([A-Za-z0-9]+):(.*)$/.exec(value);
    if (m && !m[2].startsWith('//')) {
      if (m[1].toLowerCase() !== 'smtp') continue;
      const address = m[2].trim();
      if (!address) continue;
      if (m[1] === 'SMTP' && primary === null) primary = address;
      else others.push(address);
    } else if (value.includes('@')) {
      others.push(value);
    }
  }
  return { primary, others };
}

export function userFromEntry(entry: Entry, mapping: DirectoryMapping, disabled: boolean): DirectoryUser | null {
  const externalId = externalIdOf(entry, mapping);
  if (externalId === null) return null;
  const mails = asStrings(attribute(entry, mapping.mailAttribute)).map((s) => s.trim()).filter((s) => s.length > 0);
  const proxies = parseAddressValues(mapping.aliasAttributes.flatMap((a) => asStrings(attribute(entry, a))));
  const mail = mails[0] ?? proxies.primary;
  const aliases: string[] = [];
  for (const candidate of [...mails.slice(1), ...(proxies.primary ? [proxies.primary] : []), ...proxies.others]) {
    if (mail !== null && sameAddress(candidate, mail)) continue;
    if (aliases.some((a) => sameAddress(a, candidate))) continue;
    aliases.push(candidate);
  }
  const logins = mapping.loginAttributes.flatMap((a) => asStrings(attribute(entry, a))).filter((s) => s.length > 0);
  return {
    externalId,
    dn: entry.dn,
    logins,
    mail,
    aliases,
    displayName: first(entry, mapping.displayNameAttribute) ?? first(entry, 'cn') ?? logins[0] ?? '',
    disabled,
    change: mapping.changeAttribute ? first(entry, mapping.changeAttribute) : null,
  };
}

/** AD groupType bit 0x80000000: a security group (MS-ADTS §2.2.12). */
const GROUP_TYPE_SECURITY = 0x80000000;

export function groupFromEntry(entry: Entry, mapping: DirectoryMapping, members: string[]): DirectoryGroup | null {
  const externalId = externalIdOf(entry, mapping);
  if (externalId === null) return null;
  const groupType = first(entry, 'groupType');
  return {
    externalId,
    dn: entry.dn,
    name: first(entry, mapping.groupNameAttribute) ?? entry.dn,
    mail: first(entry, mapping.groupMailAttribute),
    members,
    security: groupType === null ? true : (Number(groupType) & GROUP_TYPE_SECURITY) !== 0,
    change: mapping.changeAttribute ? first(entry, mapping.changeAttribute) : null,
  };
}

/** DNs compare case-insensitively and without spaces after separators (RFC 4514 is stricter, directories are not). */
export function dnKey(dn: string): string {
  return dn.toLowerCase().replace(/\s*([,=+])\s*/g, '$1').trim();
}

/** The greater high-water mark: USNs compare as numbers, GeneralizedTime values as text (same format). */
export function laterChange(a: string | null, b: string | null, kind: DirectoryMapping['changeKind']): string | null {
  if (a === null) return b;
  if (b === null) return a;
  if (kind === 'usn') return BigInt(a) >= BigInt(b) ? a : b;
  return a >= b ? a : b;
}
