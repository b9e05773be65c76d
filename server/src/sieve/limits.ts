// The `sieve:` configuration section turned into the compiler's and the
// interpreter's limits, so every front end and the delivery path apply the
// same ones.
import type { SieveSettings } from '../config/types.ts';
import { DEFAULT_COMPILE_OPTIONS, type CompileOptions } from './compiler.ts';
import { DEFAULT_RUN_LIMITS, type RunLimits } from './interpreter.ts';

export function compileOptionsFrom(s: SieveSettings): CompileOptions {
  return {
    ...DEFAULT_COMPILE_OPTIONS,
    maxBytes: s.maxScriptBytes,
    minVacationSeconds: s.vacationMinSeconds,
    maxVacationSeconds: Math.max(s.vacationMaxDays * 86_400, s.vacationMinSeconds),
  };
}

export function runLimitsFrom(s: SieveSettings): RunLimits {
  return { ...DEFAULT_RUN_LIMITS, maxInstructions: s.maxInstructions, maxRedirects: s.maxRedirects, maxActions: s.maxActions };
}
