// Delay maths for authentication throttling (the design brief: failures are
// throttled per IP and per account). Free failures cover typos; after that
// each failure doubles the wait, so online guessing slows to a crawl while a
// user who mistypes twice is never delayed. Pure functions: the counters live
// in the store's ThrottleStore so every node shares them.
import type { ThrottleConfig } from '../config/types.ts';
import type { ThrottleState } from '../store/port.ts';

/** Milliseconds to block after the `failures`-th failure: 0 while free, then base·2^(extra−1), capped. */
export function blockDelayMs(failures: number, freeFailures: number, baseDelayMs: number, maxDelayMs: number): number {
  const extra = failures - freeFailures;
  if (extra <= 0) return 0;
  // Cap the exponent before Math.pow so huge counters cannot overflow to Infinity.
  const exponent = Math.min(extra - 1, 52);
  return Math.min(maxDelayMs, baseDelayMs * 2 ** exponent);
}

export type ThrottleKeyKind = 'ip' | 'account';

export function throttleKey(kind: ThrottleKeyKind, value: string): string {
  return kind === 'ip' ? `ip:${value}` : `acct:${value}`;
}

export function freeFailuresFor(kind: ThrottleKeyKind, config: ThrottleConfig): number {
  return kind === 'ip' ? config.ipFreeFailures : config.accountFreeFailures;
}

/** Whole seconds still to wait (at least 1 while blocked), or 0 when not blocked. */
export function retryAfterSeconds(state: ThrottleState | null, now: number): number {
  if (!state || state.blockedUntil <= now) return 0;
  return Math.max(1, Math.ceil((state.blockedUntil - now) / 1000));
}

/** A counter whose last failure is older than the window no longer counts (config.auth.throttle.windowMs). */
export function isStale(state: ThrottleState | null, now: number, windowMs: number): boolean {
  return state !== null && now - state.lastFailureAt > windowMs && state.blockedUntil <= now;
}
