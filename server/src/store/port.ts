// The storage port: small interfaces per entity, implemented by every adapter
// (sqlite/, mongodb/) and exercised by one contract suite (contract/).
// Adapters return domain types and throw StoaError with catalogue codes:
// STOA_ADDRESS_TAKEN / STOA_DOMAIN_EXISTS / STOA_CONFLICT for uniqueness,
// STOA_NOT_FOUND for a missing row on update, STOA_STORE_UNAVAILABLE when the
// backend is gone. A failed call leaves nothing half-written.
import type { Readable } from 'node:stream';
import type {
  Account, Alias, AppPassword, AuditEntry, Domain, Group, Resource, Role,
} from '../../../shared/src/schemas/directory.ts';
import type { MailboxStore, MessageStore } from './mail-port.ts';
import type { QueueStore } from './queue-port.ts';
import type { ApiCredential } from '../model/credential.ts';
import type { BlobInfo, ByteRange } from '../model/blob.ts';
import type { DomainScope, ListOptions, Page, SortOrder } from '../model/listing.ts';
import type { SieveScriptStore, VacationMemoryStore } from './sieve-port.ts';
import type { BayesStore, DkimKeyStore, GreylistStore, QuarantineStore, RateCounterStore, VerdictStore } from './filter-port.ts';
import type { DavStore } from './dav-port.ts';
import type { DirectoryConnectionStore, SyncRunStore } from './directory-sync-port.ts';
import type { MailboxGrantStore, PublicFolderAddressStore, SharedMailboxStore } from './shared-mailbox-port.ts';
import type { MigrationStore } from './migration-port.ts';
import type { ThrottleStore } from './throttle-port.ts';

export type { Reservation, ThrottleRule, ThrottleState, ThrottleStore } from './throttle-port.ts';

// The adapters and the contract suite name the model types through this port.
export type { ApiCredential, BlobInfo, ByteRange, DomainScope, ListOptions, Page, SortOrder };

// ---- Directory -----------------------------------------------------------

export interface DomainStore {
  create(domain: Domain): Promise<void>;
  get(id: string): Promise<Domain | null>;
  getByName(asciiName: string): Promise<Domain | null>;
  update(id: string, patch: Partial<Omit<Domain, 'id' | 'name' | 'unicodeName' | 'createdAt'>>): Promise<Domain>;
  /** Fails with STOA_DOMAIN_NOT_EMPTY while accounts, groups, aliases, resources or shared mailboxes live in it, STOA_DOMAIN_HAS_ALIASES while alias domains point at it. */
  delete(id: string): Promise<void>;
  list(opts: ListOptions<'name' | 'createdAt'> & { scope: DomainScope }): Promise<Page<Domain>>;
  /** Alias domains whose `aliasOf` is this id. */
  aliasesOf(id: string): Promise<Domain[]>;
  count(): Promise<number>;
}

/** An account row as stored, with its secret, which never leaves the directory service. */
export interface AccountRecord extends Account {
  /** PHC string (argon2id) or null when the account has no local password. */
  passwordHash: string | null;
}

export interface AccountFilter {
  scope: DomainScope;
  domainId?: string;
  enabled?: boolean;
  role?: Role;
}

export interface AccountStore {
  /** Claims `account.address` in the shared address space (STOA_ADDRESS_TAKEN if taken). */
  create(account: AccountRecord): Promise<void>;
  get(id: string): Promise<AccountRecord | null>;
  /** Lookup by login/primary address, already normalised (lower-case local part, ASCII domain). */
  getByAddress(address: string): Promise<AccountRecord | null>;
  update(id: string, patch: Partial<Omit<AccountRecord, 'id' | 'address' | 'domainId' | 'createdAt'>>): Promise<AccountRecord>;
  delete(id: string): Promise<void>;
  list(opts: ListOptions<'address' | 'displayName' | 'createdAt' | 'quotaBytes'> & AccountFilter): Promise<Page<AccountRecord>>;
  /** Number of enabled accounts with this role. */
  countByRole(role: Role, enabledOnly: boolean): Promise<number>;
  countInDomain(domainId: string): Promise<number>;
  /** Bulk insert for imports and benchmarks: all or nothing. */
  createMany(accounts: AccountRecord[]): Promise<void>;
  /** Every account an external directory connection owns (`source.connectionId`). */
  listLinked(connectionId: string): Promise<AccountRecord[]>;
  /** The account linked to one directory entry, by its stable id (objectGUID, entryUUID). */
  getBySource(connectionId: string, externalId: string): Promise<AccountRecord | null>;
}

