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
// transaction, QUIT). The server's RSS is printed idle after start, at its
// peak in each round and after it (Stoa's VmHWM at the end), with the load
// average beside the rates.
//   node test/bench/smtp/run.ts [--quick] [--sizes 1k,100k,5m] [--connections 1,10,50] [--modes kept,per-connection] [--messages N]
//     [--profile DIR] [--sieve] [--target stoa,postfix,postfix-stack] [--postfix-log] [--stack-fts on|off]
// --sieve gives both recipients the 50 inbox rules of test/bench/sieve
// (through PUT /api/v1/me/rules, as a user would), so every delivery runs a
// 50-rule Sieve script: compare with a run without it (issue 10's target).
// --profile writes a V8 CPU profile of the server (node --cpu-prof) into DIR
// when it stops; open it in Chrome DevTools or summarise it with
// test/bench/cpu-profile-summary.ts.
//
// --target stoa,postfix runs the same matrix, with the same client threads
// and messages, against a private stock Postfix (postfix.ts: smtpd on a free
// loopback port, virtual(8) delivery to Maildir, needs root and Debian's
// postfix package), one server after the other, then prints Stoa/Postfix per
// cell. Stoa answers 250 once the message is in the mailbox; Postfix once it
// is in its queue, and delivers afterwards. So every round waits until
// Postfix's queue is empty (a queue file goes once its recipient's message
// is in the Maildir) and then counts the files in Maildir new/ (Stoa: the
// committed rows), and prints two rates: "at 250" (sent / time to the last
// 250) and "delivered" (sent / time until the queue was empty). The fair
// comparison is Stoa's rate against Postfix's delivered rate. Server CPU and
// memory are those of the whole process tree (../process-tree.ts: utime +
// stime of every process plus cutime + cstime, so Postfix's children that
// exit during a round count through the master; RSS and PSS summed over the
// processes, sampled every 250 ms), read from the start of a round until its
// last delivery. --postfix-log keeps Postfix's log in its temp dir (through
// postlogd, whose CPU then counts too); by default it logs to syslog, as a
// stock install does.
//
// --target postfix-stack runs the matrix against Postfix doing the work Stoa
// does per message, the way a Postfix site does it (stack.ts): the same
// private Postfix, with rspamd as its milter (Debian's rules: SPF, DKIM,
// DMARC, the content checks; no Redis, so no Bayes or greylisting; its DNS
// answered at once with REFUSED by a private dnsmasq, as Stoa's fails at
// once) and delivering over LMTP to a private Dovecot 2.3 that writes
// Maildir and, with Debian's dovecot-fts-xapian, indexes every message for
// full-text search (fts_autoindex; --stack-fts off leaves the index out; the
// output says which). Postfix answers 250 once rspamd has passed the message
// and it is queued; a round counts as delivered once the queue is empty (the
// last LMTP 250: Dovecot has fsynced the message into Maildir) and Dovecot's
// indexer has indexed every message (it indexes after delivery, in the
// background), then the INBOX Maildirs (new/ and cur/) are counted and
// rspamd's log must hold one result per message. CPU and memory are those of
// the four process trees summed (Postfix, rspamd, Dovecot, dnsmasq), and
// each server's CPU per message is printed after the matrix. rspamd takes
// milter connections on a unix socket (stack.ts says why not TCP). Stoa's
// per-user rules have no counterpart here (Dovecot's Sieve is not set up):
// compare it with a Stoa run without --sieve.
//   node test/bench/smtp/run.ts --target stoa,postfix,postfix-stack --sizes 1k,100k --connections 1,10
import { readFileSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { parseArgs } from 'node:util';
import { Worker } from 'node:worker_threads';
import { tempDir } from '../../cli/run-stoa.ts';
import { BENCH_PASSWORD, startBenchStoa } from './bench-stoa.ts';
import { sampleTreeMemory, treeCpuMs, treeMemory, type Roots } from '../process-tree.ts';
import { benchRules } from '../sieve/bench-rules.ts';
import type { ClientJob, ClientResult } from './client-worker.ts';
import { postfixUnavailable, startPostfix } from './postfix.ts';
import { postfixStackUnavailable, startPostfixStack } from './stack.ts';

const { values: args } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    sizes: { type: 'string', default: '1k,100k,5m' },
    connections: { type: 'string', default: '1,10,50' },
    modes: { type: 'string', default: 'kept' },
    messages: { type: 'string' },
    profile: { type: 'string' },
    sieve: { type: 'boolean', default: false },
    target: { type: 'string', default: 'stoa' },
    'postfix-log': { type: 'boolean', default: false },
    'stack-fts': { type: 'string', default: 'on' },
  },
});
const TARGETS = args.target.split(',');
for (const t of TARGETS) if (t !== 'stoa' && t !== 'postfix' && t !== 'postfix-stack') throw new Error(`--target: stoa, postfix or postfix-stack, not ${t}`);
if (args['stack-fts'] !== 'on' && args['stack-fts'] !== 'off') throw new Error(`--stack-fts: on or off, not ${args['stack-fts']}`);
// Before Stoa's half of the run, not after it.
if (TARGETS.includes('postfix')) {
  const why = postfixUnavailable();
  if (why) throw new Error(`--target postfix: ${why}`);
}
if (TARGETS.includes('postfix-stack')) {
  const why = postfixStackUnavailable();
  if (why) throw new Error(`--target postfix-stack: ${why}`);
}
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
const DOMAIN = 'demo.stoa.test';
const RECIPIENTS = ['alice', 'bob'].map((u) => `${u}@${DOMAIN}`);

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
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: user, password: BENCH_PASSWORD }),
  });
  if (login.status !== 200) throw new Error(`login ${user}: ${login.status} ${await login.text()}`);
  const cookie = login.headers.getSetCookie().find((c) => c.startsWith('stoa_session='))!.split(';')[0];
  const put = await fetch(`${base}/me/rules`, {
    method: 'PUT', headers: { 'content-type': 'application/json', cookie, 'x-stoa-csrf': '1' }, body: JSON.stringify({ rules: benchRules() }),
  });
  if (put.status !== 200) throw new Error(`rules for ${user}: ${put.status} ${await put.text()}`);
}

