// Stored verdicts: every message's verdict is kept for
// filter.verdictRetentionDays so an admin can ask why a message was filed in
// Junk, held or refused (GET /api/v1/filter/verdicts). The record is written
// after the verdict, without holding up the SMTP reply: it explains, it does
// not decide, and the X-Stoa-Spam header carries the same facts inside the
// message. Domain admins see verdicts of their domains, users their own.
import type { Actor } from '../directory/api.ts';
import { isServerAdmin } from '../directory/access.ts';
import { StoaError } from '../errors/catalogue.ts';
import type { Logger } from '../log/logger.ts';
import type { StoredVerdict } from '../store/filter-port.ts';
import type { Store } from '../store/port.ts';
import type { FilterContext } from './pipeline-types.ts';
import type { Verdict } from './verdict.ts';

export interface VerdictQuery { messageId?: string; sender?: string; action?: string; offset: number; limit: number }

export interface VerdictService {
  /** Stores the verdict in the background; failures are logged. */
  record(verdict: Verdict, ctx: FilterContext): void;
  /** Resolves once every record started so far is written (tests, shutdown). */
  flush(): Promise<void>;
  get(actor: Actor, id: string): Promise<StoredVerdict>;
  list(actor: Actor, query: VerdictQuery): Promise<{ items: StoredVerdict[]; total: number; offset: number; limit: number }>;
}

export function createVerdictService(store: Store, logger: Logger): VerdictService {
  const ids = new Map<string, string | null>();
  const pending = new Set<Promise<void>>();

  async function domainId(name: string): Promise<string | null> {
    if (!ids.has(name)) {
      const d = await store.domains.getByName(name);
      if (ids.size > 10_000) ids.clear();
      ids.set(name, d ? (d.aliasOf ?? d.id) : null);
    }
    return ids.get(name) ?? null;
  }

  async function build(v: Verdict, ctx: FilterContext): Promise<StoredVerdict> {
    const local = ctx.direction === 'outbound'
      ? [ctx.account?.address.slice(ctx.account.address.lastIndexOf('@') + 1) ?? '']
      : ctx.recipients.filter((r) => r.accountId !== null).map((r) => r.domain);
    const domainIds = (await Promise.all([...new Set(local)].filter(Boolean).map(domainId))).filter((d): d is string => d !== null);
    const accountIds = ctx.direction === 'outbound'
      ? (ctx.account ? [ctx.account.id] : [])
      : [...new Set(ctx.recipients.map((r) => r.accountId).filter((a): a is string => a !== null))];
    return {
      id: v.id, at: Date.parse(v.at), direction: v.direction, ip: ctx.ip || null, helo: ctx.helo || null, sender: ctx.sender ?? '',
      recipients: ctx.recipients.map((r) => r.address), domainIds, accountIds,
      messageId: ctx.message?.header('message-id')?.slice(0, 500) ?? null, subject: (ctx.message?.header('subject') ?? '').slice(0, 500),
      score: v.score, action: v.action, reason: v.reason, rules: v.rules, checks: v.checks,
    };
  }

  const visible = (actor: Actor, v: StoredVerdict): boolean => isServerAdmin(actor)
    || (actor.role === 'domain-admin' && v.domainIds.some((d) => actor.adminDomainIds.includes(d)))
    || (actor.id !== null && v.accountIds.includes(actor.id));

  return {
    record(verdict, ctx) {
      const work = build(verdict, ctx).then((row) => store.verdicts.insert(row)).catch((err: unknown) => {
        logger.warn({ err, verdict: verdict.id }, 'could not store a filter verdict');
      });
      pending.add(work);
      void work.finally(() => pending.delete(work));
    },
    async flush() {
      await Promise.all([...pending]);
    },
    async get(actor, id) {
      const v = await store.verdicts.get(id);
      if (!v || !visible(actor, v)) throw new StoaError('STOA_NOT_FOUND', `verdict "${id}" does not exist`);
      return v;
    },
    async list(actor, q) {
      const filter = {
        domainIds: isServerAdmin(actor) ? null : actor.role === 'domain-admin' ? actor.adminDomainIds : [],
        accountId: actor.role === 'user' && actor.id !== null ? actor.id : undefined,
        messageId: q.messageId, sender: q.sender, action: q.action,
      };
      if (actor.role === 'user') filter.domainIds = null;
      const page = await store.verdicts.list(filter, q.offset, q.limit);
      return { ...page, offset: q.offset, limit: q.limit };
    },
  };
}
