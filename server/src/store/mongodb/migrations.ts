// Versioned schema steps, applied at start-up. `schema_migrations` holds one
// document per applied version ({_id: version, description, appliedAt}) and,
// while a node migrates, a lease document ({_id: 'lock'}) so two nodes
// starting together do not run the same data migration twice. Steps must be
// idempotent anyway: a node that dies mid-step leaves it to be rerun.
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { MongoServerError, type Db, type IndexDescription } from 'mongodb';
import { StoaError } from '../../errors/catalogue.ts';
import { BLOB_BUCKET, COLLECTIONS, UNIQUE_ADDRESS_INDEX, UNIQUE_DOMAIN_NAME_INDEX } from './collections.ts';
import { isDuplicateKey } from './errors.ts';
import { EXPUNGED_AT_INDEX, MAIL_COLLECTIONS, MAIL_INDEXES } from './mail-collections.ts';
import { KEYWORDS_INDEX } from './mail-selection.ts';
import { QUEUE_COLLECTIONS, QUEUE_INDEXES, QUEUE_NOTICE_INDEX } from './queue-collections.ts';
import { FILTER_INDEXES, SPAM_FILTER_INDEXES } from './filter-collections.ts';
import { SIEVE_INDEXES } from './sieve-store.ts';
import { DIRECTORY_COLLECTIONS } from './directory-connection-store.ts';
import { SHARED_MAILBOX_INDEXES } from './shared-mailbox-store.ts';
import { DAV_INDEXES } from './dav-collections.ts';
import { MIGRATION_INDEXES } from './migration-store.ts';

interface Migration {
  version: number;
  description: string;
  up(db: Db): Promise<void>;
}

type MigrationDoc =
  | { _id: number; description: string; appliedAt: Date }
  | { _id: 'lock'; owner: string; expiresAt: Date };

const NAMESPACE_EXISTS = 48;
const LOCK_LEASE_MS = 10 * 60_000;
const LOCK_WAIT_MS = 15 * 60_000;

const address = { key: { address: 1 }, name: UNIQUE_ADDRESS_INDEX, unique: true } satisfies IndexDescription;

// Every list sort ends with `_id` (listing.ts), and so does every index that
// serves one: a page of 50 out of 100,000 rows is then read in index order,
// with `domainId` first for a domain admin's scope (one range per domain,
// merged) and without it for a server admin's unscoped view.
const INITIAL_INDEXES: Record<string, IndexDescription[]> = {
  [COLLECTIONS.domains]: [
    { key: { name: 1 }, name: UNIQUE_DOMAIN_NAME_INDEX, unique: true },
    { key: { createdAt: 1, _id: 1 } },
    { key: { aliasOf: 1 } },
  ],
  [COLLECTIONS.accounts]: [
    address,
    { key: { domainId: 1, address: 1 } },
    { key: { domainId: 1, displayNameKey: 1, _id: 1 } },
    { key: { domainId: 1, createdAt: 1, _id: 1 } },
    { key: { domainId: 1, quotaBytes: 1, _id: 1 } },
    { key: { displayNameKey: 1, _id: 1 } },
    { key: { createdAt: 1, _id: 1 } },
    { key: { quotaBytes: 1, _id: 1 } },
    { key: { role: 1, enabled: 1 } },
  ],
  [COLLECTIONS.groups]: [
    address,
    { key: { domainId: 1, address: 1 } },
    { key: { domainId: 1, nameKey: 1, _id: 1 } },
    { key: { domainId: 1, createdAt: 1, _id: 1 } },
    { key: { nameKey: 1, _id: 1 } },
    { key: { createdAt: 1, _id: 1 } },
    { key: { 'members.id': 1 } },
  ],
  [COLLECTIONS.aliases]: [
    address,
    { key: { domainId: 1, address: 1 } },
    { key: { domainId: 1, createdAt: 1, _id: 1 } },
    { key: { createdAt: 1, _id: 1 } },
  ],
  [COLLECTIONS.resources]: [
    address,
    { key: { domainId: 1, address: 1 } },
    { key: { domainId: 1, nameKey: 1, _id: 1 } },
    { key: { domainId: 1, createdAt: 1, _id: 1 } },
    { key: { nameKey: 1, _id: 1 } },
    { key: { createdAt: 1, _id: 1 } },
  ],
  [COLLECTIONS.addresses]: [],
  [COLLECTIONS.appPasswords]: [{ key: { accountId: 1, createdAt: 1, _id: 1 } }],
  [COLLECTIONS.audit]: [
    { key: { at: -1, _id: -1 } },
    { key: { domainId: 1, at: -1, _id: -1 } },
    { key: { objectType: 1, objectId: 1, at: -1, _id: -1 } },
    { key: { actor: 1, at: -1, _id: -1 } },
  ],
  [COLLECTIONS.credentials]: [
    { key: { accountId: 1, kind: 1, createdAt: 1, _id: 1 } },
    { key: { expiresAt: 1 } },
    // TTL: the server drops expired sessions on its own (documents without
    // `expireAt`, i.e. tokens that never expire, are kept).
    { key: { expireAt: 1 }, expireAfterSeconds: 0 },
  ],
  [COLLECTIONS.throttle]: [{ key: { lastFailureAt: 1 } }],
  [COLLECTIONS.counters]: [],
  [COLLECTIONS.blobs]: [
    { key: { refs: 1, createdAt: 1 } },
    { key: { fileId: 1 } },
  ],
  [COLLECTIONS.blobPending]: [{ key: { since: 1 } }],
  // The indexes the GridFS spec requires; created here so the first upload
  // does not race other nodes creating them.
  [`${BLOB_BUCKET}.files`]: [{ key: { filename: 1, uploadDate: 1 } }],
  [`${BLOB_BUCKET}.chunks`]: [{ key: { files_id: 1, n: 1 }, unique: true }],
};