interface Round { t0: number; seconds: number; sent: number; p50: number; p99: number }

let round = 0;
async function measure(port: number, size: (typeof SIZES)[number], parallel: number, perConnection: boolean): Promise<Round> {
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
  return { t0, seconds, sent: latencies.length, p50: percentile(latencies, 50), p99: percentile(latencies, 99) };
}

/** A server under test: its process tree is measured, its mailboxes counted. */
interface Target {
  name: string;
  port: number;
  /** Root(s) of the measured process tree(s). */
  pid: Roots;
  /** The servers of a stack, whose CPU per message is also printed one by one. */
  parts?: { name: string; pid: number }[];
  /** Messages in the recipients' mailboxes now. */
  delivered(): number;
  /** Messages answered 250 and not yet in a mailbox (Stoa: none, its 250 means stored). */
  pending(): number;
  /** Work still to wait for once nothing is pending (the stack's full-text indexing). */
  settle?(): Promise<void>;
  /** After the count: why the round's messages were not all handled as the target says they are, or null. */
  check?(expected: number): Promise<string | null>;
  /** What to add to an error when deliveries stall or go missing. */
  stalled(): string;
}

interface Cell {
  size: (typeof SIZES)[number]; mode: string; parallel: number;
  sent: number; rate250: number; rateDelivered: number; p50: number; p99: number; cpu: number;
  peakRss: number; peakPss: number; rssAfter: number; delivered: number;
  /** CPU ms per message of each of target.parts. */
  partsCpu: number[];
}

const cellKey = (size: string, mode: string, parallel: number): string => `${size}/${mode}/${parallel}`;

/**
 * Waits until the server has nothing left to deliver, checks that the mailboxes hold `expected` messages, and returns the time
 * from `t0` when that was so. Polls the (small) queue, not the mailboxes, which grow by thousands of files per round. Fails after
 * 60 s without progress.
 */
