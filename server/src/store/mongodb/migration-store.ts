// Migration jobs, checkpoints and the item ledger (migration-port.ts) on
// MongoDB. Every call is a single-document operation or an unordered bulk
// write of independent rows, so no transaction is needed outside atomic();
// inside it, the calls join the caller's session.
import type { AnyBulkWriteOperation, Filter, IndexDescription } from 'mongodb';
import type { MigrationJobRecord, MigrationJobStatus, MigrationStore } from '../migration-port.ts';
import { guard, sessionOpts, type MongoCtx } from './mongo-context.ts';

export const MIGRATION_COLLECTIONS = {
  jobs: 'migration_jobs',
  /** `_id` is "<scope>\u0000<folder key>". */
  checkpoints: 'migration_checkpoints',
  /** `_id` is "<scope>\u0000<folder key>\u0000<item key>". */
  ledger: 'migration_ledger',
} as const;

export const MIGRATION_INDEXES: Record<string, IndexDescription[]> = {
  [MIGRATION_COLLECTIONS.jobs]: [{ key: { createdAt: -1 } }, { key: { status: 1, createdAt: -1 } }],
  [MIGRATION_COLLECTIONS.checkpoints]: [],
  [MIGRATION_COLLECTIONS.ledger]: [{ key: { scope: 1, folderKey: 1 } }],
};

type JobDoc = Omit<MigrationJobRecord, 'id'> & { _id: string };
interface CheckpointDoc { _id: string; scope: string; folderKey: string; validity: string; complete: boolean; updatedAt: string }
interface LedgerDoc { _id: string; scope: string; folderKey: string; itemKey: string; status: string; sha256: string | null; messageId: string | null; reason: string | null }

const folderId = (scope: string, folderKey: string) => `${scope}\u0000${folderKey}`;
const itemId = (scope: string, folderKey: string, itemKey: string) => `${scope}\u0000${folderKey}\u0000${itemKey}`;

function toJob(doc: JobDoc): MigrationJobRecord {
  const { _id, ...rest } = doc;
  return { id: _id, ...rest };
}

export function createMigrationStore(ctx: MongoCtx): MigrationStore {
  const jobs = ctx.db.collection<JobDoc>(MIGRATION_COLLECTIONS.jobs);
  const checkpoints = ctx.db.collection<CheckpointDoc>(MIGRATION_COLLECTIONS.checkpoints);
  const ledger = ctx.db.collection<LedgerDoc>(MIGRATION_COLLECTIONS.ledger);
  const opts = sessionOpts(ctx);
  return {
    createJob: (job) => guard(ctx, async () => {
      const { id, ...rest } = job;
      await jobs.insertOne({ _id: id, ...rest }, opts);
    }),
    getJob: (id) => guard(ctx, async () => {
      const doc = await jobs.findOne({ _id: id }, opts);
      return doc ? toJob(doc) : null;
    }),
    listJobs: ({ offset, limit, status }) => guard(ctx, async () => {
      const filter: Filter<JobDoc> = status ? { status } : {};
      const [items, total] = await Promise.all([
        jobs.find(filter, opts).sort({ createdAt: -1, _id: -1 }).skip(offset).limit(limit).toArray(),
        jobs.countDocuments(filter, opts),
      ]);
      return { items: items.map(toJob), total };
    }),
    updateJob: (id, patch, from) => guard(ctx, async () => {
      const filter: Filter<JobDoc> = from && from.length > 0 ? { _id: id, status: { $in: [...from] as MigrationJobStatus[] } } : { _id: id };
      const set = Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined));
      const doc = Object.keys(set).length === 0
        ? await jobs.findOne(filter, opts)
        : await jobs.findOneAndUpdate(filter, { $set: set }, { ...opts, returnDocument: 'after' });
      return doc ? toJob(doc) : null;
    }),
    pruneJobs: (before) => guard(ctx, async () => {
      const r = await jobs.deleteMany({ status: { $in: ['done', 'failed', 'interrupted', 'cancelled'] }, $or: [{ finishedAt: { $lt: before } }, { finishedAt: null, createdAt: { $lt: before } }] }, opts);
      return r.deletedCount;
    }),

    getCheckpoint: (scope, folderKey) => guard(ctx, async () => {
      const doc = await checkpoints.findOne({ _id: folderId(scope, folderKey) }, opts);
      return doc ? { validity: doc.validity, complete: doc.complete, updatedAt: doc.updatedAt } : null;
    }),
    putCheckpoint: (scope, folderKey, cp) => guard(ctx, async () => {
      await checkpoints.updateOne({ _id: folderId(scope, folderKey) }, { $set: { scope, folderKey, ...cp } }, { ...opts, upsert: true });
    }),
    lookupLedger: (scope, folderKey, itemKeys) => guard(ctx, async () => {
      if (itemKeys.length === 0) return [];
      const docs = await ledger.find({ _id: { $in: itemKeys.map((k) => itemId(scope, folderKey, k)) } }, opts).toArray();
      return docs.map((d) => ({ itemKey: d.itemKey, status: d.status as 'pending', sha256: d.sha256, messageId: d.messageId, reason: d.reason }));
    }),
    recordLedger: (scope, folderKey, rows) => guard(ctx, async () => {
      if (rows.length === 0) return;
      const ops: AnyBulkWriteOperation<LedgerDoc>[] = rows.map((r) => ({
        replaceOne: {
          filter: { _id: itemId(scope, folderKey, r.itemKey) },
          replacement: { _id: itemId(scope, folderKey, r.itemKey), scope, folderKey, itemKey: r.itemKey, status: r.status, sha256: r.sha256, messageId: r.messageId, reason: r.reason },
          upsert: true,
        },
      }));
      await ledger.bulkWrite(ops, { ...opts, ordered: false });
    }),
    forgetFolder: (scope, folderKey) => guard(ctx, async () => {
      await checkpoints.deleteOne({ _id: folderId(scope, folderKey) }, opts);
      await ledger.deleteMany({ scope, folderKey }, opts);
    }),
  };
}
