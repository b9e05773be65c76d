// A real IMAP server on free loopback ports over a temporary SQLite store,
// with every service built by the server's own composition root; plus a raw
// line client for byte-level tests. No component is mocked.
import { mkdtemp, rm } from 'node:fs/promises';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ImapFlow } from 'imapflow';
import { defaultConfig } from '../../server/src/config/schema.ts';
import type { StoaConfig } from '../../server/src/config/types.ts';
import { systemActor } from '../../server/src/directory/access.ts';
import type { Directory } from '../../server/src/directory/api.ts';
import type { ChangeBus } from '../../server/src/events/change-bus.ts';
import { createLogger } from '../../server/src/log/logger.ts';
import type { MailServices } from '../../server/src/mail/mail-services.ts';
import { createServices, type Services } from '../../server/src/services.ts';
import { startImapListeners, type ImapListeners } from '../../server/src/protocols/imap/server.ts';
import { openStore } from '../../server/src/store/open-store.ts';
import type { Store } from '../../server/src/store/port.ts';
import { loadTlsMaterial } from '../../server/src/tls/tls-material.ts';
import type { Account } from '../../shared/src/schemas/directory.ts';

export const PASSWORD = 'correct horse battery staple 42';

export interface ImapHarness {
  config: StoaConfig;
  store: Store;
  directory: Directory;
  mail: MailServices;
  bus: ChangeBus;
  services: Services;
  imap: ImapListeners;
  port: number;
  tlsPort: number;
  user(local: string, extra?: { quotaBytes?: number; quotaMessages?: number }): Promise<Account>;
  /** An imapflow client logged in as `address` (plaintext on loopback, which the harness allows). */
  client(address: string, options?: Record<string, unknown>): Promise<ImapFlow>;
  raw(): Promise<RawClient>;
  /** Moves the clock the IMAP listeners see (tests of the periodic login check). */
  advance(ms: number): void;
  close(): Promise<void>;
}

export async function openImapHarness(tune: (config: StoaConfig) => void = () => {}): Promise<ImapHarness> {
  const dir = await mkdtemp(join(tmpdir(), 'stoa-imap-'));
  const config = defaultConfig();
  config.dataDir = dir;
  config.hostname = 'imap.example.test';
  config.store.sqlite.path = join(dir, 'stoa.db');
  config.store.blobs.path = join(dir, 'blobs');
  config.auth.argon2 = { memoryKiB: 1024, passes: 1, parallelism: 1 };
  Object.assign(config.listeners.imap, { host: '127.0.0.1', port: 0, allowPlaintextAuth: true });
  Object.assign(config.listeners.imaps, { host: '127.0.0.1', port: 0 });
  config.log.level = 'silent';
  // Many tests open many sessions of one account from 127.0.0.1; the caps have their own test (test/e2e/connection-limits.test.ts).
  Object.assign(config.imap, { maxConnectionsPerIp: 1000, maxSessionsPerAccountIp: 1000 });
  tune(config);
  const logger = createLogger(config);
  const store = await openStore(config);
  const services = createServices(config, store, logger, { defaultMetrics: false });
  const { directory, mail, bus } = services;
  await directory.domains.create(systemActor(), { name: 'example.test' });
  const tls = await loadTlsMaterial(config, logger);
  let clock = Date.now();
  const imap = await startImapListeners({
    config, tls, logger, now: () => clock, gate: services.connections,
    services: { auth: directory.auth, accounts: directory.accounts, groups: directory.groups, sharedMailboxes: directory.sharedMailboxes, shareTargets: directory.shareTargets, mailboxes: mail.mailboxes, messages: mail.messages, bus },
  });
  const clients: ImapFlow[] = [];
  const raws: RawClient[] = [];
  const port = imap.imap?.port ?? 0;
  return {
    config, store, directory, mail, bus, services, imap, port, tlsPort: imap.imaps?.port ?? 0,
    advance(ms) { clock += ms; },
    async user(local, extra = {}) {
      return directory.accounts.create(systemActor(), { address: `${local}@example.test`, password: PASSWORD, ...extra });
    },
    async client(address, options = {}) {
      const client = new ImapFlow({
        host: '127.0.0.1', port, secure: false, doSTARTTLS: false, auth: { user: address, pass: PASSWORD },
        logger: false, qresync: false, ...options,
      });
      await client.connect();
      clients.push(client);
      return client;
    },
    async raw() {
      const client = await RawClient.connect(port);
      raws.push(client);
      return client;
    },
    async close() {
      for (const c of clients) c.close();
      for (const r of raws) r.close();
      await imap.close();
      await store.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** Line-level IMAP client: send bytes, read until a tagged completion. */
export class RawClient {
  readonly socket: Socket;
  private buffer = '';
  private waiters: Array<() => void> = [];
  private ended = false;
  private tagCounter = 0;

  private constructor(socket: Socket) {
    this.socket = socket;
    socket.setEncoding('latin1');
    socket.on('data', (data: string) => {
      this.buffer += data;
      for (const w of this.waiters.splice(0)) w();
    });
    socket.on('close', () => {
      this.ended = true;
      for (const w of this.waiters.splice(0)) w();
    });
    socket.on('error', () => undefined);
  }

  static async connect(port: number): Promise<RawClient> {
    const socket = connect({ host: '127.0.0.1', port });
    await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
    const client = new RawClient(socket);
    await client.until((text) => text.includes('\r\n'));
    client.buffer = '';
    return client;
  }

  get closed(): boolean {
    return this.ended;
  }

  /** Waits until `done(buffer)` holds (or the socket closes), then returns and clears the buffer. */
  async until(done: (text: string) => boolean, timeoutMs = 5000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    while (!done(this.buffer)) {
      if (this.ended) break;
      if (Date.now() > deadline) throw new Error(`timeout; got ${JSON.stringify(this.buffer.slice(-500))}`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, 50);
        this.waiters.push(() => { clearTimeout(t); resolve(); });
      });
    }
    const text = this.buffer;
    this.buffer = '';
    return text;
  }

  write(data: string | Buffer): void {
    this.socket.write(data);
  }

  /** Sends "<tag> <command>" and returns everything up to the tagged completion. */
  async command(command: string, tag = `T${++this.tagCounter}`): Promise<string> {
    this.write(`${tag} ${command}\r\n`);
    const re = new RegExp(`(^|\\r\\n)${tag} (OK|NO|BAD)[^\\r\\n]*\\r\\n`);
    return this.until((text) => re.test(text));
  }

  close(): void {
    this.socket.destroy();
  }
}
