// The whole server, as `stoa serve` runs it (startServer: admin API, DAV,
// IMAP, POP3, SMTP submission on free loopback ports, a temporary SQLite
// store), for the directory tests; plus the clients they log in with:
// imapflow, a POP3 line client over TLS, nodemailer, the admin API over
// fetch, and DAV requests with Basic credentials.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { connect as tlsConnect } from 'node:tls';
import { ImapFlow } from 'imapflow';
import nodemailer from 'nodemailer';
import pino from 'pino';
import { defaultConfig } from '../../server/src/config/schema.ts';
import type { StoaConfig } from '../../server/src/config/types.ts';
import { startServer, type RunningServer } from '../../server/src/main.ts';
import type { Logger } from '../../server/src/log/logger.ts';

export const ADMIN_PASSWORD = 'operator secret for ldap tests';

export interface Reply { status: number; body: any }

export class Api {
  readonly base: string;
  cookie: string | null = null;
  constructor(base: string) { this.base = base; }
  async request(method: string, path: string, body?: unknown): Promise<Reply> {
    const headers: Record<string, string> = {};
    if (this.cookie) {
      headers.cookie = `stoa_session=${this.cookie}`;
      headers['x-stoa-csrf'] = '1';
    }
    if (body !== undefined) headers['content-type'] = 'application/json';
    const res = await fetch(this.base + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    const set = res.headers.getSetCookie().find((c) => c.startsWith('stoa_session='));
    if (set) this.cookie = set.slice('stoa_session='.length).split(';')[0] || null;
    const text = await res.text();
    return { status: res.status, body: text && /json/.test(res.headers.get('content-type') ?? '') ? JSON.parse(text) : text };
  }
  get(path: string) { return this.request('GET', path); }
  post(path: string, body?: unknown) { return this.request('POST', path, body); }
  patch(path: string, body?: unknown) { return this.request('PATCH', path, body); }
  put(path: string, body?: unknown) { return this.request('PUT', path, body); }
  delete(path: string) { return this.request('DELETE', path); }
}

export interface Stoa {
  server: RunningServer;
  config: StoaConfig;
  logs: Record<string, any>[];
  admin: Api;
  /** A new API client logged in as `username` (status of the login in `.status`). */
  apiLogin(username: string, password: string): Promise<{ api: Api; status: number; body: any }>;
  imapLogin(username: string, password: string): Promise<{ ok: true; client: ImapFlow } | { ok: false; error: string; response: string }>;
  pop3Login(username: string, password: string): Promise<string>;
  submit(username: string, password: string, to: string): Promise<{ ok: boolean; response: string }>;
  /** A DAV request with Basic credentials (PROPFIND of current-user-principal by default). */
  dav(username: string, password: string, path?: string, depth?: string): Promise<{ status: number; text: string }>;
  close(): Promise<void>;
}

export async function startStoa(tune: (c: StoaConfig) => void = () => {}): Promise<Stoa> {
  const dir = mkdtempSync(join(tmpdir(), 'stoa-ldap-'));
  const config = defaultConfig();
  config.dataDir = dir;
  config.hostname = 'mail.stoa.test';
  config.store.sqlite.path = join(dir, 'stoa.db');
  config.store.blobs.path = join(dir, 'blobs');
  config.directory.secretKeyFile = join(dir, 'keys/directory.key');
  config.auth.argon2 = { memoryKiB: 1024, passes: 1, parallelism: 1 };
  config.auth.throttle.ipFreeFailures = 10_000;
  config.auth.throttle.accountFreeFailures = 10_000;
  // The suites log the same directory users in many times from 127.0.0.1, several at once (the pool test: 8).
  config.imap.maxSessionsPerAccountIp = 100;
  for (const l of ['http', 'smtp', 'submission', 'smtps', 'imap', 'imaps', 'pop3', 'pop3s', 'managesieve'] as const) Object.assign(config.listeners[l], { host: '127.0.0.1', port: 0 });
  config.firstStart = { adminPassword: ADMIN_PASSWORD, adminLogin: 'admin', demo: { enabled: false, domain: 'demo.stoa.test', password: null } };
  config.queue.worker.enabled = false;
  config.directory.scheduler.enabled = false;
  // Basic credentials over plain HTTP from loopback, as the DAV tests allow (never the default).
  config.dav.plaintextAuth = 'loopback';
  config.log.level = 'info';
  tune(config);
  const logs: Record<string, any>[] = [];
  const sink = new Writable({
    write(chunk, _e, done) {
      for (const line of String(chunk).split('\n')) if (line) logs.push(JSON.parse(line));
      done();
    },
  });
  const logger = pino({ level: 'info' }, sink) as unknown as Logger;
  const server = await startServer(config, logger);
  const base = `http://127.0.0.1:${server.http!.port}`;
  const admin = new Api(base);
  const login = await admin.post('/api/v1/session', { username: 'admin', password: ADMIN_PASSWORD });
  if (login.status !== 200) throw new Error(`admin login: ${login.status} ${JSON.stringify(login.body)}`);
  const open: ImapFlow[] = [];
  return {
    server, config, logs, admin,
    async apiLogin(username, password) {
      const api = new Api(base);
      const res = await api.post('/api/v1/session', { username, password });
      return { api, status: res.status, body: res.body };
    },
    async imapLogin(username, password) {
      const client = new ImapFlow({ host: '127.0.0.1', port: server.imaps!.port, secure: true, tls: { rejectUnauthorized: false }, auth: { user: username, pass: password }, logger: false });
      try {
        await client.connect();
        open.push(client);
        return { ok: true, client };
      } catch (err) {
        const e = err as { responseText?: string; serverResponseCode?: string; message: string };
        return { ok: false, error: e.serverResponseCode ?? e.message, response: e.responseText ?? e.message };
      }
    },
    pop3Login: (username, password) => pop3Login(server.pop3s!.port, username, password),
    async dav(username, password, path = '/dav/', depth = '0') {
      const res = await fetch(base + path, {
        method: 'PROPFIND',
        headers: { authorization: `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`, depth, 'content-type': 'application/xml; charset=utf-8' },
        body: '<d:propfind xmlns:d="DAV:"><d:prop><d:current-user-principal/><d:displayname/></d:prop></d:propfind>',
      });
      return { status: res.status, text: await res.text() };
    },
    async submit(username, password, to) {
      const transport = nodemailer.createTransport({ host: '127.0.0.1', port: server.smtp.smtps!.port, secure: true, tls: { rejectUnauthorized: false }, auth: { user: username, pass: password } });
      try {
        const info = await transport.sendMail({ from: username.includes('@') ? username : to, to, subject: 'directory test', text: 'hello' });
        return { ok: true, response: info.response };
      } catch (err) {
        return { ok: false, response: (err as { response?: string; message: string }).response ?? (err as Error).message };
      } finally {
        transport.close();
      }
    },
    async close() {
      for (const c of open) await c.logout().catch(() => c.close());
      await server.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * Starts a directory server and Stoa side by side. Whatever started is
 * handed to `keep` even when the other failed, so the suite's after() stops
 * it: a DC left running would keep the test process alive.
 */
export async function startBoth<D>(directory: Promise<D>, stoa: Promise<Stoa>, keep: (d: D | undefined, s: Stoa | undefined) => void): Promise<void> {
  const [d, s] = await Promise.allSettled([directory, stoa]);
  keep(d.status === 'fulfilled' ? d.value : undefined, s.status === 'fulfilled' ? s.value : undefined);
  if (d.status === 'rejected') throw d.reason;
  if (s.status === 'rejected') throw s.reason;
}

/** USER/PASS over POP3S (RFC 1939 §7); answers the server's reply to PASS. */
function pop3Login(port: number, username: string, password: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = tlsConnect({ host: '127.0.0.1', port, rejectUnauthorized: false });
    const lines: string[] = [];
    let buffer = '';
    const steps = [`USER ${username}\r\n`, `PASS ${password}\r\n`];
    socket.setTimeout(30_000, () => { socket.destroy(); reject(new Error('pop3 timeout')); });
    socket.on('data', (d) => {
      buffer += d;
      let i;
      while ((i = buffer.indexOf('\r\n')) >= 0) {
        lines.push(buffer.slice(0, i));
        buffer = buffer.slice(i + 2);
        const next = steps.shift();
        if (next) socket.write(next);
        else {
          socket.end('QUIT\r\n');
          resolve(lines[lines.length - 1]);
        }
      }
    });
    socket.on('error', reject);
  });
}
