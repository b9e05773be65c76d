// A throw-away Dovecot (Debian's dovecot-core and dovecot-lmtpd, 2.3) that
// takes the SMTP benchmark's mail from Postfix over LMTP, as the delivery end
// of the Postfix + rspamd + Dovecot stack (stack.ts). A private instance:
// its own configuration, base_dir (sockets), state, log, mail and home
// directories in a temporary directory; the system instance (/etc/dovecot)
// is neither read nor started. Only LMTP, on a unix socket in its base_dir
// (Dovecot's default listener, mode 0666, so Postfix's lmtp client can
// connect as the postfix user).
//
// Users: a passwd-file passdb with the benchmark's recipients (full
// addresses) and a static userdb (one uid/gid, home under the temp dir),
// Dovecot's usual virtual-user setup, so LMTP refuses unknown recipients.
// Mail goes to Maildir (mail_location maildir:DIR/mail/%d/%n); mail_fsync
// keeps its default (optimized: the message file is fsynced before it is
// renamed into new/ and LMTP answers 250; index files are not).
//
// Full-text search: with Debian's dovecot-fts-xapian installed, the fts and
// fts_xapian plugins index every delivered message the way that plugin's
// README configures it (fts_autoindex: after each saving transaction the
// LMTP process asks the indexer service to index the mailbox; an
// indexer-worker process does it, asynchronously). indexed() waits until
// that work is done: it queues one more request per user on the indexer's
// socket and waits for its "100" (the indexer answers a request that arrives
// while the mailbox is being indexed only after the next pass, so the answer
// covers every message delivered before it was asked).
//
// Stopped in every exit path: the master runs in the foreground in its own
// process group (its children stay in it), close() ends the group; if this
// process dies first, a watchdog shell sees its stdin close, ends the group
// and removes the folder.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chownSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync, chmodSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { systemUser } from '../../support/test-tools.ts';
import { detachedGroup } from '../../support/watchdog.ts';

const DOVECOT = '/usr/sbin/dovecot';
const LMTP = '/usr/lib/dovecot/lmtp';
const FTS_XAPIAN = '/usr/lib/dovecot/modules/lib21_fts_xapian_plugin.so';

export interface DovecotLmtp {
  version: string;
  /** The master: the root of Dovecot's process tree. */
  pid: number;
  dir: string;
  /** The LMTP unix socket, for Postfix's `lmtp:unix:` transport. */
  socket: string;
  /** What indexes the messages for full-text search, or null when nothing does. */
  fts: string | null;
  /** Messages in the recipients' INBOX (Maildir new/ and cur/). */
  delivered(): number;
  /** Resolves once the indexer has indexed every recipient's INBOX as it is now (at once without full-text search). */
  indexed(): Promise<void>;
  logTail(lines?: number): string;
  close(): Promise<void>;
}

export interface DovecotLmtpOptions {
  domain: string;
  /** Local parts; their addresses are the Dovecot users. */
  users: string[];
  /** Index on delivery with fts-xapian (when installed). Default true. */
  fts?: boolean;
}

/** Why this Dovecot cannot run here, or null. */
export function dovecotLmtpUnavailable(): string | null {
  if (!existsSync(DOVECOT) || !existsSync(LMTP)) {
    return 'Dovecot\'s LMTP server is not installed (Debian packages dovecot-core, dovecot-lmtpd): run scripts/ensure-test-tools.sh as root';
  }
  if (process.getuid?.() !== 0) return 'the stack\'s Dovecot runs as root (its master, then the dovecot user for mail)';
  return null;
}

function packageVersion(pkg: string): string | null {
  const r = spawnSync('dpkg-query', ['-W', '-f', '${Version}', pkg], { encoding: 'utf8' });
  return r.status === 0 && r.stdout ? r.stdout.trim() : null;
}

function config(dir: string, port: string, opts: DovecotLmtpOptions, fts: boolean): string {
  return `# Written by test/bench/smtp/dovecot-lmtp.ts
base_dir = ${dir}/run
state_dir = ${dir}/state
instance_name = stoa-bench-lmtp-${port}
protocols = lmtp
listen = 127.0.0.1
ssl = no
log_path = ${dir}/dovecot.log
default_login_user = dovenull
default_internal_user = dovecot
default_internal_group = dovecot
first_valid_uid = 1
postmaster_address = postmaster@${opts.domain}
mail_location = maildir:${dir}/mail/%d/%n
passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%u ${dir}/users
}
userdb {
  driver = static
  args = uid=dovecot gid=dovecot home=${dir}/home/%d/%n
}
service anvil {
  chroot =
}
${fts ? `mail_plugins = $mail_plugins fts fts_xapian
plugin {
  fts = xapian
  fts_xapian = partial=3 full=20
  fts_autoindex = yes
  fts_enforced = yes
  fts_autoindex_exclude = \\Trash
}
service indexer-worker {
  vsz_limit = 2G
}
` : ''}`;
}

