// IMAP mixed-load benchmark (issue 8): N clients over 100 accounts, each
// looping LOGIN (or keeping its session open), SELECT, and a random mix of
// FETCH (flags, envelope, full body), STORE (flags, keywords), APPEND of
// corpus messages, EXPUNGE, LIST, STATUS, then LOGOUT. Prints per run:
// commands/s, the server's CPU per command, p50/p99 latency per command,
// protocol errors seen by the clients (imap-client.ts), the server's RSS
// after the run and the load average (the machine is shared: CPU per
// command is the figure to compare, commands/s moves with the load).
//
// The server runs in its own process (a real `stoa serve` on SQLite with the
// default argon2id parameters, or Debian's Dovecot through the conformance
// suite's support code); the clients share this process's event loop. Server
// CPU is user + system time of the server's process tree from /proc (what
// process.cpuUsage() reports inside the server, plus the reaped children's
// time for Dovecot's process-per-login model).
//   node test/bench/imap/mixed.ts [--target stoa,dovecot,dovecot-reuse]
//     [--clients 10,50] [--modes login,keep] [--seconds 30] [--accounts 100]
//     [--seed 30] [--profile DIR] [--heap-snapshot DIR] [--soak MINUTES]
// --profile writes a V8 CPU profile of the Stoa server into DIR when it stops
// (summarise it with test/bench/cpu-profile-summary.ts). --heap-snapshot
// writes a V8 heap snapshot of the Stoa server into DIR after the matrix
// (what is live in the heap once the load is over). --soak runs the
// keep-open load with the first --clients figure for that many minutes after
// the matrix and prints the server's RSS every 30 s.
import type { ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync, statSync, writeFileSync, mkdirSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { freePort, startStoa, tempDir } from '../../cli/run-stoa.ts';
import { startDovecot } from '../../imap/conformance/dovecot.ts';
import { processTree, treeCpuMs } from '../process-tree.ts';
import { ImapClient } from './imap-client.ts';

const { values: args } = parseArgs({
  options: {
    target: { type: 'string', default: 'stoa' },
    clients: { type: 'string', default: '10,50' },
    modes: { type: 'string', default: 'login,keep' },
    seconds: { type: 'string', default: '30' },
    accounts: { type: 'string', default: '100' },
    seed: { type: 'string', default: '30' },
    'ops-per-login': { type: 'string', default: '8' },
    profile: { type: 'string' },
    'heap-snapshot': { type: 'string' },
    soak: { type: 'string' },
    corpus: { type: 'string', default: process.env.STOA_CORPUS ?? join(import.meta.dirname, '../../../../shared/corpus/mail') },
  },
});
const SECONDS = Number(args.seconds);
const ACCOUNTS = Number(args.accounts);
const SEED = Number(args.seed);
const OPS_PER_LOGIN = Number(args['ops-per-login']);
const PASSWORD = 'bench password 1234567';
const KEYWORDS = ['$label1', '$label2', '$label3', 'work', 'todo'];

/** Realistic messages: the shared corpus without its malformed samples, up to 512 KiB each. */
function loadCorpus(dir: string): Buffer[] {
  const out: Buffer[] = [];
  const walk = (d: string): void => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) {
        if (name !== 'malformed') walk(p);
      } else if (name.endsWith('.eml') && statSync(p).size <= 512 * 1024) {
        // CRLF line ends, as on the wire.
        out.push(Buffer.from(readFileSync(p, 'latin1').replace(/\r?\n/g, '\r\n'), 'latin1'));
      }
    }
  };
  walk(dir);
  if (out.length === 0) throw new Error(`no corpus messages under ${dir} (set --corpus or STOA_CORPUS)`);
  return out;
}
const corpus = loadCorpus(args.corpus);

// ---------------------------------------------------------------- servers --

interface Server {
  name: string;
  port: number;
  user(i: number): string;
  password: string;
  /** Root pids whose process trees are the server. */
  pid: number;
  close(): Promise<void>;
}

function rssMiB(root: number, field: 'VmRSS' | 'VmHWM' = 'VmRSS'): number {
  let kb = 0;
  for (const pid of processTree(root)) {
    try {
      const m = new RegExp(`${field}:\\s+(\\d+) kB`).exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
      if (m) kb += Number(m[1]);
    } catch {
      // Gone meanwhile.
    }
  }
  return kb / 1024;
}

