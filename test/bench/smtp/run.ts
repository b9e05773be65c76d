// SMTP intake benchmark: messages per second accepted over the MX listener
// of a real `stoa serve` (SQLite store, temp data dir) and durably delivered
// (250 is sent only after the blob is fsynced and the transaction committed),
// for 1 KiB, 100 KiB and 5 MiB messages at 1, 10 and 50 parallel
// connections, plus the server's peak RSS (VmHWM).
//
// The clients run in worker threads of this process (client-worker.ts), the
// server in its own process, so the figures are the server's. Each connection
// stays open for the whole round and pipelines MAIL/RCPT/DATA, as MTAs do.
// The server's CPU time per message is printed too: it is what the machine
// pays per message, and unlike the rate it does not change when other work
// shares the CPUs. After every round the mailboxes are counted in the database (a second,
// read-only connection: committed rows only), and a round whose count falls
// short of its 250s fails the benchmark.
//
// DNS: SPF/DMARC and reverse lookups go to 127.0.0.1:9, where nothing
// listens, so every query fails at once (ECONNREFUSED) the way an offline
// resolver that answers quickly does; the server caches those failures
// (mail-auth/dns-resolver.ts), so the figures measure SMTP and storage.
// --modes kept,per-connection runs every round with connections kept open
// (default) and/or with one message per connection (connect, EHLO, one
// transaction, QUIT). The server's RSS is printed idle after start, after
// each round and at its peak (VmHWM), with the load average beside the rates.
//   node test/bench/smtp/run.ts [--quick] [--sizes 1k,100k,5m] [--connections 1,10,50] [--modes kept,per-connection] [--messages N] [--profile DIR] [--sieve]
// --sieve gives both recipients the 50 inbox rules of test/bench/sieve
// (through PUT /api/v1/me/rules, as a user would), so every delivery runs a
// 50-rule Sieve script: compare with a run without it (issue 10's target).
// --profile writes a V8 CPU profile of the server (node --cpu-prof) into DIR
// when it stops; open it in Chrome DevTools or summarise it with
// test/bench/cpu-profile-summary.ts.
import type { ChildProcess } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { parseArgs } from 'node:util';
import { Worker } from 'node:worker_threads';
import { freePort, startStoa, tempDir } from '../../cli/run-stoa.ts';
import { benchRules } from '../sieve/bench-rules.ts';
import type { ClientJob, ClientResult } from './client-worker.ts';

const { values: args } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    sizes: { type: 'string', default: '1k,100k,5m' },
    connections: { type: 'string', default: '1,10,50' },
    modes: { type: 'string', default: 'kept' },
    messages: { type: 'string' },
    profile: { type: 'string' },
    sieve: { type: 'boolean', default: false },
  },
});
const quick = args.quick;
const ALL_SIZES = [
  { key: '1k', label: '1 KiB', bytes: 1024, messages: quick ? 600 : 6000 },
  { key: '100k', label: '100 KiB', bytes: 100 * 1024, messages: quick ? 200 : 1200 },
  { key: '5m', label: '5 MiB', bytes: 5 * 1024 * 1024, messages: quick ? 20 : 120 },
];
const SIZES = ALL_SIZES.filter((s) => args.sizes.split(',').includes(s.key));
const PARALLEL = args.connections.split(',').map(Number);
/** Connections per client thread. */
const PER_WORKER = 25;
const RECIPIENTS = ['alice@demo.stoa.test', 'bob@demo.stoa.test'];

function serve(env: Record<string, string>): Promise<ChildProcess> {
  const child = startStoa(['serve'], { env });
  let err = '';
  return new Promise((resolve, reject) => {
    child.stderr!.on('data', (d: Buffer) => { err += d.toString(); });
    child.stdout!.on('data', (d: Buffer) => { if (d.toString().includes('Stop with Ctrl-C')) resolve(child); });
    child.once('exit', (code) => reject(new Error(`serve exited ${code}: ${err}`)));
  });
}

/** User + system CPU of the whole server process (every thread), in ms (Linux clock ticks are 10 ms). */
function cpuMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /, '').split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

function rssMiB(pid: number, field: 'VmHWM' | 'VmRSS' = 'VmHWM'): number {
  const m = new RegExp(`${field}:\\s+(\\d+) kB`).exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : NaN;
}
const peakRssMiB = (pid: number): number => rssMiB(pid, 'VmHWM');
const load = (): string => loadavg().map((l) => l.toFixed(1)).join(' ');

/** Text lines of 76 octets: 7bit, so the wire size is about what we asked for. */
function bodyOf(bytes: number): string {
  const line = `${'0123456789abcdef'.repeat(5).slice(0, 74)}\r\n`;
  return line.repeat(Math.max(1, Math.floor((bytes - 200) / line.length)));
}

function client(job: ClientJob): Promise<ClientResult> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL('./client-worker.ts', import.meta.url), { workerData: job });
    worker.once('message', (r: ClientResult) => resolve(r));
    worker.once('error', reject);
    worker.once('exit', (code) => { if (code !== 0) reject(new Error(`client worker exited ${code}`)); });
  });
}

/** Messages stored in the demo mailboxes: committed rows, read by a separate connection. */
function storedMessages(dbPath: string): number {
  const db = new DatabaseSync(dbPath, { readOnly: true });
  try {
    return Number(db.prepare('SELECT count(*) AS n FROM mail_messages').get()!.n);
  } finally {
    db.close();
  }
}

