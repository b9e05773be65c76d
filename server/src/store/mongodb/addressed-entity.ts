// Shared write paths of the entities that own an address (accounts, groups,
// aliases, resources). Creating one inserts its claim in the `addresses`
// collection, whose `_id` is the address, in the same transaction as the
// entity itself: the unique `_id` is what makes an address belong to exactly
// one owner across all four kinds, even under concurrent creates on
// different nodes. Deleting releases the claim in the same way.
import type { Collection, Document, Filter, OptionalUnlessRequiredId, UpdateFilter } from 'mongodb';
import { StoaError } from '../../errors/catalogue.ts';
import type { AddressOwnerKind, DomainScope, ListOptions, Page } from '../port.ts';
import { COLLECTIONS } from './collections.ts';
import { fenceDomains } from './domain-fence.ts';
import { allOf, findPage, scopeFilter, sortBy, sortField, textFilter } from './listing.ts';
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

/**
 * How one kind of addressed entity is stored. `lowerKey` names a field whose
 * lower-cased copy the document also holds, so sorting on it is
 * case-insensitive and served by an index without per-query collations (see
 * migrations.ts).
 */
export interface AddressedEntitySpec {
  kind: AddressOwnerKind;
  collection: string;
  /** Sort key → stored field. */
  sortFields: Readonly<Record<string, string>>;
  /** Fields `q` matches as a substring. */
  textFields: readonly string[];
  lowerKey?: { field: string; key: string };
}

export interface AddressedListOptions extends ListOptions<string> {
  scope: DomainScope;
  domainId?: string;
}

/** The store methods every addressed entity shares, over its own collection. */
export interface AddressedEntityStore<T, D extends AddressedDoc> {
  collection: Collection<D>;
  fromDoc(doc: D): T;
  create(entity: T): Promise<void>;
  createMany(entities: readonly T[]): Promise<void>;
  get(id: string): Promise<T | null>;
  getByAddress(address: string): Promise<T | null>;
  update(id: string, patch: object): Promise<T>;
  delete(id: string): Promise<void>;
  /** `extra` adds filter fragments of the entity's own (enabled, role …). */
  list(opts: AddressedListOptions, ...extra: Document[]): Promise<Page<T>>;
  countInDomain(domainId: string): Promise<number>;
}

export function addressedEntityStore<T extends { id: string }, D extends AddressedDoc>(
  ctx: MongoCtx, spec: AddressedEntitySpec,
): AddressedEntityStore<T, D> {
  const collection = ctx.db.collection<D>(spec.collection);
  const { kind, lowerKey } = spec;

  const toDoc = (entity: T): D => {
    const { id, ...rest } = entity;
    const doc: Record<string, unknown> = { _id: id, ...rest };
    if (lowerKey) doc[lowerKey.key] = String(doc[lowerKey.field]).toLowerCase();
    return doc as D;
  };
  const fromDoc = (doc: D): T => {
    const { _id, ...rest } = doc as Record<string, unknown>;
    if (lowerKey) delete rest[lowerKey.key];
    return { id: _id, ...rest } as T;
  };

  return {
    collection,
    fromDoc,

    async create(entity) {
      await insertAddressed(ctx, kind, collection, [toDoc(entity)]);
    },

    async createMany(entities) {
      await insertAddressed(ctx, kind, collection, entities.map(toDoc));
    },

    async get(id) {
      const doc = await findById(ctx, collection, id);
      return doc ? fromDoc(doc) : null;
    },

    async getByAddress(address) {
      const doc = await findByAddress(ctx, collection, address);
      return doc ? fromDoc(doc) : null;
    },

    async update(id, patch) {
      const set: Record<string, unknown> = { ...patch };
      if (lowerKey && typeof set[lowerKey.field] === 'string') set[lowerKey.key] = (set[lowerKey.field] as string).toLowerCase();
      return fromDoc(await updateById(ctx, collection, id, set));
    },

    async delete(id) {
      await deleteAddressed(ctx, kind, collection, id);
    },

    async list(opts, ...extra) {
      const filter = allOf(
        scopeFilter(opts.scope),
        opts.domainId === undefined ? {} : { domainId: opts.domainId },
        ...extra,
        textFilter(opts.q, spec.textFields),
      );
      const sort = sortBy(sortField(spec.sortFields, opts.sort), opts.order, opts.sort === 'address');
      return findPage(ctx, collection, filter, sort, opts, fromDoc);
    },

    async countInDomain(domainId) {
      return countInDomain(ctx, collection, domainId);
    },
  };
}
