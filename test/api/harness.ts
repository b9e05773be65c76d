// A real admin API over real HTTP: temp SQLite store, every service built by
// the server's own composition root, and a small HTTP client that keeps the
// session cookie like a browser.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import pino from 'pino';
import { defaultConfig } from '../../server/src/config/schema.ts';
import type { StoaConfig } from '../../server/src/config/types.ts';
import type { Actor, Directory } from '../../server/src/directory/api.ts';
import { openSqliteStore } from '../../server/src/store/open-store.ts';
import type { Store } from '../../server/src/store/port.ts';
import { createHttpServer } from '../../server/src/protocols/http/server.ts';
import type { QueueService } from '../../server/src/queue/queue-service.ts';
import type { Account } from '../../shared/src/schemas/directory.ts';
import type { MailServices } from '../../server/src/mail/mail-services.ts';
import { createServices, type Services } from '../../server/src/services.ts';
import type { FilterService } from '../../server/src/filter/filter-service.ts';
import { startMigrationRunner, type MigrationRunner } from '../../server/src/migration-jobs/job-runner.ts';
import type { MigrationJobService } from '../../server/src/migration-jobs/job-service.ts';

export const PASSWORD = 'correct horse battery';

/** The server acting on its own, as first start does: used only to seed fixtures. */
export const SYSTEM: Actor = { id: null, login: 'system', role: 'server-admin', adminDomainIds: [], ip: null };

export interface Harness {
  base: string;
  app: FastifyInstance;
  store: Store;
  directory: Directory;
  config: StoaConfig;
  /** The outbound queue behind /api/v1/queue (only with `{ queue: true }`; no worker runs). */
  queue: QueueService | null;
  /** Mail services over the same store (public folders are mailboxes). */
  mail: MailServices;
  /** Every service, as main.ts builds them. */
  services: Services;
  /** The filter behind /api/v1/filter and /api/v1/me/quarantine. */
  filter: FilterService;
  /** Migration jobs behind /api/v1/migrations, run in this process as main.ts runs them. */
  migrations: { jobs: MigrationJobService; runner: MigrationRunner };
  dir: string;
  /** Log lines the server wrote, parsed. */
  logs: Record<string, unknown>[];
  /** The message trace the live channel forwards (the intake, SMTP and the queue publish to it). */
  trace: Services['trace'];
  /** The change bus the live channel counts deliveries from. */
  bus: Services['bus'];
  metrics: Services['metrics'];
  /** Creates an account (and its domain if needed) with PASSWORD and the given role. */
  seedAccount(address: string, role?: Account['role'], adminDomains?: string[]): Promise<Account>;
  /** A client logged in by session cookie. */
  login(username: string, password?: string): Promise<Client>;
  close(): Promise<void>;
}

export interface Reply<T = any> { status: number; headers: Headers; body: T; text: string }

export class Client {
  readonly base: string;
  cookie: string | null = null;
  bearer: string | null = null;
  /** Sent on unsafe methods when the client authenticates by cookie, as the console does. */
  csrf = true;

  constructor(base: string) { this.base = base; }

