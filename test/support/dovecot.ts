// A real Dovecot IMAP server (Debian dovecot-imapd) for tests: its own
// configuration, state and Maildir in a temporary directory, on a free
// loopback port, users and an optional master user from passwd files.
// Mail is put in place as Maildir files before the start (fast, exact
// bytes), and Dovecot indexes it on first access.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

export interface DovecotUser { name: string; password: string }

export interface DovecotOptions {
  users: DovecotUser[];
  /** A master user that may log in as anyone (SASL PLAIN authorization identity). */
  master?: DovecotUser;
  /** Extra lines inside `namespace inbox { … }` (mailbox special-use declarations). */
  namespace?: string;
}

export interface Dovecot {
  host: string;
  port: number;
  dir: string;
  /** The user's Maildir (Maildir++ layout: INBOX at the top, ".Folder" below). */
  maildir(user: string): string;
  /** Makes the files written so far readable by the server (owner dovecot when run as root). */
  fixOwnership(): void;
  start(): Promise<void>;
  stop(): Promise<void>;
  log(): string;
}

export function ensureDovecot(): string | null {
  const r = spawnSync('sh', [join(REPO, 'scripts/ensure-test-tools.sh')], { encoding: 'utf8' });
  if (r.status !== 0) return `scripts/ensure-test-tools.sh could not install dovecot-imapd: ${r.stderr}`;
  return null;
}

export async function freePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((ok, fail) => {
    const s = createServer();
    s.on('error', fail);
    s.listen(0, host, () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => ok(port));
    });
  });
}

async function waitForGreeting(host: string, port: number, deadline: number): Promise<void> {
  while (Date.now() < deadline) {
    const ok = await new Promise<boolean>((done) => {
      const c = createConnection({ host, port });
      c.once('data', (d) => {
        c.destroy();
        done(String(d).startsWith('* OK'));
      });
      c.once('error', () => done(false));
    });
    if (ok) return;
    await sleep(100);
  }
  throw new Error(`Dovecot did not greet on ${host}:${port}`);
}

export async function createDovecot(options: DovecotOptions): Promise<Dovecot> {
  const dir = mkdtempSync(join(tmpdir(), 'stoa-dovecot-'));
  chmodSync(dir, 0o755);
  const root = process.getuid?.() === 0;
  // As root Dovecot refuses to run its login and mail processes as root: Debian's dovenull and dovecot users serve.
  const me = userInfo().username;
  const loginUser = root ? 'dovenull' : me;
  const mailUser = root ? 'dovecot' : me;
  const host = '127.0.0.1';
  const port = await freePort(host);
  for (const d of ['mail', 'home', 'run', 'state']) mkdirSync(join(dir, d), { recursive: true });
  writeFileSync(join(dir, 'users'), options.users.map((u) => `${u.name}:{PLAIN}${u.password}\n`).join(''));
  if (options.master) writeFileSync(join(dir, 'masters'), `${options.master.name}:{PLAIN}${options.master.password}\n`);
  const conf = `
base_dir = ${dir}/run
state_dir = ${dir}/state
instance_name = stoa-test-${port}
protocols = imap
listen = ${host}
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
log_path = ${dir}/dovecot.log
default_login_user = ${loginUser}
default_internal_user = ${mailUser}
default_internal_group = ${mailUser}
mail_location = maildir:${dir}/mail/%u
mail_uid = ${mailUser}
mail_gid = ${mailUser}
first_valid_uid = 0
mail_max_userip_connections = 100
${options.master ? `auth_master_user_separator = *
passdb {
  driver = passwd-file
  master = yes
  args = scheme=PLAIN ${dir}/masters
}` : ''}
passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%u ${dir}/users
}
userdb {
  driver = static
  args = uid=${mailUser} gid=${mailUser} home=${dir}/home/%u
}
service imap-login {
  inet_listener imap {
    address = ${host}
    port = ${port}
  }
  inet_listener imaps {
    port = 0
  }
  chroot =
}
service anvil {
  chroot =
}
namespace inbox {
  inbox = yes
  separator = /
${options.namespace ?? ''}
}
`;
  writeFileSync(join(dir, 'dovecot.conf'), conf);
  let proc: ChildProcess | null = null;
  const log = () => {
    try {
      return readFileSync(join(dir, 'dovecot.log'), 'utf8');
    } catch {
      return '';
    }
  };
  const fixOwnership = () => {
    if (root) spawnSync('chown', ['-R', `${mailUser}:${mailUser}`, join(dir, 'mail'), join(dir, 'home')]);
  };
  return {
    host, port, dir,
    maildir: (user) => join(dir, 'mail', user),
    fixOwnership,
    async start() {
      fixOwnership();
      proc = spawn('/usr/sbin/dovecot', ['-F', '-c', join(dir, 'dovecot.conf')], { stdio: ['ignore', 'pipe', 'pipe'] });
      let stderr = '';
      proc.stderr!.on('data', (d) => { stderr += String(d); });
      try {
        await waitForGreeting(host, port, Date.now() + 15_000);
      } catch (err) {
        throw new Error(`${(err as Error).message}\n${stderr}\n${log()}`, { cause: err });
      }
    },
    async stop() {
      if (proc && proc.exitCode === null) {
        const exited = new Promise((ok) => proc!.once('exit', ok));
        proc.kill('SIGTERM');
        await Promise.race([exited, sleep(5000)]);
        if (proc.exitCode === null) proc.kill('SIGKILL');
      }
      proc = null;
      rmSync(dir, { recursive: true, force: true });
    },
    log,
  };
}
