// One whole Stoa server started in this process the way `stoa serve` starts
// it (main.ts startServer: composition root, first start, every listener on
// free loopback ports, a temporary data directory), for end-to-end tests that
// drive it with real clients: the admin API over HTTP, IMAP, POP3 and SMTP.
// A second store handle on the same database (as the CLI opens one next to
// a running server) reads what no API shows, such as queued message bytes.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import nodemailer, { type Transporter } from 'nodemailer';
import { defaultConfig } from '../../server/src/config/schema.ts';
import type { StoaConfig } from '../../server/src/config/types.ts';
import { systemActor } from '../../server/src/directory/access.ts';
import { createLogger } from '../../server/src/log/logger.ts';
import { startServer, type RunningServer } from '../../server/src/main.ts';
import { openStore } from '../../server/src/store/open-store.ts';
import type { Store } from '../../server/src/store/port.ts';
import { Client } from '../api/harness.ts';

export const ADMIN_PASSWORD = 'lantern-orchard-2093';
export const PASSWORD = 'quartz-meadow-4711';

export interface InProcessStoa {
  config: StoaConfig;
  server: RunningServer;
  /** A second handle on the server's database, for reads no API offers. */
  store: Store;
  base: string;
  ports: { http: number; imap: number; pop3: number; smtp: number; submission: number };
  /** The operator created at first start, logged in to the admin API. */
  admin: Client;
  /** An API client logged in as `username`. */
  login(username: string, password?: string): Promise<Client>;
  /** Queued outbound messages with their raw bytes, oldest first. */
  queued(): Promise<Array<{ id: string; sender: string; raw: string }>>;
  /** nodemailer over submission (STARTTLS + AUTH) as `user`. */
  submission(user: string, password?: string): Transporter;
  /** nodemailer over the MX listener, as a server from outside. */
  mx(): Transporter;
  close(): Promise<void>;
}

export async function startInProcess(tune: (config: StoaConfig) => void = () => {}): Promise<InProcessStoa> {
  const dir = await mkdtemp(join(tmpdir(), 'stoa-e2e-'));
  const config = defaultConfig();
  config.dataDir = dir;
  config.hostname = 'mail.example.test';
  config.store.sqlite.path = join(dir, 'stoa.db');
  config.store.blobs.path = join(dir, 'blobs');
  config.auth.argon2 = { memoryKiB: 1024, passes: 1, parallelism: 1 };
  config.auth.throttle.ipFreeFailures = 1000;
  config.auth.throttle.accountFreeFailures = 1000;
  for (const l of ['http', 'imap', 'pop3', 'smtp', 'submission', 'managesieve'] as const) Object.assign(config.listeners[l], { host: '127.0.0.1', port: 0 });
  for (const l of ['imaps', 'pop3s', 'smtps'] as const) config.listeners[l].enabled = false;
  config.listeners.imap.allowPlaintextAuth = true;
  config.listeners.pop3.allowPlaintextAuth = true;
  config.firstStart.adminPassword = ADMIN_PASSWORD;
  config.firstStart.demo.enabled = false;
  // Outbound mail stays queued for the test to read; nothing answers DNS (SPF/DKIM/DMARC temperror at once).
  config.queue.worker.enabled = false;
  config.dns.servers = ['127.0.0.1:9'];
  config.dns.timeoutMs = 200;
  config.filter.greylist.enabled = false;
  config.log.level = 'silent';
  tune(config);
  const server = await startServer(config, createLogger(config));
  const store = await openStore(config);
  const base = `http://127.0.0.1:${server.http!.port}`;
  const login = async (username: string, password = PASSWORD): Promise<Client> => {
    const client = new Client(base);
    const res = await client.post('/api/v1/session', { username, password });
    if (res.status !== 200 && res.status !== 201) throw new Error(`login ${username}: ${res.status} ${res.text}`);
    return client;
  };
  const admin = await login('admin', ADMIN_PASSWORD);
  const transports: Transporter[] = [];
  const ports = {
    http: server.http!.port, imap: server.imap!.port, pop3: server.pop3!.port,
    smtp: server.smtp.smtp!.port, submission: server.smtp.submission!.port,
  };
  return {
    config, server, store, base, ports, admin, login,
    async queued() {
      const page = await server.queue.list(systemActor(), { includeCompleted: true }, 0, 1000);
      const out = [];
      for (const item of page.items.reverse()) out.push({ id: item.id, sender: item.sender, raw: (await store.blobs.read(item.blobId)).toString('utf8') });
      return out;
    },
    submission(user, password = PASSWORD) {
      const t = nodemailer.createTransport({
        host: '127.0.0.1', port: ports.submission, secure: false, requireTLS: true, tls: { rejectUnauthorized: false },
        auth: { user, pass: password }, name: 'client.example.test',
      });
      transports.push(t);
      return t;
    },
    mx() {
      const t = nodemailer.createTransport({ host: '127.0.0.1', port: ports.smtp, secure: false, ignoreTLS: true, name: 'mx.outside.test' });
      transports.push(t);
      return t;
    },
    async close() {
      for (const t of transports) t.close();
      await store.close();
      await server.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