export interface GroupStore {
  create(group: Group): Promise<void>;
  get(id: string): Promise<Group | null>;
  getByAddress(address: string): Promise<Group | null>;
  update(id: string, patch: Partial<Omit<Group, 'id' | 'address' | 'domainId' | 'createdAt'>>): Promise<Group>;
  delete(id: string): Promise<void>;
  list(opts: ListOptions<'address' | 'name' | 'createdAt'> & { scope: DomainScope; domainId?: string }): Promise<Page<Group>>;
  /** Groups that list this account or group as a direct member. */
  containing(member: { kind: 'account' | 'group'; id: string }): Promise<Group[]>;
  countInDomain(domainId: string): Promise<number>;
  /** Every group an external directory connection owns. */
  listLinked(connectionId: string): Promise<Group[]>;
}

export interface AliasStore {
  create(alias: Alias): Promise<void>;
  get(id: string): Promise<Alias | null>;
  getByAddress(address: string): Promise<Alias | null>;
  update(id: string, patch: Partial<Pick<Alias, 'targets' | 'description' | 'source' | 'updatedAt'>>): Promise<Alias>;
  delete(id: string): Promise<void>;
  list(opts: ListOptions<'address' | 'createdAt'> & { scope: DomainScope; domainId?: string }): Promise<Page<Alias>>;
  countInDomain(domainId: string): Promise<number>;
  /** Every alias an external directory connection owns (addresses from proxyAddresses and the like). */
  listLinked(connectionId: string): Promise<Alias[]>;
}

export interface ResourceStore {
  create(resource: Resource): Promise<void>;
  get(id: string): Promise<Resource | null>;
  getByAddress(address: string): Promise<Resource | null>;
  update(id: string, patch: Partial<Omit<Resource, 'id' | 'address' | 'domainId' | 'createdAt'>>): Promise<Resource>;
  delete(id: string): Promise<void>;
  list(opts: ListOptions<'address' | 'name' | 'createdAt'> & { scope: DomainScope; domainId?: string }): Promise<Page<Resource>>;
  countInDomain(domainId: string): Promise<number>;
}

/** 'shared-mailbox' and 'public-folder' (its id is the folder's mailbox id) come from shared-mailbox-port.ts. */
export type AddressOwnerKind = 'account' | 'group' | 'alias' | 'resource' | 'shared-mailbox' | 'public-folder';

/** The shared address space: one owner per normalised address. */
export interface AddressStore {
  resolve(address: string): Promise<{ kind: AddressOwnerKind; id: string } | null>;
}

export interface AppPasswordRecord extends AppPassword {
  /** PHC string (argon2id) of the secret. */
  secretHash: string;
  /**
   * Finds the candidate in one lookup (directory/app-password-lookup.ts): a
   * keyed hash of the secret's first letters, so a login checks one argon2
   * hash whatever the number of app passwords. Null for app passwords made
   * before it existed (filled in at their next use).
   */
  lookup: string | null;
}

export interface AppPasswordStore {
  create(record: AppPasswordRecord): Promise<void>;
  listForAccount(accountId: string): Promise<AppPasswordRecord[]>;
  /** The account's app password with this lookup key, or null (issue 16 item 5). */
  findByLookup(accountId: string, lookup: string): Promise<AppPasswordRecord | null>;
  /** Records the lookup key of an app password made before lookups existed. */
  setLookup(id: string, lookup: string): Promise<void>;
  get(id: string): Promise<AppPasswordRecord | null>;
  touch(id: string, at: string, ip: string | null): Promise<void>;
  delete(id: string): Promise<void>;
  deleteForAccount(accountId: string): Promise<number>;
}

