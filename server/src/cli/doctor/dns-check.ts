// Doctor: the DNS records a mail domain needs, looked up through the
// configured resolvers. Each problem comes with the record to publish.
import { Resolver } from 'node:dns/promises';
import type { StoaConfig } from '../../config/types.ts';
import { publishedPublicKey, txtChunks, type DkimDnsRecord } from '../../mail-auth/dkim-record.ts';
import type { Finding } from './finding.ts';

/** RFC 2606 / RFC 6761 names that public DNS never answers. */
const RESERVED_TLDS = ['test', 'example', 'invalid', 'localhost'];

type Lookup<T> = { ok: true; value: T } | { ok: false; missing: boolean; code: string };

async function lookup<T>(query: () => Promise<T>): Promise<Lookup<T>> {
  try {
    return { ok: true, value: await query() };
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? String(err);
    // ENODATA: the name exists without such records; ENOTFOUND: NXDOMAIN.
    return { ok: false, missing: code === 'ENODATA' || code === 'ENOTFOUND', code };
  }
}

const txtRecords = (resolver: Resolver, name: string): Promise<Lookup<string[]>> =>
  lookup(async () => (await resolver.resolveTxt(name)).map((chunks) => chunks.join('')));

const sameHost = (a: string, b: string): boolean => a.replace(/\.$/, '').toLowerCase() === b.replace(/\.$/, '').toLowerCase();

async function hasAddress(resolver: Resolver, host: string): Promise<boolean> {
  const [v4, v6] = await Promise.all([lookup(() => resolver.resolve4(host)), lookup(() => resolver.resolve6(host))]);
  return (v4.ok && v4.value.length > 0) || (v6.ok && v6.value.length > 0);
}

function lookupFailed(section: string, what: string, code: string): Finding {
  return { section, level: 'error', message: `could not look up ${what}: ${code}`, fix: 'check that the resolvers in dns.servers (STOA_DNS_SERVERS) answer, then run doctor again' };
}

async function checkMx(resolver: Resolver, domain: string, hostname: string, section: string): Promise<Finding[]> {
  const publish = `publish: ${domain}. 3600 IN MX 10 ${hostname}.`;
  const mx = await lookup(() => resolver.resolveMx(domain));
  if (!mx.ok) {
    if (!mx.missing) return [lookupFailed(section, `the MX records of ${domain}`, mx.code)];
    const why = mx.code === 'ENOTFOUND' ? `${domain} does not exist in DNS` : `${domain} has no MX record`;
    return [{ section, level: 'error', message: `MX: ${why}; other servers cannot find where to deliver`, fix: publish }];
  }
  // RFC 7505: a single MX of "." (priority 0) says the domain accepts no mail.
  if (mx.value.some((r) => r.exchange === '' || r.exchange === '.')) {
    return [{ section, level: 'error', message: 'MX: null MX (MX 0 .) published: the domain declares that it accepts no mail', fix: `remove the null MX, then ${publish}` }];
  }
  const sorted = [...mx.value].sort((a, b) => a.priority - b.priority);
  const list = sorted.map((r) => `${r.priority} ${r.exchange}`).join(', ');
  const findings: Finding[] = [];
  if (sorted.some((r) => sameHost(r.exchange, hostname))) {
    findings.push({ section, level: 'ok', message: `MX: ${list} (includes this server, ${hostname})` });
    if (!await hasAddress(resolver, hostname)) {
      findings.push({ section, level: 'error', message: `MX host ${hostname} has no A or AAAA record`, fix: `publish: ${hostname}. 3600 IN A <public IPv4 of this server> (and AAAA for IPv6)` });
    }
    return findings;
  }
  const resolvable = await Promise.all(sorted.map((r) => hasAddress(resolver, r.exchange)));
  if (!resolvable.some(Boolean)) {
    return [{ section, level: 'error', message: `MX: ${list}, but none of these hosts has an A or AAAA record`, fix: `publish addresses for them, or ${publish}` }];
  }
  return [{ section, level: 'warn', message: `MX: ${list}; none is this server (${hostname}): fine only if that host relays to Stoa`, fix: `to receive directly, ${publish}` }];
}

