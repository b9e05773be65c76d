// Local delivery (the MDA behind SMTP): one blob, one parsed body, and one
// transaction that registers the blob and links it into every accepted
// recipient's mailbox: one commit per message. SMTP
// answers 250 for a recipient only once this has resolved with 'delivered'
// (DESIGN.md "Durability": blob fsynced, transaction committed).
import { StoaError, isStoaError } from '../errors/catalogue.ts';
import type { ChangeBus } from '../events/change-bus.ts';
import type { Delivered, DeliveryTarget, Mailbox } from '../store/mail-port.ts';
import type { Store, StoreTx } from '../store/port.ts';
import type { DeliveryService, MailboxService, RecipientOutcome } from './api.ts';
import { takeIn } from './message-intake.ts';
import { assertQuota } from './quota.ts';

export interface DeliveryServiceDeps {
  store: Store;
  bus: ChangeBus;
  mailboxes: Pick<MailboxService, 'ensureDefaultMailboxes'>;
  now?: () => string;
}

function pick(mailboxes: readonly Mailbox[], want: 'INBOX' | 'Junk'): Mailbox | undefined {
  const junk = want === 'Junk' ? mailboxes.find((m) => m.specialUse === '\\Junk') : undefined;
  return junk ?? mailboxes.find((m) => m.name === 'INBOX');
}

async function targetFor(store: Store, mailboxes: DeliveryServiceDeps['mailboxes'], accountId: string, want: 'INBOX' | 'Junk'): Promise<Mailbox> {
  let found = pick(await store.mailboxes.list(accountId), want);
  // An account created before its mailboxes (or by an import) still receives mail.
  found ??= pick(await mailboxes.ensureDefaultMailboxes(accountId), want);
  if (!found) throw new StoaError('STOA_INTERNAL', `account ${accountId} has no INBOX`);
  return found;
}

function asStoaError(err: unknown): StoaError {
  return isStoaError(err) ? err : new StoaError('STOA_INTERNAL', String(err), { cause: err });
}

export function createDeliveryService({ store, bus, mailboxes, now = () => new Date().toISOString() }: DeliveryServiceDeps): DeliveryService {
  return {
    async deliver(body, recipients, options = {}) {
      if (recipients.length === 0) throw new StoaError('STOA_VALIDATION', 'no recipients');
      const { blobId, blob, index } = await takeIn(store.blobs, body);
      const at = now();
      // One outcome per distinct recipient; one copy per distinct mailbox.
      const wanted = new Map<string, { accountId: string; mailbox?: Mailbox; error?: StoaError }>();
      for (const r of recipients) {
        const key = `${r.accountId}\0${r.mailbox ?? 'INBOX'}`;
        if (wanted.has(key)) continue;
        try {
          wanted.set(key, { accountId: r.accountId, mailbox: await targetFor(store, mailboxes, r.accountId, r.mailbox ?? 'INBOX') });
        } catch (err) {
          wanted.set(key, { accountId: r.accountId, error: asStoaError(err) });
        }
      }
      const targets = new Map<string, Mailbox>();
      for (const w of wanted.values()) if (w.mailbox) targets.set(w.mailbox.id, w.mailbox);

      const { delivered, refused } = await store.atomic(async (tx: StoreTx) => {
        await tx.blobRefs.register(blob);
        const refused = new Map<string, StoaError>();
        const copies = new Map<string, number>();
        for (const m of targets.values()) copies.set(m.accountId, (copies.get(m.accountId) ?? 0) + 1);
        for (const [accountId, n] of copies) {
          try {
            await assertQuota(tx, accountId, Array.from({ length: n }, () => index.size));
          } catch (err) {
            if (!isStoaError(err)) throw err;
            refused.set(accountId, err);
          }
        }
        const accepted: DeliveryTarget[] = [...targets.values()].filter((m) => !refused.has(m.accountId)).map((m) => ({ mailboxId: m.id }));
        const delivered: Delivered[] = accepted.length === 0
          ? []
          : await tx.messages.deliver(accepted, { blobId, index, flags: options.flags ?? [], internalDate: options.internalDate ?? at }, at);
        return { delivered, refused };
      });

      const byMailbox = new Map(delivered.map((d) => [d.mailboxId, d]));
      for (const d of delivered) bus.publish({ accountId: d.accountId, mailboxId: d.mailboxId, kind: 'exists', uids: [d.uid], modseq: d.modseq });
      return [...wanted.values()].map((w): RecipientOutcome => {
        const error = w.error ?? refused.get(w.accountId);
        const d = w.mailbox ? byMailbox.get(w.mailbox.id) : undefined;
        if (error || !d) return { accountId: w.accountId, status: 'failed', error: error ?? new StoaError('STOA_INTERNAL', 'not delivered') };
        return { accountId: w.accountId, status: 'delivered', mailboxId: d.mailboxId, uid: d.uid };
      });
    },
  };
}
