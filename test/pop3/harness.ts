// A real POP3 server on loopback: SQLite store in a temporary folder, the
// real directory, mail services and TLS material (self-signed), listeners on
// free ports. Tests talk to it with real clients (Python poplib, curl) and
// with raw sockets.
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { connect as netConnect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect as tlsConnect } from 'node:tls';
import { defaultConfig } from '../../server/src/config/schema.ts';
import type { StoaConfig } from '../../server/src/config/types.ts';
import { systemActor } from '../../server/src/directory/access.ts';
import type { Account } from '../../shared/src/schemas/directory.ts';
import type { Directory } from '../../server/src/directory/api.ts';
import { createDirectory } from '../../server/src/directory/directory.ts';
import { LocalChangeBus } from '../../server/src/events/local-change-bus.ts';
import { createLogger } from '../../server/src/log/logger.ts';
import { createMailServices, type MailServices } from '../../server/src/mail/mail-services.ts';
import { createConnectionGate } from '../../server/src/operations/connection-gate.ts';
import { startPop3, type Pop3Listeners } from '../../server/src/protocols/pop3/server.ts';
import { openSqliteStore } from '../../server/src/store/open-store.ts';
import type { Store } from '../../server/src/store/port.ts';
import { loadTlsMaterial, secureContext, tlsServerOptions } from '../../server/src/tls/tls-material.ts';
import { systemActor as makeSystemActor } from '../../server/src/directory/access.ts';
const SYSTEM = makeSystemActor();

export const PASSWORD = 'tulip-harbour-92';

export interface Pop3Harness {
  store: Store;
  config: StoaConfig;
  mail: MailServices;
  listeners: Pop3Listeners;
  port: number;
  tlsPort: number;
  alice: Account;
  bob: Account;
  /** The server operator (no domain, no mailbox), with PASSWORD. */
  admin: Account;
  directory: Directory;
  /** Moves the clock the POP3 listeners see (tests of the periodic login check). */
  advance(ms: number): void;
  inboxOf(account: Account): Promise<string>;
  append(account: Account, message: Buffer | string): Promise<number>;
  close(): Promise<void>;
}

export async function openPop3Harness(tune: (config: StoaConfig) => void = () => {}): Promise<Pop3Harness> {
  const dir = await mkdtemp(join(tmpdir(), 'stoa-pop3-'));
  const store = await openSqliteStore({ path: join(dir, 'stoa.db'), blobsPath: join(dir, 'blobs') });
  const config = defaultConfig();
  config.dataDir = dir;
  config.hostname = 'pop3.stoa.test';
  config.auth.argon2 = { memoryKiB: 1024, passes: 1, parallelism: 1 };
  config.listeners.pop3 = { enabled: true, host: '127.0.0.1', port: 0, allowPlaintextAuth: false };
  config.listeners.pop3s = { enabled: true, host: '127.0.0.1', port: 0 };
  config.log.level = 'silent';
  tune(config);
  const logger = createLogger(config);
  const bus = new LocalChangeBus();
  const directory = createDirectory(store, config, { bus });
  const system = systemActor();
  const admin = await directory.operators.create(system, { login: 'admin', password: PASSWORD });
  const actor = directory.actorFor(admin, '127.0.0.1');
  await directory.domains.create(actor, { name: 'pop.example' });
  const alice = await directory.accounts.create(actor, { address: 'alice@pop.example', password: PASSWORD, displayName: 'Alice' });
  const bob = await directory.accounts.create(actor, { address: 'bob@pop.example', password: PASSWORD });
  const mail = createMailServices({ store, bus });
  const tls = await loadTlsMaterial(config, logger);
  let clock = Date.now();
  const listeners = await startPop3({
    now: () => clock,
    config, auth: directory.auth, mailboxes: mail.mailboxes, messages: mail.messages, maildrops: mail.maildrops, bus, logger,
    tls: { options: tlsServerOptions(tls, config.tls), context: secureContext(tls, config.tls) }, gate: createConnectionGate({ maxTotal: config.connections.maxTotal, reserved: 0, logger }),
  });
  const inboxOf = async (account: Account): Promise<string> =>
    ((await mail.mailboxes.find(SYSTEM, account.id, 'INBOX'))?.mailbox ?? (await mail.mailboxes.ensureDefaultMailboxes(SYSTEM, account.id)).find((m) => m.name === 'INBOX')!).id;
  return {
    store, config, mail, listeners, alice, bob, admin, directory, inboxOf,
    advance(ms) { clock += ms; },
    port: listeners.pop3!.port,
    tlsPort: listeners.pop3s!.port,
    async append(account, message) {
      const result = await mail.messages.append(SYSTEM, await inboxOf(account), { source: Buffer.from(message) });
      return result.uids[0];
    },
    async close() {
      await listeners.close();
      await store.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** A line-oriented raw client for exact protocol checks. */
export class RawClient {
  socket: Socket;
  #buffer = '';
  #waiters: (() => void)[] = [];

  constructor(socket: Socket) {
    this.socket = socket;
    socket.setEncoding('latin1');
    socket.on('data', (d: string) => { this.#buffer += d; this.#waiters.splice(0).forEach((w) => w()); });
    socket.on('close', () => this.#waiters.splice(0).forEach((w) => w()));
  }

  static async open(port: number, secure = false): Promise<RawClient> {
    const socket = secure
      ? tlsConnect({ port, host: '127.0.0.1', rejectUnauthorized: false })
      : netConnect({ port, host: '127.0.0.1' });
    await new Promise<void>((resolve, reject) => socket.once(secure ? 'secureConnect' : 'connect', resolve).once('error', reject));
    const client = new RawClient(socket);
    await client.line();
    return client;
  }

  /** Waits until `done(buffer)` says where the response ends; returns it. */
  async #read(end: (buffer: string) => number): Promise<string> {
    for (;;) {
      const at = end(this.#buffer);
      if (at >= 0) {
        const out = this.#buffer.slice(0, at);
        this.#buffer = this.#buffer.slice(at);
        return out;
      }
      if (this.socket.destroyed || this.socket.readableEnded) throw new Error(`connection closed; pending: ${JSON.stringify(this.#buffer)}`);
      await new Promise<void>((resolve) => this.#waiters.push(resolve));
    }
  }

  line(): Promise<string> {
    return this.#read((b) => { const i = b.indexOf('\r\n'); return i < 0 ? -1 : i + 2; });
  }

  multi(): Promise<string> {
    return this.#read((b) => {
      if (b.startsWith('-ERR')) { const i = b.indexOf('\r\n'); return i < 0 ? -1 : i + 2; }
      const i = b.indexOf('\r\n.\r\n');
      return i < 0 ? -1 : i + 5;
    });
  }

  async send(command: string): Promise<string> {
    this.socket.write(`${command}\r\n`);
    return this.line();
  }

  async sendMulti(command: string): Promise<string> {
    this.socket.write(`${command}\r\n`);
    return this.multi();
  }

  /** Resolves once the server has closed the connection. */
  closed(): Promise<void> {
    return new Promise((resolve) => { if (this.socket.destroyed || this.socket.readableEnded) resolve(); else this.socket.once('close', () => resolve()); this.socket.resume(); });
  }

  end(): void {
    this.socket.destroy();
  }
}

/** Runs a program to completion; stdin optional. */
export function run(cmd: string, args: string[], input?: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('latin1').on('data', (d: string) => { stdout += d; });
    child.stderr.setEncoding('utf8').on('data', (d: string) => { stderr += d; });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(input ?? '');
  });
}
