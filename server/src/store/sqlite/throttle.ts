// Login throttling state. reserve() and release() each run in one write
// transaction (BEGIN IMMEDIATE on the one writer), so the check of every
// counter and the count on every counter happen together: parallel logins in
// this process or in others cannot all pass the check first (issue 16 item 3).
import { throttleDelayMs, type ThrottleRule, type ThrottleState, type ThrottleStore } from '../throttle-port.ts';
import type { Executor } from './sqlite-executor.ts';
import type { Row, SqliteConnection } from './sqlite-connection.ts';

function decode(row: Row): ThrottleState {
  return {
    key: String(row.key),
    failures: Number(row.failures),
    lastFailureAt: Number(row.last_failure_at),
    blockedUntil: Number(row.blocked_until),
  };
}

function read(c: SqliteConnection, key: string): ThrottleState | null {
  const row = c.get('SELECT * FROM throttle WHERE key = ?', key);
  return row ? decode(row) : null;
}

function write(c: SqliteConnection, s: ThrottleState): void {
  c.run(
    `INSERT INTO throttle (key, failures, last_failure_at, blocked_until) VALUES (?, ?, ?, ?)
     ON CONFLICT (key) DO UPDATE SET failures = excluded.failures,
       last_failure_at = excluded.last_failure_at, blocked_until = excluded.blocked_until`,
    s.key, s.failures, s.lastFailureAt, s.blockedUntil,
  );
}

/** A counter past its window (and not blocked) starts from zero. */
function current(state: ThrottleState | null, rule: ThrottleRule, now: number): number {
  if (!state) return 0;
  return now - state.lastFailureAt > rule.windowMs && state.blockedUntil <= now ? 0 : state.failures;
}

export function sqliteThrottleStore(x: Executor): ThrottleStore {
  return {
    get: (key) => x.read((c) => read(c, key)),

    reserve: (rules, now) => x.write((c) => {
      const states = rules.map((rule) => ({ rule, state: read(c, rule.key) }));
      const blocked = states.find(({ state }) => state !== null && state.blockedUntil > now);
      if (blocked) return { ok: false as const, key: blocked.rule.key, blockedUntil: blocked.state!.blockedUntil };
      for (const { rule, state } of states) {
        const failures = current(state, rule, now) + 1;
        write(c, { key: rule.key, failures, lastFailureAt: now, blockedUntil: now + throttleDelayMs(rule, failures) });
      }
      return { ok: true as const };
    }),

    release: (rules) => x.write((c) => {
      for (const rule of rules) {
        const state = read(c, rule.key);
        if (!state) continue;
        const failures = Math.max(0, state.failures - 1);
        // The block the remaining failures earned, never longer than the one there is.
        const blockedUntil = Math.min(state.blockedUntil, state.lastFailureAt + throttleDelayMs(rule, failures));
        write(c, { ...state, failures, blockedUntil });
      }
    }),

    clear: (key) => x.write((c) => { c.run('DELETE FROM throttle WHERE key = ?', key); }),
    prune: (before) => x.write((c) => c.run('DELETE FROM throttle WHERE last_failure_at < ?', before)),

    rememberClient: (account, client, at, keep) => x.write((c) => {
      c.run(`INSERT INTO login_clients (account, client, last_success_at) VALUES (?, ?, ?)
             ON CONFLICT (account, client) DO UPDATE SET last_success_at = max(last_success_at, excluded.last_success_at)`, account, client, at);
      // Only a new row can take the account past `keep`: the oldest go.
      c.run(`DELETE FROM login_clients WHERE account = ? AND client NOT IN (
               SELECT client FROM login_clients WHERE account = ? ORDER BY last_success_at DESC, client LIMIT ?)`, account, account, keep);
    }),
    knownClient: (account, client, since) => x.read((c) =>
      c.get('SELECT 1 AS known FROM login_clients WHERE account = ? AND client = ? AND last_success_at >= ?', account, client, since) !== undefined),
    pruneClients: (before) => x.write((c) => c.run('DELETE FROM login_clients WHERE last_success_at < ?', before)),
  };
}
