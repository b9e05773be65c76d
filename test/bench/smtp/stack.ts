// The SMTP benchmark's second reference: Postfix doing the work Stoa does per
// message the way a Postfix site does it: four private servers in
// temporary directories, none of them the system's:
//
// - a resolver for rspamd: dnsmasq on a free loopback port with no upstream
//   and no hosts file, so it answers every query at once with REFUSED. Stoa's
//   run points its resolver at 127.0.0.1:9, where the refusal (ICMP port
//   unreachable) reaches it at once and it caches the failure; rspamd's own
//   resolver does not see that refusal and waits out its timeout instead
//   (0.1 s, three times per message: 300 ms a message, measured), and has
//   no cache of its own (rspamd's documentation asks for a local caching
//   resolver). dnsmasq gives it the same quick failure; its process counts in
//   the stack's CPU and memory;
// - rspamd (test/support/rspamd.ts) as a milter: Debian's rules and modules,
//   its proxy worker in milter mode (Debian's worker-proxy.inc) on a unix
//   socket, handing each message to the normal worker (over loopback TCP, as
//   Debian's does), no Redis (so no Bayes, greylisting or
//   ratelimit), no fuzzy storage, mail from the loopback client checked as
//   from any other (check_local: SPF, DMARC, hfilter, ASN), logging to a
//   file at Debian's level (one line per message);
// - Postfix (postfix.ts) with smtpd_milters pointing at it (the milter
//   settings rspamd's documentation gives for Postfix; milter_default_action
//   tempfail rather than the usual accept, so that a failing milter shows up
//   as refused messages instead of unscanned ones) and virtual_transport
//   lmtp:unix: to
// - Dovecot (dovecot-lmtp.ts) delivering to Maildir and, with
//   dovecot-fts-xapian installed, indexing every message for full-text search.
//
// The milter socket is a unix one (smtpd_milters = unix:…), which rspamd and
// Postfix both support, not rspamd's documented inet:localhost:11332: over
// loopback TCP every message waited about 45 ms at the end of its milter
// dialog (p50 48 ms per message on one session, against 4.8 ms over the unix
// socket; rspamd's own scan took 2.5 ms), the mark of Nagle's algorithm
// meeting a delayed ACK, which would make the one-session figures measure
// that stall rather than the work.
//
// With no DNS, both Stoa and rspamd see SPF, DMARC and the other lookups fail
// (temperror) at once, and neither checks anything a resolver would have
// answered.
//
// Started resolver, rspamd, Dovecot, Postfix (each one's address goes into
// the next one's configuration) and stopped in reverse, on every path: a
// start that fails stops what was started; if the benchmark is killed,
// watchdog shells (test/support/watchdog.ts) stop them.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { Resolver } from 'node:dns/promises';
import { freePort } from '../../cli/run-stoa.ts';
import { rspamdVersion, startRspamd, type Rspamd } from '../../support/rspamd.ts';
import { dovecotLmtpUnavailable, startDovecotLmtp, type DovecotLmtp } from './dovecot-lmtp.ts';
import { postfixUnavailable, startPostfix, type PostfixServer } from './postfix.ts';
import { watchdog } from '../../support/watchdog.ts';

export interface PostfixStack {
  postfix: PostfixServer;
  rspamd: Rspamd;
  dovecot: DovecotLmtp;
  /** rspamd's resolver: dnsmasq refusing every query. */
  resolver: { server: string; pid: number };
  /** rspamd's version. */
  rspamdVersion: string;
  /** The roots of the four process trees (Postfix, rspamd, Dovecot, dnsmasq). */
  pids: number[];
  /** Messages rspamd has logged a result for (its task log line). */
  scanned(): number;
  close(): Promise<void>;
}

export interface PostfixStackOptions {
  domain: string;
  users: string[];
  /** Postfix's log to a file (see postfix.ts). */
  log?: boolean;
  /** Dovecot's full-text index on delivery (default on, when fts-xapian is installed). */
  fts?: boolean;
}

