// What every directory service is built from: the store, the configuration,
// a clock (injectable so tests can move time for throttling), the change bus
// (account events end the protocol sessions of an account whose password
// changed or that was disabled or deleted) and the login metric hook.
import type { Domain } from '../../../shared/src/schemas/directory.ts';
import type { StoaConfig } from '../config/types.ts';
import type { ChangeBus } from '../events/change-bus.ts';
import type { Store } from '../store/port.ts';
import type { AuthOutcome, Protocol } from './api.ts';

export interface DirectoryContext {
  store: Store;
  config: Pick<StoaConfig, 'auth' | 'mail' | 'directory'>;
  /** Milliseconds since the epoch. */
  now(): number;
  bus?: ChangeBus;
  /** Counts every login attempt (stoa_auth_attempts_total). */
  onAuthAttempt?(protocol: Protocol, outcome: AuthOutcome): void;
  /** Sees every argon2 check a login makes, real or dummy, while it runs (stoa_auth_password_checks_total; tests count them). */
  onPasswordCheck?(check: Promise<unknown>): void;
  /** Provisions what a new domain needs beyond its row (its DKIM keys), after the row has committed. */
  onDomainCreated?(domain: Domain): Promise<void>;
}
