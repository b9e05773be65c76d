// DNS for mail authentication and blocklists: node:dns Resolver on the
// configured servers (dns.servers), never the process-wide resolver, so
// tests and split-horizon setups choose who answers.
import { Resolver } from 'node:dns/promises';
import type { StoaConfig } from '../config/types.ts';

export function createDnsResolver(config: StoaConfig, timeoutMs = config.dns.timeoutMs): Resolver {
  const resolver = new Resolver({ timeout: timeoutMs, tries: 2 });
  if (config.dns.servers.length > 0) resolver.setServers(config.dns.servers);
  return resolver;
}

/** The `(name, rrtype)` lookup mailauth expects (its default is dns.promises.resolve). */
export type MailauthResolver = (name: string, rrtype: string) => Promise<string[][] | string[]>;

export function mailauthResolver(resolver: Resolver): MailauthResolver {
  return (name, rrtype) => resolver.resolve(name, rrtype) as Promise<string[][] | string[]>;
}