// ---- Audit, sessions, throttling ------------------------------------------

export interface AuditFilter {
  scope: DomainScope;
  domainId?: string;
  objectType?: string;
  objectId?: string;
  actor?: string;
  /** ISO 8601 bounds on `at`: since inclusive, until exclusive. */
  since?: string;
  until?: string;
}

export interface AuditStore {
  append(entry: AuditEntry): Promise<void>;
  /** Newest first by default. */
  list(opts: ListOptions<'at'> & AuditFilter): Promise<Page<AuditEntry>>;
}


export interface CredentialStore {
  create(cred: ApiCredential): Promise<void>;
  get(id: string): Promise<ApiCredential | null>;
  touch(id: string, at: string): Promise<void>;
  delete(id: string): Promise<void>;
  listForAccount(accountId: string, kind: ApiCredential['kind']): Promise<ApiCredential[]>;
  deleteForAccount(accountId: string): Promise<number>;
  deleteExpired(now: string): Promise<number>;
}

// ---- Locks --------------------------------------------------------------------

/**
 * Named leases shared by every node (the POP3 maildrop lock, RFC 1939 §8).
 * A lease held by a dead process simply expires; times are ms since epoch.
 */
export interface LockStore {
  /** Takes the lock when it is free, expired, or already held by `owner`; false when another owner holds it. */
  acquire(key: string, owner: string, ttlMs: number, now?: number): Promise<boolean>;
  /** Extends a lock `owner` still holds; false when it was lost (expired and taken, or released). */
  renew(key: string, owner: string, ttlMs: number, now?: number): Promise<boolean>;
  /** Drops the lock if `owner` holds it; a no-op otherwise. */
  release(key: string, owner: string): Promise<void>;
}

// ---- Counters --------------------------------------------------------------

/** Named monotonic counters (UIDs, MODSEQs, sync tokens): allocation is atomic across connections and processes. */
export interface CounterStore {
  /** Reserves `n` consecutive values and returns the first; the first value ever returned is 1. */
  next(name: string, n?: number): Promise<number>;
  /** Current value (the last allocated), 0 if never used. */
  peek(name: string): Promise<number>;
}

// ---- Blobs -------------------------------------------------------------------



/**
 * Immutable, content-addressed bodies, in two steps so that a delivery makes
 * one commit:
 * 1. `write` makes the content durable (fsynced under its final name) and
 *    records nothing, or as little as the adapter needs to find it again;
 *    an adapter may instead keep a small body in its database, returning
 *    the bytes in `info.inline` and writing nothing yet;
 * 2. `tx.blobRefs.register(info, n)` inside the `atomic()` that commits the
 *    metadata pointing at the blob records it (with `info.inline`, its
 *    bytes: durable with that commit) and takes its references.
 * Content written but never registered (a crash or a failed transaction
 * between the two steps) is an orphan, and blobs whose references all went
 * are unreferenced: `gc` removes both once older than the grace period.
 * `write` of content that is already stored restarts its grace period, so gc
 * cannot remove it before the caller's transaction registers it, provided
 * that transaction commits within the grace period.
 * `put` is `write` plus a registration with zero references committed on its
 * own (for callers that reference the blob later, outside one transaction).
 */
export interface BlobStore {
  write(source: Readable | Buffer | Uint8Array): Promise<BlobInfo>;
  put(source: Readable | Buffer | Uint8Array): Promise<BlobInfo>;
  /** Streams the content or a byte range of it. STOA_NOT_FOUND if unknown. */
  open(id: string, range?: ByteRange): Promise<Readable>;
  /**
   * The whole content, checked against its size and hash. Given the BlobInfo
   * that `write` returned, it also reads content not registered yet.
   */
  read(blob: string | BlobInfo): Promise<Buffer>;
  stat(id: string): Promise<{ size: number; refs: number; createdAt: number } | null>;
  /** Removes unreferenced blobs and orphans older than `graceMs`, and leftovers of interrupted writes. */
  gc(graceMs: number, now?: number): Promise<{ removed: number; bytes: number }>;
}

