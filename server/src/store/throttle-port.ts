// Login throttling state shared by every node (directory/login-throttle.ts
// decides what to count; docs/security.md "Login throttling"): failure
// counters that block for a while once past their free failures, and the
// memory of which client addresses an account has logged in from.

export interface ThrottleState { key: string; failures: number; lastFailureAt: number; blockedUntil: number }

/**
 * One counter and how it blocks: `freeFailures` cost nothing, then each
 * failure blocks for baseDelayMs · 2^(failures − freeFailures − 1), at most
 * maxDelayMs; a counter whose last failure is older than windowMs (and that
 * is not blocked) starts again from zero.
 */
export interface ThrottleRule {
  key: string;
  freeFailures: number;
  baseDelayMs: number;
  maxDelayMs: number;
  windowMs: number;
}

export type Reservation = { ok: true } | { ok: false; key: string; blockedUntil: number };

export interface ThrottleStore {
  get(key: string): Promise<ThrottleState | null>;
  /**
   * One login attempt, counted before its password is checked: when none of
   * the counters is blocked at `now`, counts a failure on each and sets its
   * block time, as one step, so parallel attempts from any process cannot
   * all pass the check before any is counted (issue 16 item 3). When one is
   * blocked nothing is counted and the answer names it.
   */
  reserve(rules: readonly ThrottleRule[], now: number): Promise<Reservation>;
  /** Takes one reserved failure back from each counter (the attempt had the right password), shortening its block to match. */
  release(rules: readonly ThrottleRule[], now: number): Promise<void>;
  clear(key: string): Promise<void>;
  /** Forget counters whose last failure is older than `before` (ms since epoch). */
  prune(before: number): Promise<number>;
  /**
   * Remembers a successful login of `account` from `client` (an address or
   * IPv6 /64) at `at`, and keeps only the `keep` most recent clients of the
   * account, so one account cannot fill the store with addresses.
   */
  rememberClient(account: string, client: string, at: number, keep: number): Promise<void>;
  /** Whether `account` logged in successfully from `client` at or after `since`. */
  knownClient(account: string, client: string, since: number): Promise<boolean>;
  /** Forget logins older than `before`. */
  pruneClients(before: number): Promise<number>;
}

/** The block a counter's `failures`-th failure earns, in ms (0 while free). */
export function throttleDelayMs(rule: Omit<ThrottleRule, 'key'>, failures: number): number {
  const extra = failures - rule.freeFailures;
  if (extra <= 0) return 0;
  // Cap the exponent before 2 ** so huge counters cannot overflow to Infinity.
  return Math.min(rule.maxDelayMs, rule.baseDelayMs * 2 ** Math.min(extra - 1, 52));
}
