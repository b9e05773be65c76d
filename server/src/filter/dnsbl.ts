// DNS blocklists (RFC 5782): the client address, reversed (IPv4 octets, or
// IPv6 nibbles), under each configured zone; an A record in 127.0.0.0/8 means
// listed. A timeout or a DNS error counts as not listed: a blocklist outage
// must not stop mail.
import { isIPv4, isIPv6 } from 'node:net';
import type { FilterConfig } from '../config/types.ts';
import { accept, junk, reject, type FilterDecision } from './decision.ts';
import { normaliseIp } from './ip-lists.ts';

/** RFC 5782 §2.1 (IPv4) and §2.4 (IPv6, nibble format) query name, without the zone. */
export function reversedName(ip: string): string | null {
  const addr = normaliseIp(ip);
  if (isIPv4(addr)) return addr.split('.').reverse().join('.');
  if (!isIPv6(addr)) return null;
  const [head, tail = ''] = addr.split('::');
  const groups = (s: string): string[] => (s ? s.split(':') : []);
  const left = groups(head);
  const right = addr.includes('::') ? groups(tail) : [];
  const full = [...left, ...new Array<string>(8 - left.length - right.length).fill('0'), ...right];
  return full.map((g) => g.padStart(4, '0')).join('').split('').reverse().join('.');
}

/** The lookups a blocklist needs (node:dns Resolver, or the cached one in mail-auth/dns-resolver.ts). */
export interface DnsblResolver {
  resolve4(name: string): Promise<string[]>;
  resolveTxt(name: string): Promise<string[][]>;
}

export interface DnsblListing { zone: string; codes: string[]; text: string | null }

export interface Dnsbl {
  /** Listings of `ip` in every configured zone (queried in parallel). */
  lookup(ip: string): Promise<DnsblListing[]>;
  check(ip: string): Promise<FilterDecision>;
}

export function createDnsbl(config: FilterConfig['dnsbl'], resolver: DnsblResolver): Dnsbl {
  const withTimeout = <T>(work: Promise<T>): Promise<T | null> => {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<null>((resolve) => { timer = setTimeout(() => resolve(null), config.timeoutMs); });
    return Promise.race([work.catch(() => null), timeout]).finally(() => clearTimeout(timer));
  };

  async function lookupZone(name: string, zone: string): Promise<DnsblListing | null> {
    const answers = await withTimeout(resolver.resolve4(`${name}.${zone}`));
    // RFC 5782 §2.1: only 127.0.0.0/8 answers are listings; anything else is
    // a misconfigured or hijacked zone (e.g. a resolver that "helpfully"
    // answers NXDOMAIN with an ad server).
    const codes = (answers ?? []).filter((a) => a.startsWith('127.'));
    if (codes.length === 0) return null;
    const txt = await withTimeout(resolver.resolveTxt(`${name}.${zone}`));
    return { zone, codes, text: txt && txt.length > 0 ? txt[0].join('') : null };
  }

  const lookup = async (ip: string): Promise<DnsblListing[]> => {
    const name = reversedName(ip);
    if (!name || config.zones.length === 0) return [];
    const results = await Promise.all(config.zones.map((zone) => lookupZone(name, zone)));
    return results.filter((r): r is DnsblListing => r !== null);
  };

  return {
    lookup,
    async check(ip) {
      const listings = await lookup(ip);
      if (listings.length === 0) return accept('dnsbl');
      const first = listings[0];
      const why = `${ip} is listed in ${listings.map((l) => l.zone).join(', ')}${first.text ? `: ${first.text}` : ''}`;
      return config.action === 'junk' ? junk('dnsbl', why) : reject('dnsbl', 554, '5.7.1', `Service unavailable; client host ${why}`);
    },
  };
}
