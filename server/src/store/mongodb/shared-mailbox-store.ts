// Shared mailboxes, delegation grants and public-folder addresses
// (shared-mailbox-port.ts) on MongoDB. Shared mailboxes are addressed
// entities like accounts (addressed-entity.ts); a public folder's address is
// claimed in the same `addresses` collection, in one transaction with its
// own document.
import type { Collection, IndexDescription } from 'mongodb';
import { StoaError } from '../../errors/catalogue.ts';
import type {
  MailboxGrantRecord, MailboxGrantStore, PublicFolderAddress, PublicFolderAddressStore, SharedMailbox, SharedMailboxStore,
} from '../shared-mailbox-port.ts';
import { addressCollection, addressedEntityStore, findById } from './addressed-entity.ts';
import { fenceDomains } from './domain-fence.ts';
import { isDuplicateKey } from './errors.ts';
import { guard, inTransaction, sessionOpts, type MongoCtx } from './mongo-context.ts';

export const SHARED_MAILBOX_COLLECTIONS = {
  sharedMailboxes: 'shared_mailboxes',
  grants: 'mailbox_grants',
  folderAddresses: 'public_folder_addresses',
} as const;

export const SHARED_MAILBOX_INDEXES: Record<string, IndexDescription[]> = {
  [SHARED_MAILBOX_COLLECTIONS.sharedMailboxes]: [
    { key: { address: 1 }, name: 'address_unique', unique: true },
    { key: { domainId: 1, address: 1 } },
    { key: { domainId: 1, displayNameKey: 1, _id: 1 } },
    { key: { domainId: 1, createdAt: 1, _id: 1 } },
    { key: { displayNameKey: 1, _id: 1 } },
    { key: { createdAt: 1, _id: 1 } },
  ],
  [SHARED_MAILBOX_COLLECTIONS.grants]: [
    { key: { ownerId: 1, granteeId: 1, right: 1 }, name: 'grant_unique', unique: true },
    { key: { ownerId: 1, createdAt: 1, _id: 1 } },
    { key: { granteeId: 1, right: 1 } },
  ],
  [SHARED_MAILBOX_COLLECTIONS.folderAddresses]: [
    { key: { address: 1 }, name: 'address_unique', unique: true },
    { key: { domainId: 1, address: 1 } },
  ],
};

interface SharedMailboxDoc extends Omit<SharedMailbox, 'id'> {
  _id: string;
  displayNameKey: string;
}

interface GrantDoc extends Omit<MailboxGrantRecord, 'id'> {
  _id: string;
}

interface FolderAddressDoc extends Omit<PublicFolderAddress, 'mailboxId'> {
  _id: string;
}

export function createSharedMailboxStore(ctx: MongoCtx): SharedMailboxStore {
  const entities = addressedEntityStore<SharedMailbox, SharedMailboxDoc>(ctx, {
    kind: 'shared-mailbox',
    collection: SHARED_MAILBOX_COLLECTIONS.sharedMailboxes,
    sortFields: { address: 'address', displayName: 'displayNameKey', createdAt: 'createdAt' },
    textFields: ['address', 'displayName'],
    lowerKey: { field: 'displayName', key: 'displayNameKey' },
  });
  return {
    // The address claim comes first; a duplicate id after it maps to STOA_CONFLICT (errors.ts).
    create: entities.create,
    get: entities.get,
    getByAddress: entities.getByAddress,
    update: entities.update,
    delete: entities.delete,
    list: (opts) => entities.list(opts),
    countInDomain: entities.countInDomain,
  };
}

function grantFromDoc(doc: GrantDoc): MailboxGrantRecord {
  const { _id, ...rest } = doc;
  return { id: _id, ...rest };
}

