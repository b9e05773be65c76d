// Per-device passwords for IMAP/SMTP/DAV clients, with their secret hashes.
import type { Collection } from 'mongodb';
import { StoaError } from '../../errors/catalogue.ts';
import type { AppPasswordRecord, AppPasswordStore } from '../port.ts';
import { findById } from './addressed-entity.ts';
import { COLLECTIONS } from './collections.ts';
import { guard, sessionOpts, type MongoCtx } from './mongo-context.ts';

export interface AppPasswordDoc extends Omit<AppPasswordRecord, 'id'> {
  _id: string;
}

function fromDoc(doc: AppPasswordDoc): AppPasswordRecord {
  const { _id, ...rest } = doc;
  // Documents written before migration 14 may lack the field.
  return { id: _id, ...rest, lookup: rest.lookup ?? null };
}

export function createAppPasswordStore(ctx: MongoCtx): AppPasswordStore {
  const appPasswords: Collection<AppPasswordDoc> = ctx.db.collection<AppPasswordDoc>(COLLECTIONS.appPasswords);

  return {
    async create(record) {
      const { id, ...rest } = record;
      await guard(ctx, () => appPasswords.insertOne({ _id: id, ...rest }, sessionOpts(ctx)));
    },

    async listForAccount(accountId) {
      const docs = await guard(ctx, () => appPasswords.find(
        { accountId },
        { ...sessionOpts(ctx), sort: { createdAt: 1, _id: 1 } },
      ).toArray());
      return docs.map(fromDoc);
    },

    async get(id) {
      const doc = await findById(ctx, appPasswords, id);
      return doc ? fromDoc(doc) : null;
    },

    async findByLookup(accountId, lookup) {
      const doc = await guard(ctx, () => appPasswords.findOne({ accountId, lookup }, { ...sessionOpts(ctx), sort: { createdAt: 1, _id: 1 } }));
      return doc ? fromDoc(doc) : null;
    },

    async setLookup(id, lookup) {
      const result = await guard(ctx, () => appPasswords.updateOne({ _id: id }, { $set: { lookup } }, sessionOpts(ctx)));
      if (result.matchedCount === 0) throw new StoaError('STOA_NOT_FOUND', `app password ${id}`);
    },

    async touch(id, at, ip) {
      const result = await guard(ctx, () => appPasswords.updateOne(
        { _id: id },
        { $set: { lastUsedAt: at, lastUsedIp: ip } },
        sessionOpts(ctx),
      ));
      if (result.matchedCount === 0) throw new StoaError('STOA_NOT_FOUND', `app password ${id}`);
    },

    async delete(id) {
      const result = await guard(ctx, () => appPasswords.deleteOne({ _id: id }, sessionOpts(ctx)));
      if (result.deletedCount === 0) throw new StoaError('STOA_NOT_FOUND', `app password ${id}`);
    },

    async deleteForAccount(accountId) {
      const result = await guard(ctx, () => appPasswords.deleteMany({ accountId }, sessionOpts(ctx)));
      return result.deletedCount;
    },
  };
}
