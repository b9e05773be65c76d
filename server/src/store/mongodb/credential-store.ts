// Console sessions and API tokens, keyed by the SHA-256 of their secret.
// `expireAt` mirrors `expiresAt` as a BSON date so a TTL index can drop
// expired sessions on its own; deleteExpired() stays exact because the TTL
// monitor runs only about once a minute.
import type { Collection } from 'mongodb';
import { StoaError } from '../../errors/catalogue.ts';
import type { ApiCredential, CredentialStore } from '../port.ts';
import { findById } from './addressed-entity.ts';
import { COLLECTIONS } from './collections.ts';
import { guard, sessionOpts, type MongoCtx } from './mongo-context.ts';

export interface CredentialDoc extends Omit<ApiCredential, 'id'> {
  _id: string;
  expireAt?: Date;
}

function fromDoc(doc: CredentialDoc): ApiCredential {
  const { _id, expireAt: _expireAt, ...rest } = doc;
  return { id: _id, ...rest };
}

function toDoc(cred: ApiCredential): CredentialDoc {
  const { id, ...rest } = cred;
  const expireAt = cred.expiresAt === null ? undefined : new Date(cred.expiresAt);
  return expireAt && !Number.isNaN(expireAt.getTime()) ? { _id: id, ...rest, expireAt } : { _id: id, ...rest };
}

export function createCredentialStore(ctx: MongoCtx): CredentialStore {
  const credentials: Collection<CredentialDoc> = ctx.db.collection<CredentialDoc>(COLLECTIONS.credentials);

  return {
    async create(cred) {
      await guard(ctx, () => credentials.insertOne(toDoc(cred), sessionOpts(ctx)));
    },

    async get(id) {
      const doc = await findById(ctx, credentials, id);
      return doc ? fromDoc(doc) : null;
    },

    async touch(id, at) {
      const result = await guard(ctx, () => credentials.updateOne({ _id: id }, { $set: { lastUsedAt: at } }, sessionOpts(ctx)));
      // The id is a hash of a secret: it stays out of the message.
      if (result.matchedCount === 0) throw new StoaError('STOA_NOT_FOUND', 'credential');
    },

    async delete(id) {
      const result = await guard(ctx, () => credentials.deleteOne({ _id: id }, sessionOpts(ctx)));
      if (result.deletedCount === 0) throw new StoaError('STOA_NOT_FOUND', 'credential');
    },

    async listForAccount(accountId, kind) {
      const docs = await guard(ctx, () => credentials.find(
        { accountId, kind },
        { ...sessionOpts(ctx), sort: { createdAt: 1, _id: 1 } },
      ).toArray());
      return docs.map(fromDoc);
    },

    async deleteForAccount(accountId) {
      const result = await guard(ctx, () => credentials.deleteMany({ accountId }, sessionOpts(ctx)));
      return result.deletedCount;
    },

    async deleteExpired(now) {
      // ISO-8601 UTC strings compare in time order, so the stored strings are compared directly.
      const result = await guard(ctx, () => credentials.deleteMany(
        { expiresAt: { $ne: null, $lte: now } },
        sessionOpts(ctx),
      ));
      return result.deletedCount;
    },
  };
}
