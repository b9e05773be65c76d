// One conversation with a directory server through ldapts: the servers of a
// connection tried in order (failover on anything but an answer), LDAPS or
// StartTLS with an optional pinned CA, bounded connect and operation times,
// paged searches (RFC 2696) and AD ranged attribute retrieval. Failures come
// out as catalogue errors whose detail names the server and the cause.
import type { Client, Entry, Filter } from 'ldapts';
import type { Socket } from 'node:net';
import type { ConnectionOptions } from 'node:tls';
import { StoaError } from '../../errors/catalogue.ts';
import { lazyModule } from '../../model/lazy-module.ts';
import { bindRefusal, type BindRefusal } from './bind-diagnostics.ts';

/** ldapts, loaded when a directory connection is first used (lazy-module.ts: idle memory). */
export const ldapts = lazyModule<typeof import('ldapts')>('ldapts');

export interface LdapEndpoint {
  servers: readonly string[];
  caPem: string | null;
  serverName: string | null;
  startTls: boolean;
  allowPlaintext: boolean;
  connectTimeoutMs: number;
  timeoutMs: number;
}

export interface SearchSpec {
  base: string;
  /** RFC 4515 text, or a filter object (binary assertion values: ldapts re-encodes escaped octets above 0x7F as UTF-8). */
  filter: string | Filter;
  attributes: string[];
  scope?: 'base' | 'one' | 'sub';
  /** Attributes to receive as bytes (objectGUID). */
  binary?: string[];
  /** Page size for the paged results control; absent = one plain search. */
  pageSize?: number;
  sizeLimit?: number;
}

/** A bind the directory refused (resultCode 49), with the reason for the admin log. */
export class BindRefused extends Error {
  readonly reason: BindRefusal;
  constructor(reason: BindRefusal, diagnostic: string) {
    super(`bind refused (${reason}): ${diagnostic}`);
    this.name = 'BindRefused';
    this.reason = reason;
  }
}

