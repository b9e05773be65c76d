// The embedded adapter: one writer connection (all transactions, queued in
// process and committed in groups, group-commit.ts, under BEGIN IMMEDIATE) and
// one reader connection (WAL lets it read the last committed state while a
// write is in progress).
import { AsyncLocalStorage } from 'node:async_hooks';
import { closeSync, openSync, statSync } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';
import { StoaError } from '../../errors/catalogue.ts';
import { DEFAULT_INLINE_MAX_BYTES, FsBlobStore } from '../blobs/fs-blob-store.ts';
import { ensureWritableDir, syncDir } from '../data-dir.ts';
import type { Store, StoreTx } from '../port.ts';
import { sqliteAccountStore } from './accounts.ts';
import { sqliteAddressStore } from './addresses.ts';
import { sqliteAliasStore } from './aliases.ts';
import { sqliteAppPasswordStore } from './app-passwords.ts';
import { sqliteAuditStore } from './audit.ts';
import { sqliteBlobCatalog, sqliteBlobRefStore } from './blob-refs.ts';
import { sqliteCounterStore } from './counters.ts';
import { sqliteCredentialStore } from './credentials.ts';
import { sqliteDomainStore } from './domains.ts';
import { sqliteDirectoryConnectionStore, sqliteSyncRunStore } from './directory-connections.ts';
import { sqliteGroupStore } from './groups.ts';
import { sqliteMailboxStore } from './mail-mailboxes.ts';
import { sqliteMessageStore } from './mail-messages.ts';
import { applyMigrations, currentVersion } from './migrations.ts';
import { sqliteResourceStore } from './resources.ts';
import { SqliteConnection } from './sqlite-connection.ts';
import { sqliteQueueStore } from './queue-store.ts';
import { sqliteDavStore } from './dav-store.ts';
import { mapSqliteError } from './sqlite-errors.ts';
import { GroupCommit } from './group-commit.ts';
import { INDEX_INTERVAL_MS, SearchIndexer, indexPendingBodies } from './search-indexer.ts';
import { beginImmediate, inTransaction, standaloneExecutor, transactionExecutor, type Connections, type Executor } from './sqlite-executor.ts';
import { sqliteThrottleStore } from './throttle.ts';
import { sqliteLockStore } from './locks.ts';
import { sqliteDkimKeyStore } from './dkim-keys.ts';
import { sqliteGreylistStore } from './greylist.ts';
import { sqliteRateCounterStore } from './rate-counters.ts';
import { sqliteSieveScriptStore, sqliteVacationMemoryStore } from './sieve.ts';
import { sqliteBayesStore } from './bayes.ts';
import { sqliteVerdictStore } from './filter-verdicts.ts';
import { sqliteQuarantineStore } from './quarantine.ts';
import { sqliteMailboxGrantStore, sqlitePublicFolderAddressStore, sqliteSharedMailboxStore } from './shared-mailboxes.ts';
import { sqliteMigrationStore } from './migration-jobs.ts';

/** Reads check that the database file is still there at most this often (writes: before every COMMIT). */
const READ_CHECK_MS = 20;

export interface SqliteStoreOptions {
  /** Database file; its directory is created if its parent exists. */
  path: string;
  /** Blob root directory. */
  blobsPath: string;
  busyTimeoutMs?: number;
  /** Apply pending migrations at open (default true). */
  migrate?: boolean;
  /** How often the background full-text indexer runs (search-indexer.ts); 0: only through indexSearchText(). */
  searchIndexIntervalMs?: number;
  /** Where a failed background indexing batch is reported (it is retried at the next interval). */
  onSearchIndexError?: (err: unknown) => void;
  /** Time budget of one group-commit batch (group-commit.ts, default 10 ms); tests raise it to make batching independent of the machine's speed. */
  groupCommitMaxBatchMs?: number;
  /** Bodies given as a Buffer of at most this many bytes are kept in the database, not as files (fs-blob-store.ts); 0: never. */
  blobInlineMaxBytes?: number;
}

/** The SQLite store, with its full-text indexer reachable for tests and tools. */
export interface SqliteStore extends Store {
  /** Indexes every body waiting for the full-text index; resolves with how many, once committed. */
  indexSearchText(): Promise<number>;
}

