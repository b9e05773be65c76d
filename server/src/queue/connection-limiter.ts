// Caps on simultaneous outbound connections: one global, one per destination
// (a domain, or the smarthost). Receivers throttle or blocklist senders that
// open too many parallel sessions (Postfix: default_destination_concurrency_limit).

interface Waiter { key: string; grant: (release: () => void) => void }

export class ConnectionLimiter {
  readonly #global: number;
  readonly #perKey: number;
  #total = 0;
  readonly #byKey = new Map<string, number>();
  #waiters: Waiter[] = [];

  constructor(global: number, perKey: number) {
    this.#global = Math.max(1, global);
    this.#perKey = Math.max(1, perKey);
  }

  #free(key: string): boolean {
    return this.#total < this.#global && (this.#byKey.get(key) ?? 0) < this.#perKey;
  }

  #take(key: string): () => void {
    this.#total++;
    this.#byKey.set(key, (this.#byKey.get(key) ?? 0) + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.#total--;
      const n = (this.#byKey.get(key) ?? 1) - 1;
      if (n <= 0) this.#byKey.delete(key);
      else this.#byKey.set(key, n);
      this.#grantWaiters();
    };
  }

  #grantWaiters(): void {
    const still: Waiter[] = [];
    for (const w of this.#waiters) {
      if (this.#free(w.key)) w.grant(this.#take(w.key));
      else still.push(w);
    }
    this.#waiters = still;
  }

  /** Waits for a slot for `key`; the returned function gives it back (idempotent). */
  acquire(key: string): Promise<() => void> {
    if (this.#free(key) && this.#waiters.length === 0) return Promise.resolve(this.#take(key));
    return new Promise((grant) => { this.#waiters.push({ key, grant }); });
  }

  /** Free global slots not promised to a waiter. */
  get freeGlobal(): number { return Math.max(0, this.#global - this.#total - this.#waiters.length); }

  /** Keys whose per-destination limit is reached: the worker does not claim more for them. */
  fullKeys(): string[] {
    return [...this.#byKey].filter(([, n]) => n >= this.#perKey).map(([k]) => k);
  }
}
