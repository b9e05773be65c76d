// Calendars and address books on MongoDB (mirrors sqlite/dav-store.ts).
// Object writes run in a transaction that bumps the collection's sequence
// with $inc and upserts the change log, so concurrent writers on several
// nodes get distinct sequence numbers and a consistent log.
import type { Collection } from 'mongodb';
import type { DavChange, DavCollection, DavDelegation, DavObject, DavObjectInfo, DavShare } from '../../model/dav.ts';
import { StoaError } from '../../errors/catalogue.ts';
import type { DavStore, DavWriteCondition } from '../dav-port.ts';
import { DAV_COLLECTIONS } from './dav-collections.ts';
import { isDuplicateKey } from './errors.ts';
import { guard, inTransaction, sessionOpts, type MongoCtx } from './mongo-context.ts';

type CollectionDoc = Omit<DavCollection, 'id'> & { _id: string; syncHorizon: number };
type ObjectDoc = DavObject & { _id: string };
type ChangeDoc = DavChange & { _id: string; collectionId: string; changedAt: string };
type ShareDoc = DavShare & { _id: string };
type DelegationDoc = DavDelegation & { _id: string };

function cols(ctx: MongoCtx) {
  return {
    collections: ctx.db.collection<CollectionDoc>(DAV_COLLECTIONS.collections) as Collection<CollectionDoc>,
    objects: ctx.db.collection<ObjectDoc>(DAV_COLLECTIONS.objects) as Collection<ObjectDoc>,
    changes: ctx.db.collection<ChangeDoc>(DAV_COLLECTIONS.changes) as Collection<ChangeDoc>,
    shares: ctx.db.collection<ShareDoc>(DAV_COLLECTIONS.shares) as Collection<ShareDoc>,
    delegations: ctx.db.collection<DelegationDoc>(DAV_COLLECTIONS.delegations) as Collection<DelegationDoc>,
  };
}

const key = (a: string, b: string): string => `${a}/${b}`;

function toCollection(doc: CollectionDoc): DavCollection {
  const { _id, syncHorizon: _h, ...rest } = doc;
  return { id: _id, ...rest };
}

function toObject(doc: ObjectDoc): DavObject {
  const { _id, ...rest } = doc;
  return rest;
}

function toInfo(doc: ObjectDoc): DavObjectInfo {
  const { _id, data: _d, ...rest } = doc;
  return rest;
}

function strip<T extends { _id: string }>(doc: T): Omit<T, '_id'> {
  const { _id, ...rest } = doc;
  return rest;
}

function checkCondition(current: { etag: string } | null, condition: DavWriteCondition | undefined, name: string): void {
  if (!condition || condition.etag === undefined) return;
  if (condition.etag === null && current) throw new StoaError('STOA_PRECONDITION_FAILED', `${name} already exists`);
  if (condition.etag !== null && (!current || current.etag !== condition.etag)) {
    throw new StoaError('STOA_PRECONDITION_FAILED', current ? `${name} has changed` : `${name} does not exist`);
  }
}

async function requireCollection(t: MongoCtx, id: string): Promise<CollectionDoc> {
  const doc = await cols(t).collections.findOne({ _id: id }, sessionOpts(t));
  if (!doc) throw new StoaError('STOA_NOT_FOUND', `collection ${id}`);
  return doc;
}

async function logChange(t: MongoCtx, collectionId: string, name: string, deleted: boolean, at: string): Promise<number> {
  const c = cols(t);
  const doc = await c.collections.findOneAndUpdate({ _id: collectionId }, { $inc: { syncSeq: 1 } }, { ...sessionOpts(t), returnDocument: 'after' });
  if (!doc) throw new StoaError('STOA_NOT_FOUND', `collection ${collectionId}`);
  await c.changes.updateOne(
    { _id: key(collectionId, name) },
    { $set: { collectionId, name, seq: doc.syncSeq, deleted, changedAt: at } },
    { ...sessionOpts(t), upsert: true },
  );
  return doc.syncSeq;
}

async function removeCollection(t: MongoCtx, id: string): Promise<void> {
  const c = cols(t);
  await c.objects.deleteMany({ collectionId: id }, sessionOpts(t));
  await c.changes.deleteMany({ collectionId: id }, sessionOpts(t));
  await c.shares.deleteMany({ collectionId: id }, sessionOpts(t));
  await c.collections.deleteOne({ _id: id }, sessionOpts(t));
}