const DNSMASQ = '/usr/sbin/dnsmasq';

/** Why the stack cannot run here, or null. */
export function postfixStackUnavailable(): string | null {
  if (!existsSync(DNSMASQ)) return 'dnsmasq is not installed (Debian package dnsmasq): run scripts/ensure-test-tools.sh as root';
  return postfixUnavailable() ?? dovecotLmtpUnavailable();
}

/** dnsmasq answering REFUSED to everything, in its own process group; resolves once it answers. */
async function startRefusingResolver(): Promise<{ server: string; pid: number; stop(): Promise<void> }> {
  const port = await freePort();
  const child = spawn(DNSMASQ, [
    '--keep-in-foreground', '--no-resolv', '--no-hosts', `--port=${port}`, '--listen-address=127.0.0.1', '--bind-interfaces',
    '--conf-file=/dev/null', '--user=root', '--log-facility=/dev/null',
  ], { stdio: 'ignore', detached: true });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const guard = watchdog('kill -KILL "-$1" 2>/dev/null', [String(child.pid)]);
  const kill = (): void => {
    try {
      process.kill(-child.pid!, 'SIGKILL');
    } catch { /* gone */ }
  };
  process.once('exit', kill);
  const stop = async (): Promise<void> => {
    process.off('exit', kill);
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      await exited;
    }
    guard.release();
  };
  const resolver = new Resolver({ timeout: 300, tries: 1 });
  resolver.setServers([`127.0.0.1:${port}`]);
  for (let i = 0; ; i++) {
    try {
      await resolver.resolveTxt('remote.example');
      break; // It answers (it should refuse, but it answers).
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'EREFUSED') break;
      if (i >= 50 || child.exitCode !== null) {
        await stop();
        throw new Error(`dnsmasq did not answer within 5 s: ${(err as Error).message}`, { cause: err });
      }
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return { server: `127.0.0.1:${port}`, pid: child.pid!, stop };
}

export async function startPostfixStack(opts: PostfixStackOptions): Promise<PostfixStack> {
  const why = postfixStackUnavailable();
  if (why) throw new Error(why);
  const started: (() => Promise<void>)[] = [];
  const stopAll = async (): Promise<void> => {
    for (const stop of started.reverse()) await stop();
  };
  try {
    const resolver = await startRefusingResolver();
    started.push(() => resolver.stop());
    const rspamd = await startRspamd({ milter: 'unix', logFile: true, checkLocal: true, nameserver: resolver.server });
    started.push(() => rspamd.stop());
    const dovecot = await startDovecotLmtp({ domain: opts.domain, users: opts.users, fts: opts.fts });
    started.push(() => dovecot.close());
    const postfix = await startPostfix({
      domain: opts.domain,
      users: opts.users,
      log: opts.log,
      main: `# The stack (test/bench/smtp/stack.ts): rspamd as a milter, delivery to Dovecot over LMTP.
smtpd_milters = ${rspamd.milter}
non_smtpd_milters = $smtpd_milters
milter_protocol = 6
milter_mail_macros = i {mail_addr} {client_addr} {client_name} {auth_authen}
milter_default_action = tempfail
virtual_transport = lmtp:unix:${dovecot.socket}
`,
      master: 'lmtp      unix  -       -       n       -       -       lmtp\n',
    });
    started.push(() => postfix.close());
    const logFile = rspamd.logFile!;
    return {
      postfix,
      rspamd,
      dovecot,
      resolver: { server: resolver.server, pid: resolver.pid },
      rspamdVersion: rspamdVersion(),
      pids: [postfix.pid, rspamd.pid, dovecot.pid, resolver.pid],
      scanned: () => {
        try {
          // logging.inc's log_format starts every task line with "id: <Message-ID>," (the proxy logs none of its own).
          return readFileSync(logFile, 'latin1').split('\n').filter((l) => l.includes('rspamd_task_write_log')).length;
        } catch {
          return 0;
        }
      },
      close: stopAll,
    };
  } catch (err) {
    await stopAll();
    throw err;
  }
}
