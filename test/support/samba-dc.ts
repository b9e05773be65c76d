// A real Active Directory for tests: Debian's Samba AD DC, provisioned once
// into a cached template (6–21 s) and copied per test file (about 1.5 s to
// start), on its own loopback address, with nothing in /etc or /var:
// --dns-backend=NONE, an empty -s config, --option lines for every state
// directory, `server services = ldap, kdc` (no ports 53/135/445), and
// `interfaces = IP/8` + `bind interfaces only`. Only smb.conf holds absolute
// paths, so a copy is made usable by rewriting it. Ready means the started
// process owns port 389 (Samba answers on it before it is done otherwise).
// Simple binds need TLS, as on a hardened Windows DC: LDAPS with the CA Samba
// generates at first start (private/tls/ca.pem).
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { claimLoopbackAddress, ownsPort } from './loopback-address.ts';
import { ensureLdapTools } from './ldap-tools.ts';

export const REALM = 'CORP.STOA.TEST';
export const BASE_DN = 'DC=corp,DC=stoa,DC=test';
export const ADMIN_DN = `CN=Administrator,CN=Users,${BASE_DN}`;
export const ADMIN_PASSWORD = 'Adm1n-Passw0rd!';

export interface SambaDc {
  ip: string;
  /** ldaps://IP:636 */
  url: string;
  caPem: string;
  /** The name in the DC's certificate (we connect by address). */
  serverName: string;
  dir: string;
  /** Adds entries through ldb (the bulk path: about 26 s per 1,000 users with passwords). */
  add(ldif: string): void;
  modify(ldif: string): void;
  remove(dn: string): void;
  /** SIGSTOP / SIGCONT: a directory that accepts connections and never answers. */
  pause(): void;
  resume(): void;
  stop(): Promise<void>;
}

/** unicodePwd takes the password in double quotes, UTF-16LE (MS-ADTS §3.1.1.3.1.5.1). */
export function unicodePwd(password: string): string {
  return `unicodePwd:: ${Buffer.from(`"${password}"`, 'utf16le').toString('base64')}`;
}