/** Creates each collection, then its indexes (a collection may have none). */
async function createIndexedCollections(db: Db, indexes: Readonly<Record<string, IndexDescription[]>>): Promise<void> {
  await createCollections(db, Object.keys(indexes));
  for (const [name, list] of Object.entries(indexes)) {
    if (list.length > 0) await db.collection(name).createIndexes(list);
  }
}

async function createCollections(db: Db, names: readonly string[]): Promise<void> {
  // Collections are created up front: creating one implicitly inside a
  // transaction fails on servers before 4.4 and costs a catalogue lock later.
  for (const name of names) {
    try {
      await db.createCollection(name);
    } catch (err) {
      if (!(err instanceof MongoServerError && err.code === NAMESPACE_EXISTS)) throw err;
    }
  }
}

const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    description: 'collections and indexes for the directory, audit, sessions, throttling, counters and blobs',
    async up(db) {
      await createIndexedCollections(db, INITIAL_INDEXES);
    },
  },
  {
    version: 2,
    description: 'outbound queue: messages, recipients with delivery state and leases, attempt log',
    async up(db) {
      await createIndexedCollections(db, QUEUE_INDEXES);
    },
  },
  {
    version: 3,
    description: 'mail: mailboxes with ACLs, message copies, bodies with their MIME index and text index, expunge log, usage, subscriptions, threads',
    async up(db) {
      await createIndexedCollections(db, MAIL_INDEXES);
    },
  },
  {
    version: 4,
    description: 'DKIM keys, greylisting triplets and rate-limit counters',
    async up(db) {
      await createIndexedCollections(db, FILTER_INDEXES);
    },
  },
  {
    version: 5,
    description: 'leases shared by every node (the POP3 maildrop lock)',
    async up(db) {
      // `_id` is the only key looked up; expired leases are taken over, not deleted.
      await createCollections(db, [COLLECTIONS.locks]);
    },
  },
  {
    version: 6,
    description: 'outbound queue: failure and relay notices kept for a retry',
    async up(db) {
      // The claim's second branch: final recipients whose notice is still to send.
      await db.collection(QUEUE_COLLECTIONS.recipients).createIndexes([QUEUE_NOTICE_INDEX]);
    },
  },
  {
    version: 7,
    description: 'mail: partial index of messages with keywords, for the SELECT read',
    async up(db) {
      await db.collection(MAIL_COLLECTIONS.messages).createIndexes([KEYWORDS_INDEX]);
    },
  },
  {
    version: 8,
    description: 'mail: POP3 size (CRLF line endings) of each body, recorded at intake; null for existing bodies',
    async up(db) {
      // Idempotent: only bodies without the field are touched; POP3 measures a null one by streaming it.
      await db.collection(MAIL_COLLECTIONS.bodies).updateMany({ wireSize: { $exists: false } }, { $set: { wireSize: null } });
    },
  },
  {
    version: 9,
    description: 'mail: when each expunge was logged, for pruning the expunge log below a vanished horizon',
    async up(db) {
      // Idempotent: entries logged before this step count as logged now, so the first prune waits a full retention for them.
      await db.collection(MAIL_COLLECTIONS.expunged).updateMany({ expungedAt: { $exists: false } }, { $set: { expungedAt: new Date() } });
      await db.collection(MAIL_COLLECTIONS.expunged).createIndexes([EXPUNGED_AT_INDEX]);
    },
  },
  {
    version: 10,
    description: 'outbound queue: the folder (INBOX or Junk) a deferred local recipient is retried into; null for existing recipients',
    async up(db) {
      // Idempotent: only recipients without the field are touched; null means INBOX, as before.
      await db.collection(QUEUE_COLLECTIONS.recipients).updateMany({ localFolder: { $exists: false } }, { $set: { localFolder: null } });
    },
  },
  {
    version: 11,
    description: 'Sieve scripts per account and per domain (one active each), vacation reply memory with a TTL',
    async up(db) {
      await createIndexedCollections(db, SIEVE_INDEXES);
    },
  },
  {
    version: 12,
    description: 'spam filter: classifier tokens, stored verdicts, quarantine',
    async up(db) {
      for (const [name, indexes] of Object.entries(SPAM_FILTER_INDEXES)) await db.collection(name).createIndexes(indexes);
    },
  },
  {
    version: 13,
    description: 'shared mailboxes, delegation grants (full access, send as, send on behalf) and public-folder addresses',
    async up(db) {
      await createIndexedCollections(db, SHARED_MAILBOX_INDEXES);
    },
  },
  {
    version: 14,
    description: 'mail: RFC 3501 \\Recent, the first UID not yet claimed per mailbox; existing messages are recent to nobody',
    async up(db) {
      await db.collection(MAIL_COLLECTIONS.mailboxes).updateMany({ recentUid: { $exists: false } }, [{ $set: { recentUid: '$uidNext' } }]);
    },
  },
  {
    version: 15,
    description: 'login throttling: the client addresses each account logged in from',
    async up(db) {
      await createIndexedCollections(db, { [COLLECTIONS.loginClients]: [{ key: { lastSuccessAt: 1 } }, { key: { account: 1, lastSuccessAt: -1 } }] });
    },
  },
  {
    version: 16,
    description: 'app passwords: one lookup key per secret, null for existing ones until their next use',
    async up(db) {
      // Idempotent: only documents without the field are touched.
      await db.collection(COLLECTIONS.appPasswords).updateMany({ lookup: { $exists: false } }, { $set: { lookup: null } });
      await db.collection(COLLECTIONS.appPasswords).createIndexes([{ key: { accountId: 1, lookup: 1 } }]);
    },
  },
  {
    version: 17,
    description: 'calendars and address books: collections, objects with their time span, change log, shares, delegation',
    async up(db) {
      await createIndexedCollections(db, DAV_INDEXES);
    },
  },
  {
    version: 18,
    description: 'directory sync: source of accounts, groups and aliases (null = local); LDAP/AD connections and sync runs',
    async up(db) {
      // Idempotent: only documents without the field are touched.
      for (const name of [COLLECTIONS.accounts, COLLECTIONS.groups, COLLECTIONS.aliases]) {
        await db.collection(name).updateMany({ source: { $exists: false } }, { $set: { source: null } });
      }
      await db.collection(COLLECTIONS.accounts).createIndexes([{ key: { 'source.connectionId': 1, 'source.externalId': 1 }, sparse: true }]);
      await db.collection(COLLECTIONS.groups).createIndexes([{ key: { 'source.connectionId': 1 }, sparse: true }]);
      await db.collection(COLLECTIONS.aliases).createIndexes([{ key: { 'source.connectionId': 1 }, sparse: true }]);
      await createIndexedCollections(db, {
        [DIRECTORY_COLLECTIONS.connections]: [{ key: { name: 1 }, name: 'name_unique', unique: true }],
        [DIRECTORY_COLLECTIONS.syncRuns]: [{ key: { connectionId: 1, startedAt: -1, _id: -1 } }],
      });
    },
  },
  {
    version: 19,
    description: 'migration jobs, their checkpoints and item ledger (issue 15)',
    async up(db) {
      await createIndexedCollections(db, MIGRATION_INDEXES);
    },
  },
];

