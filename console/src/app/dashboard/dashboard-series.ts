// Turns consecutive counter snapshots (totals since start) into the series
// the dashboard draws: per-minute rates for counters, plain values for
// gauges. Pure, so the numbers are tested without a browser.
import type { LiveCounters } from '@shared/schemas/live.ts';

export interface Sample { at: number; counters: LiveCounters }

/** Events per minute between each pair of samples; a counter that went down (server restart) counts from zero. */
export function ratePerMinute(history: readonly Sample[], pick: (c: LiveCounters) => number): number[] {
  const out: number[] = [];
  for (let i = 1; i < history.length; i++) {
    const dt = history[i].at - history[i - 1].at;
    if (dt <= 0) continue;
    const now = pick(history[i].counters);
    const before = pick(history[i - 1].counters);
    const delta = now >= before ? now - before : now;
    out.push(Math.round((delta * 60_000 * 10) / dt) / 10);
  }
  return out;
}

export function gauge(history: readonly Sample[], pick: (c: LiveCounters) => number): number[] {
  return history.map((s) => pick(s.counters));
}

/** Every protocol or listener seen in the window, for a stable legend. */
export function connectionKeys(history: readonly Sample[]): string[] {
  return [...new Set(history.flatMap((s) => Object.keys(s.counters.connections)))].sort();
}
