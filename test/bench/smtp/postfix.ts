// A throw-away Postfix (Debian's postfix package) for the SMTP benchmark's
// side-by-side runs: a private instance with its own configuration, queue,
// data and mail directories in a temporary directory, smtpd on a free
// loopback port, and virtual(8) delivery to Maildir for the benchmark's
// recipients. The system instance (/etc/postfix) is neither read, edited nor
// started: `postfix -c DIR` as root needs no alternate_config_directories
// entry (postconf(5): that list guards the set-gid commands, postdrop and
// postqueue, which the benchmark does not use).
//
// The configuration is a stock one apart from what a private instance and a
// fair comparison need: no local or system delivery (mydestination and
// alias_maps empty), no DNS (smtpd_peername_lookup = no, the clients are on
// 127.0.0.1 and in mynetworks, so the per-client limits do not apply),
// default_process_limit 200 so 50 sessions get 50 smtpd processes, no
// chroot (Debian's master.cf chroots most services). Everything else keeps
// Postfix's defaults, among them cleanup's fsync of the queue file before
// smtpd answers 250, virtual(8)'s fsync of the Maildir file in tmp/ before
// it links it into new/ (neither fsyncs the directory), in_flow_delay = 1s
// and a concurrency of 20 deliveries to one domain. Postfix runs as root for
// the master, as the postfix user for its daemons, and delivers as nobody
// (an unprivileged uid, static uid/gid maps).
//
// The stack target (stack.ts) adds lines to both files through `main` and
// `master` (a milter, delivery over LMTP): later main.cf lines override
// earlier ones, as postconf(5) says.
//
// Logging: a stock Postfix logs to syslog; this machine runs no syslog
// daemon (no /dev/log), so those lines go nowhere and cost only Postfix's
// own failed send. `log: true` writes them to DIR/postfix.log through
// postlogd(8) instead (a process of the tree, so its CPU is counted).
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { chmod, chown, mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../../cli/run-stoa.ts';
import { systemUser } from '../../support/test-tools.ts';
import { watchdog } from '../../support/watchdog.ts';

export const POSTFIX_BINARY = '/usr/sbin/postfix';
const POSTCONF_BINARY = '/usr/sbin/postconf';

export interface PostfixServer {
  port: number;
  version: string;
  /** The master process: the root of the tree that is measured. */
  pid: number;
  dir: string;
  /** Messages in the recipients' Maildir new/ folders (virtual(8) links a message there once it is written and fsynced). */
  delivered(): number;
  /** Queue files not yet delivered (incoming, active, deferred). */
  queued(): number;
  /** The last lines of DIR/postfix.log, or a note that logging went to syslog. */
  logTail(lines?: number): string;
  close(): Promise<void>;
}

export interface PostfixOptions {
  domain: string;
  /** Local parts that get a Maildir. */
  users: string[];
  /** Write Postfix's log to DIR/postfix.log (postlogd) instead of syslog. */
  log?: boolean;
  /** Lines appended to main.cf (they override the ones above). */
  main?: string;
  /** Lines appended to master.cf (services). */
  master?: string;
}

/** Why Postfix cannot run here, or null. */
export function postfixUnavailable(): string | null {
  if (!existsSync(POSTFIX_BINARY) || !existsSync(POSTCONF_BINARY)) {
    return 'postfix is not installed (Debian package postfix): run scripts/ensure-test-tools.sh as root';
  }
  if (userInfo().uid !== 0) return 'the reference Postfix needs root (its master runs as root, its daemons as the postfix user)';
  return null;
}

function mainCf(dir: string, port: number, opts: PostfixOptions, vmail: { uid: number; gid: number }): string {
  return `# Written by test/bench/smtp/postfix.ts (smtpd on 127.0.0.1:${port})
compatibility_level = 3.6
config_directory = ${dir}/etc
queue_directory = ${dir}/queue
data_directory = ${dir}/data
myhostname = postfix-bench.stoa.test
mydomain = stoa.test
myorigin = $myhostname
inet_interfaces = 127.0.0.1
inet_protocols = ipv4
mynetworks = 127.0.0.0/8
mydestination =
local_recipient_maps =
alias_maps =
alias_database =
relayhost =
smtpd_banner = $myhostname ESMTP
smtpd_peername_lookup = no
smtp_host_lookup = native
smtpd_client_restrictions =
default_process_limit = 200
smtpd_recipient_limit = 1000
virtual_mailbox_domains = ${opts.domain}
virtual_mailbox_base = ${dir}/mail
virtual_mailbox_maps = texthash:${dir}/etc/vmailbox
virtual_uid_maps = static:${vmail.uid}
virtual_gid_maps = static:${vmail.gid}
virtual_minimum_uid = 100
${opts.log ? `maillog_file_prefixes = ${dir}\nmaillog_file = ${dir}/postfix.log\n` : ''}${opts.main ?? ''}`;
}

/** Debian's master.cf without chroot, without the local, smtp and pipe transports, smtpd on the private port. */
function masterCf(port: number, log: boolean, extra: string): string {
  return `# Written by test/bench/smtp/postfix.ts
# service type  private unpriv  chroot  wakeup  maxproc command
127.0.0.1:${port} inet n - n - - smtpd
pickup    unix  n       -       n       60      1       pickup
cleanup   unix  n       -       n       -       0       cleanup
qmgr      unix  n       -       n       300     1       qmgr
rewrite   unix  -       -       n       -       -       trivial-rewrite
bounce    unix  -       -       n       -       0       bounce
defer     unix  -       -       n       -       0       bounce
trace     unix  -       -       n       -       0       bounce
verify    unix  -       -       n       -       1       verify
flush     unix  n       -       n       1000?   0       flush
proxymap  unix  -       -       n       -       -       proxymap
proxywrite unix -       -       n       -       1       proxymap
showq     unix  n       -       n       -       -       showq
error     unix  -       -       n       -       -       error
retry     unix  -       -       n       -       -       error
discard   unix  -       -       n       -       -       discard
virtual   unix  -       n       n       -       -       virtual
anvil     unix  -       -       n       -       1       anvil
scache    unix  -       -       n       -       1       scache
${log ? 'postlog   unix-dgram n  -       n       -       1       postlogd\n' : ''}${extra}`;
}

function run(cmd: string, args: string[]): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    // The master daemonises and keeps no inherited descriptor open, but wait for 'exit', not 'close', all the same.
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d: Buffer) => { output += d.toString(); });
    child.stderr.on('data', (d: Buffer) => { output += d.toString(); });
    child.once('error', reject);
    child.once('exit', (code) => resolve({ code, output: output.trim() }));
  });
}

