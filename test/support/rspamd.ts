// Debian's rspamd for tests (package rspamd, 3.4 on Debian 12): a private
// instance in a temporary folder, in the foreground (-f), with its own
// configuration, database and run folders. The configuration takes Debian's
// rules and modules ($CONFDIR/common.conf) and adds only: one normal worker
// (the scanner that answers /checkv2) on a free loopback port, no
// controller, proxy or fuzzy storage, no Redis (so Bayes, greylisting and
// the other Redis modules are off), fuzzy checks off, and DNS pointed at a
// loopback port where nothing answers, so lookups fail within their 0.1 s
// timeout instead of waiting on a network the tests do not have.
//
// rspamd compiles its multi-pattern tables with Hyperscan at start (10-20 s
// on this machine); the compiled tables, derived only from Debian's rules,
// are kept across runs in one cache folder per user and rspamd version
// (hs_cache_dir), so later starts take about a second.
//
// Options for the SMTP benchmark's Postfix stack (test/bench/smtp/stack.ts),
// all off for the tests: `milter` adds Debian's proxy worker in milter mode
// (worker-proxy.inc's settings) on a second free port or a unix socket,
// passing each message to the normal worker as Debian's does; `logFile` logs to DIR/rspamd.log
// with Debian's logging.inc (level info: one line per scanned message), as
// the packaged service does; `checkLocal` scans mail from a loopback client
// as from any other (SPF, DMARC, hfilter and the others skip "local"
// addresses unless options.check_local is set).
//
// Stopped in every exit path: stop() ends the process group; if the test
// process dies first (a crash, a kill by the test runner), a watchdog shell
// sees its stdin close, ends the group and removes the folder.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, chownSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../cli/run-stoa.ts';
import { requireFile, systemUser } from './test-tools.ts';
import { detachedGroup } from './watchdog.ts';

export interface Rspamd {
  /** http://127.0.0.1:port, the normal worker. */
  url: string;
  port: number;
  /** Where the proxy worker takes milter connections (option `milter`), in Postfix's notation: inet:127.0.0.1:port or unix:/path. */
  milter: string | null;
  /** The main process: the root of rspamd's process tree. */
  pid: number;
  /** DIR/rspamd.log (option `logFile`). */
  logFile: string | null;
  /** rspamd's own output, last 20 KB (for failure messages). */
  log(): string;
  stop(): Promise<void>;
}

const RSPAMD = '/usr/bin/rspamd';

export interface RspamdOptions {
  /**
   * Also the proxy worker in milter mode (Debian's worker-proxy.inc settings): on a free loopback port (inet) or on a unix
   * socket DIR/run/milter.sock that any user may connect to (unix: DIR and DIR/run become traversable, mode 0711).
   */
  milter?: 'inet' | 'unix';
  /** Log to DIR/rspamd.log with Debian's logging.inc instead of the console at level notice. */
  logFile?: boolean;
  /** Check mail from loopback clients as from any other (options.check_local). */
  checkLocal?: boolean;
  /** The resolver rspamd asks (host:port); by default 127.0.0.1:9, where nothing answers. */
  nameserver?: string;
}

function config(port: number, milterSocket: string | null, logFile: boolean): string {
  return `# Stoa test instance (test/support/rspamd.ts)
.include "$CONFDIR/common.conf"
options {
  pidfile = "$RUNDIR/rspamd.pid";
  .include "$CONFDIR/options.inc"
  .include(try=true; priority=1,duplicate=merge) "$LOCAL_CONFDIR/local.d/options.inc"
}
${logFile ? `logging {
  type = "file";
  filename = "$LOGDIR/rspamd.log";
  .include "$CONFDIR/logging.inc"
}` : `logging {
  type = "console";
  level = "notice";
}`}
worker "normal" {
  bind_socket = "127.0.0.1:${port}";
  count = 1;
  .include "$CONFDIR/worker-normal.inc"
}
${milterSocket === null ? '' : `# Debian's worker-proxy.inc, its upstream pointed at the normal worker above.
worker "rspamd_proxy" {
  bind_socket = "${milterSocket}";
  milter = yes;
  timeout = 120s;
  upstream "local" {
    default = yes;
    hosts = "127.0.0.1:${port}";
  }
  count = 1;
  max_retries = 5;
  discard_on_reject = false;
  quarantine_on_reject = false;
  spam_header = "X-Spam";
  reject_message = "Spam message rejected";
}
`}`;
}

function options(hsCache: string, checkLocal: boolean, nameserver: string | undefined): string {
  return `${nameserver ? '# The caller\'s resolver.' : '# Nothing answers on the discard port: every lookup fails (after its 0.1 s timeout).'}
dns { nameserver = ["${nameserver ?? '127.0.0.1:9'}"]; timeout = 0.1s; retransmits = 0; }
hs_cache_dir = "${hsCache}";
${checkLocal ? 'check_local = true;\n' : ''}`;
}

