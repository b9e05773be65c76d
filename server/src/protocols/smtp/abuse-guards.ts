// Per-client-IP counters kept in this process: unknown recipients for
// dictionary-harvest protection (a client probing addresses gets slower
// replies, then is cut off). In memory on purpose: they protect this node's
// sockets, and a restart forgetting them costs little. Simultaneous
// connections are counted with every other listener's
// (operations/connection-gate.ts).

export interface HarvestPolicy {
  freeUnknownRecipients: number;
  delayMs: number;
  maxUnknownRecipients: number;
}

/** What to do after one more unknown recipient from an IP. */
export type HarvestVerdict = { action: 'reply'; delayMs: number } | { action: 'cut-off' };

const WINDOW_MS = 3_600_000;
/** The map is swept when it grows past this, so a botnet cannot grow it without bound. */
const SWEEP_AT = 10_000;
const MAX_DELAY_MS = 30_000;

export class HarvestGuard {
  readonly #seen = new Map<string, { count: number; since: number }>();
  readonly #policy: HarvestPolicy;
  readonly #now: () => number;

  constructor(policy: HarvestPolicy, now: () => number = Date.now) {
    this.#policy = policy;
    this.#now = now;
  }

  /** An IP already past the cut-off is refused at once, on a new connection too. */
  isCutOff(ip: string): boolean {
    const entry = this.#live(ip);
    return entry !== null && entry.count >= this.#policy.maxUnknownRecipients;
  }

  recordUnknown(ip: string): HarvestVerdict {
    const now = this.#now();
    const entry = this.#live(ip) ?? { count: 0, since: now };
    entry.count += 1;
    this.#seen.set(ip, entry);
    if (this.#seen.size > SWEEP_AT) this.#sweep(now);
    const p = this.#policy;
    if (entry.count >= p.maxUnknownRecipients) return { action: 'cut-off' };
    const over = entry.count - p.freeUnknownRecipients;
    // Doubling delays (like the authentication throttle): cheap for a typo, costly for a scan.
    const delayMs = over <= 0 ? 0 : Math.min(p.delayMs * 2 ** (over - 1), MAX_DELAY_MS);
    return { action: 'reply', delayMs };
  }

  #live(ip: string): { count: number; since: number } | null {
    const entry = this.#seen.get(ip);
    if (!entry) return null;
    if (this.#now() - entry.since > WINDOW_MS) {
      this.#seen.delete(ip);
      return null;
    }
    return entry;
  }

  #sweep(now: number): void {
    for (const [ip, entry] of this.#seen) if (now - entry.since > WINDOW_MS) this.#seen.delete(ip);
  }
}
