// The spam filter's state on MongoDB (filter-port.ts): classifier token
// counts (one document per scope and token), totals and learned messages,
// stored verdicts and quarantined messages. Training one message touches
// many token documents, so it runs in a transaction.
import type { AnyBulkWriteOperation, Collection, Filter } from 'mongodb';
import type {
  BayesStore, BayesTotals, QuarantineEntry, QuarantineStore, StoredVerdict, TrainingClass, VerdictStore,
} from '../filter-port.ts';
import { FILTER_COLLECTIONS } from './filter-collections.ts';
import { onlyDuplicateKeys } from './errors.ts';
import { guard, inTransaction, sessionOpts, type MongoCtx } from './mongo-context.ts';

interface TokenDoc { _id: string; scope: string; token: string; spam: number; ham: number }
interface TotalsDoc { _id: string; spam: number; ham: number }
interface LearnedDoc { _id: string; scope: string; cls: TrainingClass; at: number }
type VerdictDoc = Omit<StoredVerdict, 'id'> & { _id: string };
type QuarantineDoc = Omit<QuarantineEntry, 'id'> & { _id: string };

const tokenId = (scope: string, token: string): string => `${scope}\0${token}`;

async function apply(ctx: MongoCtx, scope: string, cls: TrainingClass, tokens: readonly string[], n: 1 | -1): Promise<void> {
  const tokensOf = ctx.db.collection<TokenDoc>(FILTER_COLLECTIONS.bayesTokens);
  const totals = ctx.db.collection<TotalsDoc>(FILTER_COLLECTIONS.bayesTotals);
  const inc = cls === 'spam' ? { spam: n, ham: 0 } : { spam: 0, ham: n };
  const ops: AnyBulkWriteOperation<TokenDoc>[] = [...new Set(tokens)].map((token) => ({
    updateOne: { filter: { _id: tokenId(scope, token) }, update: { $inc: inc, $setOnInsert: { scope, token } }, upsert: n > 0 },
  }));
  if (ops.length > 0) await tokensOf.bulkWrite(ops, { ordered: false, ...sessionOpts(ctx) });
  if (n < 0) await tokensOf.deleteMany({ scope, spam: { $lte: 0 }, ham: { $lte: 0 } }, sessionOpts(ctx));
  await totals.updateOne({ _id: scope }, { $inc: inc }, { upsert: true, ...sessionOpts(ctx) });
}

export function createBayesStore(root: MongoCtx): BayesStore {
  const tokens = (ctx: MongoCtx): Collection<TokenDoc> => ctx.db.collection<TokenDoc>(FILTER_COLLECTIONS.bayesTokens);
  const learned = (ctx: MongoCtx): Collection<LearnedDoc> => ctx.db.collection<LearnedDoc>(FILTER_COLLECTIONS.bayesLearned);
  return {
    totals: (scopes) => guard(root, async () => {
      const docs = await root.db.collection<TotalsDoc>(FILTER_COLLECTIONS.bayesTotals).find({ _id: { $in: [...scopes] } }).toArray();
      return docs.reduce<BayesTotals>((sum, d) => ({ spam: sum.spam + Math.max(0, d.spam), ham: sum.ham + Math.max(0, d.ham) }), { spam: 0, ham: 0 });
    }),
    counts: (scopes, list) => guard(root, async () => {
      const ids = scopes.flatMap((s) => list.map((t) => tokenId(s, t)));
      const out = new Map<string, BayesTotals>();
      for (const d of await tokens(root).find({ _id: { $in: ids } }).toArray()) {
        const prev = out.get(d.token) ?? { spam: 0, ham: 0 };
        out.set(d.token, { spam: prev.spam + d.spam, ham: prev.ham + d.ham });
      }
      return out;
    }),
    learn: (scope, key, cls, list, now) => inTransaction(root, async (tx) => {
      const id = `${scope}\0${key}`;
      const prev = await learned(tx).findOne({ _id: id }, sessionOpts(tx));
      if (prev?.cls === cls) return 'unchanged' as const;
      if (prev) await apply(tx, scope, prev.cls, list, -1);
      await apply(tx, scope, cls, list, 1);
      await learned(tx).updateOne({ _id: id }, { $set: { scope, cls, at: now } }, { upsert: true, ...sessionOpts(tx) });
      return prev ? 'moved' as const : 'learned' as const;
    }),
    forget: (scope, key, list) => inTransaction(root, async (tx) => {
      const id = `${scope}\0${key}`;
      const prev = await learned(tx).findOne({ _id: id }, sessionOpts(tx));
      if (!prev) return false;
      await apply(tx, scope, prev.cls, list, -1);
      await learned(tx).deleteOne({ _id: id }, sessionOpts(tx));
      return true;
    }),
  };
}

