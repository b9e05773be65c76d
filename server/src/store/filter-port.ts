// Storage port for mail authentication and anti-abuse state (used by
// mail-auth/ and filter/): DKIM signing keys, greylisting triplets and
// submission rate counters. Shared by every node, like the throttle counters.
import type { QuarantineEntry, QuarantineStatus, StoredRuleHit, StoredVerdict, TrainingClass } from '../model/filter.ts';

export type { QuarantineEntry, QuarantineStatus, StoredRuleHit, StoredVerdict, TrainingClass };

export type DkimAlgorithm = 'rsa-sha256' | 'ed25519-sha256';

export interface DkimKey {
  id: string;
  domainId: string;
  /** RFC 6376 §3.1 selector: the key is published at <selector>._domainkey.<domain>. */
  selector: string;
  algorithm: DkimAlgorithm;
  /** PKCS#8 PEM; never leaves the server. */
  privateKeyPem: string;
  /** Base64 of the DER SubjectPublicKeyInfo (RSA) or the raw 32-byte key (Ed25519, RFC 8463 §4.2): the p= tag. */
  publicKey: string;
  createdAt: string;
  /** The key outbound mail is signed with; at most one per domain and algorithm. */
  active: boolean;
}

export interface DkimKeyStore {
  /**
   * Stores `key` as the active key of its domain and algorithm, and makes the
   * previous one inactive (kept so that mail signed before a rotation still
   * verifies while its record stays published). STOA_CONFLICT when the
   * selector is already used in the domain.
   */
  insertActive(key: DkimKey): Promise<void>;
  /** Active keys of a domain, one per algorithm. */
  active(domainId: string): Promise<DkimKey[]>;
  /** Every key of a domain, newest first. */
  listForDomain(domainId: string): Promise<DkimKey[]>;
  deleteForDomain(domainId: string): Promise<number>;
}

/** One greylisting triplet (RFC 6647 §2): client network, envelope sender, recipient. */
export interface GreylistEntry {
  key: string;
  /** Client network ("192.0.2.0/24", "2001:db8:1:2::/64"), for auto-whitelisting. */
  network: string;
  firstSeenAt: number;
  lastSeenAt: number;
  /** When a retry after the delay was first accepted; null while still greylisted. */
  passedAt: number | null;
}

export interface GreylistStore {
  /** Returns the triplet, recording it (firstSeenAt = now) when new; always moves lastSeenAt to now. */
  seen(key: string, network: string, now: number): Promise<GreylistEntry>;
  /** Marks the triplet passed (keeps the first passedAt). */
  pass(key: string, now: number): Promise<void>;
  /** Distinct triplets from `network` that passed since `since`. */
  passedFromNetwork(network: string, since: number): Promise<number>;
  /** Forgets unpassed triplets first seen before `pendingBefore` and passed ones last seen before `passedBefore`. */
  prune(pendingBefore: number, passedBefore: number): Promise<number>;
}

/** Fixed-window event counters (rate limits) shared by every node. */
export interface RateCounterStore {
  /** Atomically adds `n` to the counter of (key, windowStart) and returns the new total. */
  add(key: string, windowStart: number, n?: number): Promise<number>;
  /** Current total of (key, windowStart), 0 when never counted. */
  get(key: string, windowStart: number): Promise<number>;
  /** Drops counters of windows that started before `before`. */
  prune(before: number): Promise<number>;
}

// ---- Spam filter (filter/) --------------------------------------------------

/** Messages of each class a scope was trained with. */
export interface BayesTotals { spam: number; ham: number }

/**
 * The statistical classifier's token counts (filter/bayes-classifier.ts), per
 * scope: "global", "domain:<domain id>", "user:<account id>". A token is a
 * short hash of a word or feature, never the word itself. Each trained
 * message is remembered by a key (a hash of its tokens) so training the same
 * message twice changes nothing, and training it as the other class moves it.
 */
export interface BayesStore {
  /** Summed totals of the scopes. */
  totals(scopes: readonly string[]): Promise<BayesTotals>;
  /** Summed counts of each token over the scopes; tokens never seen are absent. */
  counts(scopes: readonly string[], tokens: readonly string[]): Promise<Map<string, BayesTotals>>;
  /**
   * Records `messageKey` as `cls` in `scope` and counts its tokens, atomically:
   * 'unchanged' when already learned as that class, 'moved' when it was
   * learned as the other one (its counts move over), 'learned' otherwise.
   */
  learn(scope: string, messageKey: string, cls: TrainingClass, tokens: readonly string[], now: number): Promise<'learned' | 'moved' | 'unchanged'>;
  /** Forgets `messageKey` in `scope` (its counts are taken back); false when it was not learned. */
  forget(scope: string, messageKey: string, tokens: readonly string[]): Promise<boolean>;
}

export interface VerdictFilter {
  /** null: every domain (server admin). */
  domainIds: readonly string[] | null;
  /** Only verdicts concerning this account (a user looking at their own mail). */
  accountId?: string;
  messageId?: string;
  sender?: string;
  action?: string;
}

export interface VerdictStore {
  /** Stores verdicts together (one transaction on SQLite, one insertMany on MongoDB); one whose id is already stored is skipped; none is a no-op. */
  insert(verdicts: readonly StoredVerdict[]): Promise<void>;
  get(id: string): Promise<StoredVerdict | null>;
  /** Newest first. */
  list(filter: VerdictFilter, offset: number, limit: number): Promise<{ items: StoredVerdict[]; total: number }>;
  prune(before: number): Promise<number>;
}

export interface QuarantineFilter {
  domainIds: readonly string[] | null;
  accountId?: string;
  status?: QuarantineStatus;
}

export interface QuarantineStore {
  /** Inserts a held entry (call inside atomic() with blobRefs.register(blob, 1)). */
  insert(entry: QuarantineEntry): Promise<void>;
  get(id: string): Promise<QuarantineEntry | null>;
  /** Newest first. */
  list(filter: QuarantineFilter, offset: number, limit: number): Promise<{ items: QuarantineEntry[]; total: number }>;
  /** Moves a held entry to released/deleted; null when it was not held (already resolved by someone else). */
  resolve(id: string, status: 'released' | 'deleted', at: number, by: string): Promise<QuarantineEntry | null>;
  /** Held entries past their expiry. */
  expired(now: number, limit: number): Promise<QuarantineEntry[]>;
  /** Held entries not yet in a digest. */
  undigested(limit: number): Promise<QuarantineEntry[]>;
  markDigested(ids: readonly string[]): Promise<void>;
}
