// IMAP benchmark: bulk-loads a mailbox through the store's bulk path, then
// times over a real socket SELECT, UID FETCH 1:* (UID FLAGS), FETCH of 100
// full messages and SEARCH TEXT; commands per second for concurrent clients
// with a mixed workload; and the server's RSS with many connections in IDLE
// (opened by a child process). Prints figures; asserts nothing.
// Usage: node test/bench/imap/run.ts [--messages N] [--clients N] [--idle N] [--data-dir DIR]
// --data-dir keeps the loaded store in DIR and reuses it on the next run (the
// 100k load takes minutes); --clients 0 / --idle 0 skip those parts.
import { spawn, spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { defaultConfig } from '../../../server/src/config/schema.ts';
import { systemActor } from '../../../server/src/directory/access.ts';
import { createDirectory } from '../../../server/src/directory/directory.ts';
import { LocalChangeBus } from '../../../server/src/events/local-change-bus.ts';
import { createLogger } from '../../../server/src/log/logger.ts';
import { createMailServices } from '../../../server/src/mail/mail-services.ts';
import { indexMessage } from '../../../server/src/mail/mime/index.ts';
import { startImapListeners } from '../../../server/src/protocols/imap/server.ts';
import { createConnectionGate } from '../../../server/src/operations/connection-gate.ts';
import type { NewMessage } from '../../../server/src/store/mail-port.ts';
import { openStore } from '../../../server/src/store/open-store.ts';
import { loadTlsMaterial } from '../../../server/src/tls/tls-material.ts';
import { systemActor as makeSystemActor } from '../../../server/src/directory/access.ts';
const SYSTEM = makeSystemActor();

const { values } = parseArgs({
  options: {
    messages: { type: 'string', default: '100000' },
    clients: { type: 'string', default: '50' },
    idle: { type: 'string', default: '10000' },
    'idle-child': { type: 'string' },
    port: { type: 'string' },
    'data-dir': { type: 'string' },
  },
});
const PASSWORD = 'bench password 1234567';

/** A minimal IMAP client that only looks at the end of what it reads, so 100k-line answers cost O(n). */
class Client {
  private tail = '';
  private bytes = 0;
  private wake: (() => void) | null = null;
  private n = 0;
  readonly socket: Socket;
  constructor(socket: Socket) {
    this.socket = socket;
    socket.on('data', (d: Buffer) => {
      this.bytes += d.length;
      this.tail = (this.tail + d.toString('latin1')).slice(-4096);
      this.wake?.();
    });
  }
  static async open(port: number): Promise<Client> {
    const socket = connect({ host: '127.0.0.1', port });
    const c = new Client(socket);
    await c.waitFor(/^\* OK|\r\n\* OK/);
    return c;
  }
  private async waitFor(re: RegExp): Promise<string> {
    while (!re.test(this.tail)) await new Promise<void>((r) => { this.wake = r; });
    const t = this.tail;
    this.tail = '';
    return t;
  }
  async cmd(text: string): Promise<{ tail: string; bytes: number }> {
    const tag = `b${++this.n}`;
    this.bytes = 0;
    this.socket.write(`${tag} ${text}\r\n`);
    const tail = await this.waitFor(new RegExp(`${tag} (OK|NO|BAD)[^\\r\\n]*\\r\\n$`));
    if (!new RegExp(`${tag} OK`).test(tail)) throw new Error(`${text}: ${tail.slice(-200)}`);
    return { tail, bytes: this.bytes };
  }
}

async function idleChild(port: number, count: number): Promise<void> {
  const sockets: Client[] = [];
  for (let i = 0; i < count; i += 200) {
    await Promise.all(Array.from({ length: Math.min(200, count - i) }, async () => {
      const c = await Client.open(port);
      await c.cmd(`LOGIN bench@bench.test "${PASSWORD}"`);
      await c.cmd('SELECT Archive');
      c.socket.write('i IDLE\r\n');
      sockets.push(c);
    }));
  }
  process.send!({ ready: sockets.length });
  await new Promise(() => undefined);
}

if (values['idle-child']) {
  await idleChild(Number(values.port), Number(values['idle-child']));
}

// The server and the child each need a descriptor per idle connection: re-run under a raised limit if needed.
const limit = Number(spawnSync('sh', ['-c', 'ulimit -n']).stdout.toString().trim());
const IDLE = Number(values.idle);
if (limit < IDLE + 1024 && !process.env.STOA_BENCH_ULIMIT) {
  const self = fileURLToPath(import.meta.url);
  const child = spawnSync('sh', ['-c', `ulimit -n ${IDLE + 1024} && exec "${process.execPath}" --expose-gc "${self}" ${process.argv.slice(2).map((a) => `'${a}'`).join(' ')}`], {
    stdio: 'inherit', env: { ...process.env, STOA_BENCH_ULIMIT: '1' },
  });
  process.exit(child.status ?? 1);
}

const N = Number(values.messages);
const ms = (t0: number): string => `${(performance.now() - t0).toFixed(0)} ms`;
const keep = values['data-dir'];
const dir = keep ?? await mkdtemp(join(tmpdir(), 'stoa-bench-imap-'));
if (keep) await mkdir(keep, { recursive: true });
const config = defaultConfig();
config.dataDir = dir;
config.store.sqlite.path = join(dir, 'stoa.db');
config.store.blobs.path = join(dir, 'blobs');
config.auth.argon2 = { memoryKiB: 1024, passes: 1, parallelism: 1 };
Object.assign(config.listeners.imap, { host: '127.0.0.1', port: 0, allowPlaintextAuth: true });
config.listeners.imaps.enabled = false;
config.log.level = 'silent';
// The benchmark opens many connections of one account from one address: the caps (docs/security.md) are lifted.
const MANY = IDLE + Number(values.clients) + 100;
config.connections.maxTotal = MANY;
config.imap = { maxConnections: MANY, maxConnectionsPerIp: MANY, maxSessionsPerAccountIp: MANY, preAuthTimeoutSeconds: 3600 };
const logger = createLogger(config);
const store = await openStore(config);
const directory = createDirectory(store, config);
const reused = keep !== undefined && (await directory.domains.list(systemActor(), {})).items.some((d) => d.name === 'bench.test');
if (!reused) await directory.domains.create(systemActor(), { name: 'bench.test' });
const account = reused
  ? await directory.accounts.get(systemActor(), 'bench@bench.test')
  : await directory.accounts.create(systemActor(), { address: 'bench@bench.test', password: PASSWORD });
const bus = new LocalChangeBus();
const mail = createMailServices({ store, bus });
await mail.mailboxes.ensureDefaultMailboxes(SYSTEM, account.id);
const inbox = (await mail.mailboxes.find(SYSTEM, account.id, 'INBOX'))!.mailbox;
const imap = await startImapListeners({
  config, logger, tls: await loadTlsMaterial(config, logger),
  gate: createConnectionGate({ maxTotal: MANY, reserved: 0, logger, openFileLimit: null }),
  services: { auth: directory.auth, accounts: directory.accounts, groups: directory.groups, sharedMailboxes: directory.sharedMailboxes, shareTargets: directory.shareTargets, mailboxes: mail.mailboxes, messages: mail.messages, bus },
});
const port = imap.imap!.port;
const WORDS = ['invoice', 'meeting', 'quarterly', 'report', 'lunch', 'project', 'deadline', 'budget', 'review', 'holiday'];
try {
  console.log(`imap bench: ${N} messages, Node ${process.version}`);
  let t0 = performance.now();
  const BATCH = 10_000;
  for (let start = reused ? N : 0; start < N; start += BATCH) {
    const end = Math.min(N, start + BATCH);
    const items: NewMessage[] = new Array(end - start);
    let next = start;
    // Blob writes are fsynced one by one: run many at once, as concurrent deliveries do.
    await Promise.all(Array.from({ length: 64 }, async () => {
      while (next < end) {
        const i = next++;
        const raw = Buffer.from(`From: s${i % 97}@bench.test\r\nSubject: ${WORDS[i % 10]} ${i}\r\nMessage-ID: <${i}.${randomUUID()}@bench.test>\r\n\r\nticket STOA-${i} about the ${WORDS[(i * 7) % 10]}\r\n`);
        const blob = await store.blobs.put(raw);
        items[i - start] = { blobId: blob.id, index: indexMessage(raw), flags: i % 3 === 0 ? ['\\Seen'] : [], internalDate: new Date(Date.UTC(2026, 0, 1) + i * 1000).toISOString() };
      }
    }));
    await store.messages.append(inbox.id, items, new Date().toISOString());
  }
  console.log(`bulk load                     ${reused ? `reused ${dir}` : ms(t0)}`);

  const c = await Client.open(port);
  await c.cmd(`LOGIN bench@bench.test "${PASSWORD}"`);
  t0 = performance.now();
  await c.cmd('SELECT INBOX');
  console.log(`SELECT                        ${ms(t0)}   (target < 100 ms)`);
  t0 = performance.now();
  const all = await c.cmd('UID FETCH 1:* (UID FLAGS)');
  console.log(`UID FETCH 1:* (UID FLAGS)     ${ms(t0)}   ${(all.bytes / 1e6).toFixed(1)} MB (target < 1 s)`);
  t0 = performance.now();
  await c.cmd(`FETCH ${N - 99}:${N} (BODY.PEEK[])`);
  console.log(`FETCH 100 full messages       ${ms(t0)}`);
  t0 = performance.now();
  await c.cmd('UID SEARCH TEXT "STOA-4242"');
  console.log(`SEARCH TEXT                   ${ms(t0)}   (target < 200 ms)`);
  t0 = performance.now();
  await c.cmd('UID SEARCH TEXT quarterly');
  console.log(`SEARCH TEXT (common word)     ${ms(t0)}`);

  // A second SELECT: the first pays for cold caches.
  t0 = performance.now();
  await c.cmd('SELECT INBOX');
  console.log(`SELECT (again)                ${ms(t0)}`);

  const CLIENTS = Number(values.clients);
  const clients = await Promise.all(Array.from({ length: CLIENTS }, async () => {
    const k = await Client.open(port);
    await k.cmd(`LOGIN bench@bench.test "${PASSWORD}"`);
    await k.cmd('SELECT INBOX');
    return k;
  }));
  const until = performance.now() + (CLIENTS > 0 ? 5000 : 0);
  let commands = 0;
  await Promise.all(clients.map(async (k, i) => {
    let j = i;
    while (performance.now() < until) {
      const uid = 1 + ((j * 7919) % N);
      switch (j++ % 5) {
        case 0: await k.cmd('NOOP'); break;
        case 1: await k.cmd(`UID FETCH ${uid}:${uid + 20} (UID FLAGS ENVELOPE)`); break;
        case 2: await k.cmd(`UID STORE ${uid} +FLAGS.SILENT (\\Flagged)`); break;
        case 3: await k.cmd(`UID FETCH ${uid} (BODY.PEEK[])`); break;
        case 4: await k.cmd(`STATUS Archive (MESSAGES UNSEEN)`); break;
      }
      commands++;
    }
  }));
  if (CLIENTS > 0) console.log(`mixed workload, ${CLIENTS} clients   ${(commands / 5).toFixed(0)} commands/s`);
  for (const k of clients) k.socket.destroy();

  // The idle sessions select a small mailbox: the figure is per-connection memory, not the big mailbox.
  if (IDLE > 0) await idleFigure();
} finally {
  await imap.close();
  await store.close();
  if (!keep) await rm(dir, { recursive: true, force: true });
}

async function idleFigure(): Promise<void> {
  (globalThis as { gc?: () => void }).gc?.();
  await new Promise((r) => setTimeout(r, 500));
  const before = process.memoryUsage().rss;
  const child = spawn(process.execPath, [fileURLToPath(import.meta.url), '--idle-child', String(IDLE), '--port', String(port)], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const t0 = performance.now();
  const ready = await new Promise<number>((resolve, reject) => {
    child.once('message', (m: { ready: number }) => resolve(m.ready));
    child.once('exit', (code) => reject(new Error(`idle child exited ${code}`)));
  });
  (globalThis as { gc?: () => void }).gc?.();
  await new Promise((r) => setTimeout(r, 1000));
  const after = process.memoryUsage().rss;
  console.log(`${ready} IDLE connections        opened in ${ms(t0)}; server RSS ${(after / 1e6).toFixed(0)} MB (+${((after - before) / 1e6).toFixed(0)} MB, ${((after - before) / ready / 1024).toFixed(1)} KiB each; target < 500 MB)`);
  child.kill();
}