  async request<T = any>(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Reply<T>> {
    const h: Record<string, string> = { ...headers };
    if (this.cookie) h.cookie = `stoa_session=${this.cookie}`;
    if (this.bearer) h.authorization = `Bearer ${this.bearer}`;
    if (this.cookie && this.csrf && !['GET', 'HEAD'].includes(method)) h['x-stoa-csrf'] ??= '1';
    let payload: string | undefined;
    if (body !== undefined) {
      payload = typeof body === 'string' ? body : JSON.stringify(body);
      h['content-type'] ??= 'application/json';
    }
    const res = await fetch(this.base + path, { method, headers: h, body: payload });
    const setCookie = res.headers.getSetCookie().find((c) => c.startsWith('stoa_session='));
    if (setCookie) {
      const value = setCookie.slice('stoa_session='.length).split(';')[0];
      this.cookie = value === '' ? null : value;
    }
    const text = await res.text();
    let parsed: unknown = text;
    if (/json/.test(res.headers.get('content-type') ?? '') && text !== '') parsed = JSON.parse(text);
    return { status: res.status, headers: res.headers, body: parsed as T, text };
  }

  get<T = any>(path: string) { return this.request<T>('GET', path); }
  post<T = any>(path: string, body?: unknown) { return this.request<T>('POST', path, body); }
  patch<T = any>(path: string, body?: unknown) { return this.request<T>('PATCH', path, body); }
  put<T = any>(path: string, body?: unknown) { return this.request<T>('PUT', path, body); }
  delete<T = any>(path: string) { return this.request<T>('DELETE', path); }
}

export function testConfig(dir: string, change: (c: StoaConfig) => void = () => {}): StoaConfig {
  const config = defaultConfig();
  config.dataDir = dir;
  config.store.sqlite.path = join(dir, 'stoa.db');
  config.store.blobs.path = join(dir, 'blobs');
  // Small argon2 parameters keep the suite fast; the algorithm is the same.
  config.auth.argon2 = { memoryKiB: 1024, passes: 1, parallelism: 1 };
  config.auth.throttle.ipFreeFailures = 1000;
  config.auth.throttle.accountFreeFailures = 1000;
  config.api.bodyLimitBytes = 64 * 1024;
  config.log.level = 'info';
  // No test reaches public DNS: port 9 (discard) on loopback refuses at once; DNS tests start dnsmasq.
  config.dns.servers = ['127.0.0.1:9'];
  config.dns.timeoutMs = 500;
  change(config);
  return config;
}

export async function startApi(change?: (c: StoaConfig) => void, options: { queue?: boolean } = {}): Promise<Harness> {
  const dir = mkdtempSync(join(tmpdir(), 'stoa-api-'));
  const config = testConfig(dir, change);
  const store = await openSqliteStore({ path: config.store.sqlite.path, blobsPath: config.store.blobs.path });
  const logs: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk, _enc, done) {
      for (const line of String(chunk).split('\n')) if (line) logs.push(JSON.parse(line));
      done();
    },
  });
  const logger = pino({ level: config.log.level }, sink);
  const services = createServices(config, store, logger);
  const { directory, mail, publicFolders } = services;
  const queue = options.queue ? services.queue : null;
  // As main.ts: the job runner over the services' migration jobs and engine (quick heartbeats for the tests).
  const runner = startMigrationRunner({ jobs: services.migrations.jobs, execute: services.migrations.execute, logger, heartbeatMs: 200, maxJobs: 4 });
  const migrations = { jobs: services.migrations.jobs, runner };
  const app = await createHttpServer({
    config, directory, logger, publicFolders, dkim: services.dkim, metrics: services.metrics, health: services.health, sieve: services.sieve,
    filter: services.filter, trace: services.messageTrace, bus: services.bus, system: services.system,
    accountBulk: services.accountBulk, dnsStatus: services.dnsStatus, dav: services.dav, gate: services.connections, migrations,
    ...(queue ? { queue } : {}),
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;

  async function ensureDomain(name: string): Promise<string> {
    try {
      return (await directory.domains.get(SYSTEM, name)).id;
    } catch {
      return (await directory.domains.create(SYSTEM, { name })).id;
    }
  }

  return {
    base, app, store, directory, config, queue, mail, services, filter: services.filter, migrations, dir, logs,
    trace: services.trace, bus: services.bus, metrics: services.metrics,
    async seedAccount(address, role = 'user', adminDomains = []) {
      await ensureDomain(address.split('@')[1]);
      for (const d of adminDomains) await ensureDomain(d);
      const account = await directory.accounts.create(SYSTEM, { address, password: PASSWORD });
      if (role === 'user') return account;
      return directory.accounts.grantRole(SYSTEM, account.id, role === 'domain-admin' ? { role, domains: adminDomains } : { role });
    },
    async login(username, password = PASSWORD) {
      const client = new Client(base);
      const res = await client.post('/api/v1/session', { username, password });
      if (res.status !== 200) throw new Error(`login ${username} failed: ${res.status} ${res.text}`);
      return client;
    },
    async close() {
      await runner.stop();
      await app.close();
      await services.filter.verdicts.flush();
      await store.close().catch(() => {});
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