function samba(args: string[], what: string): void {
  const r = spawnSync(args[0], args.slice(1), { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${what} failed (${r.status}): ${r.stderr || r.stdout}`);
}

function provisionOptions(dir: string, ip: string): string[] {
  return [
    `pid directory=${dir}/run`, `lock directory=${dir}/lock`, `state directory=${dir}/state`, `cache directory=${dir}/cache`,
    `private dir=${dir}/private`, `log file=${dir}/log`, `winbindd socket directory=${dir}/winbindd`, `ntp signd socket directory=${dir}/ntp`,
    'server services = ldap, kdc', `interfaces = ${ip}/8`, 'bind interfaces only = yes', 'prefork children = 2',
  ].flatMap((o) => ['--option', o]);
}

async function startIn(dir: string, ip: string): Promise<ChildProcess> {
  const child = spawn('samba', ['-F', '--debug-stdout', '-s', join(dir, 'etc/smb.conf')], { detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (d) => { stderr += d; });
  child.stdout!.on('data', (d) => { stderr = (stderr + d).slice(-4000); });
  const deadline = Date.now() + 60_000;
  while (!(ownsPort(child.pid!, ip, 389) && ownsPort(child.pid!, ip, 636))) {
    if (child.exitCode !== null) throw new Error(`samba exited (${child.exitCode}): ${stderr}`);
    if (Date.now() > deadline) {
      kill(child, 'SIGKILL');
      throw new Error(`samba did not listen on ${ip}:389 within 60 s: ${stderr}`);
    }
    await sleep(100);
  }
  return child;
}

function kill(child: ChildProcess, signal: NodeJS.Signals): void {
  try {
    process.kill(-child.pid!, signal);
  } catch { /* gone */ }
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  // A test DC keeps nothing worth a graceful shutdown (several seconds for Samba).
  kill(child, 'SIGKILL');
  kill(child, 'SIGCONT');
  await Promise.race([exited, sleep(5000)]);
}

/** Provisions the template once per machine (and Samba version); parallel test files wait for the first. */
async function template(): Promise<string> {
  const version = spawnSync('samba', ['--version'], { encoding: 'utf8' }).stdout.trim().replace(/[^A-Za-z0-9.]+/g, '-');
  const path = join(tmpdir(), `stoa-samba-template-${version}`);
  if (existsSync(join(path, 'READY'))) return path;
  const lock = `${path}.lock`;
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      if (existsSync(join(path, 'READY'))) return path;
      // A lock older than 5 minutes belongs to a run that died while provisioning.
      if (Date.now() - statSync(lock, { throwIfNoEntry: false })!.mtimeMs > 300_000) rmSync(lock, { recursive: true, force: true });
      await sleep(250);
    }
  }
  try {
    if (existsSync(join(path, 'READY'))) return path;
    const build = `${path}.build`;
    rmSync(build, { recursive: true, force: true });
    mkdirSync(build, { recursive: true });
    writeFileSync(join(build, 'empty.conf'), '');
    const claim = claimLoopbackAddress();
    try {
      samba(['samba-tool', 'domain', 'provision', `--realm=${REALM}`, '--domain=CORP', '--server-role=dc', '--dns-backend=NONE',
        '--host-name=dc1', `--adminpass=${ADMIN_PASSWORD}`, '--use-rfc2307', '-s', join(build, 'empty.conf'), `--targetdir=${build}`,
        ...provisionOptions(build, claim.ip)], 'samba-tool domain provision');
      // The first start generates the TLS CA and certificate: keep them in the template.
      const child = await startIn(build, claim.ip);
      await stopChild(child);
    } finally {
      claim.release();
    }
    rmSync(path, { recursive: true, force: true });
    renameSync(build, path);
    writeFileSync(join(path, 'READY'), new Date().toISOString());
    return path;
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

export async function startSambaDc(): Promise<SambaDc> {
  ensureLdapTools();
  const source = await template();
  const claim = claimLoopbackAddress();
  const dir = mkdtempSync(join(tmpdir(), 'stoa-samba-'));
  let child: ChildProcess;
  try {
    cpSync(source, dir, { recursive: true });
    for (const p of ['run', 'lock', 'cache', 'winbindd', 'ntp', 'msg.sock', 'msg.lock']) rmSync(join(dir, p), { recursive: true, force: true });
    const conf = join(dir, 'etc/smb.conf');
    writeFileSync(conf, readFileSync(conf, 'utf8').replaceAll(`${source}.build`, dir).replaceAll(source, dir).replace(/interfaces = \S+/, `interfaces = ${claim.ip}/8`));
    child = await startIn(dir, claim.ip);
  } catch (err) {
    claim.release();
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
  const running = child;
  const caPem = readFileSync(join(dir, 'private/tls/ca.pem'), 'utf8');
  const cert = new X509Certificate(readFileSync(join(dir, 'private/tls/cert.pem')));
  const serverName = /CN=([^\n,]+)/.exec(cert.subject)?.[1] ?? 'dc1';
  const ldb = (tool: string, ldif: string) => {
    const file = join(dir, `change-${process.hrtime.bigint()}.ldif`);
    writeFileSync(file, ldif);
    try {
      samba([tool, '-H', join(dir, 'private/sam.ldb'), file], tool);
    } finally {
      rmSync(file, { force: true });
    }
  };
  return {
    ip: claim.ip, url: `ldaps://${claim.ip}:636`, caPem, serverName, dir,
    add: (ldif) => ldb('ldbadd', ldif),
    modify: (ldif) => ldb('ldbmodify', ldif),
    remove: (dn) => samba(['ldbdel', '-H', join(dir, 'private/sam.ldb'), dn], 'ldbdel'),
    pause: () => kill(running, 'SIGSTOP'),
    resume: () => kill(running, 'SIGCONT'),
    async stop() {
      await stopChild(running);
      claim.release();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
