// RFC 1939 §8: the server acquires an exclusive lock on the maildrop at
// login, so two POP3 sessions never hand out or delete the same messages.
// The lock is a lease in the store (LockStore), so it holds across every
// node; it is renewed while the session lives and simply expires when a
// node dies without releasing it. Only the account itself (or the server)
// may take its maildrop lock.
import type { Actor } from '../directory/api.ts';
import type { LockStore } from '../store/port.ts';
import type { MailAccess } from './mail-access.ts';

const TTL_MS = 90_000;
const RENEW_EVERY_MS = 30_000;

export class MaildropLock {
  readonly key: string;
  #locks: LockStore;
  #owner: string;
  #timer: NodeJS.Timeout | null = null;
  #lost = false;

  private constructor(locks: LockStore, key: string, owner: string) {
    this.#locks = locks;
    this.key = key;
    this.#owner = owner;
  }

  /** The lock, or null when another session (on any node) holds it. */
  static async acquire(locks: LockStore, accountId: string, owner: string): Promise<MaildropLock | null> {
    const key = `pop3:maildrop:${accountId}`;
    if (!await locks.acquire(key, owner, TTL_MS)) return null;
    const lock = new MaildropLock(locks, key, owner);
    lock.#timer = setInterval(() => {
      // A store outage is not a loss: the lease is still ours until it runs out, and the next renewal may work.
      locks.renew(key, owner, TTL_MS).then((held) => { if (!held) lock.#lost = true; }, () => undefined);
    }, RENEW_EVERY_MS);
    lock.#timer.unref();
    return lock;
  }

  /** Another session took the lease (ours expired unrenewed): this session must not apply deletions. */
  get lost(): boolean {
    return this.#lost;
  }

  async release(): Promise<void> {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
    await this.#locks.release(this.key, this.#owner);
  }
}

export interface MaildropLocks {
  /** The account's maildrop lock for session `owner`, or null when another session (on any node) holds it. */
  acquire(actor: Actor, accountId: string, owner: string): Promise<MaildropLock | null>;
}

export function createMaildropLocks(locks: LockStore, access: MailAccess): MaildropLocks {
  return {
    async acquire(actor, accountId, owner) {
      access.requireSelf(actor, accountId);
      return MaildropLock.acquire(locks, accountId, owner);
    },
  };
}