async function waitDelivered(target: Target, expected: number, t0: number): Promise<number> {
  let pending = target.pending();
  let progressAt = performance.now();
  while (pending > 0) {
    await new Promise((r) => setTimeout(r, 5));
    const now = target.pending();
    if (now < pending) progressAt = performance.now();
    else if (performance.now() - progressAt > 60_000) {
      throw new Error(`${target.name}: ${now} messages still queued, none delivered for 60 s; ${target.stalled()}`);
    }
    pending = now;
  }
  await target.settle?.();
  const seconds = (performance.now() - t0) / 1000;
  const delivered = target.delivered();
  if (delivered !== expected) throw new Error(`${target.name}: the mailboxes hold ${delivered} messages, ${expected} were answered 250; ${target.stalled()}`);
  const problem = await target.check?.(expected);
  if (problem) throw new Error(`${target.name}: ${problem}`);
  return seconds;
}

async function runMatrix(target: Target): Promise<Map<string, Cell>> {
  const cells = new Map<string, Cell>();
  let expected = target.delivered();
  // Idle: started, nothing received yet (a second later, once start-up work has settled).
  await new Promise((r) => setTimeout(r, 1000));
  const idle = treeMemory(target.pid);
  console.log(`\n${target.name}: RSS idle after start ${idle.rssMiB.toFixed(0)} MiB (PSS ${idle.pssMiB.toFixed(0)} MiB, ${idle.processes} process${idle.processes === 1 ? '' : 'es'})\n`);
  console.log('| target | size | connections | messages per connection | msg/s at 250 | msg/s delivered | MiB/s delivered | p50 ms | p99 ms | server CPU ms/msg | peak RSS, MiB | peak PSS, MiB | RSS after, MiB | delivered | load average |');
  console.log('|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|');
  for (const size of SIZES) {
    for (const mode of args.modes.split(',')) {
      for (const parallel of PARALLEL) {
        const loadBefore = load();
        const cpu0 = treeCpuMs(target.pid);
        const partsCpu0 = (target.parts ?? []).map((p) => treeCpuMs(p.pid));
        const memory = sampleTreeMemory(target.pid);
        const r = await measure(target.port, size, parallel, mode === 'per-connection');
        expected += r.sent;
        const deliveredSeconds = await waitDelivered(target, expected, r.t0);
        const cpu = (treeCpuMs(target.pid) - cpu0) / r.sent;
        const partsCpu = (target.parts ?? []).map((p, i) => (treeCpuMs(p.pid) - partsCpu0[i]) / r.sent);
        const peak = memory.stop();
        const after = treeMemory(target.pid);
        const cell: Cell = {
          size, mode, parallel, sent: r.sent, rate250: r.sent / r.seconds, rateDelivered: r.sent / deliveredSeconds, p50: r.p50, p99: r.p99, cpu,
          peakRss: peak.rssMiB, peakPss: peak.pssMiB, rssAfter: after.rssMiB, delivered: expected, partsCpu,
        };
        cells.set(cellKey(size.key, mode, parallel), cell);
        console.log(`| ${target.name} | ${size.label} | ${parallel} | ${mode === 'per-connection' ? 'one' : 'all (kept open)'} | ${cell.rate250.toFixed(1)} | ${cell.rateDelivered.toFixed(1)} | ${((cell.rateDelivered * size.bytes) / 1048576).toFixed(1)} | ${r.p50.toFixed(1)} | ${r.p99.toFixed(1)} | ${cpu.toFixed(2)} | ${peak.rssMiB.toFixed(0)} | ${peak.pssMiB.toFixed(0)} | ${after.rssMiB.toFixed(0)} | ${expected} ✓ | ${loadBefore} → ${load()} |`);
      }
    }
  }
  if (target.parts) {
    console.log(`\n${target.name}: server CPU ms per message by server (each one's process tree)\n`);
    console.log(`| size | connections | messages per connection | ${target.parts.map((p) => p.name).join(' | ')} | all |`);
    console.log(`|---|---|---|${target.parts.map(() => '---|').join('')}---|`);
    for (const c of cells.values()) {
      console.log(`| ${c.size.label} | ${c.parallel} | ${c.mode === 'per-connection' ? 'one' : 'all (kept open)'} | ${c.partsCpu.map((v) => v.toFixed(2)).join(' | ')} | ${c.cpu.toFixed(2)} |`);
    }
  }
  return cells;
}

