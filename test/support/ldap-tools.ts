// Debian packages the directory tests need: Samba AD DC (samba-ad-dc,
// samba-ad-provision, ldb-tools for ldbadd) and OpenLDAP (slapd, ldap-utils).
// scripts/ensure-test-tools.sh installs them (with a policy-rc.d so no system
// daemon starts); a test fails, never skips, when they cannot be had.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

export function ensureLdapTools(): void {
  const have = () => ['/usr/sbin/samba', '/usr/bin/samba-tool', '/usr/bin/ldbadd', '/usr/sbin/slapd', '/usr/bin/ldapsearch', '/usr/share/samba/setup/ad-schema'].every((p) => existsSync(p));
  if (have()) return;
  const run = spawnSync('sh', [join(REPO, 'scripts/ensure-test-tools.sh')], { encoding: 'utf8' });
  if (!have()) throw new Error(`the directory tests need samba-ad-dc, samba-ad-provision, ldb-tools, slapd and ldap-utils: ${run.stderr}`);
}
