// A real ManageSieve server on loopback: SQLite store in a temporary folder,
// the real directory and Sieve service, self-signed TLS material, the
// listener on a free port. Tests talk to it with sieve-connect, Python's
// sievelib and raw sockets.
import { mkdtemp, rm } from 'node:fs/promises';
import { connect as netConnect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect as tlsConnect, type TLSSocket } from 'node:tls';
import { defaultConfig } from '../../server/src/config/schema.ts';
import type { StoaConfig } from '../../server/src/config/types.ts';
import { systemActor } from '../../server/src/directory/access.ts';
import type { Directory } from '../../server/src/directory/api.ts';
import { createDirectory } from '../../server/src/directory/directory.ts';
import { createConnectionGate } from '../../server/src/operations/connection-gate.ts';
import { createLogger } from '../../server/src/log/logger.ts';
import { startManageSieve, type ManageSieveListener } from '../../server/src/protocols/managesieve/server.ts';
import { createSieveService, type SieveService } from '../../server/src/sieve/sieve-service.ts';
import { openSqliteStore } from '../../server/src/store/open-store.ts';
import type { Store } from '../../server/src/store/port.ts';
import { loadTlsMaterial, secureContext } from '../../server/src/tls/tls-material.ts';
import type { Account } from '../../shared/src/schemas/directory.ts';

export const PASSWORD = 'tulip-harbour-92';

export interface SieveHarness {
  store: Store;
  config: StoaConfig;
  directory: Directory;
  sieve: SieveService;
  listener: ManageSieveListener;
  port: number;
  alice: Account;
  bob: Account;
  close(): Promise<void>;
}

export async function openSieveHarness(tune: (config: StoaConfig) => void = () => {}): Promise<SieveHarness> {
  const dir = await mkdtemp(join(tmpdir(), 'stoa-managesieve-'));
  const store = await openSqliteStore({ path: join(dir, 'stoa.db'), blobsPath: join(dir, 'blobs') });
  const config = defaultConfig();
  config.dataDir = dir;
  config.hostname = 'sieve.stoa.test';
  config.auth.argon2 = { memoryKiB: 1024, passes: 1, parallelism: 1 };
  config.auth.throttle.ipFreeFailures = 1000;
  config.auth.throttle.accountFreeFailures = 1000;
  config.listeners.managesieve = { enabled: true, host: '127.0.0.1', port: 0, allowPlaintextAuth: false };
  config.log.level = 'silent';
  tune(config);
  const logger = createLogger(config);
  const directory = createDirectory(store, config);
  const system = systemActor();
  await directory.domains.create(system, { name: 'sieve.example' });
  const alice = await directory.accounts.create(system, { address: 'alice@sieve.example', password: PASSWORD });
  const bob = await directory.accounts.create(system, { address: 'bob@sieve.example', password: PASSWORD });
  const sieve = createSieveService({ store, directory, settings: config.sieve });
  const tls = await loadTlsMaterial(config, logger);
  const listener = await startManageSieve({
    config, logger, secureContext: secureContext(tls, config.tls), services: { auth: directory.auth, sieve },
    gate: createConnectionGate({ maxTotal: config.connections.maxTotal, reserved: 0, logger }),
  });
  return {
    store, config, directory, sieve, listener, alice, bob, port: listener.address!.port,
    async close() {
      await listener.close();
      await store.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** A raw client: send bytes, read until a final OK/NO/BYE line. */
export class RawSieveClient {
  socket: Socket | TLSSocket;
  buffer = '';
  #waiters: (() => void)[] = [];

  constructor(socket: Socket | TLSSocket) {
    this.socket = socket;
    this.attach(socket);
  }

  private attach(socket: Socket | TLSSocket): void {
    socket.setEncoding('utf8');
    socket.on('data', (d: string) => { this.buffer += d; this.#waiters.splice(0).forEach((w) => w()); });
    socket.on('close', () => this.#waiters.splice(0).forEach((w) => w()));
    socket.on('error', () => {});
  }

  static async open(port: number): Promise<RawSieveClient> {
    const socket = netConnect({ port, host: '127.0.0.1' });
    await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
    return new RawSieveClient(socket);
  }

  /** Everything up to and including the next line starting with OK, NO or BYE (literals skipped over). */
  async response(): Promise<string> {
    for (;;) {
      const m = /(^|\r\n)(OK|NO|BYE)\b[^\r\n]*\r\n/.exec(this.buffer);
      if (m) {
        const end = m.index + m[0].length;
        const out = this.buffer.slice(0, end);
        this.buffer = this.buffer.slice(end);
        return out;
      }
      if (this.socket.destroyed || this.socket.readableEnded) throw new Error(`connection closed; buffer: ${JSON.stringify(this.buffer)}`);
      await new Promise<void>((resolve) => this.#waiters.push(resolve));
    }
  }

  async command(line: string | Buffer): Promise<string> {
    this.socket.write(typeof line === 'string' ? `${line}\r\n` : line);
    return this.response();
  }

  async starttls(): Promise<string> {
    const ok = await this.command('STARTTLS');
    if (!ok.startsWith('OK')) return ok;
    this.socket.removeAllListeners('data');
    const tls = tlsConnect({ socket: this.socket as Socket, rejectUnauthorized: false });
    await new Promise<void>((resolve, reject) => tls.once('secureConnect', resolve).once('error', reject));
    this.socket = tls;
    this.attach(tls);
    return this.response();
  }

  async login(user: string, password = PASSWORD): Promise<string> {
    return this.command(`AUTHENTICATE "PLAIN" "${Buffer.from(`\0${user}\0${password}`).toString('base64')}"`);
  }

  close(): void {
    this.socket.destroy();
  }
}