async function answers(url: string): Promise<boolean> {
  try {
    const res = await fetch(new URL('/ping', url), { signal: AbortSignal.timeout(2000) });
    return res.ok && (await res.text()).startsWith('pong');
  } catch {
    return false;
  }
}

function listening(to: number | string): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = (typeof to === 'number' ? connect({ host: '127.0.0.1', port: to }) : connect(to)).once('connect', () => { socket.destroy(); resolve(true); });
    socket.once('error', () => resolve(false));
  });
}

/** The installed rspamd's version (3.4 on Debian 12). */
export function rspamdVersion(): string {
  const out = spawnSync(RSPAMD, ['--version'], { encoding: 'utf8' }).stdout ?? '';
  return /(\d+\.\d+(?:\.\d+)?)/.exec(out)?.[1] ?? 'unknown';
}

/** As root, rspamd's workers run as Debian's _rspamd user; what they write must be theirs. */
function runAs(): { uid: number; gid: number } | null {
  if (process.getuid?.() !== 0) return null;
  return systemUser('_rspamd', 'reinstall the rspamd package');
}

export async function startRspamd(opts: RspamdOptions = {}): Promise<Rspamd> {
  requireFile('rspamd (Debian rspamd)', [RSPAMD]);
  const user = runAs();
  const dir = mkdtempSync(join(tmpdir(), 'stoa-rspamd-'));
  const hsCache = join(tmpdir(), `stoa-rspamd-hs-${process.getuid?.() ?? 'user'}-${rspamdVersion()}`);
  for (const sub of ['local/local.d', 'db', 'run']) mkdirSync(join(dir, sub), { recursive: true });
  mkdirSync(hsCache, { recursive: true });
  const port = await freePort();
  const milterPort = opts.milter === 'inet' ? await freePort() : null;
  const milterPath = opts.milter === 'unix' ? join(dir, 'run', 'milter.sock') : null;
  const milterSocket = milterPort !== null ? `127.0.0.1:${milterPort}` : milterPath !== null ? `${milterPath} mode=0666` : null;
  writeFileSync(join(dir, 'rspamd.conf'), config(port, milterSocket, opts.logFile ?? false));
  writeFileSync(join(dir, 'local/local.d/options.inc'), options(hsCache, opts.checkLocal ?? false, opts.nameserver));
  // Debian's fuzzy_check asks rspamd.com's fuzzy servers: not here.
  writeFileSync(join(dir, 'local/local.d/fuzzy_check.conf'), 'enabled = false;\n');
  if (user) {
    for (const path of [dir, join(dir, 'local'), join(dir, 'local/local.d'), join(dir, 'db'), join(dir, 'run'), hsCache]) chownSync(path, user.uid, user.gid);
  }
  if (milterPath !== null) {
    // The MTA's milter client (Postfix's smtpd runs as the postfix user) must reach the socket.
    for (const path of [dir, join(dir, 'run')]) chmodSync(path, 0o711);
  }
  const args = [
    '-f', '-c', join(dir, 'rspamd.conf'),
    '--var', 'CONFDIR=/etc/rspamd', '--var', `LOCAL_CONFDIR=${join(dir, 'local')}`,
    '--var', `DBDIR=${join(dir, 'db')}`, '--var', `RUNDIR=${join(dir, 'run')}`, '--var', `LOGDIR=${join(dir, 'run')}`,
    ...(user ? ['-u', '_rspamd', '-g', '_rspamd'] : []),
  ];
  let log = '';
  const keep = (d: Buffer): void => { log = (log + d.toString()).slice(-20_000); };
  // Its own process group, so stopping it stops its workers too.
  const child: ChildProcess = spawn(RSPAMD, args, { stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  const { stop } = detachedGroup(child, dir);

  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 120_000;
  while (!(await answers(url))) {
    if (Date.now() > deadline || child.exitCode !== null || child.signalCode !== null) {
      await stop();
      throw new Error(`rspamd did not start within 120 s:\n${log}`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  // The proxy worker starts beside the normal one; wait for its port as well.
  const milterAt = milterPort ?? milterPath;
  while (milterAt !== null && !(await listening(milterAt))) {
    if (Date.now() > deadline || child.exitCode !== null || child.signalCode !== null) {
      await stop();
      throw new Error(`rspamd's milter did not listen within 120 s:\n${log}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  const milter = milterPort !== null ? `inet:127.0.0.1:${milterPort}` : milterPath !== null ? `unix:${milterPath}` : null;
  return { url, port, milter, pid: child.pid!, logFile: opts.logFile ? join(dir, 'run', 'rspamd.log') : null, log: () => log, stop };
}
