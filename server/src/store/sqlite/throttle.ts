// Authentication failure counters. recordFailure runs in its own
// BEGIN IMMEDIATE transaction, so concurrent failures (any process) all count.
import type { ThrottleState, ThrottleStore } from '../port.ts';
import type { Executor } from './sqlite-executor.ts';
import type { Row } from './sqlite-connection.ts';

function decode(row: Row): ThrottleState {
  return {
    key: String(row.key),
    failures: Number(row.failures),
    lastFailureAt: Number(row.last_failure_at),
    blockedUntil: Number(row.blocked_until),
  };
}

export function sqliteThrottleStore(x: Executor): ThrottleStore {
  return {
    get: (key) => x.read((c) => {
      const row = c.get('SELECT * FROM throttle WHERE key = ?', key);
      return row ? decode(row) : null;
    }),
    recordFailure: (key, now, blockFor) => x.write((c) => {
      const failures = Number(c.get('SELECT failures FROM throttle WHERE key = ?', key)?.failures ?? 0) + 1;
      const blockedUntil = now + Math.max(0, blockFor(failures));
      c.run(
        `INSERT INTO throttle (key, failures, last_failure_at, blocked_until) VALUES (?, ?, ?, ?)
         ON CONFLICT (key) DO UPDATE SET failures = excluded.failures,
           last_failure_at = excluded.last_failure_at, blocked_until = excluded.blocked_until`,
        key, failures, now, blockedUntil,
      );
      return { key, failures, lastFailureAt: now, blockedUntil };
    }),
    clear: (key) => x.write((c) => { c.run('DELETE FROM throttle WHERE key = ?', key); }),
    prune: (before) => x.write((c) => c.run('DELETE FROM throttle WHERE last_failure_at < ?', before)),
  };
}