async function checkSpf(resolver: Resolver, domain: string, section: string): Promise<Finding[]> {
  const txt = await txtRecords(resolver, domain);
  if (!txt.ok && !txt.missing) return [lookupFailed(section, `the TXT records of ${domain}`, txt.code)];
  const spf = txt.ok ? txt.value.filter((t) => /^v=spf1(\s|$)/i.test(t)) : [];
  const fix = `publish: ${domain}. 3600 IN TXT "v=spf1 mx -all"`;
  if (spf.length === 0) return [{ section, level: 'error', message: 'SPF: no "v=spf1" TXT record; receivers cannot tell which servers may send for the domain', fix }];
  // RFC 7208 §4.5: more than one SPF record is a permanent error at every receiver.
  if (spf.length > 1) {
    return [{ section, level: 'error', message: `SPF: ${spf.length} "v=spf1" records (${spf.map((s) => `"${s}"`).join(', ')}); receivers treat that as a permanent error`, fix: 'merge them into a single TXT record, e.g. "v=spf1 mx -all"' }];
  }
  if (/(^|\s)\+?all(\s|$)/i.test(spf[0])) {
    return [{ section, level: 'warn', message: `SPF: "${spf[0]}" allows every server in the world to send for the domain`, fix: `end it with -all or ~all instead; ${fix}` }];
  }
  return [{ section, level: 'ok', message: `SPF: "${spf[0]}"` }];
}

/** Each active key's record must be published with the same public key (RFC 6376 §3.6.2). */
async function checkDkim(resolver: Resolver, domain: string, keys: readonly DkimDnsRecord[], section: string): Promise<Finding[]> {
  const active = keys.filter((k) => k.active);
  if (active.length === 0) {
    return [{ section, level: 'warn', message: `DKIM: ${domain} has no DKIM key, so its mail goes out unsigned`, fix: `create one and print its record with: stoa domain dkim ${domain}` }];
  }
  const findings: Finding[] = [];
  for (const key of active) {
    const publish = `publish: ${key.name}. 3600 IN TXT ${txtChunks(key.value).map((c) => `"${c}"`).join(' ')}`;
    const txt = await txtRecords(resolver, key.name);
    if (!txt.ok && !txt.missing) {
      findings.push(lookupFailed(section, `${key.name} TXT`, txt.code));
      continue;
    }
    const published = txt.ok ? txt.value.map(publishedPublicKey).filter((p): p is string => p !== null) : [];
    if (published.length === 0) {
      findings.push({ section, level: 'error', message: `DKIM: no record at ${key.name}; receivers cannot verify the ${key.algorithm} signatures Stoa adds`, fix: publish });
    } else if (!published.includes(key.publicKey)) {
      findings.push({ section, level: 'error', message: `DKIM: the record at ${key.name} holds another public key than Stoa signs with (${key.algorithm}); signatures fail`, fix: `replace it; ${publish}` });
    } else {
      findings.push({ section, level: 'ok', message: `DKIM: ${key.name} publishes the active ${key.algorithm} key` });
    }
  }
  return findings;
}

async function checkDmarc(resolver: Resolver, domain: string, section: string): Promise<Finding[]> {
  const name = `_dmarc.${domain}`;
  const txt = await txtRecords(resolver, name);
  if (!txt.ok && !txt.missing) return [lookupFailed(section, `${name} TXT`, txt.code)];
  const dmarc = txt.ok ? txt.value.filter((t) => /^v=DMARC1\s*(;|$)/i.test(t)) : [];
  const fix = `publish: ${name}. 3600 IN TXT "v=DMARC1; p=none; rua=mailto:postmaster@${domain}" (tighten p= to quarantine or reject once reports look clean)`;
  if (dmarc.length === 0) return [{ section, level: 'error', message: `DMARC: no "v=DMARC1" TXT record at ${name}; large providers reject or junk such mail`, fix }];
  // RFC 7489 §6.6.3: with several records, receivers apply none of them.
  if (dmarc.length > 1) return [{ section, level: 'error', message: `DMARC: ${dmarc.length} records at ${name}; receivers ignore them all`, fix: 'keep exactly one "v=DMARC1" record' }];
  return [{ section, level: 'ok', message: `DMARC: "${dmarc[0]}"` }];
}

/** RFC 6186 §3 / RFC 8314 §5.1 service labels and the listener that serves each. */
function srvServices(config: StoaConfig): { label: string; listener: { enabled: boolean; port: number } }[] {
  const l = config.listeners;
  return [
    { label: '_submissions._tcp', listener: l.smtps },
    { label: '_submission._tcp', listener: l.submission },
    { label: '_imaps._tcp', listener: l.imaps },
    { label: '_imap._tcp', listener: l.imap },
    { label: '_pop3s._tcp', listener: l.pop3s },
    { label: '_pop3._tcp', listener: l.pop3 },
  ];
}

