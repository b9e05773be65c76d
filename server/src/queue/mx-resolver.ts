// Where mail for a domain goes (RFC 5321 §5.1): MX hosts by preference, equal
// preferences shuffled to spread load; no MX → the domain's own A/AAAA as an
// implicit MX; a null MX (RFC 7505) → the domain accepts no mail.
import { Resolver } from 'node:dns/promises';
import { domainToASCII } from 'node:url';
import type { SmtpAnswer } from '../store/queue-port.ts';
import type { QueueConfig } from './queue-config.ts';

export interface MxHost { host: string; preference: number; ips: string[] }

export type Route =
  | { ok: true; hosts: MxHost[] }
  | { ok: false; permanent: boolean; answer: SmtpAnswer };

/** No such name / no data: answers, not failures to get one. */
const NXDOMAIN = new Set(['ENOTFOUND']);
const NODATA = new Set(['ENODATA']);

/** A-label form of a domain (RFC 5890), lower case; null if it is not a valid name. */
export function asciiDomain(domain: string): string | null {
  const ascii = domainToASCII(domain.replace(/\.$/, ''));
  return ascii === '' ? null : ascii.toLowerCase();
}

function shuffle<T>(items: T[]): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [items[i], items[j]] = [items[j], items[i]];
  }
  return items;
}

function temp(text: string): Route {
  return { ok: false, permanent: false, answer: { code: 451, enhanced: '4.4.3', text } };
}

export class MxResolver {
  readonly #resolver: Resolver;

  constructor(dns: QueueConfig['dns']) {
    this.#resolver = new Resolver({ timeout: dns.timeoutMs, tries: dns.tries });
    if (dns.servers.length) this.#resolver.setServers(dns.servers);
  }

  async addressesOf(host: string): Promise<string[]> {
    const settle = async (lookup: Promise<string[]>): Promise<string[]> => {
      try {
        return await lookup;
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code ?? '';
        if (NXDOMAIN.has(code) || NODATA.has(code)) return [];
        throw err;
      }
    };
    // IPv4 first: far more receiving MTAs are reachable over it than over IPv6.
    const [v4, v6] = await Promise.all([settle(this.#resolver.resolve4(host)), settle(this.#resolver.resolve6(host))]);
    return [...v4, ...v6];
  }

  async route(domain: string): Promise<Route> {
    const ascii = asciiDomain(domain);
    if (!ascii) return { ok: false, permanent: true, answer: { code: 550, enhanced: '5.1.2', text: `invalid domain ${domain}` } };
    let mx: { exchange: string; priority: number }[];
    try {
      mx = await this.#resolver.resolveMx(ascii);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code ?? '';
      if (NXDOMAIN.has(code)) return { ok: false, permanent: true, answer: { code: 550, enhanced: '5.1.2', text: `domain ${ascii} does not exist` } };
      if (!NODATA.has(code)) return temp(`MX lookup for ${ascii} failed: ${code || String(err)}`);
      mx = [];
    }
    // RFC 7505 §3: a single MX with the root as exchange means "no mail here".
    if (mx.length === 1 && (mx[0].exchange === '' || mx[0].exchange === '.')) {
      return { ok: false, permanent: true, answer: { code: 556, enhanced: '5.1.10', text: `domain ${ascii} does not accept mail (null MX)` } };
    }
    try {
      if (mx.length === 0) {
        // RFC 5321 §5.1: the domain itself is the implicit MX, preference 0.
        const ips = await this.addressesOf(ascii);
        if (ips.length === 0) return { ok: false, permanent: true, answer: { code: 550, enhanced: '5.1.2', text: `domain ${ascii} has no MX and no address` } };
        return { ok: true, hosts: [{ host: ascii, preference: 0, ips }] };
      }
      const byPref = new Map<number, string[]>();
      for (const r of mx) {
        if (r.exchange === '' || r.exchange === '.') continue;
        byPref.set(r.priority, [...(byPref.get(r.priority) ?? []), r.exchange.toLowerCase()]);
      }
      const hosts: MxHost[] = [];
      for (const pref of [...byPref.keys()].sort((a, b) => a - b)) {
        for (const host of shuffle(byPref.get(pref)!)) hosts.push({ host, preference: pref, ips: await this.addressesOf(host) });
      }
      const reachable = hosts.filter((h) => h.ips.length > 0);
      // Hosts that do not resolve now may later: temporary (RFC 5321 §5.1 leaves this to the sender).
      if (reachable.length === 0) return temp(`no MX host of ${ascii} has an address`);
      return { ok: true, hosts: reachable };
    } catch (err) {
      return temp(`address lookup for ${ascii} failed: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
    }
  }

  cancel(): void {
    this.#resolver.cancel();
  }
}
