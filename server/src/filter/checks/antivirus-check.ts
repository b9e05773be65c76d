// Antivirus through clamd (filter.antivirus): the whole message is streamed
// with INSTREAM (clamd-client.ts); clamd unpacks MIME and archives itself.
// An infected message is refused (554 5.7.1, RFC 3463 "delivery not
// authorized") or quarantined, by the recipients' domain policy. When clamd
// is down or slow the check fails, and filter.antivirus.failure decides:
// "closed" defers (451 4.7.1, the sender retries), "open" delivers unscanned
// and says so in the log and the verdict.
import { clamdScan } from '../clamd-client.ts';
import type { FilterCheck } from '../pipeline-types.ts';
import type { CheckDeps } from './check-deps.ts';

export function antivirusCheck(deps: CheckDeps): FilterCheck {
  const config = deps.config.filter.antivirus;
  return {
    name: 'antivirus', stage: 'data', directions: ['inbound', 'outbound'], timeoutMs: config.timeoutMs,
    onError: config.failure === 'open' ? 'skip' : 'defer',
    async run(ctx, signal) {
      if (!config.enabled || !ctx.message) return {};
      const result = await clamdScan(config, ctx.message.stream(), signal);
      if (!result.infected) return {};
      ctx.facts.virus = result.signature;
      const action = ctx.direction === 'outbound' ? 'reject' : deps.policy.forDomains(deps.policy.domainsOf(ctx)).antivirusAction;
      return {
        decision: action === 'quarantine'
          ? { action: 'quarantine', reason: `virus found: ${result.signature}` }
          : { action: 'reject', reason: `Virus found: ${result.signature}`, smtpCode: 554, enhancedCode: '5.7.1' },
      };
    },
  };
}