export interface BlobRefStore {
  /** Adds `n` references (n may be negative to drop them); STOA_NOT_FOUND for an unknown blob. */
  ref(id: string, n?: number): Promise<number>;
  /**
   * Records a blob made durable by `BlobStore.write` (or `put`) and adds `n`
   * references (default 0); a blob already recorded just gains them. Returns
   * the new count. Meant for the transaction that commits what points at it.
   */
  register(blob: BlobInfo, n?: number): Promise<number>;
}

// ---- The store ---------------------------------------------------------------

/** What a transaction can touch: every metadata store, bound to the transaction. */
export interface StoreTx {
  domains: DomainStore;
  accounts: AccountStore;
  groups: GroupStore;
  aliases: AliasStore;
  resources: ResourceStore;
  addresses: AddressStore;
  appPasswords: AppPasswordStore;
  credentials: CredentialStore;
  audit: AuditStore;
  counters: CounterStore;
  blobRefs: BlobRefStore;
  /** Mail (mail-port.ts): mailboxes, ACLs, subscriptions; message copies, bodies, search, usage. */
  mailboxes: MailboxStore;
  messages: MessageStore;
  /** Outbound queue (queue-port.ts); in atomic() so a submission can enqueue with its other writes. */
  queue: QueueStore;
  /** Sieve scripts of accounts and domains (sieve-port.ts); in atomic() so a change commits with its audit entry. */
  sieveScripts: SieveScriptStore;
  /** Messages held by the filter (filter-port.ts); in atomic() with their blob references and audit entries. */
  quarantine: QuarantineStore;
  /** External directory connections and their sync history (directory-sync-port.ts). */
  directoryConnections: DirectoryConnectionStore;
  syncRuns: SyncRunStore;
  /** Shared mailboxes, delegation grants and public-folder addresses (shared-mailbox-port.ts); in atomic() with their audit entries. */
  sharedMailboxes: SharedMailboxStore;
  mailboxGrants: MailboxGrantStore;
  publicFolderAddresses: PublicFolderAddressStore;
  /** Calendars and address books (dav-port.ts): collections, objects, change log, shares, delegation. */
  dav: DavStore;
  /** Migration jobs, checkpoints and item ledger (migration-port.ts); in atomic() so a job and its audit entry commit together. */
  migrations: MigrationStore;
}

export interface Store extends StoreTx {
  readonly kind: 'sqlite' | 'mongodb';
  blobs: BlobStore;
  throttle: ThrottleStore;
  /** Cross-node leases (not transactional: a lock outlives any transaction). */
  locks: LockStore;
  /** Mail authentication and anti-abuse state (filter-port.ts). */
  dkimKeys: DkimKeyStore;
  greylist: GreylistStore;
  rateCounters: RateCounterStore;
  /** Who a vacation auto-reply went to, and when (sieve-port.ts). */
  sieveVacation: VacationMemoryStore;
  /** The spam classifier's token counts and the filter's stored verdicts (filter-port.ts). */
  bayes: BayesStore;
  verdicts: VerdictStore;
  /**
   * Runs `fn` as one transaction: all its writes commit together or not at all.
   * Keep `fn` short and free of slow work (hash passwords before). It may be
   * retried on transient conflicts, so it must not have outside side effects.
   */
  atomic<T>(fn: (tx: StoreTx) => Promise<T>): Promise<T>;
  /** Applies pending schema migrations; returns the versions before and after. */
  migrate(): Promise<{ from: number; to: number }>;
  schemaVersion(): Promise<number>;
  /** Cheap round trip to the backend, for /readyz and `stoa doctor`. */
  ping(): Promise<void>;
  close(): Promise<void>;
}
