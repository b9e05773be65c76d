// Bind passwords kept in the store, sealed with AES-256-GCM (NIST SP 800-38D)
// under a key that is not in the store: STOA_DIRECTORY_SECRET_KEY (base64, 32
// bytes; set it on every node of a MongoDB cluster) or else a key file
// created on first use (directory.secretKeyFile, mode 0600). A database dump
// alone then reveals no directory password. The connection id is bound in as
// associated data, so a sealed value copied to another connection fails.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, renameSync, writeSync, fsyncSync } from 'node:fs';
import { dirname } from 'node:path';
import { StoaError } from '../../errors/catalogue.ts';

export interface SecretBox {
  seal(plaintext: string, connectionId: string): string;
  open(sealed: string, connectionId: string): string;
}

const VERSION = 'v1';

function parseKey(text: string, where: string): Buffer {
  const key = Buffer.from(text.trim(), 'base64');
  if (key.length !== 32) throw new StoaError('STOA_DIRECTORY_SECRET', `${where} must hold 32 bytes in base64 (got ${key.length})`);
  return key;
}

function writeKeyFile(path: string, key: Buffer): void {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  const tmp = `${path}.${process.pid}.tmp`;
  const fd = openSync(tmp, 'wx', 0o600);
  try {
    writeSync(fd, `${key.toString('base64')}\n`);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, path);
}

/** `envKey` wins over the file; the file is created only when something is sealed. */
export function createSecretBox(opts: { envKey: string | undefined; keyFile: string }): SecretBox {
  let key: Buffer | null = null;
  const load = (create: boolean): Buffer => {
    if (key) return key;
    if (opts.envKey) key = parseKey(opts.envKey, 'STOA_DIRECTORY_SECRET_KEY');
    else if (existsSync(opts.keyFile)) key = parseKey(readFileSync(opts.keyFile, 'utf8'), opts.keyFile);
    else if (create) {
      key = randomBytes(32);
      writeKeyFile(opts.keyFile, key);
    } else throw new StoaError('STOA_DIRECTORY_SECRET', `no key to decrypt it: ${opts.keyFile} is missing and STOA_DIRECTORY_SECRET_KEY is not set`);
    return key;
  };
  return {
    seal(plaintext, connectionId) {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', load(true), iv);
      cipher.setAAD(Buffer.from(connectionId));
      const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
      return `${VERSION}:${Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64')}`;
    },
    open(sealed, connectionId) {
      const [version, data] = sealed.split(':');
      if (version !== VERSION || !data) throw new StoaError('STOA_DIRECTORY_SECRET', 'unknown sealing format');
      const raw = Buffer.from(data, 'base64');
      try {
        const decipher = createDecipheriv('aes-256-gcm', load(false), raw.subarray(0, 12));
        decipher.setAAD(Buffer.from(connectionId));
        decipher.setAuthTag(raw.subarray(12, 28));
        return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8');
      } catch (err) {
        if (err instanceof StoaError) throw err;
        throw new StoaError('STOA_DIRECTORY_SECRET', 'the stored bind password does not decrypt with this key (was the key replaced?)', { cause: err });
      }
    },
  };
}
