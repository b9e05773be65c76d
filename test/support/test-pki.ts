// A throw-away certificate authority for test servers, made with the openssl
// command line: a CA, server certificates for a loopback address (SAN IP and
// DNS), and an expired one (openssl ca with explicit dates, since
// `openssl x509` cannot backdate).
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface TestCa { dir: string; certFile: string; keyFile: string; pem: string }
export interface ServerCert { certFile: string; keyFile: string }

function openssl(args: string[], cwd: string): void {
  const r = spawnSync('openssl', args, { cwd, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`openssl ${args[0]} failed: ${r.stderr}`);
}

export function makeCa(dir: string, name = 'Stoa Test CA'): TestCa {
  mkdirSync(dir, { recursive: true });
  openssl(['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', 'ca.key', '-out', 'ca.pem',
    '-days', '30', '-subj', `/CN=${name}`, '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign'], dir);
  return { dir, certFile: join(dir, 'ca.pem'), keyFile: join(dir, 'ca.key'), pem: readFileSync(join(dir, 'ca.pem'), 'utf8') };
}

/** A server certificate for `ip` and `dnsName`, valid now, or expired since 2020 when `expired`. */
export function issueServerCert(ca: TestCa, name: string, ip: string, dnsName: string, expired = false): ServerCert {
  const { dir } = ca;
  openssl(['req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', `/CN=${dnsName}`], dir);
  writeFileSync(join(dir, `${name}.ext`), `subjectAltName=IP:${ip},DNS:${dnsName}\nextendedKeyUsage=serverAuth\nbasicConstraints=CA:FALSE\n`);
  if (!expired) {
    openssl(['x509', '-req', '-in', `${name}.csr`, '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-out', `${name}.pem`, '-days', '7', '-extfile', `${name}.ext`], dir);
  } else {
    mkdirSync(join(dir, 'newcerts'), { recursive: true });
    writeFileSync(join(dir, 'index.txt'), '');
    writeFileSync(join(dir, 'serial'), '1000\n');
    writeFileSync(join(dir, 'ca.cnf'), [
      '[ca]', 'default_ca = test', '[test]', `dir = ${dir}`, 'database = $dir/index.txt', 'new_certs_dir = $dir/newcerts',
      'serial = $dir/serial', 'default_md = sha256', 'policy = any', 'copy_extensions = none', '[any]', 'commonName = supplied', '',
    ].join('\n'));
    openssl(['ca', '-batch', '-config', 'ca.cnf', '-cert', 'ca.pem', '-keyfile', 'ca.key', '-in', `${name}.csr`, '-out', `${name}.pem`,
      '-startdate', '20200101000000Z', '-enddate', '20200102000000Z', '-extfile', `${name}.ext`, '-notext'], dir);
  }
  return { certFile: join(dir, `${name}.pem`), keyFile: join(dir, `${name}.key`) };
}
