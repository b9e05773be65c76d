// Mail from outside that claims to come from a domain hosted here (issue 16
// item 14). Stoa knows its own users send through submission, authenticated:
// an unauthenticated MX message whose envelope sender (MAIL FROM) or author
// (From:) is in a hosted domain is a forgery unless that domain's own
// authentication vouches for it (SPF pass for it, a DKIM signature of it, a
// DMARC pass). When the domain publishes SPF or DMARC, receivers (and the
// filter's DMARC policy) already judge the message by them, and this rule
// stays out of the way. When it publishes neither, nothing else would stop
// "From: ceo@our-company.example" arriving over MX, so the rule refuses it
// (or files it in Junk with a warning), per domain (mailAuth.localSenders,
// mailAuth.localSendersDomains; docs/security.md).
import { domainToASCII } from 'node:url';
import type { MailAuthSettings } from '../config/types.ts';
import type { AddressService } from '../directory/api.ts';
import { StoaError } from '../errors/catalogue.ts';
import type { Logger } from '../log/logger.ts';
import type { InboundAuthResult } from '../mail-auth/inbound.ts';

export type LocalSenderMode = MailAuthSettings['localSenders'];

export interface LocalSenderDeps {
  addresses: Pick<AddressService, 'isLocalDomain'>;
  /** TXT lookups through the server's cached resolver. */
  dns: { resolveTxt(name: string): Promise<string[][]> };
  settings: Pick<MailAuthSettings, 'localSenders' | 'localSendersDomains'>;
}

export interface LocalSenderVerdict {
  action: 'reject' | 'junk';
  domain: string;
  /** Header field for a message filed in Junk, CRLF-terminated. */
  header: string;
}

const asciiDomain = (name: string): string => domainToASCII(name.toLowerCase().replace(/\.$/, '')) || name.toLowerCase();
const domainOf = (address: string): string => asciiDomain(address.slice(address.lastIndexOf('@') + 1));

/** The DKIM signing domain covers the claimed domain (RFC 7489 §3.1.1 relaxed alignment, without a public-suffix list). */
const aligned = (signer: string, claimed: string): boolean => {
  const s = signer.toLowerCase();
  return s === claimed || claimed.endsWith(`.${s}`) || s.endsWith(`.${claimed}`);
};

function vouchedFor(domain: string, auth: InboundAuthResult | undefined): boolean {
  if (!auth) return false;
  if (auth.spf.result === 'pass' && auth.spf.domain?.toLowerCase() === domain) return true;
  if (auth.dkim.some((d) => d.result === 'pass' && aligned(d.domain, domain))) return true;
  return auth.dmarc?.result === 'pass' && auth.dmarc.fromDomain?.toLowerCase() === domain;
}

type Published = 'yes' | 'no' | 'unknown';

async function txt(dns: LocalSenderDeps['dns'], name: string): Promise<string[] | null> {
  try {
    return (await dns.resolveTxt(name)).map((chunks) => chunks.join(''));
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    // NXDOMAIN / NODATA: nothing published. Anything else: we cannot tell.
    if (code === 'ENOTFOUND' || code === 'ENODATA' || code === 'NXDOMAIN') return [];
    return null;
  }
}

/** Does the domain publish an SPF record (RFC 7208 §4.5) or a DMARC record (RFC 7489 §6.1)? */
async function publishes(dns: LocalSenderDeps['dns'], domain: string): Promise<Published> {
  const [spf, dmarc] = await Promise.all([txt(dns, domain), txt(dns, `_dmarc.${domain}`)]);
  if (spf?.some((t) => /^v=spf1(\s|$)/i.test(t)) || dmarc?.some((t) => /^v=DMARC1(\s*;|$)/i.test(t))) return 'yes';
  return spf === null || dmarc === null ? 'unknown' : 'no';
}

/**
 * The verdict on an unauthenticated MX message claiming hosted domains, or
 * null when the message may pass. A DNS failure lets it pass (logged): a
 * resolver outage must not turn into refused mail.
 */
export async function judgeLocalSender(
  deps: LocalSenderDeps, input: { sender: string; from: readonly string[]; auth: InboundAuthResult | undefined; log: Logger },
): Promise<LocalSenderVerdict | null> {
  // Keys of the per-domain table may be written in Unicode or any case.
  const perDomain = new Map(Object.entries(deps.settings.localSendersDomains).map(([name, mode]) => [asciiDomain(name), mode]));
  const claimed = new Map<string, 'MAIL FROM' | 'From:'>();
  if (input.sender !== '') claimed.set(domainOf(input.sender), 'MAIL FROM');
  for (const address of input.from) if (!claimed.has(domainOf(address))) claimed.set(domainOf(address), 'From:');
  let verdict: LocalSenderVerdict | null = null;
  for (const [domain, where] of claimed) {
    if (!domain) continue;
    const mode = perDomain.get(domain) ?? deps.settings.localSenders;
    if (mode === 'off' || !await deps.addresses.isLocalDomain(domain)) continue;
    if (vouchedFor(domain, input.auth)) continue;
    const published = await publishes(deps.dns, domain);
    if (published === 'yes') continue;
    if (published === 'unknown') {
      input.log.warn({ domain }, 'local sender check skipped: the SPF and DMARC records of a hosted domain could not be looked up');
      continue;
    }
    const reason = `${where} claims ${domain}, which is hosted here and publishes no SPF or DMARC record, and nothing authenticates the message as ${domain}'s`;
    if (mode === 'reject') {
      throw new StoaError('STOA_LOCAL_SENDER_UNAUTHENTICATED', `${reason}; users of ${domain} send through submission with a login`);
    }
    verdict ??= { action: 'junk', domain, header: `X-Stoa-Warning: unauthenticated sender: ${reason}\r\n` };
  }
  return verdict;
}
