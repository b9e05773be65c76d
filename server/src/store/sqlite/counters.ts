// Named monotonic counters. The upsert runs inside BEGIN IMMEDIATE (own
// transaction or the caller's atomic()), which holds SQLite's single write
// lock, so allocation is atomic across connections and processes.
import { StoaError } from '../../errors/catalogue.ts';
import type { CounterStore } from '../port.ts';
import type { Executor } from './sqlite-executor.ts';

export function sqliteCounterStore(x: Executor): CounterStore {
  return {
    next: (name, n = 1) => {
      if (!Number.isSafeInteger(n) || n < 1) return Promise.reject(new StoaError('STOA_VALIDATION', `counter step must be a positive integer, not ${n}`));
      return x.write((c) => {
        const row = c.get(
          `INSERT INTO counters (name, value) VALUES (?, ?)
           ON CONFLICT (name) DO UPDATE SET value = value + excluded.value RETURNING value`,
          name, n,
        );
        return Number(row?.value) - n + 1;
      });
    },
    peek: (name) => x.read((c) => Number(c.get('SELECT value FROM counters WHERE name = ?', name)?.value ?? 0)),
  };
}
