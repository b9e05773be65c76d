// When a deferred recipient is tried again. RFC 5321 §4.5.4.1 asks for at
// least 30 minutes between retries of one destination "in general"; like
// Postfix we start faster (most 4xx are greylisting, cleared in minutes) and
// back off exponentially, then settle on a fixed interval. The last attempt
// happens at the message's expiry, never after it.
import type { QueueConfig } from './queue-config.ts';

/** Delay after the `attempts`-th failed attempt (attempts ≥ 1). */
export function retryDelay(config: Pick<QueueConfig, 'retryScheduleMs' | 'retryIntervalMs'>, attempts: number): number {
  const i = Math.max(0, attempts - 1);
  return i < config.retryScheduleMs.length ? config.retryScheduleMs[i] : config.retryIntervalMs;
}

/**
 * Next attempt time, or null when the message has expired (the recipient
 * then fails with 4.4.7, RFC 3463 "delivery time expired").
 */
export function nextAttemptAt(
  config: Pick<QueueConfig, 'retryScheduleMs' | 'retryIntervalMs'>, attempts: number, now: number, expiresAt: number,
): number | null {
  if (now >= expiresAt) return null;
  return Math.min(now + retryDelay(config, attempts), expiresAt);
}
