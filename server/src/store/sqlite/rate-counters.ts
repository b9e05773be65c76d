// Rate-limit counters (filter-port.ts): one row per key and window; the
// upsert is a single statement, so concurrent adds from any process all count.
import type { RateCounterStore } from '../filter-port.ts';
import type { Executor } from './sqlite-executor.ts';

export function sqliteRateCounterStore(x: Executor): RateCounterStore {
  return {
    add: (key, windowStart, n = 1) => x.write((c) => Number(c.get(
      `INSERT INTO rate_counters (key, window_start, count) VALUES (?, ?, ?)
       ON CONFLICT (key, window_start) DO UPDATE SET count = count + excluded.count
       RETURNING count`,
      key, windowStart, n,
    )?.count ?? 0)),
    get: (key, windowStart) => x.read((c) => Number(c.get('SELECT count FROM rate_counters WHERE key = ? AND window_start = ?', key, windowStart)?.count ?? 0)),
    prune: (before) => x.write((c) => c.run('DELETE FROM rate_counters WHERE window_start < ?', before)),
  };
}