async function startStoaServer(): Promise<Server> {
  const root = tempDir('imap-mixed');
  const dataDir = join(root.path, 'data');
  mkdirSync(dataDir);
  const port = await freePort();
  const httpPort = await freePort();
  const configFile = join(root.path, 'stoa.yaml');
  writeFileSync(configFile, 'listeners:\n  imap:\n    allowPlaintextAuth: true\n');
  if (args.profile) mkdirSync(args.profile, { recursive: true });
  if (args['heap-snapshot']) mkdirSync(args['heap-snapshot'], { recursive: true });
  const child: ChildProcess = startStoa(['serve'], {
    env: {
      STOA_CONFIG: configFile, STOA_DATA_DIR: dataDir, STOA_HTTP_PORT: String(httpPort), STOA_HTTP_HOST: '127.0.0.1',
      STOA_IMAP_PORT: String(port), STOA_ADMIN_PASSWORD: 'tulip-harbour-92', STOA_LOG_LEVEL: 'warn', STOA_DNS_SERVERS: '127.0.0.1:9',
      ...(args.profile || args['heap-snapshot'] ? {
        NODE_OPTIONS: [
          args.profile ? `--cpu-prof --cpu-prof-dir=${args.profile}` : '',
          args['heap-snapshot'] ? `--heapsnapshot-signal=SIGUSR2 --diagnostic-dir=${args['heap-snapshot']}` : '',
        ].join(' '),
      } : {}),
    },
  });
  let err = '';
  await new Promise<void>((resolve, reject) => {
    child.stderr!.on('data', (d: Buffer) => { err += d.toString(); });
    child.stdout!.on('data', (d: Buffer) => { if (d.toString().includes('Stop with Ctrl-C')) resolve(); });
    child.once('exit', (code) => reject(new Error(`serve exited ${code}: ${err}`)));
  });
  // 100 accounts through the admin API, as an operator would create them (default argon2id parameters).
  const base = `http://127.0.0.1:${httpPort}/api/v1`;
  const login = await fetch(`${base}/session`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'admin', password: 'tulip-harbour-92' }),
  });
  if (login.status !== 200) throw new Error(`admin login: ${login.status} ${await login.text()}`);
  const cookie = login.headers.getSetCookie().find((c) => c.startsWith('stoa_session='))!.split(';')[0];
  const post = async (path: string, body: unknown): Promise<void> => {
    const r = await fetch(`${base}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', cookie, 'x-stoa-csrf': '1' }, body: JSON.stringify(body) });
    if (r.status >= 300) throw new Error(`POST ${path}: ${r.status} ${await r.text()}`);
  };
  await post('/domains', { name: 'bench.test' });
  let next = 0;
  await Promise.all(Array.from({ length: 4 }, async () => {
    while (next < ACCOUNTS) await post('/accounts', { address: `u${next++}@bench.test`, password: PASSWORD });
  }));
  return {
    name: 'stoa', port, password: PASSWORD, pid: child.pid!,
    user: (i) => `u${i}@bench.test`,
    async close() {
      child.kill('SIGTERM');
      await new Promise((resolve) => child.once('exit', resolve));
      root.cleanup();
    },
  };
}

async function startDovecotServer(reuse: boolean): Promise<Server> {
  // Dovecot's "high-performance mode": one imap process serves many sessions in turn.
  const dovecot = await startDovecot(reuse ? 'service imap {\n  service_count = 0\n  process_min_avail = 2\n}\nservice imap-login {\n  service_count = 0\n  process_min_avail = 2\n}\n' : '');
  return {
    name: reuse ? `dovecot ${dovecot.version} (process reuse)` : `dovecot ${dovecot.version}`,
    port: dovecot.target.port, password: 'pw', pid: dovecot.pid,
    user: (i) => `u${i}`,
    close: () => dovecot.close(),
  };
}

// ----------------------------------------------------------------- load ---

interface Stats {
  commands: number;
  errors: string[];
  latencies: Map<string, number[]>;
}

function percentile(sorted: number[], p: number): number {
  return sorted.length === 0 ? NaN : sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

const random = (n: number): number => Math.floor(Math.random() * n);

async function timed(stats: Stats, name: string, c: ImapClient, text: string, literal?: Buffer, allowNo = false): Promise<void> {
  const t0 = performance.now();
  const r = await c.command(text, literal);
  const ms = performance.now() - t0;
  stats.commands++;
  (stats.latencies.get(name) ?? stats.latencies.set(name, []).get(name)!).push(ms);
  if (r.status === 'BAD' || (r.status === 'NO' && !allowNo)) stats.errors.push(`${name}: ${r.status} ${r.text}`);
}

async function select(stats: Stats, c: ImapClient): Promise<void> {
  c.exists = 0;
  c.selected = 'INBOX';
  await timed(stats, 'SELECT', c, 'SELECT INBOX');
}

/** One random operation on the selected INBOX. */
async function operation(stats: Stats, c: ImapClient): Promise<void> {
  const n = c.exists;
  const seq = 1 + random(Math.max(1, n));
  const roll = random(100);
  if (n === 0 || roll < 10) {
    await timed(stats, 'APPEND', c, `APPEND INBOX (${random(2) ? '\\Seen' : ''})`, corpus[random(corpus.length)]);
  } else if (roll < 25) {
    await timed(stats, 'FETCH flags', c, 'FETCH 1:* (UID FLAGS)');
  } else if (roll < 40) {
    const from = Math.max(1, n - 9);
    await timed(stats, 'FETCH envelope', c, `FETCH ${from}:${n} (UID RFC822.SIZE FLAGS INTERNALDATE ENVELOPE)`);
  } else if (roll < 55) {
    await timed(stats, 'FETCH body', c, `FETCH ${seq} (UID BODY.PEEK[])`);
  } else if (roll < 70) {
    const flag = random(2) ? '\\Seen' : '\\Flagged';
    await timed(stats, 'STORE flags', c, `STORE ${seq} ${random(2) ? '+' : '-'}FLAGS (${flag})`);
  } else if (roll < 80) {
    await timed(stats, 'STORE keywords', c, `STORE ${seq} ${random(3) ? '+' : '-'}FLAGS (${KEYWORDS[random(KEYWORDS.length)]})`);
  } else if (roll < 90) {
    // Keep the mailboxes about their seeded size: expunge only above it.
    if (n > SEED) {
      await timed(stats, 'STORE flags', c, `STORE ${seq} +FLAGS.SILENT (\\Deleted)`);
      await timed(stats, 'EXPUNGE', c, 'EXPUNGE');
    } else {
      await timed(stats, 'APPEND', c, 'APPEND INBOX ()', corpus[random(corpus.length)]);
    }
  } else if (roll < 95) {
    await timed(stats, 'LIST', c, 'LIST "" "*"');
  } else {
    await timed(stats, 'STATUS', c, 'STATUS Sent (MESSAGES UNSEEN UIDNEXT)', undefined, true);
  }
}

async function login(stats: Stats, server: Server, onError: (e: string) => void): Promise<ImapClient> {
  const c = await ImapClient.open('127.0.0.1', server.port, onError);
  await timed(stats, 'LOGIN', c, `LOGIN ${server.user(random(ACCOUNTS))} "${server.password}"`);
  return c;
}

async function runLoad(server: Server, clients: number, mode: 'login' | 'keep', seconds: number, tick?: () => void): Promise<Stats> {
  const stats: Stats = { commands: 0, errors: [], latencies: new Map() };
  const onError = (e: string): void => { stats.errors.push(e); };
  // Kept-open sessions log in before the clock starts: the figure is the steady state.
  const kept = mode === 'keep' ? await Promise.all(Array.from({ length: clients }, async () => {
    const c = await login(stats, server, onError);
    await select(stats, c);
    return c;
  })) : [];
  if (mode === 'keep') {
    stats.commands = 0;
    stats.latencies.clear();
  }
  const until = performance.now() + seconds * 1000;
  let ticker: NodeJS.Timeout | undefined;
  if (tick) ticker = setInterval(tick, 30_000);
  try {
    await Promise.all(Array.from({ length: clients }, async (_, i) => {
      while (performance.now() < until) {
        let c: ImapClient | undefined = kept[i];
        try {
          if (mode === 'login') {
            c = await login(stats, server, onError);
            await select(stats, c);
            for (let k = 0; k < OPS_PER_LOGIN && performance.now() < until; k++) await operation(stats, c);
            await timed(stats, 'LOGOUT', c, 'LOGOUT');
            c.destroy();
          } else {
            if (random(20) === 0) await select(stats, c);
            else await operation(stats, c);
          }
        } catch (err) {
          stats.errors.push(`connection: ${(err as Error).message}`);
          c?.destroy();
          if (mode === 'keep') {
            kept[i] = await login(stats, server, onError);
            await select(stats, kept[i]);
          }
        }
      }
    }));
  } finally {
    if (ticker) clearInterval(ticker);
  }
  for (const c of kept) {
    await c.command('LOGOUT').catch(() => undefined);
    c.destroy();
  }
  return stats;
}

async function seed(server: Server): Promise<void> {
  let next = 0;
  const errors: string[] = [];
  await Promise.all(Array.from({ length: 8 }, async () => {
    while (next < ACCOUNTS) {
      const i = next++;
      const c = await ImapClient.open('127.0.0.1', server.port, (e) => errors.push(e));
      await c.command(`LOGIN ${server.user(i)} "${server.password}"`);
      for (let k = 0; k < SEED; k++) {
        const r = await c.command('APPEND INBOX ()', corpus[(i * SEED + k) % corpus.length]);
        if (r.status !== 'OK') errors.push(`seed APPEND: ${r.text}`);
      }
      await c.command('LOGOUT');
      c.destroy();
    }
  }));
  if (errors.length > 0) throw new Error(`seeding failed: ${errors[0]}`);
}

const load = (): string => loadavg().map((l) => l.toFixed(2)).join(' ');

async function bench(server: Server): Promise<void> {
  let t0 = performance.now();
  await seed(server);
  console.log(`\n## ${server.name}: ${ACCOUNTS} accounts seeded with ${SEED} corpus messages each in ${((performance.now() - t0) / 1000).toFixed(1)} s; server RSS ${rssMiB(server.pid).toFixed(0)} MiB`);
  const rows: string[] = [];
  const details: string[] = [];
  for (const clients of args.clients.split(',').map(Number)) {
    for (const mode of args.modes.split(',') as Array<'login' | 'keep'>) {
      const loadBefore = load();
      const cpu0 = treeCpuMs(server.pid);
      t0 = performance.now();
      const stats = await runLoad(server, clients, mode, SECONDS);
      const seconds = (performance.now() - t0) / 1000;
      const cpu = treeCpuMs(server.pid) - cpu0;
      const rss = rssMiB(server.pid);
      rows.push(`| ${clients} | ${mode === 'login' ? 'login per cycle' : 'kept open'} | ${(stats.commands / seconds).toFixed(0)} | **${(cpu / stats.commands).toFixed(2)}** | ${stats.errors.length} | ${rss.toFixed(0)} | ${loadBefore} → ${load()} |`);
      details.push(`\n${clients} clients, ${mode}: p50 / p99 ms (count)`);
      for (const [name, l] of [...stats.latencies].sort()) {
        l.sort((a, b) => a - b);
        details.push(`  ${name.padEnd(16)} ${percentile(l, 50).toFixed(1).padStart(7)} / ${percentile(l, 99).toFixed(1).padStart(7)}  (${l.length})`);
      }
      const distinct = [...new Set(stats.errors)];
      for (const e of distinct.slice(0, 5)) details.push(`  error: ${e}`);
    }
  }
  console.log('| clients | sessions | commands/s | server CPU ms/command | protocol errors | server RSS after, MiB | load average (1, 5, 15 min) before → after |');
  console.log('|---|---|---|---|---|---|---|');
  for (const r of rows) console.log(r);
  console.log(details.join('\n'));
  console.log(`server peak RSS ${rssMiB(server.pid, 'VmHWM').toFixed(0)} MiB`);
  const snapshots = args['heap-snapshot'];
  if (snapshots && server.name === 'stoa') {
    process.kill(server.pid, 'SIGUSR2');
    // Written synchronously by the server: done when its size stops growing.
    let last = -1;
    for (;;) {
      await new Promise((r) => setTimeout(r, 2000));
      const file = readdirSync(snapshots).find((f) => f.endsWith('.heapsnapshot'));
      const size = file ? statSync(join(snapshots, file)).size : -1;
      if (size > 0 && size === last) break;
      last = size;
    }
    console.log(`heap snapshot in ${snapshots}`);
  }
  if (args.soak) {
    const clients = Number(args.clients.split(',')[0]);
    const minutes = Number(args.soak);
    console.log(`\nsoak: ${clients} clients, sessions kept open, ${minutes} min; server RSS every 30 s (MiB):`);
    const samples: string[] = [rssMiB(server.pid).toFixed(0)];
    const cpu0 = treeCpuMs(server.pid);
    const stats = await runLoad(server, clients, 'keep', minutes * 60, () => {
      samples.push(rssMiB(server.pid).toFixed(0));
      console.log(`  ${samples.length * 0.5 - 0.5} min: ${samples.at(-1)} MiB (load ${load()})`);
    });
    console.log(`soak: ${stats.commands} commands, ${((treeCpuMs(server.pid) - cpu0) / stats.commands).toFixed(2)} ms CPU/command, ${stats.errors.length} errors; RSS ${samples.join(' ')}`);
  }
}

for (const target of args.target.split(',')) {
  const server = target === 'stoa' ? await startStoaServer() : await startDovecotServer(target === 'dovecot-reuse');
  try {
    await bench(server);
  } finally {
    await server.close();
  }
}