function bind(x: Executor): StoreTx {
  return {
    domains: sqliteDomainStore(x),
    accounts: sqliteAccountStore(x),
    groups: sqliteGroupStore(x),
    aliases: sqliteAliasStore(x),
    resources: sqliteResourceStore(x),
    addresses: sqliteAddressStore(x),
    appPasswords: sqliteAppPasswordStore(x),
    credentials: sqliteCredentialStore(x),
    audit: sqliteAuditStore(x),
    counters: sqliteCounterStore(x),
    blobRefs: sqliteBlobRefStore(x),
    mailboxes: sqliteMailboxStore(x),
    messages: sqliteMessageStore(x),
    queue: sqliteQueueStore(x),
    sieveScripts: sqliteSieveScriptStore(x),
    quarantine: sqliteQuarantineStore(x),
    directoryConnections: sqliteDirectoryConnectionStore(x),
    syncRuns: sqliteSyncRunStore(x),
    sharedMailboxes: sqliteSharedMailboxStore(x),
    mailboxGrants: sqliteMailboxGrantStore(x),
    publicFolderAddresses: sqlitePublicFolderAddressStore(x),
    dav: sqliteDavStore(x),
    migrations: sqliteMigrationStore(x),
  };
}

function openConnection(path: string, busyTimeoutMs: number, readOnly: boolean, synchronous?: 'NORMAL'): SqliteConnection {
  try {
    return new SqliteConnection({ path, busyTimeoutMs, readOnly, synchronous });
  } catch (err) {
    const mapped = mapSqliteError(err);
    if (mapped instanceof StoaError && mapped.code === 'STOA_STORE_UNAVAILABLE') {
      throw new StoaError('STOA_DATA_DIR', `cannot open database ${path}: ${mapped.detail}`, { cause: err });
    }
    throw mapped;
  }
}

/** The writer's WAL file, fsynced by the group commit (group-commit.ts) after its COMMITs. */
function walFile(path: string): { sync(): Promise<void>; close(): Promise<void> } {
  let handle: FileHandle | null = null;
  return {
    async sync() {
      if (!handle) {
        // The WAL exists from the first COMMIT on and lives as long as our
        // connections; its directory entry is made durable once.
        handle = await open(path, 'r');
        await syncDir(dirname(path));
      }
      await handle.datasync();
    },
    async close() {
      await handle?.close().catch(() => undefined);
      handle = null;
    },
  };
}

