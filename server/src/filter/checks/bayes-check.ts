// The statistical classifier as a check: the spam probability of the message
// under the counts of the scopes that apply (the global corpus, the
// recipients' domain, and the recipient's own training when the message has
// one local recipient), mapped to SpamAssassin-like BAYES_* rules.
import { hit } from '../rules.ts';
import type { FilterCheck, FilterContext } from '../pipeline-types.ts';
import type { CheckDeps } from './check-deps.ts';

/** The classifier scopes for a message (bayes-classifier.ts). */
export function bayesScopes(ctx: FilterContext): string[] {
  const scopes = ['global'];
  if (ctx.direction === 'outbound') {
    const own = ctx.account?.address ?? '';
    if (own.includes('@')) scopes.push(`domain:${own.slice(own.lastIndexOf('@') + 1).toLowerCase()}`);
    return scopes;
  }
  const local = ctx.recipients.filter((r) => r.accountId !== null);
  const domains = [...new Set(local.map((r) => r.domain.toLowerCase()))];
  if (domains.length === 1) scopes.push(`domain:${domains[0]}`);
  const accounts = [...new Set(local.map((r) => r.accountId))];
  if (accounts.length === 1) scopes.push(`user:${accounts[0]}`);
  return scopes;
}

/**
 * How much the BAYES_* scores count: in proportion to the trained messages
 * of the rarer class, in full from `fullWeightMessages` of each. A
 * classifier knows a word's spamminess only as well as the messages it has
 * seen: trained on 13 spam and 14 ham (the benchmark's split B) it calls
 * nine of the other fourteen ham messages 95–99 % spam, because everyday
 * words ("our", "below", "wish") happened to occur only in the spam half. Scaled
 * (weight 0.065), those verdicts add 0.3 instead of 5 — at full weight they
 * would file ham in Junk. SpamAssassin does not use its classifier at all
 * below 200 messages of each class; this ramp lets a user's first training
 * count a little, and the classifier earn its full weight as it learns.
 */
export function bayesWeight(trained: { spam: number; ham: number }, fullWeightMessages: number): number {
  return Math.min(1, Math.min(trained.spam, trained.ham) / fullWeightMessages);
}

export function bayesCheck(deps: CheckDeps): FilterCheck {
  return {
    name: 'bayes', stage: 'data', directions: ['inbound', 'outbound'], timeoutMs: 5000, onError: 'skip',
    async run(ctx) {
      if (!ctx.message || !deps.config.filter.bayes.enabled) return {};
      const c = await deps.bayes.classify(ctx.message, bayesScopes(ctx));
      ctx.facts.bayes = c;
      if (c.probability === null) return {};
      const p = c.probability;
      const detail = `p=${p.toFixed(3)} from ${c.used} tokens (${c.trained.spam} spam / ${c.trained.ham} ham trained)`;
      const rule = p >= 0.99 ? 'BAYES_99' : p >= 0.95 ? 'BAYES_95' : p >= 0.8 ? 'BAYES_80' : p > 0.2 ? 'BAYES_50' : p > 0.01 ? 'BAYES_05' : 'BAYES_00';
      // Confidence grows with training: full weight from filter.bayes.fullWeightMessages of each class.
      const weight = bayesWeight(c.trained, deps.config.filter.bayes.fullWeightMessages);
      const full = deps.scores[rule] ?? 0;
      return { hits: [hit(deps.scores, rule, weight < 1 ? `${detail}, weight ${weight.toFixed(2)}` : detail, Math.round(full * weight * 10) / 10)] };
    },
  };
}
