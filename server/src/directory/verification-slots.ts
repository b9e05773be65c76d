// Counting semaphores by key, in this process: at most `limit` password
// checks at a time for one client address or one account (issue 16 item 3,
// auth.throttle.maxConcurrentPerIp / maxConcurrentPerAccount). A few more
// attempts wait their turn; beyond that they are refused at once, so a burst
// neither queues without bound nor costs a hash. A key holds memory only while
// attempts for it are running or waiting: what is held is bounded by the
// logins in flight, which the connection caps bound.

/** Attempts that may wait for a slot, per slot, before further ones are refused outright. */
export const WAITERS_PER_SLOT = 4;

export class VerificationSlots {
  readonly #limit: number;
  readonly #busy = new Map<string, number>();
  readonly #queues = new Map<string, Array<() => void>>();

  constructor(limit: number) {
    this.#limit = limit;
  }

  /** Keys with a running or waiting attempt (what this holds in memory). */
  get keys(): number {
    return this.#busy.size;
  }

  /** A release function (idempotent), or null when the key already has too many waiting. */
  async acquire(key: string): Promise<(() => void) | null> {
    const busy = this.#busy.get(key) ?? 0;
    if (busy >= this.#limit) {
      const queue = this.#queues.get(key) ?? [];
      if (queue.length >= this.#limit * WAITERS_PER_SLOT) return null;
      this.#queues.set(key, queue);
      // The slot is handed over by release(), so the count stays as it is.
      await new Promise<void>((resolve) => queue.push(resolve));
    } else {
      this.#busy.set(key, busy + 1);
    }
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const queue = this.#queues.get(key);
      const next = queue?.shift();
      if (queue && queue.length === 0) this.#queues.delete(key);
      if (next) {
        next();
        return;
      }
      const n = (this.#busy.get(key) ?? 1) - 1;
      if (n <= 0) this.#busy.delete(key);
      else this.#busy.set(key, n);
    };
  }
}
