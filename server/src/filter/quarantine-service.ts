// Quarantine: messages the filter holds instead of delivering (a virus with
// filter.antivirus.action "quarantine", a blocked attachment, a score over
// the quarantine threshold). The body is a blob like any message's; each
// entry is one local recipient's copy (or the outside recipients' together),
// so a user releases only their own copy. Admins list, release and delete
// entries of their domains; users may manage their own when the domain's
// policy allows (filter.quarantine.userRelease). Release goes through one
// delivery function (intake/quarantine-release.ts), so it takes the normal path in.
// Every admin action is audited in the same transaction as the change.
import { randomUUID } from 'node:crypto';
import type { Actor } from '../directory/api.ts';
import { isServerAdmin } from '../directory/access.ts';
import { writeAudit } from '../audit/audit-log.ts';
import { StoaError } from '../errors/catalogue.ts';
import type { Logger } from '../log/logger.ts';
import type { QuarantineEntry, QuarantineStatus } from '../store/filter-port.ts';
import type { Store } from '../store/port.ts';
import type { PolicyResolver } from './domain-policy.ts';

const DAY = 86_400_000;

export interface HoldRequest {
  raw: Buffer;
  direction: 'inbound' | 'outbound';
  sender: string;
  /** Local recipients (one entry each) and outside ones (one entry together). */
  recipients: Array<{ address: string; accountId: string | null; domain: string }>;
  subject: string;
  from: string;
  reason: string;
  verdictId: string | null;
  score: number;
}

/** Delivers a released message to the recipients of one entry (the lead points it at intake.accept). */
export type ReleaseDelivery = (entry: QuarantineEntry, raw: Buffer) => Promise<void>;

export interface QuarantineList { items: QuarantineEntry[]; total: number; offset: number; limit: number }

export interface QuarantineService {
  hold(request: HoldRequest): Promise<QuarantineEntry[]>;
  list(actor: Actor, filter: { status?: QuarantineStatus; offset: number; limit: number }): Promise<QuarantineList>;
  get(actor: Actor, id: string): Promise<QuarantineEntry>;
  /** The held message itself (for the console's preview and for download). */
  content(actor: Actor, id: string): Promise<Buffer>;
  release(actor: Actor, id: string): Promise<QuarantineEntry>;
  delete(actor: Actor, id: string): Promise<QuarantineEntry>;
  /** Removes held entries past filter.quarantine.retentionDays; returns how many. */
  purge(now?: number): Promise<number>;
}

export interface QuarantineDeps {
  store: Store;
  logger: Logger;
  policy: PolicyResolver;
  retentionDays: number;
  deliver: ReleaseDelivery;
  now?: () => number;
}

