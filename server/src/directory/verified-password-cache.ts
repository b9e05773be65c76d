// Remembers which (stored hash, password) pairs argon2id has already said
// yes to, so a mail client that logs in every few minutes with the same
// password pays the 19 MiB, ~25 ms hash once an hour instead of every time
// (Dovecot's auth_cache does the same). Only successes are kept: a wrong
// password always costs a full hash, so the cache neither speeds up guessing
// nor makes a good password's answer distinguishable from a wrong one's to
// someone who does not already know it.
//
// What is kept is an HMAC-SHA256 of the account id, the stored PHC string and
// the password under a key made at start and never written anywhere; no
// password or password-equivalent leaves the process. The PHC string carries the salt,
// so a new password (new hash) misses the cache by construction; the
// account's entries are also dropped when the change bus says its password
// changed or it was disabled or deleted. Bounded in entries (least recently
// used out first) and in age (auth.verifiedCache).
import { createHmac, randomBytes } from 'node:crypto';
import type { ChangeBus } from '../events/change-bus.ts';

export interface VerifiedCacheSettings {
  /** Most entries kept; 0 turns the cache off. */
  entries: number;
  /** An entry is used for this long after the hash that made it. */
  ttlSeconds: number;
}

interface Entry { accountId: string; expires: number }

export class VerifiedPasswordCache {
  readonly #key = randomBytes(32);
  /** Digest → entry, least recently used first. */
  readonly #entries = new Map<string, Entry>();
  /** Account id → its digests, and the bus subscription that forgets them. */
  readonly #byAccount = new Map<string, { digests: Set<string>; unsubscribe: () => void }>();
  readonly #settings: VerifiedCacheSettings;
  readonly #now: () => number;
  readonly #bus: ChangeBus | undefined;

  constructor(settings: VerifiedCacheSettings, now: () => number, bus?: ChangeBus) {
    this.#settings = settings;
    this.#now = now;
    this.#bus = bus;
  }

  get size(): number {
    return this.#entries.size;
  }

  #digest(accountId: string, phc: string, password: string): string {
    // NFC as derive() in password-hash.ts: the same password in another normal form is the same password.
    return createHmac('sha256', this.#key).update(accountId).update('\0').update(phc).update('\0').update(password.normalize('NFC')).digest('base64');
  }

  /**
   * `verify(phc, password)` through the cache: true at once for a pair
   * verified less than ttlSeconds ago for this account, else the full check,
   * remembered when it says yes.
   */
  async verify(accountId: string, phc: string, password: string, verify: (phc: string, password: string) => Promise<boolean>): Promise<boolean> {
    if (this.#settings.entries <= 0) return verify(phc, password);
    const digest = this.#digest(accountId, phc, password);
    const hit = this.#entries.get(digest);
    if (hit) {
      this.#entries.delete(digest);
      if (hit.accountId === accountId && hit.expires > this.#now()) {
        this.#entries.set(digest, hit);
        return true;
      }
      this.#unindex(hit.accountId, digest);
    }
    if (!await verify(phc, password)) return false;
    this.#add(accountId, digest);
    return true;
  }

  #add(accountId: string, digest: string): void {
    this.#entries.set(digest, { accountId, expires: this.#now() + this.#settings.ttlSeconds * 1000 });
    let index = this.#byAccount.get(accountId);
    if (!index) {
      const unsubscribe = this.#bus?.subscribe({ accountId }, (event) => {
        if (event.kind === 'account') this.forget(accountId);
      }) ?? (() => undefined);
      this.#byAccount.set(accountId, index = { digests: new Set(), unsubscribe });
    }
    index.digests.add(digest);
    while (this.#entries.size > this.#settings.entries) {
      const [oldest, entry] = this.#entries.entries().next().value!;
      this.#entries.delete(oldest);
      this.#unindex(entry.accountId, oldest);
    }
  }

  #unindex(accountId: string, digest: string): void {
    const index = this.#byAccount.get(accountId);
    if (!index) return;
    index.digests.delete(digest);
    if (index.digests.size === 0) {
      index.unsubscribe();
      this.#byAccount.delete(accountId);
    }
  }

  /** Drops every entry of the account (its password changed, it was disabled or deleted). */
  forget(accountId: string): void {
    const index = this.#byAccount.get(accountId);
    if (!index) return;
    for (const digest of index.digests) this.#entries.delete(digest);
    index.unsubscribe();
    this.#byAccount.delete(accountId);
  }
}
