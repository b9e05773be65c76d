// The queue's domain service: enqueue for the intake service, and the
// operations the admin API and CLI share (list, inspect, retry now, delete).
// Knows nothing of protocols, and holds the queue's administration rules
// itself: the server (intake, CLI) and server admins see every message; a
// domain admin sees the messages sent from their domains, and any other
// message answers as missing; users and the rest get 403.
import { randomUUID } from 'node:crypto';
import { type AuditChange, writeAudit } from '../audit/audit-log.ts';
import { requireAdmin } from '../directory/access.ts';
import type { Actor } from '../directory/api.ts';
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

export interface QueueService {
  /** Only the server itself enqueues (the intake service, as systemActor). */
  enqueue(actor: Actor, req: EnqueueRequest): Promise<string>;
  list(actor: Actor, filter: QueueFilter, offset: number, limit: number): Promise<{ items: QueueSummary[]; total: number; offset: number; limit: number }>;
  inspect(actor: Actor, id: string): Promise<QueueDetail>;
  /** Operator actions are written to the audit log in the same transaction. */
  retryNow(actor: Actor, id: string): Promise<number>;
  delete(actor: Actor, id: string): Promise<void>;
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

  /** ASCII names of the domains a domain admin manages (and their alias domains): their scope in the queue. */
  async function scopeOf(actor: Actor): Promise<string[] | null> {
    requireAdmin(actor, 'manage the outbound queue');
    if (actor.id === null || actor.role === 'server-admin') return null;
    const names: string[] = [];
    for (const id of actor.adminDomainIds) {
      const domain = await store.domains.get(id);
      if (!domain) continue;
      names.push(domain.name);
      for (const alias of await store.domains.aliasesOf(id)) names.push(alias.name);
    }
    return names;
  }

  function inScope(scope: string[] | null, message: QueuedMessage): boolean {
    if (scope === null) return true;
    const at = message.sender.lastIndexOf('@');
    return at > 0 && scope.includes(message.sender.slice(at + 1).toLowerCase());
  }

  /** The message, if the actor may see it; outside a domain admin's scope it does not exist. */
  async function mustGet(actor: Actor, id: string) {
    const scope = await scopeOf(actor);
    const found = await store.queue.get(id);
    if (!found || !inScope(scope, found.message)) throw new StoaError('STOA_NOT_FOUND', `queued message ${id}`);
    return found;
  }

  return {
    async enqueue(actor, req) {
      if (actor.id !== null) throw new StoaError('STOA_FORBIDDEN', 'only the server enqueues mail; submit it through SMTP');
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

    async list(actor, filter, offset, limit) {
      const scope = await scopeOf(actor);
      const page = await store.queue.list(scope === null ? filter : { ...filter, senderDomains: scope }, offset, limit);
      return { ...page, offset, limit };
    },

    async inspect(actor, id) {
      const { message, recipients } = await mustGet(actor, id);
      return { message, recipients, attempts: await store.queue.attempts(id) };
    },

    async retryNow(actor, id) {
      const { message } = await mustGet(actor, id);
      const n = await store.atomic(async (tx) => {
        const rescheduled = await tx.queue.retryNow(id, now());
        await writeAudit(tx, actor, new Date().toISOString(), auditChange('retry', message, { rescheduled }));
        return rescheduled;
      });
      deps.onEnqueue?.();
      return n;
    },

    async delete(actor, id) {
      const found = await mustGet(actor, id);
      await store.atomic(async (tx) => {
        if (!await tx.queue.delete(id)) throw new StoaError('STOA_NOT_FOUND', `queued message ${id}`);
        await writeAudit(tx, actor, new Date().toISOString(), auditChange('delete', found.message, null));
      });
    },
  };
}
