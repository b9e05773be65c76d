// A real OpenLDAP for tests: Debian's slapd with an RFC 2307 / inetOrgPerson
// tree, started like the Samba DC on its own loopback address (389 with
// StartTLS, 636 LDAPS) from a temporary directory with a slapd.conf of its
// own: mdb, the memberof overlay (memberOf on groupOfNames members) and
// ppolicy (pwdAccountLockedTime locks an account; the default policy, when
// the tree holds it, locks after wrong passwords). Ready means the process
// owns port 389. The tree is loaded with slapadd before the start.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { claimLoopbackAddress, ownsPort } from './loopback-address.ts';
import { ensureLdapTools } from './ldap-tools.ts';
import { issueServerCert, makeCa, type TestCa } from './test-pki.ts';

export const LDAP_SUFFIX = 'dc=stoa,dc=test';
export const LDAP_ROOT_DN = `cn=admin,${LDAP_SUFFIX}`;
export const LDAP_ROOT_PASSWORD = 'slapd-root-secret';
/** The default password policy (slapo-ppolicy) when the tree has this entry: see policyEntries(). */
export const LDAP_POLICY_DN = `cn=default,ou=policies,${LDAP_SUFFIX}`;

/**
 * A default password policy that locks an account for `lockoutSeconds` after
 * `maxFailures` wrong passwords (pwdLockout): slapd then refuses its binds and
 * sets pwdAccountLockedTime to the time of the lockout.
 */
export function policyEntries(maxFailures: number, lockoutSeconds: number): string {
  return [
    `dn: ou=policies,${LDAP_SUFFIX}\nobjectClass: organizationalUnit\nou: policies\n`,
    [`dn: ${LDAP_POLICY_DN}`, 'objectClass: organizationalRole', 'objectClass: pwdPolicy', 'cn: default', 'pwdAttribute: userPassword',
      'pwdLockout: TRUE', `pwdMaxFailure: ${maxFailures}`, `pwdLockoutDuration: ${lockoutSeconds}`, ''].join('\n'),
  ].join('\n');
}

/** mailAlternateAddress as Sun/Oracle messaging servers name it, under a private test arc. */
const MAIL_SCHEMA = `
attributetype ( 1.3.6.1.4.1.99999.12.1 NAME 'mailAlternateAddress'
  EQUALITY caseIgnoreIA5Match SUBSTR caseIgnoreIA5SubstringsMatch
  SYNTAX 1.3.6.1.4.1.1466.115.121.1.26{256} )
objectclass ( 1.3.6.1.4.1.99999.12.2 NAME 'stoaMailRecipient' SUP top AUXILIARY
  MAY ( mail $ mailAlternateAddress ) )
`;

export interface Slapd {
  ip: string;
  url: string;
  ldapUrl: string;
  ca: TestCa;
  dir: string;
  pause(): void;
  resume(): void;
  stop(): Promise<void>;
}

/** {SSHA} userPassword (RFC 2307 style, what slappasswd writes). */
export function ssha(password: string): string {
  const salt = randomBytes(8);
  return `{SSHA}${Buffer.concat([createHash('sha1').update(password).update(salt).digest(), salt]).toString('base64')}`;
}

export async function startSlapd(ldif: string, opts: { expiredCert?: boolean } = {}): Promise<Slapd> {
  ensureLdapTools();
  const claim = claimLoopbackAddress();
  const dir = mkdtempSync(join(tmpdir(), 'stoa-slapd-'));
  let child: ChildProcess | null = null;
  try {
    const ca = makeCa(join(dir, 'pki'));
    const cert = issueServerCert(ca, 'server', claim.ip, 'ldap.stoa.test', opts.expiredCert);
    mkdirSync(join(dir, 'db'));
    writeFileSync(join(dir, 'mail.schema'), MAIL_SCHEMA);
    writeFileSync(join(dir, 'slapd.conf'), [
      ...['core', 'cosine', 'inetorgperson', 'nis'].map((s) => `include /etc/ldap/schema/${s}.schema`),
      `include ${join(dir, 'mail.schema')}`,
      'modulepath /usr/lib/ldap', 'moduleload back_mdb', 'moduleload memberof', 'moduleload ppolicy',
      `pidfile ${join(dir, 'slapd.pid')}`, `argsfile ${join(dir, 'slapd.args')}`,
      `TLSCACertificateFile ${ca.certFile}`, `TLSCertificateFile ${cert.certFile}`, `TLSCertificateKeyFile ${cert.keyFile}`,
      'sizelimit unlimited',
      'database mdb', `suffix "${LDAP_SUFFIX}"`, `rootdn "${LDAP_ROOT_DN}"`, `rootpw ${LDAP_ROOT_PASSWORD}`,
      `directory ${join(dir, 'db')}`, 'maxsize 1073741824',
      'index objectClass eq', 'index uid,mail,cn eq', 'index entryUUID eq', 'index member,memberOf eq',
      'overlay memberof', 'overlay ppolicy', `ppolicy_default "${LDAP_POLICY_DN}"`,
      '',
    ].join('\n'));
    writeFileSync(join(dir, 'tree.ldif'), ldif);
    const add = spawnSync('slapadd', ['-f', join(dir, 'slapd.conf'), '-l', join(dir, 'tree.ldif')], { encoding: 'utf8' });
    if (add.status !== 0) throw new Error(`slapadd failed: ${add.stderr}`);
    child = spawn('slapd', ['-d', '0', '-f', join(dir, 'slapd.conf'), '-h', `ldap://${claim.ip}:389/ ldaps://${claim.ip}:636/`], { detached: true, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr!.on('data', (d) => { stderr = (stderr + d).slice(-4000); });
    const deadline = Date.now() + 30_000;
    while (!(ownsPort(child.pid!, claim.ip, 389) && ownsPort(child.pid!, claim.ip, 636))) {
      if (child.exitCode !== null) throw new Error(`slapd exited (${child.exitCode}): ${stderr}`);
      if (Date.now() > deadline) throw new Error(`slapd did not listen within 30 s: ${stderr}`);
      await sleep(50);
    }
    const running = child;
    const signal = (s: NodeJS.Signals) => { try { process.kill(-running.pid!, s); } catch { /* gone */ } };
    return {
      ip: claim.ip, url: `ldaps://${claim.ip}:636`, ldapUrl: `ldap://${claim.ip}:389`, ca, dir,
      pause: () => signal('SIGSTOP'),
      resume: () => signal('SIGCONT'),
      async stop() {
        const exited = new Promise((resolve) => running.once('exit', resolve));
        signal('SIGCONT');
        signal('SIGTERM');
        await Promise.race([exited, sleep(5000)]);
        signal('SIGKILL');
        claim.release();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  } catch (err) {
    if (child) try { process.kill(-child.pid!, 'SIGKILL'); } catch { /* gone */ }
    claim.release();
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
}
