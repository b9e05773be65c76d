// External directory connections (one document each, `_id` the id, unique
// `name`) and their sync runs (newest first per connection), as in the
// SQLite adapter (sqlite/directory-connections.ts).
import type { Filter } from 'mongodb';
import type { SyncRun } from '../../../../shared/src/schemas/directory-sync.ts';
import { StoaError } from '../../errors/catalogue.ts';
import type { DirectoryConnectionRecord, DirectoryConnectionStore, SyncRunStore } from '../directory-sync-port.ts';
import { findById, updateById } from './addressed-entity.ts';
import { guard, sessionOpts, type MongoCtx } from './mongo-context.ts';

export const DIRECTORY_COLLECTIONS = {
  connections: 'directory_connections',
  syncRuns: 'directory_sync_runs',
} as const;

interface ConnectionDoc extends Omit<DirectoryConnectionRecord, 'id'> { _id: string }
interface SyncRunDoc extends Omit<SyncRun, 'id'> { _id: string }

const fromDoc = ({ _id, ...rest }: ConnectionDoc): DirectoryConnectionRecord => ({ id: _id, ...rest });

export function createDirectoryConnectionStore(ctx: MongoCtx): DirectoryConnectionStore {
  const col = ctx.db.collection<ConnectionDoc>(DIRECTORY_COLLECTIONS.connections);
  return {
    async create(record) {
      const { id, ...rest } = record;
      await guard(ctx, () => col.insertOne({ _id: id, ...rest }, sessionOpts(ctx)));
    },
    async get(id) {
      const doc = await findById(ctx, col, id);
      return doc ? fromDoc(doc) : null;
    },
    async getByName(name) {
      const doc = await guard(ctx, () => col.findOne({ name } as Filter<ConnectionDoc>, sessionOpts(ctx)));
      return doc ? fromDoc(doc) : null;
    },
    async list() {
      const docs = await guard(ctx, () => col.find({}, { ...sessionOpts(ctx), sort: { name: 1 } }).toArray());
      return docs.map(fromDoc);
    },
    async update(id, patch) {
      return fromDoc(await updateById(ctx, col, id, patch as Record<string, unknown>, ['name', 'createdAt']));
    },
    async delete(id) {
      const removed = await guard(ctx, () => col.deleteOne({ _id: id } as Filter<ConnectionDoc>, sessionOpts(ctx)));
      if (removed.deletedCount === 0) throw new StoaError('STOA_NOT_FOUND', `directory connection ${id}`);
      await guard(ctx, () => ctx.db.collection<SyncRunDoc>(DIRECTORY_COLLECTIONS.syncRuns).deleteMany({ connectionId: id }, sessionOpts(ctx)));
    },
  };
}

export function createSyncRunStore(ctx: MongoCtx): SyncRunStore {
  const col = ctx.db.collection<SyncRunDoc>(DIRECTORY_COLLECTIONS.syncRuns);
  const newestFirst = { startedAt: -1, _id: -1 } as const;
  return {
    async append(run) {
      const { id, ...rest } = run;
      await guard(ctx, () => col.insertOne({ _id: id, ...rest }, sessionOpts(ctx)));
    },
    async list(connectionId, offset, limit) {
      return guard(ctx, async () => {
        const [docs, total] = await Promise.all([
          col.find({ connectionId }, { ...sessionOpts(ctx), sort: newestFirst, skip: offset, limit }).toArray(),
          col.countDocuments({ connectionId }, sessionOpts(ctx)),
        ]);
        return { items: docs.map(({ _id, ...rest }) => ({ id: _id, ...rest })), total, offset, limit };
      });
    },
    async prune(connectionId, keep) {
      return guard(ctx, async () => {
        const kept = await col.find({ connectionId }, { ...sessionOpts(ctx), sort: newestFirst, limit: keep, projection: { _id: 1 } }).toArray();
        const removed = await col.deleteMany({ connectionId, _id: { $nin: kept.map((d) => d._id) } }, sessionOpts(ctx));
        return removed.deletedCount;
      });
    },
  };
}