async function withStoa<T>(body: (target: Target) => Promise<T>): Promise<T> {
  const root = tempDir('smtp-bench');
  try {
    const { served, pid, smtpPort: port, httpPort, dataDir } = await startBenchStoa(root.path,
      args.profile ? { NODE_OPTIONS: `--cpu-prof --cpu-prof-dir=${args.profile}` } : {});
    const dbPath = join(dataDir, 'stoa.db');
    try {
      if (args.sieve) {
        for (const user of RECIPIENTS) await installRules(httpPort, user);
        console.log(`50 inbox rules (Sieve) active for ${RECIPIENTS.join(', ')}`);
      }
      const result = await body({
        name: 'Stoa', port, pid,
        delivered: () => storedMessages(dbPath),
        pending: () => 0,
        stalled: () => 'Stoa answers 250 only once a message is stored',
      });
      console.log(`\nStoa: server peak RSS ${peakRssMiB(pid).toFixed(0)} MiB (VmHWM); CPUs: ${availableParallelism()}`);
      return result;
    } finally {
      await served.stop();
    }
  } finally {
    root.cleanup();
  }
}

async function withPostfix<T>(body: (target: Target) => Promise<T>): Promise<T> {
  const postfix = await startPostfix({ domain: DOMAIN, users: RECIPIENTS.map((r) => r.split('@')[0]), log: args['postfix-log'] });
  try {
    console.log(`\nPostfix ${postfix.version}: private instance in ${postfix.dir}, smtpd on 127.0.0.1:${postfix.port}, virtual(8) to Maildir`);
    return await body({
      name: 'Postfix', port: postfix.port, pid: postfix.pid,
      delivered: () => postfix.delivered(),
      // A queue file is removed once its one recipient is in the Maildir (qmgr, after virtual(8) reports success).
      pending: () => postfix.queued(),
      stalled: () => `${postfix.queued()} queue files left; log:\n${postfix.logTail()}`,
    });
  } finally {
    await postfix.close();
  }
}

async function withPostfixStack<T>(body: (target: Target) => Promise<T>): Promise<T> {
  const stack = await startPostfixStack({
    domain: DOMAIN, users: RECIPIENTS.map((r) => r.split('@')[0]), log: args['postfix-log'], fts: args['stack-fts'] === 'on',
  });
  try {
    console.log(`\nPostfix ${stack.postfix.version} + rspamd ${stack.rspamdVersion} (milter on ${stack.rspamd.milter}) + Dovecot ${stack.dovecot.version.split(' ')[0]} LMTP to Maildir: private instances, smtpd on 127.0.0.1:${stack.postfix.port}`);
    console.log(`Full-text index on delivery: ${stack.dovecot.fts ? `on (${stack.dovecot.fts})` : `off (${args['stack-fts'] === 'off' ? '--stack-fts off' : 'dovecot-fts-xapian is not installed'})`}`);
    return await body({
      name: 'Postfix stack', port: stack.postfix.port, pid: stack.pids,
      parts: [
        { name: 'Postfix', pid: stack.postfix.pid }, { name: 'rspamd', pid: stack.rspamd.pid },
        { name: 'Dovecot', pid: stack.dovecot.pid }, { name: 'dnsmasq', pid: stack.resolver.pid },
      ],
      delivered: () => stack.dovecot.delivered(),
      // A queue file is removed once Dovecot has answered 250 over LMTP for its one recipient.
      pending: () => stack.postfix.queued(),
      settle: () => stack.dovecot.indexed(),
      async check(expected) {
        // rspamd writes its result line as it answers; give the file a moment all the same.
        let scanned = stack.scanned();
        for (let i = 0; i < 50 && scanned < expected; i++) {
          await new Promise((r) => setTimeout(r, 100));
          scanned = stack.scanned();
        }
        return scanned === expected ? null : `rspamd logged ${scanned} results for ${expected} delivered messages`;
      },
      stalled: () => `${stack.postfix.queued()} queue files left; Postfix log:\n${stack.postfix.logTail()}\nDovecot log:\n${stack.dovecot.logTail()}`,
    });
  } finally {
    await stack.close();
  }
}

