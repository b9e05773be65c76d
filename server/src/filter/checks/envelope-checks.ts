// Envelope checks: the submission rate limit per account (MAIL FROM on
// submission) and greylisting (RCPT TO on MX, RFC 6647). Both keep their
// state in the store so every node agrees (rate-limit.ts, greylist.ts).
// Greylisting skips allow-listed clients; authenticated submission never
// meets it.
import { createGreylist } from '../greylist.ts';
import { createRateLimiter } from '../rate-limit.ts';
import type { FilterCheck } from '../pipeline-types.ts';
import type { CheckDeps } from './check-deps.ts';

export function rateLimitCheck(deps: CheckDeps): FilterCheck {
  const limiter = createRateLimiter(deps.config.filter.rateLimit, deps.rateCounters);
  return {
    name: 'rate-limit', stage: 'mail', directions: ['outbound'], timeoutMs: 5000, onError: 'defer',
    async run(ctx) {
      if (!ctx.account) return {};
      const d = await limiter.checkSubmission(ctx.account.id, 1, ctx.now());
      if (d.action === 'defer') return { decision: { action: 'defer', reason: d.reason, smtpCode: d.smtpCode, enhancedCode: d.enhancedCode } };
      return {};
    },
  };
}

export function greylistCheck(deps: CheckDeps): FilterCheck {
  const greylist = createGreylist(deps.config.filter.greylist, deps.greylist);
  return {
    name: 'greylist', stage: 'rcpt', directions: ['inbound'], timeoutMs: 5000, onError: 'skip',
    async run(ctx) {
      if (ctx.allowListed || !deps.config.filter.greylist.enabled || !ctx.recipient) return {};
      const d = await greylist.check({ ip: ctx.ip, mailFrom: ctx.sender ?? '', recipient: ctx.recipient.address }, ctx.now());
      if (d.action === 'defer') return { decision: { action: 'defer', reason: d.reason, smtpCode: d.smtpCode, enhancedCode: d.enhancedCode } };
      return {};
    },
  };
}
