// What every directory service is built from: the store, the configuration
// and a clock (injectable so tests can move time for throttling).
import type { StoaConfig } from '../config/types.ts';
import type { Store } from '../store/port.ts';

export interface DirectoryContext {
  store: Store;
  config: StoaConfig;
  /** Milliseconds since the epoch. */
  now(): number;
}
