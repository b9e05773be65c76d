// Submission rate limit per authenticated account (filter.rateLimit):
// messages per hour, counted in the store so the limit holds across nodes.
// A sliding window approximated from two fixed windows: the previous hour's
// count weighted by how much of it still overlaps the last 60 minutes, plus
// the current hour's. Refused attempts are not counted, so a client that
// waits gets through once the window has slid; concurrent submissions from
// several nodes may overshoot the limit by their number.
import type { RateCounterStore } from '../store/filter-port.ts';
import { accept, defer, type FilterDecision } from './decision.ts';

const WINDOW_MS = 3_600_000;

export interface RateLimiter {
  /** Counts `messages` for the account when within the limit; otherwise a 450 4.7.1 deferral. */
  checkSubmission(accountId: string, messages?: number, now?: number): Promise<FilterDecision>;
  /** Drops counters older than two windows; run periodically. */
  prune(now?: number): Promise<number>;
}

export function createRateLimiter(limit: { messagesPerHour: number }, store: RateCounterStore): RateLimiter {
  return {
    async checkSubmission(accountId, messages = 1, now = Date.now()) {
      if (limit.messagesPerHour === 0) return accept('rate-limit', 'no submission limit');
      const key = `submit:${accountId}`;
      const current = Math.floor(now / WINDOW_MS) * WINDOW_MS;
      const [previousCount, currentCount] = await Promise.all([store.get(key, current - WINDOW_MS), store.get(key, current)]);
      const overlap = 1 - (now - current) / WINDOW_MS;
      const used = Math.floor(previousCount * overlap) + currentCount;
      if (used + messages > limit.messagesPerHour) {
        // RFC 3463 X.7.1 with a transient 450 (the catalogue's STOA_RATE_LIMITED): the client may retry later.
        return defer('rate-limit', 450, '4.7.1', `Sending limit of ${limit.messagesPerHour} messages per hour reached; try again later`);
      }
      await store.add(key, current, messages);
      return accept('rate-limit', `${used + messages}/${limit.messagesPerHour} messages this hour`);
    },
    prune: (now = Date.now()) => store.prune(Math.floor(now / WINDOW_MS) * WINDOW_MS - WINDOW_MS),
  };
}
