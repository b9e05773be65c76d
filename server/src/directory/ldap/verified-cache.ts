// The optional short-lived cache of verified directory logins (off unless a
// connection sets authCacheSeconds). It is consulted only while the
// directory cannot be asked, so an outage does not lock everyone out at once;
// a directory that answers always decides. It lives in this process's memory
// only and holds an HMAC of the password under a random per-process key,
// never the password.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

export interface VerifiedCache {
  remember(accountId: string, password: string, now: number): void;
  /** true: verified within maxAgeMs with this password; false: verified with another one; null: nothing to go by. */
  check(accountId: string, password: string, now: number, maxAgeMs: number): boolean | null;
  forget(accountId: string): void;
}

/** Entries beyond this are dropped oldest first, so the cache stays bounded. */
const MAX_ENTRIES = 200_000;

export function createVerifiedCache(): VerifiedCache {
  const key = randomBytes(32);
  const entries = new Map<string, { digest: Buffer; at: number }>();
  const digest = (accountId: string, password: string) => createHmac('sha256', key).update(accountId).update('\0').update(password).digest();
  return {
    remember(accountId, password, now) {
      entries.delete(accountId);
      entries.set(accountId, { digest: digest(accountId, password), at: now });
      if (entries.size > MAX_ENTRIES) entries.delete(entries.keys().next().value!);
    },
    check(accountId, password, now, maxAgeMs) {
      if (maxAgeMs <= 0) return null;
      const entry = entries.get(accountId);
      if (!entry || now - entry.at > maxAgeMs) return null;
      return timingSafeEqual(entry.digest, digest(accountId, password));
    },
    forget(accountId) {
      entries.delete(accountId);
    },
  };
}