export function createDavStore(ctx: MongoCtx): DavStore {
  const tx = <T>(fn: (t: MongoCtx) => Promise<T>) => guard(ctx, () => inTransaction(ctx, fn));
  const read = <T>(fn: (c: ReturnType<typeof cols>) => Promise<T>) => guard(ctx, () => fn(cols(ctx)));

  return {
    createCollection: (col) => tx(async (t) => {
      const { id, ...rest } = col;
      try {
        await cols(t).collections.insertOne({ _id: id, ...rest, syncSeq: 0, syncHorizon: 0 }, sessionOpts(t));
      } catch (err) {
        if (isDuplicateKey(err)) throw new StoaError('STOA_CONFLICT', `a ${col.kind} named ${col.uri} already exists`, { cause: err });
        throw err;
      }
      return toCollection(await requireCollection(t, id));
    }),

    getCollection: (id) => read(async (c) => {
      const doc = await c.collections.findOne({ _id: id }, sessionOpts(ctx));
      return doc ? toCollection(doc) : null;
    }),

    getCollectionByUri: (ownerId, kind, uri) => read(async (c) => {
      const doc = await c.collections.findOne({ ownerId, kind, uri }, sessionOpts(ctx));
      return doc ? toCollection(doc) : null;
    }),

    listCollections: (ownerId, kind) => read(async (c) => (await c.collections.find(kind ? { ownerId, kind } : { ownerId }, { ...sessionOpts(ctx), sort: { kind: 1, uri: 1 } }).toArray()).map(toCollection)),

    getCollections: (ids) => read(async (c) => (ids.length === 0 ? [] : (await c.collections.find({ _id: { $in: [...ids] } }, sessionOpts(ctx)).toArray()).map(toCollection))),

    updateCollection: (id, patch) => tx(async (t) => {
      const r = await cols(t).collections.updateOne({ _id: id }, { $set: patch }, sessionOpts(t));
      if (r.matchedCount === 0) throw new StoaError('STOA_NOT_FOUND', `collection ${id}`);
      return toCollection(await requireCollection(t, id));
    }),

    deleteCollection: (id) => tx(async (t) => {
      await requireCollection(t, id);
      const docs = await cols(t).objects.find({ collectionId: id }, { ...sessionOpts(t), projection: { size: 1 } }).toArray();
      await removeCollection(t, id);
      return { objects: docs.length, bytes: docs.reduce((n, d) => n + d.size, 0) };
    }),

    putObject: (obj, condition) => tx(async (t) => {
      const c = cols(t);
      await requireCollection(t, obj.collectionId);
      const current = await c.objects.findOne({ _id: key(obj.collectionId, obj.name) }, sessionOpts(t));
      checkCondition(current, condition, obj.name);
      const clash = await c.objects.findOne({ collectionId: obj.collectionId, uid: obj.uid, name: { $ne: obj.name } }, sessionOpts(t));
      if (clash) throw new StoaError('STOA_CONFLICT', `UID ${obj.uid} is already used by ${clash.name}`);
      const seq = await logChange(t, obj.collectionId, obj.name, false, obj.updatedAt);
      const object: DavObject = { ...obj, seq, createdAt: current?.createdAt ?? obj.updatedAt };
      try {
        await c.objects.replaceOne({ _id: key(obj.collectionId, obj.name) }, object, { ...sessionOpts(t), upsert: true });
      } catch (err) {
        if (isDuplicateKey(err)) throw new StoaError('STOA_CONFLICT', `UID ${obj.uid} is already used`, { cause: err });
        throw err;
      }
      return { object, created: !current };
    }),

    getObject: (collectionId, name) => read(async (c) => {
      const doc = await c.objects.findOne({ _id: key(collectionId, name) }, sessionOpts(ctx));
      return doc ? toObject(doc) : null;
    }),

    getObjects: (collectionId, names) => read(async (c) => (names.length === 0 ? [] : (await c.objects.find({ _id: { $in: names.map((n) => key(collectionId, n)) } }, sessionOpts(ctx)).toArray()).map(toObject))),

    getObjectByUid: (collectionId, uid) => read(async (c) => {
      const doc = await c.objects.findOne({ collectionId, uid }, sessionOpts(ctx));
      return doc ? toObject(doc) : null;
    }),

    countObjects: (collectionId) => read((c) => c.objects.countDocuments({ collectionId }, sessionOpts(ctx))),

    listObjects: (collectionId) => read(async (c) => (await c.objects.find({ collectionId }, { ...sessionOpts(ctx), projection: { data: 0 }, sort: { name: 1 } }).toArray())
      .map((d) => toInfo({ ...d, data: '' }))),

    listObjectData: (collectionId) => read(async (c) => (await c.objects.find({ collectionId }, { ...sessionOpts(ctx), sort: { name: 1 } }).toArray()).map(toObject)),

    objectsInRange: (collectionId, startMs, endMs, component, withData = true) => read(async (c) => (await c.objects.find(
      { collectionId, startMs: { $lt: endMs }, endMs: { $gt: startMs }, ...(component ? { component } : {}) }, sessionOpts(ctx),
    ).toArray()).map((d) => (withData || d.recurring ? toObject(d) : { ...toObject(d), data: '' }))),

    deleteObject: (collectionId, name, at, condition) => tx(async (t) => {
      const c = cols(t);
      const current = await c.objects.findOne({ _id: key(collectionId, name) }, sessionOpts(t));
      checkCondition(current, condition, name);
      if (!current) throw new StoaError('STOA_NOT_FOUND', `${name} does not exist`);
      await c.objects.deleteOne({ _id: current._id }, sessionOpts(t));
      await logChange(t, collectionId, name, true, at);
      return toObject(current);
    }),

    changesSince: (collectionId, seq) => read(async (c) => {
      const col = await c.collections.findOne({ _id: collectionId }, sessionOpts(ctx));
      if (!col) throw new StoaError('STOA_NOT_FOUND', `collection ${collectionId}`);
      if (seq < col.syncHorizon || seq > col.syncSeq) return null;
      const docs = await c.changes.find({ collectionId, seq: { $gt: seq } }, { ...sessionOpts(ctx), sort: { seq: 1 } }).toArray();
      return { changes: docs.map((d) => ({ name: d.name, seq: d.seq, deleted: d.deleted })), seq: col.syncSeq };
    }),

    pruneTombstones: (before) => tx(async (t) => {
      const c = cols(t);
      const tops = await c.changes.aggregate<{ _id: string; top: number }>([
        { $match: { deleted: true, changedAt: { $lt: before } } },
        { $group: { _id: '$collectionId', top: { $max: '$seq' } } },
      ], sessionOpts(t)).toArray();
      for (const { _id, top } of tops) await c.collections.updateOne({ _id }, { $max: { syncHorizon: top } }, sessionOpts(t));
      return (await c.changes.deleteMany({ deleted: true, changedAt: { $lt: before } }, sessionOpts(t))).deletedCount;
    }),

    usage: (ownerId) => read(async (c) => {
      const ids = (await c.collections.find({ ownerId }, { ...sessionOpts(ctx), projection: { _id: 1 } }).toArray()).map((d) => d._id);
      const [row] = await c.objects.aggregate<{ n: number; bytes: number }>([
        { $match: { collectionId: { $in: ids } } },
        { $group: { _id: null, n: { $sum: 1 }, bytes: { $sum: '$size' } } },
      ], sessionOpts(ctx)).toArray();
      return { objects: row?.n ?? 0, bytes: row?.bytes ?? 0 };
    }),

    setShare: (collectionId, grantee, access, at) => tx(async (t) => {
      await requireCollection(t, collectionId);
      const shares = cols(t).shares;
      if (access === null) await shares.deleteOne({ _id: key(collectionId, grantee.id) }, sessionOpts(t));
      else {
        await shares.updateOne(
          { _id: key(collectionId, grantee.id) },
          { $set: { collectionId, granteeKind: grantee.kind, granteeId: grantee.id, access }, $setOnInsert: { createdAt: at } },
          { ...sessionOpts(t), upsert: true },
        );
      }
    }),

    listShares: (collectionId) => read(async (c) => (await c.shares.find({ collectionId }, { ...sessionOpts(ctx), sort: { createdAt: 1, granteeId: 1 } }).toArray()).map(strip)),

    sharesFor: (ids) => read(async (c) => (ids.length === 0 ? [] : (await c.shares.find({ granteeId: { $in: [...ids] } }, { ...sessionOpts(ctx), sort: { collectionId: 1 } }).toArray()).map(strip))),

    setDelegation: (ownerId, delegate, access, at) => tx(async (t) => {
      const delegations = cols(t).delegations;
      if (access === null) await delegations.deleteOne({ _id: key(ownerId, delegate.id) }, sessionOpts(t));
      else {
        await delegations.updateOne(
          { _id: key(ownerId, delegate.id) },
          { $set: { ownerId, delegateKind: delegate.kind, delegateId: delegate.id, access }, $setOnInsert: { createdAt: at } },
          { ...sessionOpts(t), upsert: true },
        );
      }
    }),

    delegationsOf: (ownerId) => read(async (c) => (await c.delegations.find({ ownerId }, { ...sessionOpts(ctx), sort: { createdAt: 1, delegateId: 1 } }).toArray()).map(strip)),

    delegationsFor: (ids) => read(async (c) => (ids.length === 0 ? [] : (await c.delegations.find({ delegateId: { $in: [...ids] } }, { ...sessionOpts(ctx), sort: { ownerId: 1 } }).toArray()).map(strip))),

    deleteForOwner: (ownerId) => tx(async (t) => {
      const c = cols(t);
      const ids = (await c.collections.find({ ownerId }, { ...sessionOpts(t), projection: { _id: 1 } }).toArray()).map((d) => d._id);
      for (const id of ids) await removeCollection(t, id);
      await c.delegations.deleteMany({ $or: [{ ownerId }, { delegateId: ownerId }] }, sessionOpts(t));
      await c.shares.deleteMany({ granteeId: ownerId }, sessionOpts(t));
      return ids.length;
    }),

    deleteForGrantee: (granteeId) => tx(async (t) => {
      const c = cols(t);
      const shares = await c.shares.deleteMany({ granteeId }, sessionOpts(t));
      const delegations = await c.delegations.deleteMany({ delegateId: granteeId }, sessionOpts(t));
      return shares.deletedCount + delegations.deletedCount;
    }),
  };
}
