// Login throttling that parallel requests cannot race and that an attacker
// cannot turn into a lockout of the real user (issue 16 items 3 and 4;
// docs/security.md "Login throttling").
//
// Counters, each with free failures and then doubling delays (throttle-port.ts):
// - per (account, client address): every attempt at that account from there;
// - per client address: attempts from there at any account, unless the
//   client is known to the account;
// - per account: attempts from addresses NOT known to the account. Guessing
//   from rotating addresses slows down unknown clients only.
// A client is known when the account logged in successfully from it within
// auth.throttle.knownClientDays (a valid session implies such a login: a
// session lives api.sessionTtlHours, far less); an account remembers its
// auth.throttle.knownClientsPerAccount most recent clients. A client address
// is an IPv4 address or an IPv6 /64 (model/ip-network.ts).
//
// The attempt is counted as a failure before the password is checked, in one
// store operation for all its counters (ThrottleStore.reserve), and taken
// back when the password was right. On top, this process runs at most
// maxConcurrentPerIp / maxConcurrentPerAccount verifications at a time for
// one client or account; more wait their turn (a few) or are refused
// (verification-slots.ts).
import type { ThrottleConfig } from '../config/types.ts';
import { clientKey } from '../model/ip-network.ts';
import type { ThrottleRule, ThrottleStore } from '../store/port.ts';
import { VerificationSlots } from './verification-slots.ts';

const DAY_MS = 86_400_000;

export type ThrottleOutcome =
  /** Logged in: the failure is taken back, the pair's counter cleared, the client remembered. */
  | 'success'
  /** The password was right but the login refused (account disabled, protocol not allowed): not a guess, so it does not count. */
  | 'right-password'
  /** Wrong password or unknown user: the failure stays counted. */
  | 'failure'
  /**
   * No password was judged (the directory that owns the account could not be asked): the attempt is taken
   * back from every counter, the pair's included, and nothing is cleared or remembered. An outage must not
   * throttle everyone, nor wipe the failures guessers collected before it.
   */
  | 'unjudged';

export interface ThrottleTicket {
  settle(outcome: ThrottleOutcome): Promise<void>;
}

export type ThrottleAnswer = { ok: true; ticket: ThrottleTicket } | { ok: false; retryAfterSeconds: number };

export interface LoginThrottle {
  /**
   * Before a password is checked: waits for a verification slot, then counts
   * the attempt; refused (with the seconds to wait) when a counter is
   * blocked or too many attempts are already waiting. `ip` null (the CLI,
   * the server itself) is counted per account only.
   */
  begin(login: string, ip: string | null): Promise<ThrottleAnswer>;
}

/** The store keys of one attempt's counters; `client` is the address (IPv4) or /64 (IPv6), null without one. */
function throttleKeys(login: string, ip: string | null): { pair: string | null; ip: string | null; account: string; client: string | null } {
  const client = ip ? clientKey(ip) : null;
  return {
    pair: client ? `pair:${login}|${client}` : null,
    ip: client ? `ip:${client}` : null,
    account: `acct:${login}`,
    client,
  };
}

export function createLoginThrottle(deps: { store: ThrottleStore; config: ThrottleConfig; now: () => number }): LoginThrottle {
  const { store, config } = deps;
  const perIp = new VerificationSlots(config.maxConcurrentPerIp);
  const perAccount = new VerificationSlots(config.maxConcurrentPerAccount);
  const rule = (key: string, freeFailures: number): ThrottleRule => ({
    key, freeFailures, baseDelayMs: config.baseDelayMs, maxDelayMs: config.maxDelayMs, windowMs: config.windowMs,
  });

  /**
   * A known client waits only behind its own attempts; unknown ones share
   * the account's and the address's slots. Otherwise guesses from elsewhere
   * could fill the account's slots and keep the real user waiting.
   */
  async function slots(login: string, client: string | null, known: boolean): Promise<(() => void) | null> {
    const account = await perAccount.acquire(known ? `known:${login}|${client}` : `acct:${login}`);
    if (!account) return null;
    if (!client || known) return account;
    const ip = await perIp.acquire(client);
    if (!ip) {
      account();
      return null;
    }
    return () => { ip(); account(); };
  }

  return {
    async begin(login, ip) {
      const keys = throttleKeys(login, ip);
      const known = keys.client !== null && await store.knownClient(login, keys.client, deps.now() - config.knownClientDays * DAY_MS);
      const releaseSlots = await slots(login, keys.client, known);
      // Too many attempts already waiting for this client or account: not worth a hash.
      if (!releaseSlots) return { ok: false, retryAfterSeconds: 1 };
      try {
        const now = deps.now();
        const rules: ThrottleRule[] = [];
        if (keys.pair) rules.push(rule(keys.pair, config.accountFreeFailures));
        if (!known) {
          if (keys.ip) rules.push(rule(keys.ip, config.ipFreeFailures));
          rules.push(rule(keys.account, config.accountFreeFailures));
        }
        const reserved = await store.reserve(rules, now);
        if (!reserved.ok) {
          releaseSlots();
          return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil((reserved.blockedUntil - now) / 1000)) };
        }
        return {
          ok: true,
          ticket: {
            async settle(outcome) {
              try {
                if (outcome === 'failure') return;
                const later = deps.now();
                if (outcome === 'unjudged') {
                  await store.release(rules, later);
                  return;
                }
                // The pair's own counter starts afresh; the others only lose this attempt, not the failures of others.
                const shared = rules.filter((r) => r.key !== keys.pair);
                if (shared.length > 0) await store.release(shared, later);
                if (keys.pair) await store.clear(keys.pair);
                if (outcome === 'success' && keys.client) await store.rememberClient(login, keys.client, later, config.knownClientsPerAccount);
              } finally {
                releaseSlots();
              }
            },
          },
        };
      } catch (err) {
        releaseSlots();
        throw err;
      }
    },
  };
}
