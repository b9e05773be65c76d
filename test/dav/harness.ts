// A real Stoa HTTP listener with the DAV front end over a temporary SQLite
// store, every service built by the server's composition root (services.ts)
// as main.ts does, plus a small DAV client (fetch with Basic).
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { defaultConfig } from '../../server/src/config/schema.ts';
import type { StoaConfig } from '../../server/src/config/types.ts';
import { systemActor } from '../../server/src/directory/access.ts';
import type { Directory } from '../../server/src/directory/api.ts';
import { createLogger } from '../../server/src/log/logger.ts';
import { createHttpServer } from '../../server/src/protocols/http/server.ts';
import { createServices, type DavServiceSet, type Services } from '../../server/src/services.ts';
import { openStore } from '../../server/src/store/open-store.ts';
import type { Store } from '../../server/src/store/port.ts';
import type { Account } from '../../shared/src/schemas/directory.ts';

export const PASSWORD = 'correct horse battery staple 42';
export const DOMAIN = 'example.test';

export interface DavReply { status: number; headers: Headers; text: string }

export class DavClient {
  readonly base: string;
  readonly user: string;
  readonly password: string;
  constructor(base: string, user: string, password = PASSWORD) {
    this.base = base;
    this.user = user;
    this.password = password;
  }

  async request(method: string, path: string, body?: string, headers: Record<string, string> = {}): Promise<DavReply> {
    const h: Record<string, string> = { authorization: `Basic ${Buffer.from(`${this.user}:${this.password}`).toString('base64')}`, ...headers };
    if (body !== undefined && !Object.keys(h).some((k) => k.toLowerCase() === 'content-type')) h['content-type'] = 'application/xml; charset=utf-8';
    const res = await fetch(this.base + path, { method, headers: h, body, redirect: 'manual' });
    return { status: res.status, headers: res.headers, text: await res.text() };
  }

  propfind(path: string, body: string, depth = '0') { return this.request('PROPFIND', path, body, { depth }); }
  report(path: string, body: string, depth = '1') { return this.request('REPORT', path, body, { depth }); }
  put(path: string, body: string, headers: Record<string, string> = {}) { return this.request('PUT', path, body, { 'content-type': 'text/calendar; charset=utf-8', ...headers }); }
  get(path: string, headers: Record<string, string> = {}) { return this.request('GET', path, undefined, headers); }
  delete(path: string, headers: Record<string, string> = {}) { return this.request('DELETE', path, undefined, headers); }
}

export interface DavHarness {
  base: string;
  host: string;
  port: number;
  config: StoaConfig;
  store: Store;
  directory: Directory;
  /** The DAV services (services.dav). */
  services: DavServiceSet;
  /** Every service of the process. */
  all: Services;
  app: FastifyInstance;
  /**
   * iMIP messages in the outbound queue, oldest first (the queue's worker
   * does not run: mail to the outside world cannot leave this machine).
   */
  imip(): Promise<QueuedImip[]>;
  user(local: string, extra?: { quotaBytes?: number }): Promise<Account>;
  client(local: string, password?: string): DavClient;
  close(): Promise<void>;
}

export interface QueuedImip {
  sender: string;
  to: string[];
  method: string;
  /** The text/calendar part, decoded. */
  ics: string;
  /** The message as queued (DKIM-Signature first). */
  raw: string;
}

/** The base64 text/calendar part of a message built by calendar/imip-outbound.ts. */
function calendarPart(raw: string): { method: string; ics: string } {
  const m = /Content-Type: text\/calendar;[^\r\n]*method=([A-Z]+)\r\nContent-Transfer-Encoding: base64\r\n\r\n([A-Za-z0-9+/=\r\n]+?)\r\n--/.exec(raw);
  return m ? { method: m[1], ics: Buffer.from(m[2].replace(/\r\n/g, ''), 'base64').toString('utf8') } : { method: '', ics: '' };
}

