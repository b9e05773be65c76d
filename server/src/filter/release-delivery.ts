// Where a released quarantine entry goes: its local recipients' INBOX through
// the mail service, its outside recipients through the outbound queue. This
// is the one adapter to repoint at intake.accept({ origin: { kind:
// 'quarantine' } }) once the intake service exists; the message already
// carries its trace and X-Stoa-Spam fields from when it was held.
import type { DeliveryService } from '../mail/api.ts';
import type { QueueService } from '../queue/queue-service.ts';
import type { NoticeDelivery } from './quarantine-digest.ts';
import type { ReleaseDelivery } from './quarantine-service.ts';

export function createReleaseDelivery(deps: { delivery: DeliveryService; queue: QueueService }): ReleaseDelivery {
  return async (entry, raw) => {
    const local = entry.recipients.filter((r): r is { address: string; accountId: string } => r.accountId !== null);
    const outside = entry.recipients.filter((r) => r.accountId === null);
    if (local.length > 0) {
      const outcomes = await deps.delivery.deliver(raw, [...new Set(local.map((r) => r.accountId))].map((accountId) => ({ accountId, mailbox: 'INBOX' as const })));
      const failed = outcomes.find((o) => o.status === 'failed');
      if (failed && failed.status === 'failed') throw failed.error;
    }
    if (outside.length > 0) {
      await deps.queue.enqueue({
        message: raw, sender: entry.sender, recipients: outside.map((r) => ({ address: r.address, notify: null, orcpt: null })),
        ret: null, envId: null, accountId: null,
      });
    }
  };
}

/** The digest's notices: one account's INBOX through the mail service (intake.accept with origin "notice" later). */
export function createNoticeDelivery(deps: { delivery: DeliveryService }): NoticeDelivery {
  return async (accountId, raw) => {
    const [outcome] = await deps.delivery.deliver(raw, [{ accountId, mailbox: 'INBOX' }]);
    if (outcome?.status === 'failed') throw outcome.error;
  };
}
