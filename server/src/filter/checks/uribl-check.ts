// URI blocklists (SURBL/URIBL/Spamhaus DBL style, RFC 5782 §2.3 for names):
// the registrable domain of every link, looked up as <domain>.<zone>; an A
// record in 127.0.0.0/8 is a listing. Lookups go through the shared cached
// resolver; a timeout counts as not listed.
import { urlHost } from '../message-view.ts';
import { hit } from '../rules.ts';
import type { FilterCheck } from '../pipeline-types.ts';
import type { CheckDeps } from './check-deps.ts';
import { baseDomain } from '../host-names.ts';

export function uriblCheck(deps: CheckDeps): FilterCheck {
  const config = deps.config.filter.uribl;
  return {
    name: 'uribl', stage: 'data', directions: ['inbound', 'outbound'], timeoutMs: config.timeoutMs + 500, onError: 'skip',
    async run(ctx) {
      if (!ctx.message || config.zones.length === 0) return {};
      const domains = [...new Set(ctx.message.urls().map(urlHost).filter((h): h is string => h !== null && !/^[\d.]+$/.test(h)).map(baseDomain))]
        .slice(0, config.maxDomains);
      const lookups = domains.flatMap((domain) => config.zones.map(async (zone) => {
        const answers = await deps.dns.resolve4(`${domain}.${zone}`).catch(() => [] as string[]);
        return answers.some((a) => a.startsWith('127.')) ? `${domain} in ${zone}` : null;
      }));
      const listed = (await Promise.all(lookups)).filter((x): x is string => x !== null);
      return listed.length > 0 ? { hits: [hit(deps.scores, 'URIBL_LISTED', listed.slice(0, 3).join(', '))] } : {};
    },
  };
}