export function createQuarantineService(deps: QuarantineDeps): QuarantineService {
  const { store, logger } = deps;
  const now = deps.now ?? Date.now;
  const domainIdCache = new Map<string, string | null>();

  async function domainId(name: string): Promise<string | null> {
    if (!domainIdCache.has(name)) {
      const domain = await store.domains.getByName(name);
      domainIdCache.set(name, domain ? (domain.aliasOf ?? domain.id) : null);
      if (domainIdCache.size > 10_000) domainIdCache.clear();
    }
    return domainIdCache.get(name) ?? null;
  }

  /** Visible entries: admins by domain, users their own when the domain allows it. Others answer as missing. */
  async function visible(actor: Actor, id: string): Promise<QuarantineEntry> {
    const entry = await store.quarantine.get(id);
    if (!entry || !mayAccess(actor, entry)) throw new StoaError('STOA_NOT_FOUND', `quarantined message "${id}" does not exist`);
    return entry;
  }

  function domainsOfEntry(entry: QuarantineEntry): string[] {
    return [...new Set(entry.recipients.map((r) => r.address.slice(r.address.lastIndexOf('@') + 1).toLowerCase()))];
  }

  function mayAccess(actor: Actor, entry: QuarantineEntry): boolean {
    if (isServerAdmin(actor)) return true;
    if (actor.role === 'domain-admin' && entry.domainIds.some((d) => actor.adminDomainIds.includes(d))) return true;
    return actor.id !== null && entry.direction === 'inbound' && entry.accountIds.includes(actor.id)
      && deps.policy.forDomains(domainsOfEntry(entry)).userRelease;
  }

  async function resolve(actor: Actor, id: string, status: 'released' | 'deleted'): Promise<QuarantineEntry> {
    const entry = await visible(actor, id);
    if (entry.status !== 'held') throw new StoaError('STOA_CONFLICT', `the message was already ${entry.status}`);
    if (status === 'released') {
      const raw = await store.blobs.read(entry.blobId);
      // Delivered first: if the store fails after, the entry stays held and a second release delivers again,
      // which the duplicate guard collapses; the reverse order could lose the message.
      await deps.deliver(entry, raw);
    }
    const at = now();
    const done = await store.atomic(async (tx) => {
      const updated = await tx.quarantine.resolve(id, status, at, actor.login);
      if (!updated) throw new StoaError('STOA_CONFLICT', 'the message was released or deleted meanwhile');
      await tx.blobRefs.ref(entry.blobId, -1);
      await writeAudit(tx, actor, new Date(at).toISOString(), {
        action: status === 'released' ? 'release' : 'delete', objectType: 'quarantined-message', objectId: id,
        domainId: entry.domainIds[0] ?? null, before: { status: 'held' },
        after: { status, sender: entry.sender, recipients: entry.recipients.map((r) => r.address), reason: entry.reason },
      });
      return updated;
    });
    logger.info({ quarantine: id, status, by: actor.login }, `quarantined message ${status}`);
    return done;
  }

  return {
    async hold(request) {
      const blob = await store.blobs.write(request.raw);
      const at = now();
      const local = request.recipients.filter((r) => r.accountId !== null);
      const outside = request.recipients.filter((r) => r.accountId === null);
      // One entry per local account (a user releases only their own copy), one for every outside recipient.
      const groups = [...new Map(local.map((r) => [r.accountId, local.filter((x) => x.accountId === r.accountId)])).values()];
      if (outside.length > 0) groups.push(outside);
      const entries: QuarantineEntry[] = [];
      for (const group of groups) {
        const domainIds = (await Promise.all([...new Set(group.map((r) => r.domain))].map(domainId))).filter((d): d is string => d !== null);
        entries.push({
          id: randomUUID(), blobId: blob.id, size: blob.size, heldAt: at, expiresAt: at + deps.retentionDays * DAY,
          direction: request.direction, sender: request.sender,
          recipients: group.map((r) => ({ address: r.address, accountId: r.accountId })),
          domainIds, accountIds: [...new Set(group.map((r) => r.accountId).filter((a): a is string => a !== null))],
          subject: request.subject.slice(0, 500), from: request.from.slice(0, 500), reason: request.reason.slice(0, 1000),
          verdictId: request.verdictId, score: request.score, status: 'held', resolvedAt: null, resolvedBy: null, digested: false,
        });
      }
      await store.atomic(async (tx) => {
        await tx.blobRefs.register(blob, entries.length);
        for (const e of entries) await tx.quarantine.insert(e);
      });
      logger.info({ quarantine: entries.map((e) => e.id), reason: request.reason, sender: request.sender }, 'message held in quarantine');
      return entries;
    },

    async list(actor, { status, offset, limit }) {
      let page;
      if (isServerAdmin(actor)) page = await store.quarantine.list({ domainIds: null, status }, offset, limit);
      else if (actor.role === 'domain-admin') page = await store.quarantine.list({ domainIds: actor.adminDomainIds, status }, offset, limit);
      else if (actor.id !== null) {
        // A user sees their own entries of domains that let users manage them.
        const all = await store.quarantine.list({ domainIds: null, accountId: actor.id, status }, offset, limit);
        const items = all.items.filter((e) => mayAccess(actor, e));
        page = { items, total: items.length === all.items.length ? all.total : items.length };
      } else page = { items: [], total: 0 };
      return { ...page, offset, limit };
    },

    get: visible,
    async content(actor, id) {
      const entry = await visible(actor, id);
      if (entry.status !== 'held') throw new StoaError('STOA_NOT_FOUND', `quarantined message "${id}" is no longer held`);
      return store.blobs.read(entry.blobId);
    },
    release: (actor, id) => resolve(actor, id, 'released'),
    delete: (actor, id) => resolve(actor, id, 'deleted'),

    async purge(at = now()) {
      let removed = 0;
      for (;;) {
        const batch = await store.quarantine.expired(at, 200);
        if (batch.length === 0) return removed;
        for (const entry of batch) {
          await store.atomic(async (tx) => {
            if (await tx.quarantine.resolve(entry.id, 'deleted', at, 'system')) await tx.blobRefs.ref(entry.blobId, -1);
          });
          removed++;
        }
      }
    },
  };
}
