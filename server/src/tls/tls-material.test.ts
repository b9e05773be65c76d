import assert from 'node:assert/strict';
import { X509Certificate, createPrivateKey } from 'node:crypto';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect, createServer, type ConnectionOptions } from 'node:tls';
import { after, describe, it } from 'node:test';
import pino from 'pino';
import { defaultConfig } from '../config/schema.ts';
import type { StoaConfig } from '../config/types.ts';
import { isStoaError } from '../errors/catalogue.ts';
import { generateSelfSigned } from './self-signed.ts';
import { SELF_SIGNED_FILE, loadTlsMaterial, secureContext, tlsServerOptions, type TlsMaterial } from './tls-material.ts';

const logger = pino({ level: 'silent' });
const dirs: string[] = [];
after(() => { for (const d of dirs) rmSync(d, { recursive: true, force: true }); });

function configIn(patch: (c: StoaConfig) => void = () => {}): StoaConfig {
  const dir = mkdtempSync(join(tmpdir(), 'stoa-tls-'));
  dirs.push(dir);
  const c = defaultConfig();
  c.dataDir = dir;
  c.hostname = 'mail.example.test';
  patch(c);
  return c;
}

/** Serves one TLS connection that answers "hello" and resolves with what the client saw. */
async function handshake(material: TlsMaterial, config: StoaConfig, client: ConnectionOptions): Promise<{ protocol: string | null; data: string; authorized: boolean }> {
  const server = createServer(tlsServerOptions(material, config.tls), (socket) => socket.end('hello'));
  server.on('tlsClientError', () => {});
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  try {
    return await new Promise((resolve, reject) => {
      const socket = connect({ host: '127.0.0.1', port, ...client }, () => {
        let data = '';
        socket.on('data', (d: Buffer) => { data += d.toString(); });
        socket.on('end', () => resolve({ protocol: socket.getProtocol(), data, authorized: socket.authorized }));
      });
      socket.on('error', reject);
    });
  } finally {
    server.close();
  }
}

describe('TLS material', () => {
  it('builds a self-signed X.509 v3 certificate that node:crypto parses, with SANs, serverAuth and a valid signature', () => {
    const { keyPem, certPem } = generateSelfSigned({ commonName: 'mail.example.test', altNames: ['localhost', '127.0.0.1', '::1'] });
    const cert = new X509Certificate(certPem);
    assert.equal(cert.subject, 'CN=mail.example.test');
    assert.equal(cert.issuer, 'CN=mail.example.test');
    assert.equal(cert.subjectAltName, 'DNS:mail.example.test, DNS:localhost, IP Address:127.0.0.1, IP Address:0:0:0:0:0:0:0:1');
    assert.deepEqual(cert.keyUsage, ['1.3.6.1.5.5.7.3.1']);
    assert.equal(cert.ca, false);
    assert.ok(cert.verify(cert.publicKey), 'self-signature verifies');
    assert.ok(cert.checkPrivateKey(createPrivateKey(keyPem)));
    assert.equal(cert.checkHost('mail.example.test'), 'mail.example.test');
    assert.equal(cert.checkIP('127.0.0.1'), '127.0.0.1');
    const days = (Date.parse(cert.validTo) - Date.parse(cert.validFrom)) / 86_400_000;
    assert.equal(days, 825);
  });

  it('generates a certificate at first start with a 0600 key file and reuses it afterwards', async () => {
    const config = configIn();
    const first = await loadTlsMaterial(config, logger);
    assert.equal(first.selfSigned, true);
    assert.match(first.fingerprint256, /^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
    const path = join(config.dataDir, 'tls', SELF_SIGNED_FILE);
    assert.equal(statSync(path).mode & 0o777, 0o600);
    const second = await loadTlsMaterial(config, logger);
    assert.equal(second.fingerprint256, first.fingerprint256);
    // A new hostname needs a certificate that names it.
    const renamed = await loadTlsMaterial({ ...config, hostname: 'mx2.example.test' }, logger);
    assert.notEqual(renamed.fingerprint256, first.fingerprint256);
    assert.equal(new X509Certificate(renamed.cert).checkHost('mx2.example.test'), 'mx2.example.test');
  });

  it('completes a real TLS handshake that a client trusting the certificate accepts for the hostname', async () => {
    const config = configIn();
    const material = await loadTlsMaterial(config, logger);
    const seen = await handshake(material, config, { ca: material.cert, servername: config.hostname });
    assert.equal(seen.authorized, true);
    assert.equal(seen.data, 'hello');
    assert.match(seen.protocol ?? '', /^TLSv1\.[23]$/);
    // A client that does not trust it refuses, as it should for self-signed.
    await assert.rejects(handshake(material, config, { servername: config.hostname }), /self-signed|self signed/);
  });

  it('refuses clients below tls.minVersion', async () => {
    const config = configIn((c) => { c.tls.minVersion = 'TLSv1.3'; });
    const material = await loadTlsMaterial(config, logger);
    await assert.rejects(handshake(material, config, { ca: material.cert, servername: config.hostname, maxVersion: 'TLSv1.2' }));
    const ok = await handshake(material, config, { ca: material.cert, servername: config.hostname });
    assert.equal(ok.protocol, 'TLSv1.3');
    assert.ok(secureContext(material, config.tls).context);
  });

  it('uses the configured certificate and key, and names the keys when they do not match', async () => {
    const config = configIn();
    const a = generateSelfSigned({ commonName: 'mail.example.test' });
    const b = generateSelfSigned({ commonName: 'mail.example.test' });
    writeFileSync(join(config.dataDir, 'cert.pem'), a.certPem);
    writeFileSync(join(config.dataDir, 'key.pem'), a.keyPem);
    writeFileSync(join(config.dataDir, 'other-key.pem'), b.keyPem);
    const material = await loadTlsMaterial({ ...config, tls: { ...config.tls, certFile: join(config.dataDir, 'cert.pem'), keyFile: join(config.dataDir, 'key.pem') } }, logger);
    assert.equal(material.selfSigned, false);
    assert.equal(material.fingerprint256, new X509Certificate(a.certPem).fingerprint256);
    await assert.rejects(
      loadTlsMaterial({ ...config, tls: { ...config.tls, certFile: join(config.dataDir, 'cert.pem'), keyFile: join(config.dataDir, 'other-key.pem') } }, logger),
      (err) => isStoaError(err, 'STOA_CONFIG_INVALID') && /does not belong to the certificate/.test(err.message),
    );
    await assert.rejects(
      loadTlsMaterial({ ...config, tls: { ...config.tls, certFile: join(config.dataDir, 'cert.pem'), keyFile: null } }, logger),
      /go together/,
    );
  });
});