const results = new Map<string, Map<string, Cell>>();
if (TARGETS.includes('stoa')) results.set('stoa', await withStoa(runMatrix));
if (TARGETS.includes('postfix')) results.set('postfix', await withPostfix(runMatrix));
if (TARGETS.includes('postfix-stack')) results.set('postfix-stack', await withPostfixStack(runMatrix));

const stoa = results.get('stoa');
const modeLabel = (mode: string): string => (mode === 'per-connection' ? 'one' : 'all (kept open)');
const REFERENCES = [
  {
    key: 'postfix', name: 'Postfix',
    title: 'Stoa / Postfix per cell (Stoa\'s 250 means stored in the mailbox; the fair rate ratio is against Postfix delivered to Maildir, the "queued" one against Postfix\'s 250)',
  },
  {
    key: 'postfix-stack', name: 'Postfix stack',
    title: 'Stoa / Postfix stack per cell (Postfix + rspamd milter + Dovecot LMTP and full-text index; "delivered" = in the Maildir and indexed, "queued" = Postfix\'s 250 after rspamd\'s verdict)',
  },
];
for (const ref of REFERENCES) {
  const other = results.get(ref.key);
  if (!stoa || !other) continue;
  console.log(`\n${ref.title}:\n`);
  console.log(`| size | connections | messages per connection | Stoa msg/s | ${ref.name} msg/s delivered | **Stoa / ${ref.name} delivered** | ${ref.name} msg/s at 250 (queued) | Stoa / ${ref.name} queued | CPU ms/msg Stoa : ${ref.name} | peak RSS MiB Stoa : ${ref.name} (PSS) |`);
  console.log('|---|---|---|---|---|---|---|---|---|---|');
  for (const [key, s] of stoa) {
    const p = other.get(key);
    if (!p) continue;
    console.log(`| ${s.size.label} | ${s.parallel} | ${modeLabel(s.mode)} | ${s.rateDelivered.toFixed(1)} | ${p.rateDelivered.toFixed(1)} | **${(s.rateDelivered / p.rateDelivered).toFixed(2)}×** | ${p.rate250.toFixed(1)} | ${(s.rateDelivered / p.rate250).toFixed(2)}× | ${s.cpu.toFixed(2)} : ${p.cpu.toFixed(2)} | ${s.peakRss.toFixed(0)} : ${p.peakRss.toFixed(0)} (${p.peakPss.toFixed(0)}) |`);
  }
}
const postfix = results.get('postfix');
const stack = results.get('postfix-stack');
if (stoa && postfix && stack) {
  console.log('\nSide by side (delivered rates; stock Postfix does none of the per-message work, the stack does it the way a Postfix site does):\n');
  console.log('| size | connections | messages per connection | Stoa msg/s | Postfix msg/s | Stoa / Postfix | Postfix stack msg/s | **Stoa / Postfix stack** | CPU ms/msg Stoa : Postfix : stack | peak RSS MiB Stoa : Postfix : stack | peak PSS MiB Stoa : Postfix : stack |');
  console.log('|---|---|---|---|---|---|---|---|---|---|---|');
  for (const [key, s] of stoa) {
    const p = postfix.get(key);
    const k = stack.get(key);
    if (!p || !k) continue;
    console.log(`| ${s.size.label} | ${s.parallel} | ${modeLabel(s.mode)} | ${s.rateDelivered.toFixed(1)} | ${p.rateDelivered.toFixed(1)} | ${(s.rateDelivered / p.rateDelivered).toFixed(2)}× | ${k.rateDelivered.toFixed(1)} | **${(s.rateDelivered / k.rateDelivered).toFixed(2)}×** | ${s.cpu.toFixed(2)} : ${p.cpu.toFixed(2)} : ${k.cpu.toFixed(2)} | ${s.peakRss.toFixed(0)} : ${p.peakRss.toFixed(0)} : ${k.peakRss.toFixed(0)} | ${s.peakPss.toFixed(0)} : ${p.peakPss.toFixed(0)} : ${k.peakPss.toFixed(0)} |`);
  }
}
