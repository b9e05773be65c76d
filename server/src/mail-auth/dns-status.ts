// What a domain must publish in DNS for mail to flow and authenticate, and
// what DNS answers today: MX (RFC 5321 §5.1), SPF (RFC 7208), DKIM
// (RFC 6376 §3.6.2), DMARC (RFC 7489 §6.1), and the records clients use to
// configure themselves: SRV for IMAP and submission (RFC 6186, RFC 8314
// §5.1), autoconfig and Autodiscover. Lookups go through the shared cached
// resolver, so its timeouts bound the whole check.
import type { Actor, Directory } from '../directory/api.ts';
import type { Domain } from '../../../shared/src/schemas/directory.ts';
import type { DnsCheck, DnsStatus } from '../../../shared/src/schemas/system.ts';
import type { ListenersConfig } from '../config/types.ts';
import type { DkimKeys } from './dkim-keys.ts';
import type { DnsLookups } from './dns-resolver.ts';

const NEGATIVE = new Set(['ENOTFOUND', 'ENODATA', 'NXDOMAIN']);

type Lookup = { ok: true; values: string[] } | { ok: false; missing: boolean; error: string };

async function lookup(fn: () => Promise<string[]>): Promise<Lookup> {
  try {
    return { ok: true, values: await fn() };
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? '';
    return { ok: false, missing: NEGATIVE.has(code), error: code || (err as Error).message };
  }
}

const stripDot = (s: string): string => s.replace(/\.$/, '').toLowerCase();

export interface DnsStatusService {
  check(actor: Actor, domainRef: string): Promise<DnsStatus>;
}

export interface DnsStatusDeps {
  /** Our host name: where MX, autoconfig and SRV records should point. */
  hostname: string;
  /** The implicit-TLS ports the SRV records name (RFC 6186, RFC 8314 §5.1). */
  listeners: Pick<ListenersConfig, 'imaps' | 'smtps'>;
  resolver: DnsLookups;
  dkim: DkimKeys;
  domains: Directory['domains'];
  now?: () => Date;
}

export function createDnsStatus(deps: DnsStatusDeps): DnsStatusService {
  const { resolver } = deps;
  const host = deps.hostname.toLowerCase();
  const txt = (name: string) => lookup(async () => (await resolver.resolveTxt(name)).map((parts) => parts.join('')));

  function judge(base: Omit<DnsCheck, 'found' | 'status' | 'detail'>, got: Lookup, matches: (values: string[]) => boolean, what: string): DnsCheck {
    if (!got.ok) {
      return { ...base, found: [], status: got.missing ? 'missing' : 'unreachable', detail: got.missing ? `No ${base.type} record at ${base.name}` : `DNS did not answer (${got.error})` };
    }
    if (got.values.length === 0) return { ...base, found: [], status: 'missing', detail: `No ${base.type} record at ${base.name}` };
    return matches(got.values)
      ? { ...base, found: got.values, status: 'ok', detail: `${what} is published` }
      : { ...base, found: got.values, status: 'different', detail: `${what} is published but does not match the expected value` };
  }

  async function checkDomain(domain: Domain): Promise<DnsCheck[]> {
    const d = domain.name;
    const records = (await deps.dkim.records(domain)).filter((r) => r.active);
    const srv = (name: string) => lookup(async () => ((await resolver.resolve(name, 'SRV')) as Array<{ name: string; port: number; priority: number; weight: number }>)
      .map((r) => `${r.priority} ${r.weight} ${r.port} ${r.name}`));
    const [mx, spf, dmarc, autoconfig, autodiscover, imaps, submissions, ...dkim] = await Promise.all([
      lookup(async () => ((await resolver.resolve(d, 'MX')) as Array<{ exchange: string; priority: number }>).map((r) => `${r.priority} ${r.exchange}`)),
      txt(d),
      txt(`_dmarc.${d}`),
      lookup(async () => (await resolver.resolve(`autoconfig.${d}`, 'CNAME')) as string[]),
      srv(`_autodiscover._tcp.${d}`),
      srv(`_imaps._tcp.${d}`),
      srv(`_submissions._tcp.${d}`),
      ...records.map((r) => txt(r.name)),
    ]);
    const l = deps.listeners;
    const spfOf = (values: string[]) => values.filter((v) => /^v=spf1(\s|$)/i.test(v));
    const checks: DnsCheck[] = [
      judge({ kind: 'mx', name: d, type: 'MX', expected: `10 ${host}.`, required: true }, mx,
        (v) => v.some((x) => stripDot(x.split(' ')[1] ?? '') === host), 'An MX record pointing here'),
      judge({ kind: 'spf', name: d, type: 'TXT', expected: 'v=spf1 mx -all', required: true },
        spf.ok ? { ok: true, values: spfOf(spf.values) } : spf,
        (v) => v.length === 1 && /\s(mx|a:|include:|ip[46]:)/i.test(v[0]), 'An SPF record'),
      ...records.map((r, i) => judge({ kind: 'dkim', name: r.name, type: 'TXT', expected: r.value, required: true }, dkim[i],
        (v) => v.some((x) => x.replace(/\s+/g, '').includes(`p=${r.publicKey}`)), `The DKIM key ${r.selector}`)),
      judge({ kind: 'dmarc', name: `_dmarc.${d}`, type: 'TXT', expected: `v=DMARC1; p=quarantine; rua=mailto:postmaster@${d}`, required: true },
        dmarc, (v) => v.some((x) => /^v=DMARC1;/i.test(x)), 'A DMARC policy'),
      judge({ kind: 'autoconfig', name: `autoconfig.${d}`, type: 'CNAME', expected: `${host}.`, required: false }, autoconfig,
        (v) => v.some((x) => stripDot(x) === host), 'The Thunderbird autoconfig name'),
      judge({ kind: 'autodiscover', name: `_autodiscover._tcp.${d}`, type: 'SRV', expected: `0 0 443 ${host}.`, required: false }, autodiscover,
        (v) => v.some((x) => stripDot(x.split(' ')[3] ?? '') === host), 'The Outlook Autodiscover SRV record'),
      judge({ kind: 'srv-imaps', name: `_imaps._tcp.${d}`, type: 'SRV', expected: `0 1 ${l.imaps.port} ${host}.`, required: false }, imaps,
        (v) => v.some((x) => stripDot(x.split(' ')[3] ?? '') === host), 'The IMAP SRV record (RFC 6186)'),
      judge({ kind: 'srv-submissions', name: `_submissions._tcp.${d}`, type: 'SRV', expected: `0 1 ${l.smtps.port} ${host}.`, required: false }, submissions,
        (v) => v.some((x) => stripDot(x.split(' ')[3] ?? '') === host), 'The submission SRV record (RFC 8314 §5.1)'),
    ];
    return checks;
  }

  return {
    async check(actor, domainRef) {
      // The directory applies the scope: another admin's domain answers STOA_NOT_FOUND.
      const domain = await deps.domains.get(actor, domainRef);
      await deps.dkim.ensureKey(domain);
      return { domain: domain.name, checkedAt: (deps.now?.() ?? new Date()).toISOString(), checks: await checkDomain(domain) };
    },
  };
}
