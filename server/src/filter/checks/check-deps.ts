// What the built-in checks are built from: configuration, the score table,
// DNS, and the few lookups into the rest of the server they need.
import type { StoaConfig } from '../../config/types.ts';
import type { DnsLookups } from '../../mail-auth/dns-resolver.ts';
import type { InboundAuthenticator } from '../../mail-auth/inbound.ts';
import type { GreylistStore, RateCounterStore } from '../../store/filter-port.ts';
import type { BayesClassifier } from '../bayes-classifier.ts';
import type { ScoreTable } from '../rules.ts';
import type { PolicyResolver } from '../domain-policy.ts';

export interface CheckDeps {
  config: Pick<StoaConfig, 'filter' | 'hostname' | 'mailAuth' | 'dns'>;
  scores: ScoreTable;
  dns: DnsLookups;
  inbound: InboundAuthenticator;
  greylist: GreylistStore;
  rateCounters: RateCounterStore;
  bayes: BayesClassifier;
  policy: PolicyResolver;
  /** Whether this server hosts the domain (an alias domain counts), cached by the caller. */
  isLocalDomain(name: string): Promise<boolean>;
}
