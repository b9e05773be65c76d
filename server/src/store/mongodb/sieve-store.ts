// Sieve scripts and vacation memory (sieve-port.ts) on MongoDB. A unique
// index on (ownerId, name) and a partial unique index on the active script
// keep the invariants even when two nodes write at once; setActive swaps the
// active script in a transaction.
import type { Collection, IndexDescription } from 'mongodb';
import { StoaError, isStoaError } from '../../errors/catalogue.ts';
import type { SieveScriptRecord, SieveScriptStore, VacationMemoryStore } from '../sieve-port.ts';
import { isDuplicateKey } from './errors.ts';
import { guard, inTransaction, sessionOpts, type MongoCtx } from './mongo-context.ts';

export const SIEVE_COLLECTIONS = {
  scripts: 'sieve_scripts',
  /** `_id` is the domain id. */
  domainSettings: 'sieve_domain_settings',
  /** `_id` is the hashed (user, handle, sender) key. */
  vacation: 'sieve_vacation',
} as const;

export const SIEVE_INDEXES: Record<string, IndexDescription[]> = {
  [SIEVE_COLLECTIONS.scripts]: [
    { key: { ownerId: 1, name: 1 }, name: 'owner_name_unique', unique: true },
    { key: { ownerId: 1 }, name: 'owner_active_unique', unique: true, partialFilterExpression: { active: true } },
  ],
  [SIEVE_COLLECTIONS.domainSettings]: [],
  // TTL: entries go by themselves once their period is over.
  [SIEVE_COLLECTIONS.vacation]: [{ key: { expiresAt: 1 }, expireAfterSeconds: 0 }],
};

type ScriptDoc = SieveScriptRecord & { _id?: unknown };
interface SettingsDoc { _id: string; allowExternalRedirect: boolean | null; updatedAt: string }
interface VacationDoc { _id: string; repliedAt: number; expiresAt: Date }

const fromDoc = ({ _id, ...rest }: ScriptDoc): SieveScriptRecord => rest;

export function createSieveScriptStore(ctx: MongoCtx): SieveScriptStore {
  const scripts = (c: MongoCtx): Collection<ScriptDoc> => c.db.collection<ScriptDoc>(SIEVE_COLLECTIONS.scripts);
  const settings = (c: MongoCtx): Collection<SettingsDoc> => c.db.collection<SettingsDoc>(SIEVE_COLLECTIONS.domainSettings);
  return {
    async list(ownerId) {
      const docs = await guard(ctx, () => scripts(ctx).find({ ownerId }, { ...sessionOpts(ctx), sort: { name: 1 } }).toArray());
      return docs.map(fromDoc);
    },
    async get(ownerId, name) {
      const doc = await guard(ctx, () => scripts(ctx).findOne({ ownerId, name }, sessionOpts(ctx)));
      return doc ? fromDoc(doc) : null;
    },
    async getActive(ownerId) {
      const doc = await guard(ctx, () => scripts(ctx).findOne({ ownerId, active: true }, sessionOpts(ctx)));
      return doc ? fromDoc(doc) : null;
    },
    async put(ownerId, name, content, at) {
      const doc = await guard(ctx, () => scripts(ctx).findOneAndUpdate(
        { ownerId, name },
        { $set: { content, updatedAt: at }, $setOnInsert: { ownerId, name, active: false, createdAt: at } },
        { ...sessionOpts(ctx), upsert: true, returnDocument: 'after' },
      ));
      if (doc === null) throw new StoaError('STOA_INTERNAL', `upsert of script "${name}" returned no document`);
      return fromDoc(doc);
    },
    async rename(ownerId, from, to, at) {
      try {
        const result = await guard(ctx, () => scripts(ctx).updateOne({ ownerId, name: from }, { $set: { name: to, updatedAt: at } }, sessionOpts(ctx)));
        if (result.matchedCount === 0) throw new StoaError('STOA_NOT_FOUND', `script "${from}" does not exist`);
      } catch (err) {
        if (isDuplicateKey(err) || (isStoaError(err, 'STOA_CONFLICT') && isDuplicateKey(err.cause))) {
          throw new StoaError('STOA_CONFLICT', `a script named "${to}" already exists`, { cause: err });
        }
        throw err;
      }
    },
    async delete(ownerId, name) {
      const result = await guard(ctx, () => scripts(ctx).deleteOne({ ownerId, name }, sessionOpts(ctx)));
      return result.deletedCount > 0;
    },
    async setActive(ownerId, name, at) {
      await inTransaction(ctx, (tx) => guard(tx, async () => {
        if (name !== null && (await scripts(tx).countDocuments({ ownerId, name }, { ...sessionOpts(tx), limit: 1 })) === 0) {
          throw new StoaError('STOA_NOT_FOUND', `script "${name}" does not exist`);
        }
        await scripts(tx).updateMany({ ownerId, active: true, ...(name === null ? {} : { name: { $ne: name } }) }, { $set: { active: false, updatedAt: at } }, sessionOpts(tx));
        if (name !== null) await scripts(tx).updateOne({ ownerId, name, active: false }, { $set: { active: true, updatedAt: at } }, sessionOpts(tx));
      }));
    },
    count: (ownerId) => guard(ctx, () => scripts(ctx).countDocuments({ ownerId }, sessionOpts(ctx))),
    async deleteOwner(ownerId) {
      const result = await guard(ctx, async () => {
        if (ownerId.startsWith('domain:')) await settings(ctx).deleteOne({ _id: ownerId.slice(7) }, sessionOpts(ctx));
        return scripts(ctx).deleteMany({ ownerId }, sessionOpts(ctx));
      });
      return result.deletedCount;
    },
    async getDomainSettings(domainId) {
      const doc = await guard(ctx, () => settings(ctx).findOne({ _id: domainId }, sessionOpts(ctx)));
      return { allowExternalRedirect: doc?.allowExternalRedirect ?? null };
    },
    async setDomainSettings(domainId, value, at) {
      await guard(ctx, () => settings(ctx).updateOne({ _id: domainId }, { $set: { allowExternalRedirect: value.allowExternalRedirect, updatedAt: at } }, { ...sessionOpts(ctx), upsert: true }));
    },
  };
}

export function createVacationMemoryStore(ctx: MongoCtx): VacationMemoryStore {
  const memory: Collection<VacationDoc> = ctx.db.collection<VacationDoc>(SIEVE_COLLECTIONS.vacation);
  return {
    async claim(key, now, periodMs) {
      const expiresAt = new Date(now + periodMs);
      // An old entry is taken over in place; a missing one is inserted. A
      // recent entry fails both, and of two racing inserts the unique _id lets one win.
      const updated = await guard(ctx, () => memory.updateOne({ _id: key, repliedAt: { $lte: now - periodMs } }, { $set: { repliedAt: now, expiresAt } }));
      if (updated.matchedCount > 0) return true;
      try {
        await guard(ctx, () => memory.insertOne({ _id: key, repliedAt: now, expiresAt }));
        return true;
      } catch (err) {
        if (isDuplicateKey(err) || (isStoaError(err, 'STOA_CONFLICT') && isDuplicateKey(err.cause))) return false;
        throw err;
      }
    },
    async prune(before) {
      const result = await guard(ctx, () => memory.deleteMany({ expiresAt: { $lt: new Date(before) } }));
      return result.deletedCount;
    },
  };
}
