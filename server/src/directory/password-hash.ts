// Password hashing with argon2id (RFC 9106) from node:crypto, stored as PHC
// strings so the parameters travel with each hash: raising the cost in the
// configuration never locks anyone out, and `needsRehash` upgrades old hashes
// at the next successful login.
import { argon2, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Argon2Params } from '../config/types.ts';

const SALT_BYTES = 16; // RFC 9106 §3.1: 128-bit salt recommended
const TAG_BYTES = 32; // RFC 9106 §4: 256-bit tag
const ARGON2_VERSION = 0x13; // "v=19", the only version RFC 9106 specifies

// Upper bounds for parameters read back from a stored hash: a corrupted or
// planted hash must not make one login allocate gigabytes or spin for minutes.
const MAX_MEMORY_KIB = 4 * 1024 * 1024;
const MAX_PASSES = 64;
const MAX_PARALLELISM = 64;

export interface ParsedHash {
  params: Argon2Params;
  salt: Buffer;
  tag: Buffer;
}

function derive(password: string, salt: Buffer, params: Argon2Params, tagLength: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    argon2('argon2id', {
      // RFC 8265 §4.2.2 (PRECIS OpaqueString): passwords are compared in NFC.
      message: Buffer.from(password.normalize('NFC'), 'utf8'),
      nonce: salt,
      parallelism: params.parallelism,
      tagLength,
      memory: params.memoryKiB,
      passes: params.passes,
    }, (err, key) => (err ? reject(err) : resolve(key)));
  });
}

// PHC string format uses standard base64 without padding.
function b64(buf: Buffer): string {
  return buf.toString('base64').replace(/=+$/, '');
}

/** `$argon2id$v=19$m=…,t=…,p=…$<salt>$<hash>` */
export async function hashPassword(password: string, params: Argon2Params): Promise<string> {
  const salt = randomBytes(SALT_BYTES);
  const tag = await derive(password, salt, params, TAG_BYTES);
  return `$argon2id$v=${ARGON2_VERSION}$m=${params.memoryKiB},t=${params.passes},p=${params.parallelism}$${b64(salt)}$${b64(tag)}`;
}

const PHC = /^\$argon2id\$v=(\d+)\$m=(\d+),t=(\d+),p=(\d+)\$([A-Za-z0-9+/]+)\$([A-Za-z0-9+/]+)$/;

/** Parses a PHC argon2id string; null when it is not one we can verify. */
export function parseHash(phc: string): ParsedHash | null {
  const m = PHC.exec(phc);
  if (!m) return null;
  const [, version, mem, passes, par, salt, tag] = m;
  if (Number(version) !== ARGON2_VERSION) return null;
  const params = { memoryKiB: Number(mem), passes: Number(passes), parallelism: Number(par) };
  if (params.parallelism < 1 || params.parallelism > MAX_PARALLELISM) return null;
  if (params.passes < 1 || params.passes > MAX_PASSES) return null;
  // RFC 9106 §3.1: memory must be at least 8·p KiB.
  if (params.memoryKiB < 8 * params.parallelism || params.memoryKiB > MAX_MEMORY_KIB) return null;
  const saltBuf = Buffer.from(salt, 'base64');
  const tagBuf = Buffer.from(tag, 'base64');
  if (saltBuf.length < 8 || tagBuf.length < 4) return null;
  return { params, salt: saltBuf, tag: tagBuf };
}

/** True when `password` matches `phc`; false for a mismatch or a hash we cannot read. */
export async function verifyPassword(phc: string, password: string): Promise<boolean> {
  const parsed = parseHash(phc);
  if (!parsed) return false;
  const tag = await derive(password, parsed.salt, parsed.params, parsed.tag.length);
  return timingSafeEqual(tag, parsed.tag);
}

/** True when the hash was made with other parameters than the configured ones. */
export function needsRehash(phc: string, params: Argon2Params): boolean {
  const parsed = parseHash(phc);
  if (!parsed) return true;
  return parsed.params.memoryKiB !== params.memoryKiB
    || parsed.params.passes !== params.passes
    || parsed.params.parallelism !== params.parallelism
    || parsed.tag.length !== TAG_BYTES
    || parsed.salt.length !== SALT_BYTES;
}

/**
 * Verifies against a throw-away hash with the current parameters, so that a
 * login for an unknown user costs the same time as one for a real user and
 * response times do not reveal which accounts exist.
 */
export class DummyVerifier {
  #hash: Promise<string> | null = null;
  readonly #params: Argon2Params;

  constructor(params: Argon2Params) {
    this.#params = params;
  }

  /** The hash unknown users are checked against: made once, with the current parameters. */
  phc(): Promise<string> {
    this.#hash ??= hashPassword(randomBytes(18).toString('base64url'), this.#params);
    return this.#hash;
  }

  async verify(password: string): Promise<void> {
    await verifyPassword(await this.phc(), password);
  }
}
