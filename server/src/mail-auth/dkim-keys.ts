// DKIM keys per domain, generated and kept by the server. The directory does
// not know about them: the admin API, the CLI and the first start call
// ensureKey() after creating a domain, and `stoa domain dkim --rotate` or the
// API rotate them. Rotation keeps the old key (inactive) so its record can stay
// published until mail signed with it has been delivered.
import { generateKeyPair, randomUUID } from 'node:crypto';
import { promisify } from 'node:util';
import type { Domain } from '../../../shared/src/schemas/directory.ts';
import type { StoaConfig } from '../config/types.ts';
import { isStoaError } from '../errors/catalogue.ts';
import type { DkimAlgorithm, DkimKey } from '../store/filter-port.ts';
import type { Store } from '../store/port.ts';
import { dkimRecord, type DkimDnsRecord } from './dkim-record.ts';

const generateKeyPairAsync = promisify(generateKeyPair);
/** The 12-octet DER prefix of an Ed25519 SubjectPublicKeyInfo (RFC 8410 §4); the raw key follows. */
const ED25519_SPKI_PREFIX_LENGTH = 12;

export interface DkimKeys {
  /** The domain's active keys, creating those missing (RSA, and Ed25519 when mailAuth.dkimEd25519). */
  ensureKey(domain: Domain): Promise<DkimKey[]>;
  /** New active keys with new selectors; the previous ones stay, inactive. Written to the audit log as `actor`. */
  rotate(domain: Domain, actor: { id: string | null; login: string; ip: string | null }): Promise<DkimKey[]>;
  /** DNS records of every key of the domain, active first. */
  records(domain: Domain): Promise<DkimDnsRecord[]>;
}

/** "stoa" + yyyymm (RFC 6376 §3.1: selectors name keys so they can be rotated); Ed25519 keys end in "e". */
export function baseSelector(algorithm: DkimAlgorithm, now: Date): string {
  const month = `${now.getUTCFullYear()}${String(now.getUTCMonth() + 1).padStart(2, '0')}`;
  return `stoa${month}${algorithm === 'ed25519-sha256' ? 'e' : ''}`;
}

function freeSelector(base: string, taken: Set<string>): string {
  if (!taken.has(base)) return base;
  for (let n = 2; ; n++) if (!taken.has(`${base}-${n}`)) return `${base}-${n}`;
}

export async function generateDkimKeyMaterial(algorithm: DkimAlgorithm): Promise<{ privateKeyPem: string; publicKey: string }> {
  if (algorithm === 'ed25519-sha256') {
    const { publicKey, privateKey } = await generateKeyPairAsync('ed25519');
    const spki = publicKey.export({ type: 'spki', format: 'der' });
    // RFC 8463 §4.2: p= is the base64 of the raw 32-octet public key, not an SPKI.
    return { privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(), publicKey: spki.subarray(ED25519_SPKI_PREFIX_LENGTH).toString('base64') };
  }
  // RFC 8301 §3.2: at least 1024 bits, 2048 recommended.
  const { publicKey, privateKey } = await generateKeyPairAsync('rsa', { modulusLength: 2048 });
  return {
    privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    publicKey: publicKey.export({ type: 'spki', format: 'der' }).toString('base64'),
  };
}

export function createDkimKeys(store: Store, config: Pick<StoaConfig, 'mailAuth'>, clock: () => Date = () => new Date()): DkimKeys {
  const algorithms = (): DkimAlgorithm[] => (config.mailAuth.dkimEd25519 ? ['rsa-sha256', 'ed25519-sha256'] : ['rsa-sha256']);

  async function create(domain: Domain, algorithm: DkimAlgorithm): Promise<DkimKey> {
    const material = await generateDkimKeyMaterial(algorithm);
    for (let attempt = 0; ; attempt++) {
      const now = clock();
      const taken = new Set((await store.dkimKeys.listForDomain(domain.id)).map((k) => k.selector));
      const key: DkimKey = {
        id: randomUUID(), domainId: domain.id, selector: freeSelector(baseSelector(algorithm, now), taken), algorithm,
        ...material, createdAt: now.toISOString(), active: true,
      };
      try {
        await store.dkimKeys.insertActive(key);
        return key;
      } catch (err) {
        // Another node picked the same selector at the same moment: look again.
        if (!isStoaError(err, 'STOA_CONFLICT') || attempt >= 3) throw err;
      }
    }
  }

  return {
    async ensureKey(domain) {
      const active = await store.dkimKeys.active(domain.id);
      const missing = algorithms().filter((a) => !active.some((k) => k.algorithm === a));
      for (const algorithm of missing) {
        try {
          active.push(await create(domain, algorithm));
        } catch (err) {
          if (!isStoaError(err, 'STOA_CONFLICT')) throw err;
        }
      }
      return missing.length === 0 ? active : store.dkimKeys.active(domain.id);
    },
    async rotate(domain, actor) {
      const before = (await store.dkimKeys.active(domain.id)).map((k) => k.selector);
      for (const algorithm of algorithms()) await create(domain, algorithm);
      const active = await store.dkimKeys.active(domain.id);
      await store.audit.append({
        id: randomUUID(), at: clock().toISOString(), actorId: actor.id, actor: actor.login, ip: actor.ip,
        action: 'dkim-rotate', objectType: 'domain', objectId: domain.id, domainId: domain.id,
        before: { dkimSelectors: before }, after: { dkimSelectors: active.map((k) => k.selector) },
      });
      return active;
    },
    async records(domain) {
      const keys = await store.dkimKeys.listForDomain(domain.id);
      return keys.sort((a, b) => Number(b.active) - Number(a.active)).map((k) => dkimRecord(domain.name, k));
    },
  };
}