export async function openDavHarness(tune: (c: StoaConfig) => void = () => {}): Promise<DavHarness> {
  const dir = await mkdtemp(join(tmpdir(), 'stoa-dav-'));
  const config = defaultConfig();
  config.dataDir = dir;
  config.hostname = 'dav.example.test';
  config.store.sqlite.path = join(dir, 'stoa.db');
  config.store.blobs.path = join(dir, 'blobs');
  config.auth.argon2 = { memoryKiB: 1024, passes: 1, parallelism: 1 };
  config.auth.throttle.ipFreeFailures = 1000;
  config.auth.throttle.accountFreeFailures = 1000;
  // Tests talk plain HTTP on loopback, which this setting allows (never the default).
  config.dav.plaintextAuth = 'loopback';
  config.log.level = 'silent';
  // Nothing answers here: DNS lookups fail at once, as an offline test needs.
  config.dns.servers = ['127.0.0.1:9'];
  config.dns.timeoutMs = 200;
  tune(config);
  const store = await openStore(config);
  const logger = createLogger(config);
  const all = createServices(config, store, logger, { defaultMetrics: false });
  const { directory } = all;
  await directory.domains.create(systemActor(), { name: DOMAIN });
  const app = await createHttpServer({
    config, logger, directory, metrics: all.metrics, dkim: all.dkim, health: all.health, dav: all.dav, bus: all.bus, gate: all.connections,
    trace: all.messageTrace, system: all.system, accountBulk: all.accountBulk, dnsStatus: all.dnsStatus,
  });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const port = (app.server.address() as AddressInfo).port;
  const base = `http://127.0.0.1:${port}`;
  return {
    base, host: '127.0.0.1', port, config, store, directory, services: all.dav, all, app,
    async imip() {
      const system = systemActor();
      const page = await all.queue.list(system, { includeCompleted: true }, 0, 1000);
      const out: QueuedImip[] = [];
      for (const item of page.items.reverse()) {
        const detail = await all.queue.inspect(system, item.id);
        const raw = (await store.blobs.read(item.blobId)).toString('utf8');
        out.push({ sender: item.sender, to: detail.recipients.map((r) => r.address), raw, ...calendarPart(raw) });
      }
      return out;
    },
    user: (local, extra = {}) => directory.accounts.create(systemActor(), { address: `${local}@${DOMAIN}`, password: PASSWORD, ...extra }),
    client: (local, password) => new DavClient(base, `${local}@${DOMAIN}`, password),
    async close() {
      await app.close();
      await all.filter.verdicts.flush();
      await all.junkTraining.stop();
      await store.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

export function event(uid: string, start: string, extra = '', end?: string): string {
  return [
    'BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//Stoa tests//EN', 'BEGIN:VEVENT', `UID:${uid}`, 'DTSTAMP:20260101T000000Z',
    `DTSTART:${start}`, `DTEND:${end ?? start.replace(/T(\d\d)/, (_m, h: string) => `T${String(Number(h) + 1).padStart(2, '0')}`)}`, `SUMMARY:Event ${uid}`,
    ...(extra ? extra.split('\n') : []), 'END:VEVENT', 'END:VCALENDAR', '',
  ].join('\r\n');
}

export function task(uid: string, extra = ''): string {
  return ['BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//Stoa tests//EN', 'BEGIN:VTODO', `UID:${uid}`, 'DTSTAMP:20260101T000000Z', `SUMMARY:Task ${uid}`, ...(extra ? extra.split('\n') : []), 'END:VTODO', 'END:VCALENDAR', ''].join('\r\n');
}

export function vcard(uid: string, fn: string, version: '3.0' | '4.0' = '3.0', extra = ''): string {
  return ['BEGIN:VCARD', `VERSION:${version}`, `UID:${uid}`, `FN:${fn}`, `N:${fn.split(' ').reverse().join(';')};;;`, ...(extra ? extra.split('\n') : []), 'END:VCARD', ''].join('\r\n');
}