export function createVerdictStore(root: MongoCtx): VerdictStore {
  const col = root.db.collection<VerdictDoc>(FILTER_COLLECTIONS.verdicts);
  const toVerdict = ({ _id, ...rest }: VerdictDoc): StoredVerdict => ({ id: _id, ...rest });
  return {
    insert: (verdicts) => guard(root, async () => {
      if (verdicts.length === 0) return;
      try {
        // Unordered: a verdict already stored (same id) is skipped, the others go in.
        await col.insertMany(verdicts.map(({ id, ...rest }) => ({ _id: id, ...rest })), { ordered: false });
      } catch (err) {
        if (!onlyDuplicateKeys(err)) throw err;
      }
    }),
    get: (id) => guard(root, async () => {
      const doc = await col.findOne({ _id: id });
      return doc ? toVerdict(doc) : null;
    }),
    list: (f, offset, limit) => guard(root, async () => {
      const q: Filter<VerdictDoc> = {};
      if (f.domainIds !== null) q.domainIds = { $in: [...f.domainIds] };
      if (f.accountId !== undefined) q.accountIds = f.accountId;
      if (f.messageId !== undefined) q.messageId = f.messageId;
      if (f.sender !== undefined) q.sender = f.sender;
      if (f.action !== undefined) q.action = f.action;
      const [items, total] = await Promise.all([
        col.find(q).sort({ at: -1, _id: 1 }).skip(offset).limit(limit).toArray(),
        col.countDocuments(q),
      ]);
      return { items: items.map(toVerdict), total };
    }),
    prune: (before) => guard(root, async () => (await col.deleteMany({ at: { $lt: before } })).deletedCount),
  };
}

export function createQuarantineStore(ctx: MongoCtx): QuarantineStore {
  const col = ctx.db.collection<QuarantineDoc>(FILTER_COLLECTIONS.quarantine);
  const toEntry = ({ _id, ...rest }: QuarantineDoc): QuarantineEntry => ({ id: _id, ...rest });
  return {
    insert: (e) => guard(ctx, async () => {
      const { id, ...rest } = e;
      await col.insertOne({ _id: id, ...rest }, sessionOpts(ctx));
    }),
    get: (id) => guard(ctx, async () => {
      const doc = await col.findOne({ _id: id }, sessionOpts(ctx));
      return doc ? toEntry(doc) : null;
    }),
    list: (f, offset, limit) => guard(ctx, async () => {
      const q: Filter<QuarantineDoc> = {};
      if (f.domainIds !== null) q.domainIds = { $in: [...f.domainIds] };
      if (f.accountId !== undefined) q.accountIds = f.accountId;
      if (f.status !== undefined) q.status = f.status;
      const [items, total] = await Promise.all([
        col.find(q, sessionOpts(ctx)).sort({ heldAt: -1, _id: 1 }).skip(offset).limit(limit).toArray(),
        col.countDocuments(q, sessionOpts(ctx)),
      ]);
      return { items: items.map(toEntry), total };
    }),
    resolve: (id, status, at, by) => guard(ctx, async () => {
      const doc = await col.findOneAndUpdate(
        { _id: id, status: 'held' },
        { $set: { status, resolvedAt: at, resolvedBy: by } },
        { returnDocument: 'after', ...sessionOpts(ctx) },
      );
      return doc ? toEntry(doc) : null;
    }),
    expired: (now, limit) => guard(ctx, async () => (await col.find({ status: 'held', expiresAt: { $lte: now } }, sessionOpts(ctx)).sort({ expiresAt: 1 }).limit(limit).toArray()).map(toEntry)),
    undigested: (limit) => guard(ctx, async () => (await col.find({ status: 'held', digested: false }, sessionOpts(ctx)).sort({ heldAt: 1 }).limit(limit).toArray()).map(toEntry)),
    markDigested: (ids) => guard(ctx, async () => { await col.updateMany({ _id: { $in: [...ids] } }, { $set: { digested: true } }, sessionOpts(ctx)); }),
  };
}
