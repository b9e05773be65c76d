// The scale-out adapter of the storage port: MongoDB (replica set) for
// metadata, GridFS for message bodies. Opening connects, checks that the
// deployment supports transactions, and applies pending migrations, so the
// returned store is ready (its unique indexes are what enforce uniqueness).
import { MongoClient, MongoInvalidArgumentError, type Db } from 'mongodb';
import type { StoaConfig } from '../../config/types.ts';
import { StoaError } from '../../errors/catalogue.ts';
import type { Store, StoreTx } from '../port.ts';
import { createAccountStore } from './account-store.ts';
import { createAddressStore } from './address-store.ts';
import { createAliasStore } from './alias-store.ts';
import { createAppPasswordStore } from './app-password-store.ts';
import { createAuditStore } from './audit-store.ts';
import { createBlobRefStore } from './blob-ref-store.ts';
import { createCounterStore } from './counter-store.ts';
import { createCredentialStore } from './credential-store.ts';
import { createDomainStore } from './domain-store.ts';
import { createDirectoryConnectionStore, createSyncRunStore } from './directory-connection-store.ts';
import { REPLICA_SET_REQUIRED, mapMongoError } from './errors.ts';
import { createGridFsBlobStore } from './gridfs-blob-store.ts';
import { createGroupStore } from './group-store.ts';
import { createMailboxStore } from './mail-mailbox-store.ts';
import { createMessageStore } from './mail-message-store.ts';
import { migrate, schemaVersion } from './migrations.ts';
import { runTransaction, type MongoCtx } from './mongo-context.ts';
import { createQueueStore } from './queue-store.ts';
import { createDavStore } from './dav-store.ts';
import { createResourceStore } from './resource-store.ts';
import { createThrottleStore } from './throttle-store.ts';
import { createLockStore } from './lock-store.ts';
import { createDkimKeyStore } from './dkim-key-store.ts';
import { createGreylistStore, createRateCounterStore } from './greylist-store.ts';
import { createSieveScriptStore, createVacationMemoryStore } from './sieve-store.ts';
import { createBayesStore, createQuarantineStore, createVerdictStore } from './spam-filter-store.ts';
import { createMailboxGrantStore, createPublicFolderAddressStore, createSharedMailboxStore } from './shared-mailbox-store.ts';
import { createMigrationStore } from './migration-store.ts';

export async function openMongoStore(config: StoaConfig): Promise<Store> {
  const { url, database } = config.store.mongodb;
  if (!url) {
    throw new StoaError('STOA_CONFIG_INVALID', 'store.mongodb.url (or STOA_MONGODB_URL) is required when store.driver is mongodb');
  }
  return openMongoStoreAt(url, database);
}

/** The stores a transaction can touch, bound to `ctx` (and so to its session, if any). */
function txStores(ctx: MongoCtx): StoreTx {
  return {
    domains: createDomainStore(ctx),
    accounts: createAccountStore(ctx),
    groups: createGroupStore(ctx),
    aliases: createAliasStore(ctx),
    resources: createResourceStore(ctx),
    addresses: createAddressStore(ctx),
    appPasswords: createAppPasswordStore(ctx),
    credentials: createCredentialStore(ctx),
    audit: createAuditStore(ctx),
    counters: createCounterStore(ctx),
    blobRefs: createBlobRefStore(ctx),
    mailboxes: createMailboxStore(ctx),
    messages: createMessageStore(ctx),
    queue: createQueueStore(ctx),
    sieveScripts: createSieveScriptStore(ctx),
    quarantine: createQuarantineStore(ctx),
    directoryConnections: createDirectoryConnectionStore(ctx),
    syncRuns: createSyncRunStore(ctx),
    sharedMailboxes: createSharedMailboxStore(ctx),
    mailboxGrants: createMailboxGrantStore(ctx),
    publicFolderAddresses: createPublicFolderAddressStore(ctx),
    dav: createDavStore(ctx),
    migrations: createMigrationStore(ctx),
  };
}

async function mapped<T>(work: Promise<T>): Promise<T> {
  try {
    return await work;
  } catch (err) {
    throw mapMongoError(err, false);
  }
}

/** Transactions exist on replica set members and mongos only; say so at start-up rather than at the first write. */
async function requireTransactions(db: Db): Promise<void> {
  const hello = await db.admin().command({ hello: 1 });
  const replicated = typeof hello.setName === 'string' || hello.msg === 'isdbgrid';
  if (!replicated) throw new StoaError('STOA_STORE_UNAVAILABLE', REPLICA_SET_REQUIRED);
}

export async function openMongoStoreAt(url: string, database: string): Promise<Store> {
  let client: MongoClient;
  try {
    // ignoreUndefined: an optional field left undefined in a patch or a
    // record is omitted, not stored as null.
    client = new MongoClient(url, { ignoreUndefined: true, appName: 'stoa' });
  } catch (err) {
    // The scheme check throws a MongoParseError class of the URL parser
    // package, not the driver's own, so it is recognised by name.
    if ((err instanceof Error && err.name === 'MongoParseError') || err instanceof MongoInvalidArgumentError) {
      throw new StoaError('STOA_CONFIG_INVALID', `store.mongodb.url is not a valid MongoDB connection string: ${err.message}`, { cause: err });
    }
    throw err;
  }
  const db = client.db(database);
  try {
    await client.connect();
    await requireTransactions(db);
    await migrate(db);
  } catch (err) {
    await client.close().catch(() => undefined);
    throw mapMongoError(err, false);
  }

  const root: MongoCtx = { client, db, session: undefined };
  let closed: Promise<void> | null = null;

  return {
    kind: 'mongodb',
    ...txStores(root),
    blobs: createGridFsBlobStore(root),
    throttle: createThrottleStore(root),
    locks: createLockStore(root),
    dkimKeys: createDkimKeyStore(root),
    greylist: createGreylistStore(root),
    rateCounters: createRateCounterStore(root),
    sieveVacation: createVacationMemoryStore(root),
    bayes: createBayesStore(root),
    verdicts: createVerdictStore(root),

    // A nested atomic() call starts its own, independent transaction: the
    // StoreTx handed to `fn` is the way to stay inside this one.
    atomic: (fn) => runTransaction(client, db, (tx) => fn(txStores(tx))),

    migrate: () => mapped(migrate(db)),
    schemaVersion: () => mapped(schemaVersion(db)),

    async ping() {
      await mapped(db.command({ ping: 1 }));
    },

    close() {
      closed ??= client.close();
      return closed;
    },
  };
}
