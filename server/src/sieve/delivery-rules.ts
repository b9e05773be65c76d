// The recipients' Sieve rules as the intake service asks for them
// (intake/api.ts DeliveryRules): load the domain's global script and the
// user's active one, run them on the message (evaluate-delivery.ts), and
// turn the actions into a RuleDecision the intake carries out — copies with
// their folders and flags, redirects, a rejection, a vacation reply. Errors
// of a script are logged and reported to the user (rule-error-notice.ts);
// whatever happens, the message is kept somewhere.
import { actorFor, systemActor } from '../directory/access.ts';
import type { AccountService, AddressService } from '../directory/api.ts';
import type { DeliveryRules, FilterFindings, RuleDecision } from '../intake/api.ts';
import type { MailboxService } from '../mail/api.ts';
import type { VacationMemory } from './vacation.ts';
import { evaluateDelivery, redirectTraceHeader, type DeliveryError, type DeliveryVerdict } from './evaluate-delivery.ts';
import { createMessageView } from './message-view.ts';
import { buildRuleErrorNotice, claimNotice } from './rule-error-notice.ts';
import type { SieveService } from './sieve-service.ts';

/** Messages larger than this are not given to Sieve (they are kept as the filter decided): rules read whole messages. */
export const MAX_SIEVE_MESSAGE_BYTES = 32 * 1024 * 1024;

export interface DeliveryRulesDeps {
  sieve: Pick<SieveService, 'deliveryScripts' | 'allowExternalRedirect'>;
  accounts: Pick<AccountService, 'get'>;
  addresses: Pick<AddressService, 'isLocalDomain'>;
  mailboxes: Pick<MailboxService, 'list'>;
  vacationMemory: VacationMemory;
  hostname: string;
  now?: () => number;
}

/**
 * RFC 5235 values from the filter's verdict. spamtest: 1 (tested, clean) at a
 * score of 0 or less, rising linearly to 10 at the reject threshold (or at
 * twice the Junk threshold when nothing is rejected by score), so the Junk
 * threshold lands in the middle; spamtestplus: the same as 0–100 %.
 * virustest: 1 when a scanner found nothing, 0 (not tested) otherwise —
 * infected mail is refused or held before delivery.
 */
export function sieveVerdict(junk: boolean, findings: FilterFindings | null): DeliveryVerdict {
  if (!findings) return { junk };
  const top = findings.rejectAt > 0 ? findings.rejectAt : Math.max(findings.junkAt * 2, 1);
  const ratio = Math.min(1, Math.max(0, findings.score / top));
  return {
    junk,
    spamScore: findings.score <= 0 ? 1 : Math.max(1, Math.min(10, 1 + Math.round(9 * ratio))),
    spamPercent: Math.round(100 * ratio),
    virusScore: findings.antivirus === 'clean' ? 1 : null,
  };
}

export function createDeliveryRules(deps: DeliveryRulesDeps): DeliveryRules {
  const now = deps.now ?? Date.now;
  return {
    async decide({ accountId, address, envelope, message, junk, verdict, log }) {
      const scripts = await deps.sieve.deliveryScripts(accountId);
      if (scripts.global === null && scripts.personal === null) return null;
      if (message.size > MAX_SIEVE_MESSAGE_BYTES) {
        log.info({ accountId, size: message.size }, 'sieve: message too large for rules; kept where the filter put it');
        return null;
      }
      const account = await deps.accounts.get(systemActor(), accountId);
      const names = new Set((await deps.mailboxes.list(systemActor(), accountId)).map((m) => m.name));
      const raw = await message.buffer();
      const outcome = await evaluateDelivery({
        scripts,
        message: raw,
        envelope,
        recipient: { accountId, address, addresses: [address, envelope.recipient] },
        verdict: sieveVerdict(junk, verdict),
        mailboxExists: (name) => names.has(name),
        now: now(),
        vacationMemory: deps.vacationMemory,
        hostname: deps.hostname,
      });
      const errors: DeliveryError[] = [...outcome.errors];
      const decision: RuleDecision = {
        copies: [], redirects: [], reject: null, reply: outcome.vacation ? { to: outcome.vacation.to, bytes: outcome.vacation.bytes } : null,
        notice: null, redirectHeader: redirectTraceHeader(address), principal: actorFor(account, null),
      };
      let allowExternal: boolean | null = null;
      for (const action of outcome.actions) {
        switch (action.type) {
          case 'keep':
            // The implicit keep honours the filter's Junk; an explicit keep means INBOX.
            decision.copies.push({ mailbox: action.implicit && junk ? 'Junk' : 'INBOX', flags: action.flags });
            break;
          case 'fileinto':
            decision.copies.push({ mailbox: { name: action.mailbox, create: action.create }, flags: action.flags });
            break;
          case 'redirect': {
            const domain = action.address.slice(action.address.lastIndexOf('@') + 1);
            allowExternal ??= await deps.sieve.allowExternalRedirect(account.domainId);
            if (!allowExternal && !await deps.addresses.isLocalDomain(domain)) {
              errors.push({ kind: 'redirect-forbidden', message: `forwarding to ${action.address} outside this server is disabled for your domain; the message was kept in INBOX`, line: null, column: null });
              decision.copies.push({ mailbox: 'INBOX', flags: [] });
            } else {
              decision.redirects.push(action.address);
            }
            break;
          }
          case 'reject':
            decision.reject = action.reason;
            break;
          case 'discard':
          case 'vacation':
            break;
        }
      }
      // A rejection stands alone (RFC 5429 §2.1: reject cancels the implicit keep); nothing else is stored.
      if (decision.reject !== null) decision.copies = [];
      if (errors.length > 0) {
        for (const e of errors) log.warn({ accountId, kind: e.kind, line: e.line, column: e.column }, `sieve: ${e.message}`);
        // Shown to the user too: a report in their INBOX, at most one a day per kind of problem.
        const fresh = await claimNotice(deps.vacationMemory, accountId, errors, now()).catch((err: unknown) => {
          log.warn({ err, accountId }, 'sieve: could not record the rule error report; none sent');
          return [];
        });
        if (fresh.length > 0) {
          decision.notice = buildRuleErrorNotice({ to: address, errors: fresh, original: createMessageView(raw), now: now(), hostname: deps.hostname });
        }
      }
      return decision;
    },
  };
}
