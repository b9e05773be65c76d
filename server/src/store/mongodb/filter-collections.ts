// Collections and indexes of the mail-auth and filter state (filter-port.ts),
// created by migration 3 (migrations.ts).
import type { IndexDescription } from 'mongodb';

export const FILTER_COLLECTIONS = {
  dkimKeys: 'dkim_keys',
  /** `_id` is the triplet key. */
  greylist: 'greylist',
  /** `_id` is "<window start>:<key>". */
  rateCounters: 'rate_counters',
} as const;

export const FILTER_INDEXES: Record<string, IndexDescription[]> = {
  [FILTER_COLLECTIONS.dkimKeys]: [
    { key: { domainId: 1, selector: 1 }, name: 'domain_selector_unique', unique: true },
    // At most one active key per domain and algorithm.
    { key: { domainId: 1, algorithm: 1 }, name: 'domain_active_unique', unique: true, partialFilterExpression: { active: true } },
    { key: { domainId: 1, createdAt: -1 } },
  ],
  [FILTER_COLLECTIONS.greylist]: [
    { key: { network: 1, passedAt: 1, lastSeenAt: 1 } },
    { key: { firstSeenAt: 1 } },
    { key: { lastSeenAt: 1 } },
  ],
  [FILTER_COLLECTIONS.rateCounters]: [
    { key: { windowStart: 1 } },
  ],
};
