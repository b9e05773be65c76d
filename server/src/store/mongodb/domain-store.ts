// Domains: `_id` is the domain id, `name` (ASCII, lower case) is unique.
import type { Collection } from 'mongodb';
import type { Domain } from '../../../../shared/src/schemas/directory.ts';
import { StoaError } from '../../errors/catalogue.ts';
import type { DomainStore } from '../port.ts';
import { findById, updateById } from './addressed-entity.ts';
import { SHARED_MAILBOX_COLLECTIONS } from './shared-mailbox-store.ts';
import { COLLECTIONS } from './collections.ts';
import { FENCE_FIELD, fenceDomains } from './domain-fence.ts';
import { allOf, findPage, scopeFilter, sortBy, sortField, textFilter } from './listing.ts';
import { guard, inTransaction, sessionOpts, type MongoCtx } from './mongo-context.ts';

export interface DomainDoc extends Omit<Domain, 'id'> {
  _id: string;
  /** See domain-fence.ts. */
  fence?: number;
}

function toDoc(domain: Domain): DomainDoc {
  const { id, ...rest } = domain;
  return { _id: id, ...rest };
}

function fromDoc(doc: DomainDoc): Domain {
  const { _id, [FENCE_FIELD]: _fence, ...rest } = doc;
  return { id: _id, ...rest };
}

const SORT_FIELDS: Record<string, string> = { name: 'name', createdAt: 'createdAt' };

/** Members whose presence blocks a domain delete. */
const MEMBER_COLLECTIONS = [
  COLLECTIONS.accounts, COLLECTIONS.groups, COLLECTIONS.aliases, COLLECTIONS.resources,
  SHARED_MAILBOX_COLLECTIONS.sharedMailboxes, SHARED_MAILBOX_COLLECTIONS.folderAddresses,
] as const;

export function createDomainStore(ctx: MongoCtx): DomainStore {
  const domains: Collection<DomainDoc> = ctx.db.collection<DomainDoc>(COLLECTIONS.domains);

  return {
    async create(domain) {
      const doc = toDoc(domain);
      // Checked first for the same reason as addresses (addressed-entity.ts):
      // inside atomic() a duplicate-key error would abort the transaction.
      const existing = await guard(ctx, () => domains.findOne({ name: domain.name }, { ...sessionOpts(ctx), projection: { _id: 1 } }));
      if (existing !== null) throw new StoaError('STOA_DOMAIN_EXISTS', domain.name);
      if (domain.aliasOf === null) {
        await guard(ctx, () => domains.insertOne(doc, sessionOpts(ctx)));
        return;
      }
      // An alias domain blocks deleting its target: fence the target so a
      // concurrent delete of it conflicts with this insert.
      await inTransaction(ctx, (tx) => guard(tx, async () => {
        await domains.insertOne(doc, sessionOpts(tx));
        await fenceDomains(tx, [domain.aliasOf]);
      }));
    },

    async get(id) {
      const doc = await findById(ctx, domains, id);
      return doc ? fromDoc(doc) : null;
    },

    async getByName(asciiName) {
      const doc = await guard(ctx, () => domains.findOne({ name: asciiName }, sessionOpts(ctx)));
      return doc ? fromDoc(doc) : null;
    },

    async update(id, patch) {
      return fromDoc(await updateById(ctx, domains, id, patch, ['name', 'unicodeName', 'createdAt', FENCE_FIELD]));
    },

    async delete(id) {
      await inTransaction(ctx, (tx) => guard(tx, async () => {
        const opts = sessionOpts(tx);
        const fenced = await fenceDomains(tx, [id]);
        if (fenced === 0) throw new StoaError('STOA_NOT_FOUND', `domain ${id}`);
        for (const name of MEMBER_COLLECTIONS) {
          const members = await tx.db.collection(name).countDocuments({ domainId: id }, { ...opts, limit: 1 });
          if (members > 0) throw new StoaError('STOA_DOMAIN_NOT_EMPTY', `domain ${id} still has ${name}`);
        }
        const aliases = await domains.countDocuments({ aliasOf: id }, { ...opts, limit: 1 });
        if (aliases > 0) throw new StoaError('STOA_DOMAIN_HAS_ALIASES', `domain ${id}`);
        await domains.deleteOne({ _id: id }, opts);
      }));
    },

    async list(opts) {
      const filter = allOf(scopeFilter(opts.scope, '_id'), textFilter(opts.q, ['name', 'unicodeName']));
      const sort = sortBy(sortField(SORT_FIELDS, opts.sort), opts.order, opts.sort === 'name');
      return findPage(ctx, domains, filter, sort, opts, fromDoc);
    },

    async aliasesOf(id) {
      const docs = await guard(ctx, () => domains.find({ aliasOf: id }, { ...sessionOpts(ctx), sort: { name: 1 } }).toArray());
      return docs.map(fromDoc);
    },

    async count() {
      return guard(ctx, () => domains.countDocuments({}, sessionOpts(ctx)));
    },
  };
}
