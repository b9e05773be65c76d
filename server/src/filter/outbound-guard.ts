// Outbound spam is the sign of a compromised account (a phished password, a
// hijacked mail client). A submitted message that the filter refuses is
// counted per account; after filter.outbound.lockAfter refusals within an
// hour the account may not submit for filter.outbound.lockMinutes (to twice
// that: locks are kept in windows of that length). Every refusal and every
// lock is written to the audit log and counted in
// stoa_filter_outbound_blocked_total, which is what alerts an admin.
import { writeAudit } from '../audit/audit-log.ts';
import type { FilterConfig } from '../config/types.ts';
import type { Logger } from '../log/logger.ts';
import type { Store } from '../store/port.ts';
import type { Verdict } from './verdict.ts';

const HOUR = 3_600_000;
const SYSTEM = { id: null, login: 'system', ip: null };

export interface OutboundGuard {
  /** Why the account may not submit now, or null. */
  lockedReason(accountId: string): Promise<string | null>;
  /** Records a refused submission: audit entry, counter, and a lock when the account reaches the limit. */
  blocked(account: { id: string; address: string }, verdict: Verdict): Promise<void>;
}

export function createOutboundGuard(deps: { store: Store; logger: Logger; config: FilterConfig['outbound']; now: () => number; onBlocked(): void }): OutboundGuard {
  const { store, logger, config } = deps;
  const lockMs = config.lockMinutes * 60_000;
  const lockKey = (id: string): string => `outbound-lock:${id}`;
  return {
    async lockedReason(accountId) {
      if (!config.enabled || config.lockAfter === 0) return null;
      const window = Math.floor(deps.now() / lockMs) * lockMs;
      return (await store.rateCounters.get(lockKey(accountId), window)) > 0
        ? 'Sending from this account is suspended after it sent suspected spam; contact your administrator'
        : null;
    },
    async blocked(account, verdict) {
      deps.onBlocked();
      const at = deps.now();
      const record = await store.accounts.get(account.id);
      const domainId = record?.domainId ?? null;
      logger.warn({ account: account.address, verdict: verdict.id, score: verdict.score, reason: verdict.reason }, 'outbound message refused by the filter: possible compromised account');
      const hour = Math.floor(at / HOUR) * HOUR;
      const count = await store.rateCounters.add(`outbound-spam:${account.id}`, hour);
      const previous = await store.rateCounters.get(`outbound-spam:${account.id}`, hour - HOUR);
      const overLimit = config.lockAfter > 0 && count + Math.floor(previous * (1 - (at - hour) / HOUR)) >= config.lockAfter;
      if (overLimit) {
        const window = Math.floor(at / lockMs) * lockMs;
        await store.rateCounters.add(lockKey(account.id), window);
        await store.rateCounters.add(lockKey(account.id), window + lockMs);
      }
      await store.atomic(async (tx) => {
        await writeAudit(tx, SYSTEM, new Date(at).toISOString(), {
          action: 'outbound-spam-blocked', objectType: 'account', objectId: account.id, domainId, before: null,
          after: { verdict: verdict.id, score: verdict.score, reason: verdict.reason, rules: verdict.rules.map((r) => r.rule) },
        });
        if (overLimit) {
          await writeAudit(tx, SYSTEM, new Date(at).toISOString(), {
            action: 'outbound-locked', objectType: 'account', objectId: account.id, domainId, before: null,
            after: { lockMinutes: config.lockMinutes, refusedThisHour: count },
          });
        }
      });
      if (overLimit) logger.error({ account: account.address, lockMinutes: config.lockMinutes }, 'account locked for sending after repeated outbound spam');
    },
  };
}