/** RFC 6186 SRV records that let mail clients find this server from the address alone. */
async function checkSrv(resolver: Resolver, domain: string, config: StoaConfig, section: string): Promise<Finding[]> {
  return Promise.all(srvServices(config).map(async ({ label, listener }): Promise<Finding> => {
    const name = `${label}.${domain}`;
    const srv = await lookup(() => resolver.resolveSrv(name));
    if (!listener.enabled) {
      // RFC 6186 §4: a target of "." says the service is not offered.
      return { section, level: 'ok', message: `SRV ${name}: listener off; optionally publish ${name}. 3600 IN SRV 0 0 0 .` };
    }
    const publish = `publish: ${name}. 3600 IN SRV 0 1 ${listener.port} ${config.hostname}.`;
    if (!srv.ok) {
      if (!srv.missing) return lookupFailed(section, `${name} SRV`, srv.code);
      return { section, level: 'warn', message: `SRV ${name}: none; mail clients cannot discover the server (RFC 6186)`, fix: publish };
    }
    const ours = srv.value.find((r) => sameHost(r.name, config.hostname) && r.port === listener.port);
    if (ours) return { section, level: 'ok', message: `SRV ${name}: ${ours.priority} ${ours.weight} ${ours.port} ${ours.name}` };
    const list = srv.value.map((r) => `${r.port} ${r.name}`).join(', ');
    return { section, level: 'warn', message: `SRV ${name}: ${list}; none points at ${config.hostname} port ${listener.port}`, fix: publish };
  }));
}

/**
 * RFC 6764 §3-§4: SRV records for CalDAV and CardDAV over TLS (the HTTP
 * listener sits behind a TLS proxy on 443 in production) and their TXT
 * "path=" that points clients at the DAV root. Without TXT, clients use
 * /.well-known/caldav and /.well-known/carddav, which Stoa serves.
 */
async function checkDavSrv(resolver: Resolver, domain: string, config: StoaConfig, section: string): Promise<Finding[]> {
  if (!config.dav.enabled) return [{ section, level: 'ok', message: 'CalDAV/CardDAV SRV: DAV is off (dav.enabled)' }];
  return Promise.all(['_caldavs._tcp', '_carddavs._tcp'].map(async (label): Promise<Finding> => {
    const name = `${label}.${domain}`;
    const publish = `publish: ${name}. 3600 IN SRV 0 1 443 ${config.hostname}. and ${name}. 3600 IN TXT "path=/dav/"`;
    const srv = await lookup(() => resolver.resolveSrv(name));
    if (!srv.ok) {
      if (!srv.missing) return lookupFailed(section, `${name} SRV`, srv.code);
      return { section, level: 'warn', message: `SRV ${name}: none; calendar and contact clients cannot find the server from an address alone (RFC 6764)`, fix: publish };
    }
    const ours = srv.value.find((r) => sameHost(r.name, config.hostname));
    if (!ours) {
      return { section, level: 'warn', message: `SRV ${name}: ${srv.value.map((r) => `${r.port} ${r.name}`).join(', ')}; none points at ${config.hostname}`, fix: publish };
    }
    const txt = await txtRecords(resolver, name);
    const path = txt.ok ? txt.value.map((t) => /^path=(.*)$/.exec(t)?.[1]).find((p) => p !== undefined) : undefined;
    if (path !== undefined && !/^\/(dav\/?|\.well-known\/(caldav|carddav))?$/.test(path) && !path.startsWith('/dav/')) {
      return { section, level: 'warn', message: `SRV ${name}: ${ours.port} ${ours.name}, but its TXT says path=${path}, which is not Stoa's DAV root`, fix: `publish: ${name}. 3600 IN TXT "path=/dav/"` };
    }
    return { section, level: 'ok', message: `SRV ${name}: ${ours.priority} ${ours.weight} ${ours.port} ${ours.name}${path !== undefined ? `, TXT path=${path}` : ' (no TXT: clients use the well-known address)'}` };
  }));
}

export function createResolver(config: StoaConfig): Resolver {
  const resolver = new Resolver({ timeout: config.dns.timeoutMs, tries: 2 });
  if (config.dns.servers.length > 0) resolver.setServers(config.dns.servers);
  return resolver;
}

/** Every DNS finding for one domain (ASCII name); `dkim` are the domain's stored keys (dkim-keys.ts records()). */
export async function checkDomainDns(resolver: Resolver, domain: string, config: StoaConfig, dkim: readonly DkimDnsRecord[]): Promise<Finding[]> {
  const section = `dns ${domain}`;
  const tld = domain.slice(domain.lastIndexOf('.') + 1).toLowerCase();
  if (RESERVED_TLDS.includes(tld)) {
    return [{ section, level: 'warn', message: `.${tld} is reserved for testing (RFC 2606/6761): public DNS never answers for it, so nothing was checked`, fix: 'fine for the demo domain; real mail needs a registered domain' }];
  }
  const parts = await Promise.all([
    checkMx(resolver, domain, config.hostname, section),
    checkSpf(resolver, domain, section),
    checkDkim(resolver, domain, dkim, section),
    checkDmarc(resolver, domain, section),
    checkSrv(resolver, domain, config, section),
    checkDavSrv(resolver, domain, config, section),
  ]);
  return parts.flat();
}
