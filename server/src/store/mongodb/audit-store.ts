// The admin audit log: append-only, listed newest first with filters.
import type { Collection } from 'mongodb';
import type { AuditEntry } from '../../../../shared/src/schemas/directory.ts';
import type { AuditStore } from '../port.ts';
import { COLLECTIONS } from './collections.ts';
import { allOf, findPage, scopeFilter, sortBy, textFilter } from './listing.ts';
import { guard, sessionOpts, type MongoCtx } from './mongo-context.ts';

export interface AuditDoc extends Omit<AuditEntry, 'id'> {
  _id: string;
}

function fromDoc(doc: AuditDoc): AuditEntry {
  const { _id, ...rest } = doc;
  return { id: _id, ...rest };
}

export function createAuditStore(ctx: MongoCtx): AuditStore {
  const audit: Collection<AuditDoc> = ctx.db.collection<AuditDoc>(COLLECTIONS.audit);

  return {
    async append(entry) {
      const { id, ...rest } = entry;
      await guard(ctx, () => audit.insertOne({ _id: id, ...rest }, sessionOpts(ctx)));
    },

    async list(opts) {
      const filter = allOf(
        scopeFilter(opts.scope),
        opts.domainId === undefined ? {} : { domainId: opts.domainId },
        opts.objectType === undefined ? {} : { objectType: opts.objectType },
        opts.objectId === undefined ? {} : { objectId: opts.objectId },
        opts.actor === undefined ? {} : { actor: opts.actor },
        opts.since === undefined && opts.until === undefined ? {} : {
          at: { ...(opts.since === undefined ? {} : { $gte: opts.since }), ...(opts.until === undefined ? {} : { $lt: opts.until }) },
        },
        // Audit entries have no address or name; who did what to which object is what an admin looks for.
        textFilter(opts.q, ['actor', 'action', 'objectType', 'objectId']),
      );
      return findPage(ctx, audit, filter, sortBy(opts.sort === 'at' ? 'at' : undefined, opts.order), opts, fromDoc);
    },
  };
}
