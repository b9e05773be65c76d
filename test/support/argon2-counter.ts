// Counts argon2 computations in this process, whichever code asks for them:
// node:crypto's argon2 is wrapped (the real one still runs) and the wrapper
// published to ES module importers (module.syncBuiltinESMExports). Tests of
// login cost count hashes with it, never time (issue 16 items 3 and 5).
import crypto from 'node:crypto';
import { syncBuiltinESMExports } from 'node:module';

export interface Argon2Counter {
  /** Computations started since the counter was made (or last reset). */
  readonly started: number;
  /** The most that ran at the same time. */
  readonly maxInFlight: number;
  reset(): void;
}

let installed: { started: number; inFlight: number; maxInFlight: number } | null = null;

export function countArgon2(): Argon2Counter {
  if (!installed) {
    const state = { started: 0, inFlight: 0, maxInFlight: 0 };
    const real = crypto.argon2;
    (crypto as { argon2: typeof real }).argon2 = ((algorithm: Parameters<typeof real>[0], params: Parameters<typeof real>[1], callback: Parameters<typeof real>[2]) => {
      state.started += 1;
      state.inFlight += 1;
      state.maxInFlight = Math.max(state.maxInFlight, state.inFlight);
      real(algorithm, params, (err, key) => {
        state.inFlight -= 1;
        callback(err, key);
      });
    }) as typeof real;
    syncBuiltinESMExports();
    installed = state;
  }
  const state = installed;
  return {
    get started() { return state.started; },
    get maxInFlight() { return state.maxInFlight; },
    reset() {
      state.started = 0;
      state.maxInFlight = state.inFlight;
    },
  };
}
