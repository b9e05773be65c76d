// The whole server in this process, as `stoa serve` starts it (main.ts
// startServer): every listener on 127.0.0.1 with a free port, a temporary
// SQLite store, first start with known passwords (admin, and the demo users
// alice@ and bob@demo.stoa.test), and the log captured as parsed JSON lines.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { defaultConfig } from '../../server/src/config/schema.ts';
import type { StoaConfig } from '../../server/src/config/types.ts';
import { createLogger } from '../../server/src/log/logger.ts';
import { startServer, type RunningServer } from '../../server/src/main.ts';

export const ADMIN_PASSWORD = 'admin-password-for-tests';
export const DEMO_PASSWORD = 'demo-password-for-tests';
export const DEMO_DOMAIN = 'demo.stoa.test';

export interface FullServer {
  config: StoaConfig;
  server: RunningServer;
  dir: string;
  /** Every log line so far, parsed. */
  logs: Record<string, unknown>[];
  /** http://127.0.0.1:port */
  httpBase: string;
  port(listener: 'imap' | 'imaps' | 'pop3' | 'pop3s' | 'managesieve' | 'smtp' | 'submission' | 'smtps'): number;
  /** A bearer-less admin session: logs in over the API and returns the cookie header. */
  adminCookie(): Promise<string>;
  close(): Promise<void>;
}

/** `now`: the services' clock (login throttling, sessions, …); the listeners' own timers stay real. */
export async function startFullServer(tune: (config: StoaConfig) => void = () => {}, options: { now?: () => number } = {}): Promise<FullServer> {
  const dir = await mkdtemp(join(tmpdir(), 'stoa-full-'));
  const config = defaultConfig();
  config.dataDir = dir;
  config.hostname = 'mail.example.test';
  config.store.sqlite.path = join(dir, 'stoa.db');
  config.store.blobs.path = join(dir, 'blobs');
  config.auth.argon2 = { memoryKiB: 1024, passes: 1, parallelism: 1 };
  for (const listener of Object.values(config.listeners)) Object.assign(listener, { host: '127.0.0.1', port: 0 });
  for (const l of ['imap', 'pop3', 'managesieve', 'submission'] as const) config.listeners[l].allowPlaintextAuth = true;
  config.firstStart.adminPassword = ADMIN_PASSWORD;
  config.firstStart.demo = { enabled: true, domain: DEMO_DOMAIN, password: DEMO_PASSWORD };
  // Nothing answers here: lookups fail at once, the way an offline test needs.
  config.dns.servers = ['127.0.0.1:9'];
  config.dns.timeoutMs = 200;
  config.queue.worker.enabled = false;
  config.filter.greylist.enabled = false;
  config.log.level = 'info';
  tune(config);
  const logs: Record<string, unknown>[] = [];
  let pending = '';
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      pending += chunk.toString('utf8');
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) if (line) logs.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  const logger = createLogger(config, { destination: sink });
  const server = await startServer(config, logger, options);
  const httpBase = `http://127.0.0.1:${server.http?.port ?? 0}`;
  return {
    config, server, dir, logs, httpBase,
    port(listener) {
      const address = listener === 'smtp' || listener === 'submission' || listener === 'smtps' ? server.smtp[listener] : server[listener];
      if (!address) throw new Error(`${listener} is not listening`);
      return address.port;
    },
    async adminCookie() {
      const res = await fetch(`${httpBase}/api/v1/session`, {
        method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'admin', password: ADMIN_PASSWORD }),
      });
      if (res.status !== 200) throw new Error(`admin login failed: ${res.status} ${await res.text()}`);
      const cookie = res.headers.getSetCookie().find((c) => c.startsWith('stoa_session='));
      return cookie!.split(';')[0];
    },
    async close() {
      await server.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