function countFiles(dir: string): number {
  try {
    return readdirSync(dir).length;
  } catch {
    return 0; // Not created yet: Dovecot makes the Maildir at the first delivery.
  }
}

/** The LMTP greeting on the unix socket, or false. */
function greets(socket: string): Promise<boolean> {
  return new Promise((resolve) => {
    const c = connect(socket);
    c.setEncoding('latin1');
    c.once('data', (d: string) => { c.destroy(); resolve(d.startsWith('220')); });
    c.once('error', () => resolve(false));
  });
}

/** Queues an index request for the user's INBOX on the indexer socket and resolves when the indexer reports it done. */
function indexInbox(socket: string, user: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const c = connect(socket);
    c.setEncoding('latin1');
    let buffer = '';
    c.once('connect', () => c.write(`VERSION\tindexer\t1\t0\nAPPEND\t1\t${user}\tINBOX\n`));
    c.on('data', (d: string) => {
      buffer += d;
      let nl: number;
      while ((nl = buffer.indexOf('\n')) >= 0) {
        const line = buffer.slice(0, nl);
        buffer = buffer.slice(nl + 1);
        const [tag, status] = line.split('\t');
        if (tag !== '1' || status === 'OK') continue; // The VERSION line, the request's OK, progress.
        if (status === '100') {
          c.end();
          resolve();
        } else if (status === '-1') {
          c.destroy();
          reject(new Error(`the indexer failed to index ${user}'s INBOX`));
        }
      }
    });
    c.once('error', reject);
    c.once('close', () => reject(new Error(`the indexer closed the connection before indexing ${user}'s INBOX`)));
  });
}

/** Starts a private Dovecot that delivers over LMTP; stop it with close(). It is also stopped if this process exits. */
export async function startDovecotLmtp(opts: DovecotLmtpOptions): Promise<DovecotLmtp> {
  const why = dovecotLmtpUnavailable();
  if (why) throw new Error(why);
  const ftsOn = (opts.fts ?? true) && existsSync(FTS_XAPIAN);
  const dir = mkdtempSync(join(tmpdir(), 'stoa-dovecot-lmtp-'));
  chmodSync(dir, 0o755);
  const { uid, gid } = systemUser('dovecot', "Debian's dovecot-core makes it");
  for (const d of ['mail', 'home', 'state']) {
    mkdirSync(join(dir, d));
    if (d !== 'state') chownSync(join(dir, d), uid, gid);
  }
  const addresses = opts.users.map((u) => `${u}@${opts.domain}`);
  writeFileSync(join(dir, 'users'), addresses.map((a) => `${a}:{PLAIN}not-for-login\n`).join(''));
  const tag = dir.slice(-6);
  writeFileSync(join(dir, 'dovecot.conf'), config(dir, tag, opts, ftsOn));
  const version = spawnSync(DOVECOT, ['--version'], { encoding: 'utf8' }).stdout.trim();
  let stderr = '';
  const child: ChildProcess = spawn(DOVECOT, ['-F', '-c', join(dir, 'dovecot.conf')], { stdio: ['ignore', 'ignore', 'pipe'], detached: true });
  child.stderr!.on('data', (d: Buffer) => { stderr = (stderr + d.toString()).slice(-10_000); });
  const { stop: close } = detachedGroup(child, dir);
  const logTail = (lines = 20): string => {
    try {
      return readFileSync(join(dir, 'dovecot.log'), 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
    } catch {
      return '(no dovecot.log)';
    }
  };
  const socket = join(dir, 'run', 'lmtp');
  const deadline = Date.now() + 15_000;
  while (!(await greets(socket))) {
    if (Date.now() > deadline || child.exitCode !== null || child.signalCode !== null) {
      const log = logTail();
      await close();
      throw new Error(`Dovecot's LMTP did not answer on ${socket} within 15 s:\n${stderr}\n${log}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  const xapian = ftsOn ? packageVersion('dovecot-fts-xapian') : null;
  return {
    version,
    pid: child.pid!,
    dir,
    socket,
    fts: ftsOn ? `fts-xapian ${xapian ?? '(version unknown)'}, indexed on delivery (fts_autoindex, indexer-worker)` : null,
    delivered: () => opts.users.reduce((n, u) => {
      const inbox = join(dir, 'mail', opts.domain, u);
      return n + countFiles(join(inbox, 'new')) + countFiles(join(inbox, 'cur'));
    }, 0),
    async indexed() {
      if (!ftsOn) return;
      await Promise.all(addresses.map((a) => indexInbox(join(dir, 'run', 'indexer'), a)));
    },
    logTail,
    close,
  };
}
