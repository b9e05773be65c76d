// The built-in checks in their default order: cheap and decisive first at
// each stage (Haraka runs its plugins in config order the same way). Order
// and per-check settings are configurable (filter.order, filter.checks).
import type { FilterCheck } from '../pipeline-types.ts';
import { antivirusCheck } from './antivirus-check.ts';
import { attachmentCheck } from './attachment-check.ts';
import { bayesCheck } from './bayes-check.ts';
import type { CheckDeps } from './check-deps.ts';
import { dnsblCheck, ipListCheck, rdnsCheck } from './connection-checks.ts';
import { contentCheck, gtubeCheck } from './content-checks.ts';
import { greylistCheck, rateLimitCheck } from './envelope-checks.ts';
import { rspamdScorer, spamdScorer } from './external-scorers.ts';
import { headerCheck } from './header-checks.ts';
import { heloCheck } from './helo-check.ts';
import { mailAuthCheck } from './mail-auth-check.ts';
import { traceCheck } from './trace-checks.ts';
import { uriblCheck } from './uribl-check.ts';

export function builtInChecks(deps: CheckDeps): FilterCheck[] {
  return [
    ipListCheck(deps), dnsblCheck(deps),
    heloCheck(deps), rdnsCheck(deps),
    rateLimitCheck(deps),
    greylistCheck(deps),
    mailAuthCheck(deps), gtubeCheck(deps), antivirusCheck(deps), attachmentCheck(deps), headerCheck(deps), traceCheck(deps), contentCheck(deps),
    uriblCheck(deps), bayesCheck(deps), rspamdScorer(deps), spamdScorer(deps),
  ];
}
