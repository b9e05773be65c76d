// Stored verdicts: every message's verdict is kept for
// filter.verdictRetentionDays so an admin can ask why a message was filed in
// Junk, held or refused (GET /api/v1/filter/verdicts). The record is written
// after the verdict, without holding up the SMTP reply: it explains, it does
// not decide, and the X-Stoa-Spam header carries the same facts inside the
// message. Domain admins see verdicts of their domains, users their own.
//
// Records are written together: one store write per VERDICT_BATCH records or
// per `flushMs` (100 ms), whichever comes first. Written one by one, each
// record was a transaction and a WAL fsync of its own beside its message's
// delivery: with one SMTP session, two commits per message instead of one
// (docs/benchmarks.md). A crash loses at most the last `flushMs` of records;
// the X-Stoa-Spam header of each delivered message still names its verdict's
// score and rules. get() and list() write what is waiting first, so a
// verdict can be looked up as soon as its message is delivered.
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
  /** Resolves once every record started so far is written (get and list, tests). */
  flush(): Promise<void>;
  /**
   * Shutdown, before the store closes: writes what waits, and every record
   * made after it at once, not behind the timer (a session the front end
   * cut off may still be finishing its message).
   */
  stop(): Promise<void>;
  get(actor: Actor, id: string): Promise<StoredVerdict>;
  list(actor: Actor, query: VerdictQuery): Promise<{ items: StoredVerdict[]; total: number; offset: number; limit: number }>;
}

/** Records written in one store write at most; a full batch is written at once. */
export const VERDICT_BATCH = 64;
/** How long a record waits for others before it is written anyway. */
export const VERDICT_FLUSH_MS = 100;

export interface VerdictServiceOptions {
  /** VERDICT_FLUSH_MS; tests set it long to see records wait, or short. */
  flushMs?: number;
}

export function createVerdictService(store: Store, logger: Logger, options: VerdictServiceOptions = {}): VerdictService {
  const flushMs = options.flushMs ?? VERDICT_FLUSH_MS;
  const ids = new Map<string, string | null>();
  /** Records being built and writes under way. */
  const pending = new Set<Promise<void>>();
  /** Built records waiting for the next write (at most VERDICT_BATCH). */
  const waiting: StoredVerdict[] = [];
  let timer: NodeJS.Timeout | null = null;
  let stopping = false;

  const track = (work: Promise<void>): void => {
    pending.add(work);
    void work.finally(() => pending.delete(work));
  };

  function writeWaiting(): void {
    if (timer) clearTimeout(timer);
    timer = null;
    if (waiting.length === 0) return;
    const rows = waiting.splice(0);
    track(store.verdicts.insert(rows).catch((err: unknown) => {
      logger.warn({ err, verdicts: rows.map((r) => r.id) }, 'could not store filter verdicts');
    }));
  }

  /** Writes every record started before the call; later ones may wait (a steady stream never starves the caller). */
  async function flush(): Promise<void> {
    // Records still being built join `waiting` when built; then one write takes them all.
    await Promise.all([...pending]);
    writeWaiting();
    await Promise.all([...pending]);
  }

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
      track(build(verdict, ctx).then((row) => {
        waiting.push(row);
        if (stopping || waiting.length >= VERDICT_BATCH) writeWaiting();
        else if (!timer) {
          timer = setTimeout(writeWaiting, flushMs);
          timer.unref();
        }
      }).catch((err: unknown) => {
        logger.warn({ err, verdict: verdict.id }, 'could not store a filter verdict');
      }));
    },
    flush,
    async stop() {
      stopping = true;
      await flush();
    },
    async get(actor, id) {
      await flush();
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
      await flush();
      const page = await store.verdicts.list(filter, q.offset, q.limit);
      return { ...page, offset: q.offset, limit: q.limit };
    },
  };
}
