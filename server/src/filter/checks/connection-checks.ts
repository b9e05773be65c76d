// Connection-level checks: the IP allow/deny lists (every listener), DNS
// blocklists and reverse DNS (MX only). The allow list marks the context
// `allowListed`, which only the blocklist and greylisting checks honour:
// mail authentication runs for allow-listed clients like for any other
// (docs/filtering.md; a forged From: of a p=reject domain is still refused).
import { createDnsbl } from '../dnsbl.ts';
import { isDynamicName } from '../host-names.ts';
import { createIpLists } from '../ip-lists.ts';
import { hit } from '../rules.ts';
import type { FilterCheck } from '../pipeline-types.ts';
import type { CheckDeps } from './check-deps.ts';

export function ipListCheck(deps: CheckDeps): FilterCheck {
  const lists = createIpLists(deps.config.filter.ipAllow, deps.config.filter.ipDeny);
  return {
    name: 'ip-lists', stage: 'connect', directions: ['inbound', 'outbound'], timeoutMs: 1000, onError: 'defer',
    async run(ctx) {
      const d = lists.checkConnection(ctx.ip);
      if (d.action === 'reject') return { decision: { action: 'reject', reason: d.reason, smtpCode: d.smtpCode, enhancedCode: d.enhancedCode } };
      if (d.check === 'ip-allow') ctx.allowListed = true;
      return {};
    },
  };
}

export function dnsblCheck(deps: CheckDeps): FilterCheck {
  const config = deps.config.filter.dnsbl;
  const dnsbl = createDnsbl(config, deps.dns);
  return {
    name: 'dnsbl', stage: 'connect', directions: ['inbound'], timeoutMs: config.timeoutMs + 500, onError: 'skip',
    async run(ctx) {
      if (ctx.allowListed || config.zones.length === 0) return {};
      const d = await dnsbl.check(ctx.ip);
      if (d.action === 'reject') return { decision: { action: 'reject', reason: d.reason, smtpCode: d.smtpCode, enhancedCode: d.enhancedCode } };
      if (d.action === 'junk') return { hits: [hit(deps.scores, 'DNSBL_LISTED', d.reason)] };
      return {};
    },
  };
}

export function rdnsCheck(deps: CheckDeps): FilterCheck {
  return {
    name: 'rdns', stage: 'helo', directions: ['inbound'], timeoutMs: 1000, onError: 'skip',
    async run(ctx) {
      if (ctx.allowListed) return {};
      const name = ctx.clientHostname;
      if (!name) return { hits: [hit(deps.scores, 'RDNS_NONE', `${ctx.ip} has no reverse name`)] };
      if (isDynamicName(name)) return { hits: [hit(deps.scores, 'RDNS_DYNAMIC', name)] };
      return {};
    },
  };
}
