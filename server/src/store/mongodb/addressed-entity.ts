// Shared write paths of the entities that own an address (accounts, groups,
// aliases, resources). Creating one inserts its claim in the `addresses`
// collection, whose `_id` is the address, in the same transaction as the
// entity itself: the unique `_id` is what makes an address belong to exactly
// one owner across all four kinds, even under concurrent creates on
// different nodes. Deleting releases the claim in the same way.
import type { Collection, Document, Filter, OptionalUnlessRequiredId, UpdateFilter } from 'mongodb';
import { StoaError } from '../../errors/catalogue.ts';
import type { AddressOwnerKind } from '../port.ts';
import { COLLECTIONS } from './collections.ts';
import { fenceDomains } from './domain-fence.ts';
import { guard, inTransaction, sessionOpts, type MongoCtx } from './mongo-context.ts';

export interface AddressedDoc extends Document {
  _id: string;
  address: string;
  domainId: string | null;
}

export interface AddressDoc {
  _id: string;
  kind: AddressOwnerKind;
  ownerId: string;
  domainId: string | null;
}

export function addressCollection(ctx: MongoCtx): Collection<AddressDoc> {
  return ctx.db.collection<AddressDoc>(COLLECTIONS.addresses);
}

/** Claims every address and inserts every document, all or nothing. */
export async function insertAddressed<D extends AddressedDoc>(
  ctx: MongoCtx, kind: AddressOwnerKind, collection: Collection<D>, docs: readonly D[],
): Promise<void> {
  if (docs.length === 0) return;
  await inTransaction(ctx, (tx) => guard(tx, async () => {
    const opts = sessionOpts(tx);
    const claims = docs.map((doc): AddressDoc => ({ _id: doc.address, kind, ownerId: doc._id, domainId: doc.domainId }));
    // Claims first: a taken address fails before any entity is written.
    if (claims.length === 1) {
      // A failed insert aborts the whole transaction on the server, so a
      // caller inside atomic() could not catch STOA_ADDRESS_TAKEN and go on
      // (the SQLite adapter allows that). Looking first keeps the usual case
      // abort-free; the unique `_id` of the insert still settles a race.
      const holder = await addressCollection(tx).findOne({ _id: claims[0]._id }, opts);
      if (holder !== null) throw new StoaError('STOA_ADDRESS_TAKEN', claims[0]._id);
      await addressCollection(tx).insertOne(claims[0], opts);
    } else {
      await addressCollection(tx).insertMany(claims, { ...opts, ordered: true });
    }
    await fenceDomains(tx, docs.map((doc) => doc.domainId));
    const rows = docs as readonly OptionalUnlessRequiredId<D>[];
    if (rows.length === 1) await collection.insertOne(rows[0], opts);
    else await collection.insertMany([...rows], { ...opts, ordered: true });
  }));
}

/** Deletes the entity and releases its address; STOA_NOT_FOUND when there is none. */
export async function deleteAddressed<D extends AddressedDoc>(
  ctx: MongoCtx, kind: AddressOwnerKind, collection: Collection<D>, id: string,
): Promise<void> {
  await inTransaction(ctx, (tx) => guard(tx, async () => {
    const opts = sessionOpts(tx);
    const removed = await collection.findOneAndDelete({ _id: id } as Filter<D>, opts);
    if (removed === null) throw new StoaError('STOA_NOT_FOUND', `${kind} ${id}`);
    // Only this owner's claim: never release an address someone else holds.
    await addressCollection(tx).deleteOne({ _id: removed.address as string, ownerId: id }, opts);
  }));
}

/** Fields no patch may change on an addressed entity (the address claim and the domain fence depend on them). */
export const ADDRESSED_IMMUTABLE = ['address', 'domainId', 'createdAt'] as const;

/** Drops keys a patch must not carry: identity, immutable fields and undefined values. */
function cleanPatch(patch: Record<string, unknown>, immutable: readonly string[]): Record<string, unknown> {
  const set: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(patch)) {
    if (value !== undefined && key !== 'id' && key !== '_id' && !immutable.includes(key)) set[key] = value;
  }
  return set;
}

/** `$set`s the patch and returns the document after it; STOA_NOT_FOUND when there is none. */
export async function updateById<D extends Document & { _id: string }>(
  ctx: MongoCtx, collection: Collection<D>, id: string, patch: Record<string, unknown>,
  immutable: readonly string[] = ADDRESSED_IMMUTABLE,
): Promise<D> {
  const set = cleanPatch(patch, immutable);
  return guard(ctx, async () => {
    const filter = { _id: id } as Filter<D>;
    const doc = Object.keys(set).length === 0
      ? await collection.findOne(filter, sessionOpts(ctx))
      : await collection.findOneAndUpdate(filter, { $set: set } as UpdateFilter<D>, { ...sessionOpts(ctx), returnDocument: 'after' });
    if (doc === null) throw new StoaError('STOA_NOT_FOUND', `${collection.collectionName} ${id}`);
    return doc as D;
  });
}

export async function findById<D extends Document & { _id: string }>(
  ctx: MongoCtx, collection: Collection<D>, id: string,
): Promise<D | null> {
  return guard(ctx, async () => (await collection.findOne({ _id: id } as Filter<D>, sessionOpts(ctx))) as D | null);
}

export async function findByAddress<D extends AddressedDoc>(
  ctx: MongoCtx, collection: Collection<D>, address: string,
): Promise<D | null> {
  return guard(ctx, async () => (await collection.findOne({ address } as Filter<D>, sessionOpts(ctx))) as D | null);
}

export async function countInDomain<D extends AddressedDoc>(
  ctx: MongoCtx, collection: Collection<D>, domainId: string,
): Promise<number> {
  return guard(ctx, () => collection.countDocuments({ domainId } as Filter<D>, sessionOpts(ctx)));
}
