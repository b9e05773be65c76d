// Where the queue's own messages (DSNs, delay notices) go: the envelope sender
// of the original, who is either ours — then the notice is delivered locally
// through the mail DeliveryService, like Postfix's bounce daemon handing
// notices to local(8) — or remote, then it is queued like any outbound mail.
// Notices come from the null sender, so a notice that cannot be delivered is
// never answered by another one (RFC 5321 §4.5.5).
import { StoaError } from '../errors/catalogue.ts';
import type { AddressService } from '../directory/api.ts';
import type { DeliveryService } from '../mail/api.ts';
import type { SubmitFn } from './notifier.ts';
import type { QueueService } from './queue-service.ts';

export interface NoticeSubmitDeps {
  addresses: Pick<AddressService, 'resolve' | 'isLocalDomain'>;
  delivery: Pick<DeliveryService, 'deliver'>;
  queue: Pick<QueueService, 'enqueue'>;
  /** A notice for a local address that leads nowhere is dropped with this warning (a double bounce). */
  warn(obj: object, msg: string): void;
}

/** Aliases pointing at aliases: followed this deep, like the SMTP front end's expansion. */
const MAX_DEPTH = 8;

interface Targets { accounts: Set<string>; remote: Set<string> }

async function expand(deps: NoticeSubmitDeps, address: string, into: Targets, seen: Set<string>, depth: number): Promise<void> {
  const key = address.toLowerCase();
  if (seen.has(key) || depth > MAX_DEPTH) return;
  seen.add(key);
  const domain = address.slice(address.lastIndexOf('@') + 1);
  if (!await deps.addresses.isLocalDomain(domain)) {
    into.remote.add(address);
    return;
  }
  const found = await deps.addresses.resolve(address);
  switch (found?.kind) {
    case 'account':
      into.accounts.add(found.account.id);
      return;
    case 'alias':
    case 'catch-all':
      for (const target of found.alias.targets) await expand(deps, target, into, seen, depth + 1);
      return;
    case 'group':
      for (const m of found.group.members) {
        if (m.kind === 'account') into.accounts.add(m.id);
        else if (m.kind === 'external') await expand(deps, m.address, into, seen, depth + 1);
        // Nested groups are reached through their own address, which the group record does not carry here.
      }
      return;
    default:
      deps.warn({ address, kind: found?.kind ?? null }, 'delivery status notification for a local address that receives no mail: dropped');
  }
}

/**
 * The `submit` of the DeliveryWorker. Throws when the notice could not be
 * handed over (local delivery failed for a recipient, or the queue could not
 * take it), so the worker keeps it pending and tries again later.
 */
export function createNoticeSubmit(deps: NoticeSubmitDeps): SubmitFn {
  return async (bytes, from, to) => {
    const targets: Targets = { accounts: new Set(), remote: new Set() };
    await expand(deps, to, targets, new Set(), 0);
    if (targets.accounts.size > 0) {
      const outcomes = await deps.delivery.deliver(bytes, [...targets.accounts].map((accountId) => ({ accountId })));
      const failed = outcomes.filter((o) => o.status === 'failed');
      if (failed.length > 0) {
        const why = failed.map((o) => (o.status === 'failed' ? `${o.accountId}: ${o.error.message}` : '')).join('; ');
        throw new StoaError('STOA_INTERNAL', `local delivery of a notice to ${to} failed (${why})`);
      }
    }
    if (targets.remote.size > 0) {
      await deps.queue.enqueue({ message: bytes, sender: from, recipients: [...targets.remote].map((address) => ({ address })) });
    }
  };
}
