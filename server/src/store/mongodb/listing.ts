// Paged, filtered, sorted listing shared by every entity store. Pages are
// offset/limit with a total from the same filter; every sort ends with `_id`
// so equal keys page deterministically (the indexes in migrations.ts end the
// same way, so the sort is read from the index, not done in memory).
import type { Collection, Document, Filter, Sort } from 'mongodb';
import { StoaError } from '../../errors/catalogue.ts';
import type { DomainScope, Page, SortOrder } from '../port.ts';
import { guard, sessionOpts, type MongoCtx } from './mongo-context.ts';

/** Escapes regex metacharacters so `q` matches literally (a search for "a.b" must not match "axb"). */
export function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
}

/** Case-insensitive substring match of `q` on any of `fields`; empty `q` matches everything. */
export function textFilter(q: string | undefined, fields: readonly string[]): Document {
  if (q === undefined || q === '') return {};
  const pattern = escapeRegex(q);
  return { $or: fields.map((field) => ({ [field]: { $regex: pattern, $options: 'i' } })) };
}

/** `null` scope sees every domain; a list restricts to those ids (an empty list sees nothing). */
export function scopeFilter(scope: DomainScope, field = 'domainId'): Document {
  return scope === null ? {} : { [field]: { $in: [...scope] } };
}

/** Merges filter fragments; each fragment uses distinct top-level keys except `$or`, kept apart by `$and`. */
export function allOf(...parts: Document[]): Document {
  const merged: Document = {};
  const ors: Document[] = [];
  for (const part of parts) {
    for (const [key, value] of Object.entries(part)) {
      if (key === '$or') ors.push({ $or: value });
      else if (key in merged) merged.$and = [...(merged.$and ?? []), { [key]: value }];
      else merged[key] = value;
    }
  }
  if (ors.length === 1) merged.$or = ors[0].$or;
  else if (ors.length > 1) merged.$and = [...(merged.$and ?? []), ...ors];
  return merged;
}

/** The stored field for a sort key; own keys only, so "constructor" is no sort key. */
export function sortField(fields: Readonly<Record<string, string>>, key: string): string | undefined {
  return Object.hasOwn(fields, key) ? fields[key] : undefined;
}

/**
 * Sort on `field` (looked up from the caller's sort key), then `_id`; a field
 * with a unique index needs no tie-break (and its index serves the sort alone).
 */
export function sortBy(field: string | undefined, order: SortOrder, unique = false): Sort {
  if (field === undefined) throw new StoaError('STOA_VALIDATION', 'unknown sort key');
  const dir = order === 'desc' ? -1 : 1;
  return unique || field === '_id' ? { [field]: dir } : { [field]: dir, _id: dir };
}

export async function findPage<D extends Document, T>(
  ctx: MongoCtx,
  collection: Collection<D>,
  filter: Document,
  sort: Sort,
  opts: { offset: number; limit: number },
  toDomain: (doc: D) => T,
): Promise<Page<T>> {
  const offset = Math.max(0, Math.trunc(opts.offset));
  const limit = Math.max(0, Math.trunc(opts.limit));
  const query = filter as Filter<D>;
  return guard(ctx, async () => {
    const total = await collection.countDocuments(query, sessionOpts(ctx));
    // limit(0) means "no limit" to MongoDB; a zero-sized page is just the total.
    const docs = limit === 0 || offset >= total
      ? []
      : await collection.find(query, { ...sessionOpts(ctx), sort, skip: offset, limit }).toArray();
    return { items: docs.map((doc) => toDomain(doc as D)), total, offset: opts.offset, limit: opts.limit };
  });
}
