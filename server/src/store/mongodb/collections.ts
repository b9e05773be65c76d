// Collection and index names shared by the stores, the migrations and the
// error mapper (which needs to know which unique index a duplicate hit).

export const COLLECTIONS = {
  domains: 'domains',
  accounts: 'accounts',
  groups: 'groups',
  aliases: 'aliases',
  resources: 'resources',
  /** The shared address space: `_id` is the normalised address, one owner each. */
  addresses: 'addresses',
  appPasswords: 'app_passwords',
  audit: 'audit',
  credentials: 'credentials',
  throttle: 'throttle',
  /** Client addresses each account logged in from (throttle-store.ts), the most recent few per account. */
  loginClients: 'login_clients',
  counters: 'counters',
  /** Blob metadata: `_id` is the SHA-256, with size, refs and the GridFS file id. */
  blobs: 'blobs',
  /** GridFS files not yet (or no longer) claimed by a metadata document; see gridfs-blob-store.ts. */
  blobPending: 'blob_pending',
  migrations: 'schema_migrations',
  /** Cross-node leases (lock-store.ts): `_id` is the lock name. */
  locks: 'locks',
} as const;

/** GridFS bucket name: collections `blobs.files` and `blobs.chunks`. */
export const BLOB_BUCKET = 'blobs';

/** Every addressed entity collection carries a unique index of this name on `address`. */
export const UNIQUE_ADDRESS_INDEX = 'address_unique';
export const UNIQUE_DOMAIN_NAME_INDEX = 'name_unique';
