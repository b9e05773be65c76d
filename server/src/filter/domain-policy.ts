// Per-domain policy (filter.domains): each domain may tighten or relax the
// thresholds, the attachment rules and the antivirus action, and switch
// checks off. Inbound mail follows its recipients' domains, outbound mail the
// submitter's. One SMTP transaction has one message for all its recipients,
// so when recipients of several domains share it the strictest of their
// policies applies (lowest thresholds, most severe action, every blocked
// extension), and a check runs unless every one of them switched it off.
import type { DomainFilterPolicy, FilterConfig } from '../config/types.ts';
import { SEVERITY } from './pipeline.ts';
import type { FilterCheck, FilterContext } from './pipeline-types.ts';
import type { Thresholds } from './verdict.ts';

export type AttachmentAction = FilterConfig['attachments']['action'];

export interface EffectivePolicy {
  thresholds: Thresholds;
  attachments: { action: AttachmentAction; blockedExtensions: ReadonlySet<string>; blockMacros: boolean };
  antivirusAction: 'reject' | 'quarantine';
  userRelease: boolean;
}

export interface PolicyResolver {
  forDomains(domains: readonly string[]): EffectivePolicy;
  /** The domains a context is judged by: recipients inbound (the one at RCPT, if any), the submitter's outbound. */
  domainsOf(ctx: FilterContext): string[];
  checkEnabled(check: FilterCheck, ctx: FilterContext): boolean;
}

const ATTACHMENT_SEVERITY: Record<AttachmentAction, number> = { score: 0, junk: SEVERITY.junk, quarantine: SEVERITY.quarantine, reject: SEVERITY.reject };

/** The lower of two thresholds where 0 means "never". */
function lowerOptional(a: number, b: number): number {
  if (a === 0) return b;
  if (b === 0) return a;
  return Math.min(a, b);
}

export function createPolicyResolver(config: FilterConfig): PolicyResolver {
  const policies = new Map(Object.entries(config.domains).map(([name, p]) => [name.toLowerCase(), p]));

  function one(domain: string | null): EffectivePolicy {
    const p: DomainFilterPolicy = (domain && policies.get(domain)) || {};
    return {
      thresholds: { ...config.thresholds, ...p.thresholds },
      attachments: {
        action: p.attachments?.action ?? config.attachments.action,
        blockedExtensions: new Set(p.attachments?.blockedExtensions ?? config.attachments.blockedExtensions),
        blockMacros: p.attachments?.blockMacros ?? config.attachments.blockMacros,
      },
      antivirusAction: p.antivirus?.action ?? config.antivirus.action,
      userRelease: p.quarantine?.userRelease ?? config.quarantine.userRelease,
    };
  }

  function domainsOf(ctx: FilterContext): string[] {
    if (ctx.direction === 'outbound') {
      const own = ctx.account?.address ?? ctx.sender ?? '';
      return [own.slice(own.lastIndexOf('@') + 1).toLowerCase()];
    }
    const rcpts = ctx.recipient ? [ctx.recipient] : ctx.recipients.filter((r) => r.accountId !== null);
    return [...new Set(rcpts.map((r) => r.domain.toLowerCase()))];
  }

  return {
    domainsOf,
    forDomains(domains) {
      if (domains.length <= 1) return one(domains[0] ?? null);
      return domains.map(one).reduce((a, b) => ({
        thresholds: {
          tag: Math.min(a.thresholds.tag, b.thresholds.tag),
          junk: Math.min(a.thresholds.junk, b.thresholds.junk),
          quarantine: lowerOptional(a.thresholds.quarantine, b.thresholds.quarantine),
          reject: lowerOptional(a.thresholds.reject, b.thresholds.reject),
        },
        attachments: {
          action: ATTACHMENT_SEVERITY[b.attachments.action] > ATTACHMENT_SEVERITY[a.attachments.action] ? b.attachments.action : a.attachments.action,
          blockedExtensions: new Set([...a.attachments.blockedExtensions, ...b.attachments.blockedExtensions]),
          blockMacros: a.attachments.blockMacros || b.attachments.blockMacros,
        },
        antivirusAction: a.antivirusAction === 'reject' || b.antivirusAction === 'reject' ? 'reject' : 'quarantine',
        // A user may release only if every domain of the message allows it.
        userRelease: a.userRelease && b.userRelease,
      }));
    },
    checkEnabled(check, ctx) {
      if (policies.size === 0) return true;
      const domains = domainsOf(ctx);
      if (domains.length === 0) return true;
      return domains.some((d) => policies.get(d)?.checks?.[check.name]?.enabled !== false);
    },
  };
}
