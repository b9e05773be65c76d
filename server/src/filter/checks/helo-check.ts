// HELO/EHLO (RFC 5321 §4.1.1.1, §2.3.5): a client names itself with a fully
// qualified domain or an address literal of its own address. Spamware names
// itself with a bare IP, a single word, or — to look trusted — our own name.
// These are scored rather than refused: many small legitimate servers get
// their HELO wrong. Syntax errors are still refused at MAIL FROM (hooks/helo.ts).
import { normaliseIp } from '../ip-lists.ts';
import { hit } from '../rules.ts';
import type { FilterCheck, RuleHit } from '../pipeline-types.ts';
import type { CheckDeps } from './check-deps.ts';

const IPV4 = /^\d{1,3}(?:\.\d{1,3}){3}$/;
const LITERAL = /^\[(?:IPv6:)?([0-9A-Fa-f:.]+)\]$/;
const DOMAIN = /^(?=.{1,253}$)[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?(?:\.[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?)*\.?$/;

export function heloCheck(deps: CheckDeps): FilterCheck {
  const ourName = deps.config.hostname.toLowerCase();
  return {
    name: 'helo', stage: 'helo', directions: ['inbound'], timeoutMs: 2000, onError: 'skip',
    async run(ctx) {
      if (ctx.allowListed) return {};
      const helo = ctx.helo.trim();
      const hits: RuleHit[] = [];
      const literal = LITERAL.exec(helo);
      if (literal) {
        if (normaliseIp(literal[1]).toLowerCase() !== normaliseIp(ctx.ip).toLowerCase()) hits.push(hit(deps.scores, 'HELO_LITERAL_MISMATCH', `${helo} from ${ctx.ip}`));
      } else if (IPV4.test(helo)) {
        hits.push(hit(deps.scores, 'HELO_BARE_IP', helo));
      } else if (!DOMAIN.test(helo)) {
        hits.push(hit(deps.scores, 'HELO_INVALID', helo.slice(0, 100)));
      } else {
        const name = helo.toLowerCase().replace(/\.$/, '');
        if (!name.includes('.')) hits.push(hit(deps.scores, 'HELO_NO_DOT', name));
        else if (name === ourName || await deps.isLocalDomain(name)) hits.push(hit(deps.scores, 'HELO_IS_OURS', name));
      }
      return { hits };
    },
  };
}
