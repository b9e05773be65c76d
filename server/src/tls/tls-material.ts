// The server's TLS key and certificate: the operator's files when
// tls.certFile/tls.keyFile are set, otherwise a self-signed certificate for
// config.hostname generated at first start into dataDir/tls/ and reused
// afterwards. Every listener (SMTP STARTTLS, SMTPS, IMAPS, …) shares it.
import { X509Certificate, createPrivateKey } from 'node:crypto';
import { closeSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { createSecureContext, type SecureContext, type SecureVersion, type TlsOptions } from 'node:tls';
import type { StoaConfig, TlsSettings } from '../config/types.ts';
import { StoaError } from '../errors/catalogue.ts';
import type { Logger } from '../log/logger.ts';
import { generateSelfSigned } from './self-signed.ts';

export interface TlsMaterial {
  key: string;
  /** PEM chain, leaf first. */
  cert: string;
  selfSigned: boolean;
  /** "AB:CD:…" SHA-256 of the leaf, to show users who must trust a self-signed certificate. */
  fingerprint256: string;
  validTo: Date;
}

/** File holding the generated key and certificate together: one rename replaces both at once. */
export const SELF_SIGNED_FILE = 'self-signed.pem';
/** A self-signed certificate this close to expiry is replaced at start. */
const RENEW_BEFORE_MS = 30 * 86_400_000;

function readPem(path: string, key: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    throw new StoaError('STOA_CONFIG_INVALID', `${key}: cannot read ${path}: ${(err as Error).message}`, { cause: err });
  }
}

/** Parses and cross-checks a key and chain; throws with `where` in the message when they do not fit. */
function inspect(key: string, cert: string, where: string): X509Certificate {
  let leaf: X509Certificate;
  try {
    leaf = new X509Certificate(cert);
  } catch (err) {
    throw new StoaError('STOA_CONFIG_INVALID', `${where}: not a PEM certificate: ${(err as Error).message}`, { cause: err });
  }
  let privateKey;
  try {
    privateKey = createPrivateKey(key);
  } catch (err) {
    throw new StoaError('STOA_CONFIG_INVALID', `${where}: not a PEM private key: ${(err as Error).message}`, { cause: err });
  }
  if (!leaf.checkPrivateKey(privateKey)) throw new StoaError('STOA_CONFIG_INVALID', `${where}: the private key does not belong to the certificate`);
  return leaf;
}

function material(key: string, cert: string, leaf: X509Certificate, selfSigned: boolean): TlsMaterial {
  return { key, cert, selfSigned, fingerprint256: leaf.fingerprint256, validTo: new Date(leaf.validTo) };
}

function altNamesFor(hostname: string): string[] {
  return [hostname, 'localhost', '127.0.0.1', '::1'];
}

/** The stored certificate is kept unless it is unreadable, about to expire, or no longer names this host. */
function reusable(path: string, hostname: string, now: number): { key: string; cert: string; leaf: X509Certificate } | null {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return null;
  }
  const key = /-----BEGIN PRIVATE KEY-----[\s\S]+?-----END PRIVATE KEY-----\n?/.exec(text)?.[0];
  const cert = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----\n?/.exec(text)?.[0];
  if (!key || !cert) return null;
  try {
    const leaf = inspect(key, cert, path);
    if (Date.parse(leaf.validTo) - now < RENEW_BEFORE_MS) return null;
    if (leaf.checkHost(hostname) === undefined) return null;
    return { key, cert, leaf };
  } catch {
    return null;
  }
}

/** Writes `content` to `path` with mode 0600 through a temporary file, fsynced, then renamed. */
function writePrivate(path: string, content: string): void {
  const tmp = `${path}.${process.pid}.tmp`;
  const fd = openSync(tmp, 'w', 0o600);
  try {
    writeSync(fd, content);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, path);
}

export async function loadTlsMaterial(config: StoaConfig, logger: Logger): Promise<TlsMaterial> {
  const { certFile, keyFile } = config.tls;
  if (certFile !== null || keyFile !== null) {
    if (certFile === null || keyFile === null) {
      throw new StoaError('STOA_CONFIG_INVALID', 'tls.certFile and tls.keyFile go together: set both, or neither for a self-signed certificate');
    }
    const cert = readPem(certFile, 'tls.certFile');
    const key = readPem(keyFile, 'tls.keyFile');
    const leaf = inspect(key, cert, `tls.certFile ${certFile} / tls.keyFile ${keyFile}`);
    if (Date.parse(leaf.validTo) < Date.now()) logger.warn({ certFile, validTo: leaf.validTo }, 'the configured TLS certificate has expired');
    if (leaf.checkHost(config.hostname) === undefined) {
      logger.warn({ certFile, hostname: config.hostname, subjectAltName: leaf.subjectAltName }, 'the configured TLS certificate does not name this hostname');
    }
    return material(key, cert, leaf, false);
  }

  const dir = join(config.dataDir, 'tls');
  const path = join(dir, SELF_SIGNED_FILE);
  const existing = reusable(path, config.hostname, Date.now());
  if (existing) return material(existing.key, existing.cert, existing.leaf, true);

  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const generated = generateSelfSigned({ commonName: config.hostname, altNames: altNamesFor(config.hostname) });
  writePrivate(path, generated.keyPem + generated.certPem);
  const leaf = new X509Certificate(generated.certPem);
  logger.info({ path, hostname: config.hostname, fingerprint256: leaf.fingerprint256, validTo: leaf.validTo },
    'generated a self-signed TLS certificate; set tls.certFile and tls.keyFile to use a trusted one');
  return material(generated.keyPem, generated.certPem, leaf, true);
}

/** Options for tls.createServer / smtp-server / any TLS listener. */
export function tlsServerOptions(tls: TlsMaterial, settings: Pick<TlsSettings, 'minVersion'>): TlsOptions {
  return { key: tls.key, cert: tls.cert, minVersion: settings.minVersion as SecureVersion };
}

/** A SecureContext for STARTTLS upgrades (new tls.TLSSocket(socket, { secureContext, isServer: true })). */
export function secureContext(tls: TlsMaterial, settings: Pick<TlsSettings, 'minVersion'>): SecureContext {
  return createSecureContext({ key: tls.key, cert: tls.cert, minVersion: settings.minVersion as SecureVersion });
}
