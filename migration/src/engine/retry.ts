// Retries of source calls: "server busy" (EWS ErrorServerBusy with its
// BackOffMilliseconds, IMAP [UNAVAILABLE], HTTP 429/503 with Retry-After)
// waits as long as the source asks and slows everyone on that host; a
// dropped connection is retried with exponential back-off after a
// reconnect. Wrong credentials and fatal errors are not retried.
import { setTimeout as sleep } from 'node:timers/promises';
import { isRetryable, SourceError } from '../sources/source.ts';
import type { Pace } from './limits.ts';

export interface RetryPolicy {
  /** Attempts after the first. */
  retries: number;
  /** First back-off; doubles up to maxDelayMs. */
  baseDelayMs: number;
  maxDelayMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { retries: 6, baseDelayMs: 500, maxDelayMs: 60_000 };

export interface RetryHooks {
  signal?: AbortSignal;
  /** The host's pace: a busy answer pauses every user of that host. */
  pace?: Pace;
  /** Called before each retry (reconnect here). */
  beforeRetry?: (err: SourceError, attempt: number, delayMs: number) => Promise<void> | void;
}

export function backoff(policy: RetryPolicy, attempt: number): number {
  return Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
}

export async function withRetry<T>(fn: () => Promise<T>, policy: RetryPolicy, hooks: RetryHooks = {}): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (err) {
      if (!isRetryable(err) || attempt > policy.retries || hooks.signal?.aborted) throw err;
      const delay = err.retryAfterMs ?? backoff(policy, attempt);
      if (err.kind === 'busy') hooks.pace?.pause(delay);
      await sleep(delay, undefined, { signal: hooks.signal });
      await hooks.beforeRetry?.(err, attempt, delay);
    }
  }
}