export const LATEST_SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1].version;

function migrationsOf(db: Db) {
  return db.collection<MigrationDoc>(COLLECTIONS.migrations);
}

export async function schemaVersion(db: Db): Promise<number> {
  // Comparison operators match one BSON type only, so this skips the lock document.
  const latest = await migrationsOf(db).find({ _id: { $gte: 0 } }, { sort: { _id: -1 }, limit: 1 }).toArray();
  const version = latest[0]?._id;
  return typeof version === 'number' ? version : 0;
}

/** Takes the migration lease, waiting for another node's (or its expiry). */
async function acquireLock(db: Db, owner: string): Promise<void> {
  const deadline = Date.now() + LOCK_WAIT_MS;
  for (;;) {
    const expiresAt = new Date(Date.now() + LOCK_LEASE_MS);
    try {
      await migrationsOf(db).insertOne({ _id: 'lock', owner, expiresAt });
      return;
    } catch (err) {
      if (!isDuplicateKey(err)) throw err;
    }
    // A node that died while migrating leaves its lease to expire.
    const taken = await migrationsOf(db).findOneAndUpdate(
      { _id: 'lock', expiresAt: { $lt: new Date() } },
      { $set: { owner, expiresAt } },
    );
    if (taken !== null) return;
    if (Date.now() > deadline) {
      throw new StoaError('STOA_STORE_UNAVAILABLE', 'another node has held the schema migration lock for too long');
    }
    await sleep(500);
  }
}

async function releaseLock(db: Db, owner: string): Promise<void> {
  await migrationsOf(db).deleteOne({ _id: 'lock', owner });
}

export async function migrate(db: Db): Promise<{ from: number; to: number }> {
  const from = await schemaVersion(db);
  if (from >= LATEST_SCHEMA_VERSION) return { from, to: from };
  const owner = randomUUID();
  await acquireLock(db, owner);
  try {
    // Re-read: the node that held the lock may have done the work.
    let current = await schemaVersion(db);
    for (const step of MIGRATIONS) {
      if (step.version <= current) continue;
      await step.up(db);
      await migrationsOf(db).insertOne({ _id: step.version, description: step.description, appliedAt: new Date() });
      current = step.version;
    }
    return { from, to: current };
  } finally {
    await releaseLock(db, owner);
  }
}
