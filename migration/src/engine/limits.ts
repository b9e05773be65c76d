// Concurrency and pace: how many users run at once overall and per source
// host (--concurrency, --per-source-concurrency), and an optional item rate
// per host (--max-rate) so a production Exchange or IMAP server is not
// overrun while people still use it.
import { setTimeout as sleep } from 'node:timers/promises';

export class Semaphore {
  readonly #limit: number;
  #used = 0;
  readonly #waiting: Array<() => void> = [];

  constructor(limit: number) {
    this.#limit = Math.max(1, limit);
  }

  async acquire(): Promise<() => void> {
    if (this.#used < this.#limit) {
      this.#used++;
    } else {
      await new Promise<void>((go) => this.#waiting.push(go));
    }
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.#waiting.shift();
      if (next) next();
      else this.#used--;
    };
  }

  async run<T>(fn: () => Promise<T>): Promise<T> {
    const release = await this.acquire();
    try {
      return await fn();
    } finally {
      release();
    }
  }
}

/** One semaphore per key (source host), made on first use. */
export class KeyedSemaphores {
  readonly #limit: number;
  readonly #by = new Map<string, Semaphore>();

  constructor(limit: number) {
    this.#limit = limit;
  }

  for(key: string): Semaphore {
    let s = this.#by.get(key);
    if (!s) this.#by.set(key, s = new Semaphore(this.#limit));
    return s;
  }
}

/**
 * A token bucket of `perSecond` items with a burst of one second, plus a
 * pause that a "server busy" answer sets for everyone using the same host.
 */
export class Pace {
  readonly #perSecond: number;
  readonly #now: () => number;
  #tokens: number;
  #last: number;
  #pausedUntil = 0;

  /** `perSecond` 0: no rate limit (busy pauses still apply). */
  constructor(perSecond: number, now: () => number = Date.now) {
    this.#perSecond = perSecond;
    this.#now = now;
    this.#tokens = perSecond;
    this.#last = now();
  }

  /** Everyone on this host waits at least until `ms` from now. */
  pause(ms: number): void {
    this.#pausedUntil = Math.max(this.#pausedUntil, this.#now() + ms);
  }

  async take(n = 1, signal?: AbortSignal): Promise<void> {
    for (;;) {
      const now = this.#now();
      if (now < this.#pausedUntil) {
        await sleep(this.#pausedUntil - now, undefined, { signal });
        continue;
      }
      if (this.#perSecond <= 0) return;
      this.#tokens = Math.min(this.#perSecond, this.#tokens + ((now - this.#last) / 1000) * this.#perSecond);
      this.#last = now;
      if (this.#tokens >= Math.min(n, this.#perSecond)) {
        this.#tokens -= n;
        return;
      }
      await sleep(Math.ceil(((Math.min(n, this.#perSecond) - this.#tokens) / this.#perSecond) * 1000), undefined, { signal });
    }
  }
}

export class Paces {
  readonly #perSecond: number;
  readonly #by = new Map<string, Pace>();

  constructor(perSecond: number) {
    this.#perSecond = perSecond;
  }

  for(key: string): Pace {
    let p = this.#by.get(key);
    if (!p) this.#by.set(key, p = new Pace(this.#perSecond));
    return p;
  }
}