const TLS_CODES = new Set([
  'CERT_HAS_EXPIRED', 'CERT_NOT_YET_VALID', 'DEPTH_ZERO_SELF_SIGNED_CERT', 'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'UNABLE_TO_GET_ISSUER_CERT', 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'ERR_TLS_CERT_ALTNAME_INVALID', 'CERT_SIGNATURE_FAILURE', 'CERT_REVOKED', 'ERR_SSL_WRONG_VERSION_NUMBER',
  'EPROTO', 'ERR_SSL_UNSUPPORTED_PROTOCOL', 'ERR_SSL_TLSV1_ALERT_PROTOCOL_VERSION',
]);
const UNREACHABLE_CODES = new Set(['ECONNREFUSED', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN', 'ECONNRESET', 'EPIPE', 'EADDRNOTAVAIL']);

/** A catalogue error for a failure talking to `server`. */
export function directoryError(err: unknown, server: string): StoaError {
  if (err instanceof StoaError) return err;
  const e = err as NodeJS.ErrnoException;
  const text = e?.message ?? String(err);
  if (err instanceof ldapts().StrongAuthRequiredError) {
    return new StoaError('STOA_DIRECTORY_ERROR', `${server} requires TLS for simple binds: use ldaps:// or StartTLS (${text})`, { cause: err });
  }
  if (err instanceof ldapts().ResultCodeError) return new StoaError('STOA_DIRECTORY_ERROR', `${server}: LDAP result ${err.code}: ${text}`, { cause: err });
  if (e?.code && TLS_CODES.has(e.code)) return new StoaError('STOA_DIRECTORY_TLS', `${server}: ${e.code}: ${text}`, { cause: err });
  if (/timeout|timed out/i.test(text)) return new StoaError('STOA_DIRECTORY_TIMEOUT', `${server}: ${text}`, { cause: err });
  if (e?.code && UNREACHABLE_CODES.has(e.code)) return new StoaError('STOA_DIRECTORY_UNREACHABLE', `${server}: ${e.code}`, { cause: err });
  if (/certificate|self.signed|ssl|tls/i.test(text)) return new StoaError('STOA_DIRECTORY_TLS', `${server}: ${text}`, { cause: err });
  if (/socket|connection closed|closed before/i.test(text)) return new StoaError('STOA_DIRECTORY_UNREACHABLE', `${server}: ${text.split('\n')[0]}`, { cause: err });
  return new StoaError('STOA_DIRECTORY_ERROR', `${server}: ${text}`, { cause: err });
}

function tlsOptions(endpoint: LdapEndpoint): ConnectionOptions {
  return {
    ...(endpoint.caPem ? { ca: endpoint.caPem } : {}),
    ...(endpoint.serverName ? { servername: endpoint.serverName } : {}),
    minVersion: 'TLSv1.2',
    rejectUnauthorized: true,
  };
}

/** Refuses a configuration that would send passwords in clear text. */
export function checkTransport(endpoint: LdapEndpoint): void {
  for (const url of endpoint.servers) {
    if (url.toLowerCase().startsWith('ldap://') && !endpoint.startTls && !endpoint.allowPlaintext) {
      throw new StoaError('STOA_VALIDATION', `${url} sends passwords in clear text: use ldaps://, turn on tls.startTls, or set tls.allowPlaintext`);
    }
  }
}

/**
 * The client's current socket (the TLS one after StartTLS). ldapts keeps it
 * private, and after StartTLS its own "connected" flag follows the plain
 * socket underneath, so it stays true when the server closes the
 * connection (ldapts 9.2): we watch the socket ourselves.
 */
function socketOf(client: Client): Socket | undefined {
  return (client as unknown as { socket?: Socket }).socket;
}

export class LdapSession {
  readonly server: string;
  readonly #client: Client;
  readonly #timeoutMs: number;
  #boundAs: string | null;
  #closed = false;

  private constructor(server: string, client: Client, timeoutMs: number, boundAs: string) {
    this.server = server;
    this.#client = client;
    this.#timeoutMs = timeoutMs;
    this.#boundAs = boundAs;
    const socket = socketOf(client);
    if (!socket) this.#closed = true;
    socket?.once('close', () => { this.#closed = true; });
  }

  /** Whether the connection is still open (the server may close an idle one; session-pool.ts asks before reuse). */
  get alive(): boolean {
    return !this.#closed && this.#client.isConnected;
  }

  /** The DN of the last successful bind on this connection; null after a refused one (the connection is anonymous then, RFC 4513 §5.1). */
  get boundAs(): string | null {
    return this.#boundAs;
  }

  /**
   * ldapts reconnects by itself when an operation finds its socket closed: unbound, and for a
   * StartTLS connection without TLS, so a user's password would then travel in clear text.
   * A closed session stays closed; the caller opens a new one.
   */
  #ensureOpen(): void {
    if (!this.alive) throw new StoaError('STOA_DIRECTORY_UNREACHABLE', `${this.server}: the connection was closed`);
  }

  /**
   * Connects to the first server that answers and binds as `dn`. A server
   * that cannot be reached (refused, timed out, bad certificate) passes to the
   * next; a server that answers the bind decides (BindRefused on 49).
   */
  static async open(endpoint: LdapEndpoint, dn: string, password: string): Promise<LdapSession> {
    checkTransport(endpoint);
    if (endpoint.servers.length === 0) throw new StoaError('STOA_VALIDATION', 'the connection lists no servers');
    let last: StoaError | null = null;
    for (const server of endpoint.servers) {
      const implicit = server.toLowerCase().startsWith('ldaps://');
      // tlsOptions only for ldaps://: given on an ldap:// client, ldapts's StartTLS handshake fails (ECONNRESET).
      const client = new (ldapts().Client)({ url: server, timeout: endpoint.timeoutMs, connectTimeout: endpoint.connectTimeoutMs, ...(implicit ? { tlsOptions: tlsOptions(endpoint) } : {}), strictDN: false });
      try {
        // Over an existing socket Node checks the certificate against `host` (else "localhost"): name the server.
        if (!implicit && endpoint.startTls) await client.startTLS({ ...tlsOptions(endpoint), host: new URL(server).hostname.replace(/^\[|\]$/g, '') });
        await LdapSession.#bind(client, dn, password);
        return new LdapSession(server, client, endpoint.timeoutMs, dn);
      } catch (err) {
        await client.unbind().catch(() => undefined);
        if (err instanceof BindRefused) throw err;
        const mapped = directoryError(err, server);
        // An LDAP answer other than 49 (e.g. strong auth required) is a configuration error, not an outage.
        if (mapped.code === 'STOA_DIRECTORY_ERROR') throw mapped;
        last = mapped;
      }
    }
    throw last ?? new StoaError('STOA_DIRECTORY_UNREACHABLE');
  }

  static async #bind(client: Client, dn: string, password: string): Promise<void> {
    // RFC 4513 §5.1.2: a simple bind with an empty password is an unauthenticated
    // bind that "succeeds" without checking anything: never send one.
    if (password.length === 0) throw new BindRefused('invalid-credentials', 'empty password');
    try {
      await client.bind(dn, password);
    } catch (err) {
      if (err instanceof ldapts().InvalidCredentialsError) throw new BindRefused(bindRefusal(err.message), err.message);
      throw err;
    }
  }

  /** Binds this connection again as someone else (the user whose password is checked). */
  async rebind(dn: string, password: string): Promise<void> {
    this.#ensureOpen();
    // Until the answer comes, the connection's identity is unknown.
    this.#boundAs = null;
    try {
      await LdapSession.#bind(this.#client, dn, password);
      this.#boundAs = dn;
    } catch (err) {
      if (err instanceof BindRefused) throw err;
      throw directoryError(err, this.server);
    }
  }

  async search(spec: SearchSpec): Promise<Entry[]> {
    const out: Entry[] = [];
    for await (const page of this.pages(spec)) out.push(...page);
    return out;
  }

  /** Entries page by page, so a large directory is never held twice in memory. */
  async *pages(spec: SearchSpec): AsyncGenerator<Entry[]> {
    const options = {
      scope: spec.scope ?? 'sub',
      filter: spec.filter,
      attributes: spec.attributes,
      explicitBufferAttributes: spec.binary ?? [],
      sizeLimit: spec.sizeLimit ?? 0,
      timeLimit: Math.ceil(this.#timeoutMs / 1000),
    } as const;
    this.#ensureOpen();
    try {
      if (spec.pageSize) {
        for await (const page of this.#client.searchPaginated(spec.base, { ...options, paged: { pageSize: spec.pageSize } })) {
          yield page.searchEntries;
        }
      } else {
        yield (await this.#client.search(spec.base, options)).searchEntries;
      }
    } catch (err) {
      throw directoryError(err, this.server);
    }
  }

  /**
   * All values of a multi-valued attribute. AD returns at most
   * MaxValRange (1500) values of `member` per search and names the attribute
   * "member;range=0-1499"; the rest is read by ranges (MS-ADTS §3.1.1.3.1.3.3).
   */
  async allValues(entry: Entry, attribute: string): Promise<string[]> {
    const lower = attribute.toLowerCase();
    const values: string[] = [];
    let rangeKey: string | null = null;
    for (const [key, value] of Object.entries(entry)) {
      const k = key.toLowerCase();
      if (k === lower) values.push(...asStrings(value));
      else if (k.startsWith(`${lower};range=`)) {
        values.push(...asStrings(value));
        rangeKey = k;
      }
    }
    while (rangeKey !== null) {
      const m = /;range=(\d+)-(\d+|\*)$/.exec(rangeKey);
      if (!m || m[2] === '*') break;
      const next = `${attribute};range=${Number(m[2]) + 1}-*`;
      const [more] = await this.search({ base: entry.dn, scope: 'base', filter: '(objectClass=*)', attributes: [next] });
      rangeKey = null;
      for (const [key, value] of Object.entries(more ?? {})) {
        if (key.toLowerCase().startsWith(`${lower};range=`)) {
          values.push(...asStrings(value));
          rangeKey = key.toLowerCase();
        }
      }
    }
    return values;
  }

  async close(): Promise<void> {
    await this.#client.unbind().catch(() => undefined);
  }
}

/** Values of an attribute as strings (buffers as UTF-8). */
export function asStrings(value: Entry[string] | undefined): string[] {
  if (value === undefined) return [];
  const list = Array.isArray(value) ? value : [value];
  return list.map((v) => (typeof v === 'string' ? v : v.toString('utf8')));
}

/** An attribute of an entry by case-insensitive name (servers answer in their own spelling). */
export function attribute(entry: Entry, name: string): Entry[string] | undefined {
  if (name in entry) return entry[name];
  const lower = name.toLowerCase();
  for (const [key, value] of Object.entries(entry)) if (key.toLowerCase() === lower) return value;
  return undefined;
}
