// A throw-away Dovecot (Debian's dovecot-imapd) for the reference runs of
// the conformance suite: its own configuration, base and mail directories
// in a temporary directory, a free loopback port, any user name with the
// password "pw" (static passdb), Maildir under the temp directory. Dovecot
// switches to its "dovecot" system user for mail, so this needs root (the
// test machines run as root); it says so plainly otherwise.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, chown, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../../cli/run-stoa.ts';
import { systemUser } from '../../support/test-tools.ts';
import type { Target } from './runner.ts';

export const DOVECOT_BINARY = '/usr/sbin/dovecot';

export interface DovecotServer { target: Target; version: string; /** The master process (benchmarks read its process tree). */ pid: number; close(): Promise<void> }

/** Why Dovecot cannot run here, or null. */
export function dovecotUnavailable(): string | null {
  if (!existsSync(DOVECOT_BINARY)) return 'dovecot is not installed (Debian package dovecot-imapd)';
  if (userInfo().uid !== 0) return 'the reference Dovecot needs root (it switches to the dovecot user for mail)';
  return null;
}

function config(dir: string, port: number, extra: string): string {
  return `# Written by test/imap/conformance/dovecot.ts
base_dir = ${dir}/run
state_dir = ${dir}/state
instance_name = stoa-conformance-${port}
protocols = imap
listen = 127.0.0.1
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain
log_path = ${dir}/dovecot.log
default_login_user = dovenull
default_internal_user = dovecot
first_valid_uid = 1
passdb {
  driver = static
  args = password=pw
}
userdb {
  driver = static
  args = uid=dovecot gid=dovecot home=${dir}/mail/%u
}
mail_location = maildir:~/Maildir
namespace inbox {
  inbox = yes
  separator = /
  prefix =
}
service imap-login {
  chroot =
  inet_listener imap {
    port = ${port}
  }
  inet_listener imaps {
    port = 0
  }
}
service anvil {
  chroot =
}
${extra}`;
}

async function waitForPort(port: number, child: ChildProcess, deadlineMs: number): Promise<void> {
  const deadline = Date.now() + deadlineMs;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`dovecot exited with ${child.exitCode}`);
    const ok = await new Promise<boolean>((resolve) => {
      const s = connect({ host: '127.0.0.1', port }, () => { s.destroy(); resolve(true); });
      s.on('error', () => resolve(false));
    });
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`dovecot did not listen on ${port}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** `extraConfig` is appended to the configuration (the IMAP benchmark's process-reuse settings). */
export async function startDovecot(extraConfig = ''): Promise<DovecotServer> {
  const why = dovecotUnavailable();
  if (why) throw new Error(why);
  const dir = await mkdtemp(join(tmpdir(), 'stoa-dovecot-'));
  const port = await freePort();
  await Promise.all(['run', 'state', 'mail'].map((d) => mkdir(join(dir, d))));
  const { uid, gid } = systemUser('dovecot', 'Debian dovecot-core');
  // The mail processes run as the dovecot user: they must reach the mail directory.
  await chmod(dir, 0o755);
  await chown(join(dir, 'mail'), uid, gid);
  const conf = join(dir, 'dovecot.conf');
  await writeFile(conf, config(dir, port, extraConfig));
  const version = await new Promise<string>((resolve) => {
    const v = spawn(DOVECOT_BINARY, ['--version']);
    let out = '';
    v.stdout.on('data', (d: Buffer) => { out += d.toString(); });
    v.on('close', () => resolve(out.trim()));
  });
  const child = spawn(DOVECOT_BINARY, ['-F', '-c', conf], { stdio: 'ignore' });
  try {
    await waitForPort(port, child, 10_000);
  } catch (err) {
    child.kill('SIGKILL');
    throw err;
  }
  let n = 0;
  return {
    version,
    pid: child.pid!,
    target: {
      name: 'dovecot',
      host: '127.0.0.1',
      port,
      async newUser() {
        return { login: `conf${++n}`, password: 'pw' };
      },
    },
    async close() {
      if (child.exitCode === null) {
        const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
        child.kill('SIGTERM');
        await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
        if (child.exitCode === null) child.kill('SIGKILL');
      }
      await rm(dir, { recursive: true, force: true });
    },
  };
}
