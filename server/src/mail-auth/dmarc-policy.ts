// What a DMARC result does to an inbound message (RFC 7489 §6.6.4, §10):
// the sender's policy, tempered by the operator's mailAuth.dmarcPolicy and
// its per-domain overrides.
import type { DmarcPolicyMode, StoaConfig } from '../config/types.ts';
import { accept, junk, reject, type FilterDecision } from '../filter/decision.ts';

export interface DmarcOutcome {
  /** pass | fail | none | temperror | permerror, as mailauth reports it. */
  result: string;
  /** Effective sender policy: none | quarantine | reject (already lowered for t=y). */
  policy: string;
  /** The author (From) domain. */
  fromDomain: string | null;
}

export function dmarcModeFor(config: Pick<StoaConfig, 'mailAuth'>, fromDomain: string | null): DmarcPolicyMode {
  if (fromDomain) {
    const overrides = config.mailAuth.overrides;
    // The override for the author domain or any parent (a partner's subdomains).
    for (let d = fromDomain.toLowerCase(); d.includes('.'); d = d.slice(d.indexOf('.') + 1)) {
      if (Object.hasOwn(overrides, d)) return overrides[d];
    }
  }
  return config.mailAuth.dmarcPolicy;
}

export function decideDmarc(outcome: DmarcOutcome | null, config: Pick<StoaConfig, 'mailAuth'>): FilterDecision {
  if (!outcome || outcome.result !== 'fail') return accept('dmarc', outcome ? `DMARC ${outcome.result}` : 'DMARC not evaluated');
  const mode = dmarcModeFor(config, outcome.fromDomain);
  const who = outcome.fromDomain ?? 'the author domain';
  if (mode === 'monitor' || outcome.policy === 'none') return accept('dmarc', `DMARC fail for ${who} (policy ${outcome.policy}, ${mode === 'monitor' ? 'monitored only' : 'no action asked'})`);
  if (outcome.policy === 'reject' && mode === 'enforce') {
    // RFC 7489 §6.6.4 / §10.1: reject during the SMTP transaction with 5.7.1.
    return reject('dmarc', 550, '5.7.1', `Unauthenticated email from ${who} is not accepted due to the domain's DMARC policy`);
  }
  return junk('dmarc', `DMARC fail for ${who} (policy ${outcome.policy}): delivered to Junk`);
}
