// Greylisting triplets (filter-port.ts); times in ms since the epoch.
import type { GreylistEntry, GreylistStore } from '../filter-port.ts';
import type { Row } from './sqlite-connection.ts';
import type { Executor } from './sqlite-executor.ts';

export const GREYLIST_SQL = `
  CREATE TABLE greylist (
    key TEXT PRIMARY KEY,
    network TEXT NOT NULL,
    first_seen_at INTEGER NOT NULL,
    last_seen_at INTEGER NOT NULL,
    passed_at INTEGER
  ) WITHOUT ROWID;
  CREATE INDEX greylist_network_passed ON greylist (network, passed_at) WHERE passed_at IS NOT NULL;
  CREATE INDEX greylist_pending ON greylist (first_seen_at) WHERE passed_at IS NULL;
  CREATE INDEX greylist_last_seen ON greylist (last_seen_at);

  -- Fixed-window counters for rate limits (filter/rate-limit.ts).
  CREATE TABLE rate_counters (
    key TEXT NOT NULL,
    window_start INTEGER NOT NULL,
    count INTEGER NOT NULL,
    PRIMARY KEY (key, window_start)
  ) WITHOUT ROWID;
  CREATE INDEX rate_counters_window ON rate_counters (window_start);
`;

function decode(row: Row): GreylistEntry {
  return {
    key: String(row.key),
    network: String(row.network),
    firstSeenAt: Number(row.first_seen_at),
    lastSeenAt: Number(row.last_seen_at),
    passedAt: row.passed_at === null ? null : Number(row.passed_at),
  };
}

export function sqliteGreylistStore(x: Executor): GreylistStore {
  return {
    seen: (key, network, now) => x.write((c) => {
      c.run(
        `INSERT INTO greylist (key, network, first_seen_at, last_seen_at, passed_at) VALUES (?, ?, ?, ?, NULL)
         ON CONFLICT (key) DO UPDATE SET last_seen_at = excluded.last_seen_at`,
        key, network, now, now,
      );
      return decode(c.get('SELECT * FROM greylist WHERE key = ?', key)!);
    }),
    pass: (key, now) => x.write((c) => { c.run('UPDATE greylist SET passed_at = coalesce(passed_at, ?), last_seen_at = ? WHERE key = ?', now, now, key); }),
    passedFromNetwork: (network, since) => x.read((c) => Number(
      c.get('SELECT count(*) AS n FROM greylist WHERE network = ? AND passed_at IS NOT NULL AND last_seen_at >= ?', network, since)?.n ?? 0,
    )),
    prune: (pendingBefore, passedBefore) => x.write((c) => (
      c.run('DELETE FROM greylist WHERE passed_at IS NULL AND first_seen_at < ?', pendingBefore)
      + c.run('DELETE FROM greylist WHERE passed_at IS NOT NULL AND last_seen_at < ?', passedBefore)
    )),
  };
}