function percentile(sorted: number[], p: number): number {
  return sorted.length === 0 ? NaN : sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

/** Logs in as the user through the admin API and replaces their inbox rules with the benchmark's 50. */
async function installRules(httpPort: number, user: string): Promise<void> {
  const base = `http://127.0.0.1:${httpPort}/api/v1`;
  const login = await fetch(`${base}/session`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: user, password: 'tulip-harbour-92' }),
  });
  if (login.status !== 200) throw new Error(`login ${user}: ${login.status} ${await login.text()}`);
  const cookie = login.headers.getSetCookie().find((c) => c.startsWith('stoa_session='))!.split(';')[0];
  const put = await fetch(`${base}/me/rules`, {
    method: 'PUT', headers: { 'content-type': 'application/json', cookie, 'x-stoa-csrf': '1' }, body: JSON.stringify({ rules: benchRules() }),
  });
  if (put.status !== 200) throw new Error(`rules for ${user}: ${put.status} ${await put.text()}`);
}

let round = 0;
async function measure(port: number, size: (typeof SIZES)[number], parallel: number, perConnection: boolean): Promise<{ rate: number; sent: number; p50: number; p99: number }> {
  const count = args.messages ? Number(args.messages) : Math.max(size.messages, parallel * 4);
  const body = bodyOf(size.bytes);
  const workers = Math.ceil(parallel / PER_WORKER);
  const tag = `r${round++}`;
  const t0 = performance.now();
  const results = await Promise.all(Array.from({ length: workers }, (_, w) => {
    const connections = Math.floor(parallel / workers) + (w < parallel % workers ? 1 : 0);
    return client({
      port, connections, messages: Math.round((count * connections) / parallel), body, recipients: RECIPIENTS, tag: `${tag}.${w}`, perConnection,
    });
  }));
  const seconds = (performance.now() - t0) / 1000;
  const errors = results.flatMap((r) => r.errors);
  if (errors.length > 0) throw new Error(`${errors.length} messages refused, first: ${errors[0]}`);
  const latencies = results.flatMap((r) => r.latenciesMs).sort((a, b) => a - b);
  const sent = latencies.length;
  return { rate: sent / seconds, sent, p50: percentile(latencies, 50), p99: percentile(latencies, 99) };
}

const root = tempDir('smtp-bench');
try {
  const dataDir = join(root.path, 'data');
  mkdirSync(dataDir);
  const port = await freePort();
  const httpPort = await freePort();
  // 50 parallel connections from one client IP: above the default per-IP limit of 20.
  const configFile = join(root.path, 'stoa.yaml');
  writeFileSync(configFile, 'smtp:\n  maxConnectionsPerIp: 100\n');
  const server = await serve({
    STOA_CONFIG: configFile,
    STOA_DATA_DIR: dataDir, STOA_HTTP_PORT: String(httpPort), STOA_HTTP_HOST: '127.0.0.1', STOA_SMTP_PORT: String(port),
    STOA_SUBMISSION_PORT: '0', STOA_SMTPS_PORT: '0', STOA_IMAP_PORT: '0', STOA_IMAPS_PORT: '0', STOA_POP3_PORT: '0', STOA_POP3S_PORT: '0', STOA_MANAGESIEVE_PORT: '0',
    STOA_DEMO: '1', STOA_DEMO_PASSWORD: 'tulip-harbour-92', STOA_ADMIN_PASSWORD: 'tulip-harbour-92', STOA_DNS_SERVERS: '127.0.0.1:9',
    STOA_LOG_LEVEL: 'warn',
    ...(args.profile ? { NODE_OPTIONS: `--cpu-prof --cpu-prof-dir=${args.profile}` } : {}),
  });
  const dbPath = join(dataDir, 'stoa.db');
  try {
    if (args.sieve) {
      for (const user of RECIPIENTS) await installRules(httpPort, user);
      console.log(`50 inbox rules (Sieve) active for ${RECIPIENTS.join(', ')}`);
    }
    let expected = storedMessages(dbPath);
    // Idle: started, the banner printed, nothing received yet (a second later, once start-up work has settled).
    await new Promise((r) => setTimeout(r, 1000));
    console.log(`server RSS idle after start: ${rssMiB(server.pid!, 'VmRSS').toFixed(0)} MiB (peak so far ${peakRssMiB(server.pid!).toFixed(0)} MiB)\n`);
    console.log('| size | connections | messages per connection | messages/s (250 = durable) | MiB/s | p50 ms | p99 ms | server CPU ms/msg | RSS after, MiB | stored | load average |');
    console.log('|---|---|---|---|---|---|---|---|---|---|---|');
    for (const size of SIZES) {
      for (const mode of args.modes.split(',')) {
        for (const parallel of PARALLEL) {
          const loadBefore = load();
          const cpu0 = cpuMs(server.pid!);
          const r = await measure(port, size, parallel, mode === 'per-connection');
          const cpu = (cpuMs(server.pid!) - cpu0) / r.sent;
          expected += r.sent;
          const stored = storedMessages(dbPath);
          if (stored !== expected) throw new Error(`${r.sent} messages answered 250 but the mailboxes hold ${stored} of ${expected}`);
          console.log(`| ${size.label} | ${parallel} | ${mode === 'per-connection' ? 'one' : 'all (kept open)'} | ${r.rate.toFixed(1)} | ${((r.rate * size.bytes) / 1048576).toFixed(1)} | ${r.p50.toFixed(1)} | ${r.p99.toFixed(1)} | ${cpu.toFixed(2)} | ${rssMiB(server.pid!, 'VmRSS').toFixed(0)} | ${stored} ✓ | ${loadBefore} → ${load()} |`);
        }
      }
    }
    console.log(`\nserver peak RSS: ${peakRssMiB(server.pid!).toFixed(0)} MiB; CPUs: ${availableParallelism()}`);
  } finally {
    server.kill('SIGTERM');
    await new Promise((resolve) => server.once('exit', resolve));
  }
} finally {
  root.cleanup();
}