export async function openSqliteStore(options: SqliteStoreOptions): Promise<SqliteStore> {
  const busyTimeoutMs = options.busyTimeoutMs ?? 5000;
  ensureWritableDir(dirname(options.path), 'database directory');
  ensureWritableDir(options.blobsPath, 'blob directory');

  // A new database file is made 0600 before SQLite opens it: its -wal and
  // -shm files take the database's mode, and the store holds password
  // hashes, DKIM keys and mail (docs/security.md). An existing file keeps its
  // mode; start-up and `stoa doctor` warn about one others can read.
  if (!statSync(options.path, { throwIfNoEntry: false })) {
    try {
      closeSync(openSync(options.path, 'wx', 0o600));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw new StoaError('STOA_DATA_DIR', `cannot create database ${options.path}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`, { cause: err });
    }
  }
  // The writer's COMMITs are made durable by the group commit's own WAL fsync.
  const writer = openConnection(options.path, busyTimeoutMs, false, 'NORMAL');
  const wal = walFile(`${options.path}-wal`);
  let blobs: FsBlobStore | null = null;
  let reader: SqliteConnection | null = null;
  try {
    const mode = writer.get('PRAGMA journal_mode = WAL')?.journal_mode;
    if (mode !== 'wal') throw new StoaError('STOA_STORE_UNAVAILABLE', `cannot switch ${options.path} to WAL mode (got ${String(mode)})`);
    // From here on the writer waits for the lock asynchronously (sqlite-executor.ts).
    writer.exec('PRAGMA busy_timeout = 0');
    // Bounded ANALYZE, refreshed at open for tables that grew (sqlite.org/lang_analyze.html).
    writer.exec('PRAGMA analysis_limit = 1000');
    const inode = statSync(options.path).ino;
    let closed = false;
    let readCheckedAt = -Infinity;
    const conns: Connections = {
      reader: writer, // replaced below once the schema exists
      writer,
      writes: new GroupCommit({
        writer,
        begin: () => beginImmediate(conns),
        // Checked just before COMMIT: writes to a database file that was deleted
        // underneath us would "succeed" into an unlinked inode and vanish.
        beforeCommit: () => conns.assertAvailable(),
        syncWal: () => wal.sync(),
        arriving: () => blobs?.writing ?? 0,
        ...(options.groupCommitMaxBatchMs !== undefined ? { maxBatchMs: options.groupCommitMaxBatchMs } : {}),
      }),
      busyTimeoutMs,
      txContext: new AsyncLocalStorage<true>(),
      assertAvailable() {
        if (closed) throw new StoaError('STOA_STORE_UNAVAILABLE', 'the store is closed');
        const info = statSync(options.path, { throwIfNoEntry: false });
        if (!info || info.ino !== inode) throw new StoaError('STOA_STORE_UNAVAILABLE', `database file ${options.path} has disappeared`);
      },
      assertReadable() {
        if (closed) throw new StoaError('STOA_STORE_UNAVAILABLE', 'the store is closed');
        // Reads answer from the open file either way; the stat only turns a
        // deleted database into an error instead of stale answers. Once per
        // READ_CHECK_MS is as good as before every read (the file can go
        // right after any stat) and, with one SMTP session, saves most of the
        // stat calls made once per event-loop turn with a read (about 0.04 ms
        // a message); writes still check before every COMMIT.
        const now = performance.now();
        if (now - readCheckedAt < READ_CHECK_MS) return;
        conns.assertAvailable();
        readCheckedAt = now;
      },
    };
    if (options.migrate !== false) await inTransaction(conns, () => applyMigrations(writer));
    // Only an optimisation: when another process (a running server next to a
    // CLI command) holds the write lock, skip it rather than fail the open.
    try {
      writer.exec('PRAGMA optimize = 0x10002');
    } catch (err) {
      if (!/database is locked|SQLITE_BUSY/i.test(String((err as Error).message))) throw err;
    }
    reader = openConnection(options.path, busyTimeoutMs, true);
    conns.reader = reader;
    const readerConn = reader;

    const standalone = standaloneExecutor(conns);
    const stores = bind(standalone);
    const indexer = new SearchIndexer({
      hasPending: () => standalone.read((c) => c.get('SELECT 1 AS present FROM mail_search_pending LIMIT 1') !== undefined),
      indexBatch: () => inTransaction(conns, () => indexPendingBodies(writer)),
      onError: options.onSearchIndexError ?? ((err) => process.emitWarning(`full-text indexing failed; it is retried: ${String(err)}`)),
    }, options.searchIndexIntervalMs ?? INDEX_INTERVAL_MS);
    const store: SqliteStore = {
      kind: 'sqlite',
      ...stores,
      blobs: blobs = new FsBlobStore(options.blobsPath, sqliteBlobCatalog(standalone), { inlineMaxBytes: options.blobInlineMaxBytes ?? DEFAULT_INLINE_MAX_BYTES }),
      throttle: sqliteThrottleStore(standalone),
      locks: sqliteLockStore(standalone),
      dkimKeys: sqliteDkimKeyStore(standalone),
      greylist: sqliteGreylistStore(standalone),
      rateCounters: sqliteRateCounterStore(standalone),
      sieveVacation: sqliteVacationMemoryStore(standalone),
      bayes: sqliteBayesStore(standalone),
      verdicts: sqliteVerdictStore(standalone),
      atomic: (fn) => {
        // Waiting for the writer held by our own atomic() would never end.
        if (conns.txContext.getStore()) {
          return Promise.reject(new StoaError('STOA_INTERNAL', 'atomic() inside atomic(): use the transaction handle passed to fn'));
        }
        return inTransaction(conns, async () => {
          let open = true;
          try {
            return await conns.txContext.run(true, () => fn(bind(transactionExecutor(conns, () => open))));
          } finally {
            open = false;
          }
        });
      },
      migrate: () => inTransaction(conns, () => applyMigrations(writer)),
      schemaVersion: () => standalone.read((c) => currentVersion(c)),
      ping: () => standalone.read((c) => { c.get('SELECT 1 AS one'); }),
      indexSearchText: () => indexer.drain(),
      async close() {
        if (closed) return;
        // Bodies still pending stay queued in the database; the next open indexes them.
        indexer.stop();
        // Let the units queued before close() commit before the connections go.
        await conns.writes.exclusive(() => {
          closed = true;
          readerConn.close();
          writer.close();
        });
        await wal.close();
      },
    };
    return store;
  } catch (err) {
    reader?.close();
    writer.close();
    await wal.close();
    throw mapSqliteError(err);
  }
}
