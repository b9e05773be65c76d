// DNS for mail authentication, blocklists and the Received field's reverse
// name: node:dns Resolver on the configured servers (dns.servers), never the
// process-wide resolver, so tests and split-horizon setups choose who answers.
//
// SMTP must never wait long on DNS (docs/smtp.md "DNS"):
// - every query has a hard deadline of dns.timeoutMs, whatever c-ares does
//   with its own retries (its per-try timeout doubles on every retry);
// - answers are cached, and so are failures: NXDOMAIN/NODATA as long as a
//   negative answer is trusted, timeouts and refused or failing servers for a
//   short while, so an unreachable resolver costs one timeout per name, not
//   one per message;
// - a query already in flight is shared by every caller that asks meanwhile;
// - the reverse name of a loopback client or of an address in the hosts file
//   (dns.hostsFile) is answered locally, without a query (hosts-file.ts).
import { Resolver } from 'node:dns/promises';
import type { StoaConfig } from '../config/types.ts';
import { localReverse, readHostsFile } from './hosts-file.ts';

/** The lookups Stoa's SMTP side uses; a cached node:dns Resolver implements them. */
export interface DnsLookups {
  resolve(name: string, rrtype: string): Promise<unknown>;
  resolve4(name: string): Promise<string[]>;
  resolveTxt(name: string): Promise<string[][]>;
  reverse(ip: string): Promise<string[]>;
}

/** How long each kind of outcome is reused. */
const ANSWER_TTL_MS = 5 * 60_000;
/** RFC 2308 §5: negative answers may be cached; 5 minutes is a common SOA minimum. */
const NEGATIVE_TTL_MS = 5 * 60_000;
/** Timeouts and server failures: retried soon, but not on every message. */
const FAILURE_TTL_MS = 30_000;
const MAX_ENTRIES = 20_000;

const NEGATIVE = new Set(['ENOTFOUND', 'ENODATA', 'NXDOMAIN']);

interface Entry { expires: number; value?: unknown; error?: unknown }

function timeoutError(name: string, rrtype: string, ms: number): NodeJS.ErrnoException {
  const err: NodeJS.ErrnoException = new Error(`query${rrtype} ETIMEOUT ${name} (no answer within ${ms} ms)`);
  err.code = 'ETIMEOUT';
  err.syscall = `query${rrtype}`;
  return err;
}

export class CachedResolver implements DnsLookups {
  readonly #resolver: Resolver;
  readonly #timeoutMs: number;
  readonly #now: () => number;
  readonly #cache = new Map<string, Entry>();
  readonly #inFlight = new Map<string, Promise<unknown>>();
  readonly #hosts: ReadonlyMap<string, string[]>;

  constructor(resolver: Resolver, timeoutMs: number, now: () => number = Date.now, hosts: ReadonlyMap<string, string[]> = new Map()) {
    this.#resolver = resolver;
    this.#timeoutMs = timeoutMs;
    this.#now = now;
    this.#hosts = hosts;
  }

  resolve(name: string, rrtype: string): Promise<unknown> {
    return this.#lookup(name, rrtype, () => this.#resolver.resolve(name, rrtype));
  }

  resolve4(name: string): Promise<string[]> {
    return this.#lookup(name, 'A', () => this.#resolver.resolve4(name)) as Promise<string[]>;
  }

  resolveTxt(name: string): Promise<string[][]> {
    return this.#lookup(name, 'TXT', () => this.#resolver.resolveTxt(name)) as Promise<string[][]>;
  }

  reverse(ip: string): Promise<string[]> {
    const local = localReverse(this.#hosts, ip);
    if (local) return Promise.resolve(local);
    return this.#lookup(ip, 'PTR-of', () => this.#resolver.reverse(ip)) as Promise<string[]>;
  }

  #lookup(name: string, rrtype: string, query: () => Promise<unknown>): Promise<unknown> {
    const key = `${rrtype}\0${name.toLowerCase()}`;
    const now = this.#now();
    const hit = this.#cache.get(key);
    if (hit && hit.expires > now) return 'error' in hit ? Promise.reject(hit.error) : Promise.resolve(hit.value);
    let pending = this.#inFlight.get(key);
    if (!pending) {
      pending = this.#withDeadline(query(), name, rrtype).then(
        (value) => {
          this.#store(key, { expires: this.#now() + ANSWER_TTL_MS, value });
          return value;
        },
        (error: unknown) => {
          const code = (error as NodeJS.ErrnoException)?.code ?? '';
          this.#store(key, { expires: this.#now() + (NEGATIVE.has(code) ? NEGATIVE_TTL_MS : FAILURE_TTL_MS), error });
          throw error;
        },
      ).finally(() => this.#inFlight.delete(key));
      this.#inFlight.set(key, pending);
    }
    return pending;
  }

  #withDeadline(work: Promise<unknown>, name: string, rrtype: string): Promise<unknown> {
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(timeoutError(name, rrtype, this.#timeoutMs)), this.#timeoutMs);
      timer.unref();
    });
    return Promise.race([work, deadline]).finally(() => clearTimeout(timer));
  }

  #store(key: string, entry: Entry): void {
    this.#cache.delete(key);
    this.#cache.set(key, entry);
    // Oldest first in insertion order.
    for (const k of this.#cache.keys()) {
      if (this.#cache.size <= MAX_ENTRIES) break;
      this.#cache.delete(k);
    }
  }
}

export function createDnsResolver(config: Pick<StoaConfig, 'dns'>, timeoutMs = config.dns.timeoutMs): CachedResolver {
  // c-ares retries once within the deadline; the deadline itself is ours.
  const resolver = new Resolver({ timeout: Math.max(50, Math.floor(timeoutMs / 2)), tries: 2 });
  if (config.dns.servers.length > 0) resolver.setServers(config.dns.servers);
  return new CachedResolver(resolver, timeoutMs, Date.now, readHostsFile(config.dns.hostsFile));
}

/** The `(name, rrtype)` lookup mailauth expects (its default is dns.promises.resolve). */
export type MailauthResolver = (name: string, rrtype: string) => Promise<string[][] | string[]>;

export function mailauthResolver(resolver: Pick<DnsLookups, 'resolve'>): MailauthResolver {
  return (name, rrtype) => resolver.resolve(name, rrtype) as Promise<string[][] | string[]>;
}

/**
 * smtp-server's `resolver` option, callback style through the cache. Stoa's
 * listeners turn smtp-server's own lookup off (it holds the banner) and look
 * the name up themselves (protocols/smtp/reverse-name.ts); this stays so
 * nothing in smtp-server ever reaches the process-wide resolver.
 */
export function smtpServerResolver(resolver: Pick<DnsLookups, 'reverse'>): { reverse(ip: string, cb: (err: Error | null, hostnames?: string[]) => void): void } {
  return {
    reverse(ip, cb) {
      resolver.reverse(ip).then((names) => cb(null, names), (err: Error) => cb(err));
    },
  };
}
