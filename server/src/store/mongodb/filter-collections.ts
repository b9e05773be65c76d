// Collections and indexes of the mail-auth and filter state (filter-port.ts),
// created by migration 3 (migrations.ts).
import type { IndexDescription } from 'mongodb';

export const FILTER_COLLECTIONS = {
  dkimKeys: 'dkim_keys',
  /** `_id` is the triplet key. */
  greylist: 'greylist',
  /** `_id` is "<window start>:<key>". */
  rateCounters: 'rate_counters',
  /** `_id` is "<scope>\0<token>". */
  bayesTokens: 'bayes_tokens',
  /** `_id` is the scope. */
  bayesTotals: 'bayes_totals',
  /** `_id` is "<scope>\0<message key>". */
  bayesLearned: 'bayes_learned',
  verdicts: 'filter_verdicts',
  quarantine: 'quarantine',
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

/** Created by migration 11 (migrations.ts). */
export const SPAM_FILTER_INDEXES: Record<string, IndexDescription[]> = {
  [FILTER_COLLECTIONS.bayesTokens]: [{ key: { scope: 1, spam: 1, ham: 1 } }],
  [FILTER_COLLECTIONS.verdicts]: [
    { key: { at: -1, _id: 1 } },
    { key: { domainIds: 1, at: -1 } },
    { key: { accountIds: 1, at: -1 } },
    { key: { messageId: 1 }, sparse: true },
  ],
  [FILTER_COLLECTIONS.quarantine]: [
    { key: { heldAt: -1, _id: 1 } },
    { key: { domainIds: 1, heldAt: -1 } },
    { key: { accountIds: 1, heldAt: -1 } },
    { key: { status: 1, expiresAt: 1 } },
    { key: { status: 1, digested: 1, heldAt: 1 } },
  ],
};
