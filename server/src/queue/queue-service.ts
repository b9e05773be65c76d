// The queue's domain service: enqueue for the SMTP front end and the DSN
// path, and the operations the admin API and CLI share (list, inspect,
// retry now, delete). Knows nothing of protocols.
import { randomUUID } from 'node:crypto';
import { type AuditActor, type AuditChange, writeAudit } from '../audit/audit-log.ts';
import { StoaError } from '../errors/catalogue.ts';
import type { Store } from '../store/port.ts';
import type {
  DeliveryAttempt, DsnNotify, DsnRet, LocalFolder, NewQueuedMessage, QueueFilter, QueueSummary, QueuedMessage, QueuedRecipient,
} from '../store/queue-port.ts';
import { asciiDomain } from './mx-resolver.ts';
import type { QueueConfig } from './queue-config.ts';

export interface EnqueueRequest {
  message: Buffer;
  /** '' for the null sender. */
  sender: string;
  /** localFolder: for a local recipient deferred after acceptance, the folder its retry is filed in (queue-port.ts). */
  recipients: Array<{ address: string; notify?: DsnNotify[] | null; orcpt?: string | null; localFolder?: LocalFolder | null }>;
  ret?: DsnRet | null;
  envId?: string | null;
  accountId?: string | null;
}

export interface QueueDetail { message: QueuedMessage; recipients: QueuedRecipient[]; attempts: DeliveryAttempt[] }

/** Who asked for an operator action, for the audit log (the directory's Actor fits). */
export type QueueOperator = AuditActor;

export interface QueueService {
  enqueue(req: EnqueueRequest): Promise<string>;
  list(filter: QueueFilter, offset: number, limit: number): Promise<{ items: QueueSummary[]; total: number; offset: number; limit: number }>;
  inspect(id: string): Promise<QueueDetail>;
  /** Operator actions are written to the audit log in the same transaction. */
  retryNow(id: string, by: QueueOperator): Promise<number>;
  delete(id: string, by: QueueOperator): Promise<void>;
}

/** RFC 3461 §4.1: NEVER excludes the other keywords. */
function checkNotify(notify: DsnNotify[] | null | undefined): DsnNotify[] | null {
  if (!notify || notify.length === 0) return null;
  if (notify.includes('NEVER') && notify.length > 1) throw new StoaError('STOA_VALIDATION', 'NOTIFY=NEVER cannot be combined with other keywords');
  return [...new Set(notify)];
}

function auditChange(action: 'retry' | 'delete', message: QueuedMessage, after: Record<string, unknown> | null): AuditChange {
  return {
    action,
    objectType: 'queued-message',
    objectId: message.id,
    // The queue spans domains: its entries are server-level, seen by server admins.
    domainId: null,
    before: { sender: message.sender, size: message.size, createdAt: new Date(message.createdAt).toISOString() },
    after,
  };
}

export function createQueueService(deps: { store: Store; config: QueueConfig; now?: () => number; onEnqueue?: () => void }): QueueService {
  const { store, config } = deps;
  const now = deps.now ?? Date.now;

  async function mustGet(id: string) {
    const found = await store.queue.get(id);
    if (!found) throw new StoaError('STOA_NOT_FOUND', `queued message ${id}`);
    return found;
  }

  return {
    async enqueue(req) {
      if (req.recipients.length === 0) throw new StoaError('STOA_VALIDATION', 'no recipients');
      const seen = new Set<string>();
      const recipients: NewQueuedMessage['recipients'] = [];
      for (const r of req.recipients) {
        const at = r.address.lastIndexOf('@');
        const domain = at > 0 ? asciiDomain(r.address.slice(at + 1)) : null;
        if (!domain) throw new StoaError('STOA_INVALID_ADDRESS', r.address);
        // The domain part is sent in A-label form (RFC 5890): every MTA understands it.
        const address = `${r.address.slice(0, at)}@${domain}`;
        if (seen.has(address.toLowerCase())) continue;
        seen.add(address.toLowerCase());
        recipients.push({ address, domain, notify: checkNotify(r.notify), orcpt: r.orcpt ?? null, localFolder: r.localFolder ?? null });
      }
      // Durable before the metadata that points at it (BlobStore contract).
      const blob = await store.blobs.put(req.message);
      const id = randomUUID();
      const createdAt = now();
      await store.queue.enqueue({
        message: {
          id, blobId: blob.id, sender: req.sender, createdAt, expiresAt: createdAt + config.lifetimeMs,
          ret: req.ret ?? null, envId: req.envId ?? null, accountId: req.accountId ?? null, size: blob.size,
        },
        recipients,
      });
      deps.onEnqueue?.();
      return id;
    },

    async list(filter, offset, limit) {
      const page = await store.queue.list(filter, offset, limit);
      return { ...page, offset, limit };
    },

    async inspect(id) {
      const { message, recipients } = await mustGet(id);
      return { message, recipients, attempts: await store.queue.attempts(id) };
    },

    async retryNow(id, by) {
      const { message } = await mustGet(id);
      const n = await store.atomic(async (tx) => {
        const rescheduled = await tx.queue.retryNow(id, now());
        await writeAudit(tx, by, new Date().toISOString(), auditChange('retry', message, { rescheduled }));
        return rescheduled;
      });
      deps.onEnqueue?.();
      return n;
    },

    async delete(id, by) {
      const found = await store.queue.get(id);
      if (!found) throw new StoaError('STOA_NOT_FOUND', `queued message ${id}`);
      await store.atomic(async (tx) => {
        if (!await tx.queue.delete(id)) throw new StoaError('STOA_NOT_FOUND', `queued message ${id}`);
        await writeAudit(tx, by, new Date().toISOString(), auditChange('delete', found.message, null));
      });
    },
  };
}