async function waitForPort(port: number, deadlineMs: number): Promise<void> {
  const deadline = Date.now() + deadlineMs;
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const s = connect({ host: '127.0.0.1', port }, () => { s.destroy(); resolve(true); });
      s.on('error', () => resolve(false));
    });
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`postfix did not listen on ${port}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

function countFiles(dir: string): number {
  try {
    return readdirSync(dir).length;
  } catch {
    return 0; // Not created yet: virtual(8) makes the Maildir at the first delivery.
  }
}

/** Starts a private Postfix; stop it with close(). It is also stopped if this process exits, or on SIGINT/SIGTERM. */
export async function startPostfix(opts: PostfixOptions): Promise<PostfixServer> {
  const why = postfixUnavailable();
  if (why) throw new Error(why);
  const dir = await mkdtemp(join(tmpdir(), 'stoa-postfix-'));
  const etc = join(dir, 'etc');
  const log = opts.log ?? false;
  // Synchronous, so that it can run from an 'exit' listener: `postfix stop` waits up to 5 s for the master.
  // If this process dies without its 'exit' listeners (SIGKILL), a watchdog shell stops Postfix and removes the folder.
  const guard = watchdog(`${POSTFIX_BINARY} -c "$1" stop >/dev/null 2>&1; rm -rf "$2"`, [etc, dir]);
  let stopped = false;
  const stopNow = (): void => {
    if (stopped) return;
    stopped = true;
    if (existsSync(join(dir, 'queue', 'pid', 'master.pid'))) spawnSync(POSTFIX_BINARY, ['-c', etc, 'stop'], { stdio: 'ignore' });
    rmSync(dir, { recursive: true, force: true });
    guard.release();
  };
  const onSignal = (signal: NodeJS.Signals): void => {
    stopNow();
    process.exit(signal === 'SIGINT' ? 130 : 143);
  };
  const unhook = (): void => {
    process.off('exit', stopNow);
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  };
  process.once('exit', stopNow);
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  const logTail = (lines = 20): string => {
    if (!log) return '(Postfix logged to syslog; run with its log on, --postfix-log, to keep DIR/postfix.log)';
    try {
      return readFileSync(join(dir, 'postfix.log'), 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
    } catch {
      return '(no postfix.log)';
    }
  };
  try {
    const port = await freePort();
    const postfixUser = systemUser('postfix', 'Debian postfix');
    const vmail = systemUser('nobody');
    // The daemons (postfix user) and virtual(8) (nobody) must reach their directories under the temp dir.
    await chmod(dir, 0o755);
    await Promise.all(['etc', 'queue', 'data', 'mail'].map((d) => mkdir(join(dir, d))));
    await chown(join(dir, 'data'), postfixUser.uid, postfixUser.gid);
    await chown(join(dir, 'mail'), vmail.uid, vmail.gid);
    await writeFile(join(etc, 'main.cf'), mainCf(dir, port, opts, vmail));
    await writeFile(join(etc, 'master.cf'), masterCf(port, log, opts.master ?? ''));
    // texthash: read as text at start, no postmap; the value is the Maildir under virtual_mailbox_base (trailing / = Maildir).
    await writeFile(join(etc, 'vmailbox'), opts.users.map((u) => `${u}@${opts.domain} ${u}/\n`).join(''));
    const version = await run(POSTCONF_BINARY, ['-c', etc, '-h', 'mail_version']);
    if (version.code !== 0) throw new Error(`postconf -c ${etc} failed: ${version.output}`);
    // `start` runs postfix-script's integrity check (it creates the queue directories with their owners), then `master -w`, which returns once the master is up.
    const start = await run(POSTFIX_BINARY, ['-c', etc, 'start']);
    if (start.code !== 0) {
      throw new Error(`postfix -c ${etc} start exited ${start.code}: ${start.output || '(no output: errors before logging starts go to syslog)'}\n${logTail()}`);
    }
    const pid = Number(readFileSync(join(dir, 'queue', 'pid', 'master.pid'), 'utf8').trim());
    await waitForPort(port, 10_000);
    return {
      port,
      version: version.output,
      pid,
      dir,
      delivered: () => opts.users.reduce((n, u) => n + countFiles(join(dir, 'mail', u, 'new')), 0),
      queued: () => ['incoming', 'active', 'deferred'].reduce((n, q) => n + countTree(join(dir, 'queue', q)), 0),
      logTail,
      async close() {
        unhook();
        if (stopped) return;
        stopped = true;
        const stop = await run(POSTFIX_BINARY, ['-c', etc, 'stop']);
        rmSync(dir, { recursive: true, force: true });
        guard.release();
        if (stop.code !== 0) throw new Error(`postfix -c ${etc} stop exited ${stop.code}: ${stop.output}`);
      },
    };
  } catch (err) {
    unhook();
    stopNow();
    throw err;
  }
}

/** Files under a queue directory (hash_queue_names spreads deferred and others over subdirectories). */
function countTree(dir: string): number {
  let n = 0;
  try {
    for (const e of readdirSync(dir, { withFileTypes: true })) n += e.isDirectory() ? countTree(join(dir, e.name)) : 1;
  } catch {
    // Missing or removed meanwhile.
  }
  return n;
}
