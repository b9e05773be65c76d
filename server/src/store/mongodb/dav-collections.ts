// Collections and indexes of calendars and address books (dav-port.ts),
// created by the DAV migration (migrations.ts).
import type { IndexDescription } from 'mongodb';

export const DAV_COLLECTIONS = {
  /** `_id` is the collection id. */
  collections: 'dav_collections',
  /** `_id` is "<collectionId>/<name>". */
  objects: 'dav_objects',
  /** `_id` is "<collectionId>/<name>": the latest change of each resource name. */
  changes: 'dav_changes',
  /** `_id` is "<collectionId>/<granteeId>". */
  shares: 'dav_shares',
  /** `_id` is "<ownerId>/<delegateId>". */
  delegations: 'dav_delegations',
} as const;

export const DAV_INDEXES: Record<string, IndexDescription[]> = {
  [DAV_COLLECTIONS.collections]: [
    { key: { ownerId: 1, kind: 1, uri: 1 }, name: 'owner_kind_uri_unique', unique: true },
  ],
  [DAV_COLLECTIONS.objects]: [
    { key: { collectionId: 1, uid: 1 }, name: 'collection_uid_unique', unique: true },
    { key: { collectionId: 1, name: 1 } },
    { key: { collectionId: 1, startMs: 1, endMs: 1, component: 1 } },
  ],
  [DAV_COLLECTIONS.changes]: [
    { key: { collectionId: 1, seq: 1 } },
    { key: { changedAt: 1 }, partialFilterExpression: { deleted: true } },
  ],
  [DAV_COLLECTIONS.shares]: [{ key: { granteeId: 1 } }, { key: { collectionId: 1 } }],
  [DAV_COLLECTIONS.delegations]: [{ key: { delegateId: 1 } }, { key: { ownerId: 1 } }],
};