export function createMailboxGrantStore(ctx: MongoCtx): MailboxGrantStore {
  const grants: Collection<GrantDoc> = ctx.db.collection<GrantDoc>(SHARED_MAILBOX_COLLECTIONS.grants);
  const sorted = { sort: { createdAt: 1, _id: 1 } } as const;

  async function deleteWhere(filter: { ownerId: string } | { granteeId: string }): Promise<MailboxGrantRecord[]> {
    return inTransaction(ctx, (tx) => guard(tx, async () => {
      const docs = await grants.find(filter, { ...sessionOpts(tx), ...sorted }).toArray();
      if (docs.length > 0) await grants.deleteMany({ _id: { $in: docs.map((d) => d._id) } }, sessionOpts(tx));
      return docs.map(grantFromDoc);
    }));
  }

  return {
    async add(grant) {
      const { id, ...rest } = grant;
      try {
        await guard(ctx, () => grants.insertOne({ _id: id, ...rest }, sessionOpts(ctx)));
      } catch (err) {
        if (isDuplicateKey(err) || (err instanceof StoaError && err.code === 'STOA_CONFLICT')) {
          throw new StoaError('STOA_CONFLICT', `${grant.granteeId} already holds ${grant.right} on ${grant.ownerId}`, { cause: err });
        }
        throw err;
      }
    },
    async get(id) {
      const doc = await findById(ctx, grants, id);
      return doc ? grantFromDoc(doc) : null;
    },
    async remove(id) {
      const result = await guard(ctx, () => grants.deleteOne({ _id: id }, sessionOpts(ctx)));
      if (result.deletedCount === 0) throw new StoaError('STOA_NOT_FOUND', `grant ${id}`);
    },
    async forOwner(ownerId) {
      return (await guard(ctx, () => grants.find({ ownerId }, { ...sessionOpts(ctx), ...sorted }).toArray())).map(grantFromDoc);
    },
    async forGrantees(ids, right) {
      if (ids.length === 0) return [];
      const filter = right === undefined ? { granteeId: { $in: [...ids] } } : { granteeId: { $in: [...ids] }, right };
      return (await guard(ctx, () => grants.find(filter, { ...sessionOpts(ctx), ...sorted }).toArray())).map(grantFromDoc);
    },
    async countForOwner(ownerId) {
      return guard(ctx, () => grants.countDocuments({ ownerId }, sessionOpts(ctx)));
    },
    deleteForOwner: (ownerId) => deleteWhere({ ownerId }),
    deleteForGrantee: (granteeId) => deleteWhere({ granteeId }),
  };
}

function folderFromDoc(doc: FolderAddressDoc): PublicFolderAddress {
  const { _id, ...rest } = doc;
  return { mailboxId: _id, ...rest };
}

export function createPublicFolderAddressStore(ctx: MongoCtx): PublicFolderAddressStore {
  const folders: Collection<FolderAddressDoc> = ctx.db.collection<FolderAddressDoc>(SHARED_MAILBOX_COLLECTIONS.folderAddresses);
  return {
    async create(entry) {
      const { mailboxId, ...rest } = entry;
      await inTransaction(ctx, (tx) => guard(tx, async () => {
        const opts = sessionOpts(tx);
        if (await folders.findOne({ _id: mailboxId }, opts)) throw new StoaError('STOA_CONFLICT', `public folder ${mailboxId} has an address already`);
        // Looked up first so the usual refusal does not abort the caller's transaction (addressed-entity.ts).
        if (await addressCollection(tx).findOne({ _id: entry.address }, opts)) throw new StoaError('STOA_ADDRESS_TAKEN', entry.address);
        await addressCollection(tx).insertOne({ _id: entry.address, kind: 'public-folder', ownerId: mailboxId, domainId: entry.domainId }, opts);
        await fenceDomains(tx, [entry.domainId]);
        await folders.insertOne({ _id: mailboxId, ...rest }, opts);
      }));
    },
    async getByMailbox(mailboxId) {
      const doc = await findById(ctx, folders, mailboxId);
      return doc ? folderFromDoc(doc) : null;
    },
    async getByAddress(address) {
      const doc = await guard(ctx, () => folders.findOne({ address }, sessionOpts(ctx)));
      return doc ? folderFromDoc(doc) : null;
    },
    async update(mailboxId, patch) {
      const set = Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined));
      const doc = await guard(ctx, () => folders.findOneAndUpdate({ _id: mailboxId }, { $set: set }, { ...sessionOpts(ctx), returnDocument: 'after' }));
      if (!doc) throw new StoaError('STOA_NOT_FOUND', `public folder address ${mailboxId}`);
      return folderFromDoc(doc);
    },
    async delete(mailboxId) {
      return inTransaction(ctx, (tx) => guard(tx, async () => {
        const removed = await folders.findOneAndDelete({ _id: mailboxId }, sessionOpts(tx));
        if (!removed) return false;
        await addressCollection(tx).deleteOne({ _id: removed.address, ownerId: mailboxId }, sessionOpts(tx));
        return true;
      }));
    },
    async listInDomain(domainId) {
      return (await guard(ctx, () => folders.find({ domainId }, { ...sessionOpts(ctx), sort: { address: 1 } }).toArray())).map(folderFromDoc);
    },
  };
}
