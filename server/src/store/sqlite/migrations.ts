// Versioned schema migrations, applied in order at start-up inside one
// BEGIN IMMEDIATE transaction, so two processes starting together apply each
// version once. Never edit a released migration: append a new one.
import { BAYES_SQL } from './bayes.ts';
import { FILTER_VERDICTS_SQL } from './filter-verdicts.ts';
import { QUARANTINE_SQL } from './quarantine.ts';
import { StoaError } from '../../errors/catalogue.ts';
import { QUEUE_LOCAL_FOLDER_SQL, QUEUE_NOTICES_SQL, QUEUE_SCHEMA_SQL } from './queue-rows.ts';
import type { SqliteConnection } from './sqlite-connection.ts';
import { MAIL_BODY_WIRE_SIZE_SQL, MAIL_EXPUNGE_HORIZON_SQL, MAIL_SCHEMA, MAIL_SEARCH_DETAIL_NONE_SQL, MAIL_SEARCH_PENDING_SQL } from './mail-schema.ts';
import { DKIM_KEYS_SQL } from './dkim-keys.ts';
import { GREYLIST_SQL } from './greylist.ts';
import { LOCKS_SQL } from './locks.ts';
import { MAIL_SELECTION_INDEXES_SQL } from './mail-selection.ts';
import { INDEXED_TEXT } from './mail-rows.ts';
import { SIEVE_SQL } from './sieve.ts';
import { DIRECTORY_SYNC_SQL } from './directory-connections.ts';
import { SHARED_MAILBOXES_SQL } from './shared-mailboxes.ts';
import { DAV_SCHEMA_SQL, DAV_USAGE_SQL } from './dav-schema.ts';
import { MIGRATION_JOBS_SQL } from './migration-jobs.ts';

export interface Migration { version: number; name: string; sql: string }

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'directory',
    sql: `
      CREATE TABLE domains (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL UNIQUE,
        unicode_name TEXT NOT NULL,
        alias_of TEXT REFERENCES domains(id),
        enabled INTEGER NOT NULL,
        description TEXT NOT NULL,
        default_quota_bytes INTEGER NOT NULL,
        default_quota_messages INTEGER NOT NULL,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
      );
      CREATE INDEX domains_alias_of ON domains (alias_of) WHERE alias_of IS NOT NULL;
      CREATE INDEX domains_created ON domains (created_at, id);

      -- One owner per normalised address across accounts, groups, aliases and resources.
      CREATE TABLE addresses (
        address TEXT PRIMARY KEY,
        kind TEXT NOT NULL CHECK (kind IN ('account', 'group', 'alias', 'resource')),
        id TEXT NOT NULL
      ) WITHOUT ROWID;

      CREATE TABLE accounts (
        id TEXT PRIMARY KEY,
        domain_id TEXT REFERENCES domains(id),
        address TEXT NOT NULL UNIQUE,
        display_name TEXT NOT NULL,
        enabled INTEGER NOT NULL,
        role TEXT NOT NULL,
        admin_domain_ids TEXT NOT NULL,
        quota_bytes INTEGER NOT NULL,
        quota_messages INTEGER NOT NULL,
        forward_to TEXT NOT NULL,
        keep_forwarded_copy INTEGER NOT NULL,
        password_hash TEXT,
        password_set_at TEXT,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
      );
      -- Console listing: one index per sort key, scoped by domain and global.
      CREATE INDEX accounts_domain_address ON accounts (domain_id, address, id);
      -- Covers the counts of filtered pages (total), which would otherwise
      -- fetch every row of the scope to test enabled/role.
      CREATE INDEX accounts_domain_filters ON accounts (domain_id, enabled, role);
      CREATE INDEX accounts_domain_name ON accounts (domain_id, display_name COLLATE NOCASE, id);
      CREATE INDEX accounts_domain_created ON accounts (domain_id, created_at, id);
      CREATE INDEX accounts_domain_quota ON accounts (domain_id, quota_bytes, id);
      CREATE INDEX accounts_name ON accounts (display_name COLLATE NOCASE, id);
      CREATE INDEX accounts_created ON accounts (created_at, id);
      CREATE INDEX accounts_quota ON accounts (quota_bytes, id);
      CREATE INDEX accounts_role ON accounts (role, enabled);

      CREATE TABLE groups (
        id TEXT PRIMARY KEY,
        domain_id TEXT NOT NULL REFERENCES domains(id),
        address TEXT NOT NULL UNIQUE,
        name TEXT NOT NULL,
        kind TEXT NOT NULL,
        description TEXT NOT NULL,
        members TEXT NOT NULL,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
      );
      CREATE INDEX groups_domain_address ON groups (domain_id, address);
      CREATE INDEX groups_domain_name ON groups (domain_id, name COLLATE NOCASE, id);
      CREATE INDEX groups_created ON groups (created_at, id);
      -- Reverse membership index for containing(): the members column is JSON.
      CREATE TABLE group_members (
        kind TEXT NOT NULL,
        member_id TEXT NOT NULL,
        group_id TEXT NOT NULL REFERENCES groups(id) ON DELETE CASCADE,
        PRIMARY KEY (kind, member_id, group_id)
      ) WITHOUT ROWID;
      CREATE INDEX group_members_group ON group_members (group_id);

      CREATE TABLE aliases (
        id TEXT PRIMARY KEY,
        domain_id TEXT NOT NULL REFERENCES domains(id),
        address TEXT NOT NULL UNIQUE,
        targets TEXT NOT NULL,
        description TEXT NOT NULL,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
      );
      CREATE INDEX aliases_domain_address ON aliases (domain_id, address);
      CREATE INDEX aliases_created ON aliases (created_at, id);

      CREATE TABLE resources (
        id TEXT PRIMARY KEY,
        domain_id TEXT NOT NULL REFERENCES domains(id),
        address TEXT NOT NULL UNIQUE,
        name TEXT NOT NULL,
        kind TEXT NOT NULL,
        capacity INTEGER,
        location TEXT NOT NULL,
        booking_policy TEXT NOT NULL,
        manager_ids TEXT NOT NULL,
        enabled INTEGER NOT NULL,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
      );
      CREATE INDEX resources_domain_address ON resources (domain_id, address);
      CREATE INDEX resources_domain_name ON resources (domain_id, name COLLATE NOCASE, id);
      CREATE INDEX resources_created ON resources (created_at, id);

      CREATE TABLE app_passwords (
        id TEXT PRIMARY KEY,
        account_id TEXT NOT NULL,
        name TEXT NOT NULL,
        secret_hash TEXT NOT NULL,
        created_at TEXT NOT NULL,
        last_used_at TEXT,
        last_used_ip TEXT
      );
      CREATE INDEX app_passwords_account ON app_passwords (account_id, created_at);
    `,
  },
  {
    version: 2,
    name: 'audit-credentials-throttle-counters',
    sql: `
      CREATE TABLE audit (
        id TEXT PRIMARY KEY,
        at TEXT NOT NULL,
        actor_id TEXT,
        actor TEXT NOT NULL,
        ip TEXT,
        action TEXT NOT NULL,
        object_type TEXT NOT NULL,
        object_id TEXT NOT NULL,
        domain_id TEXT,
        before TEXT,
        after TEXT
      );
      CREATE INDEX audit_at ON audit (at, id);
      CREATE INDEX audit_domain_at ON audit (domain_id, at, id);
      CREATE INDEX audit_object_at ON audit (object_type, object_id, at);
      CREATE INDEX audit_actor_at ON audit (actor, at);

      CREATE TABLE credentials (
        id TEXT PRIMARY KEY,
        kind TEXT NOT NULL CHECK (kind IN ('session', 'token')),
        account_id TEXT NOT NULL,
        name TEXT NOT NULL,
        created_at TEXT NOT NULL,
        expires_at TEXT,
        last_used_at TEXT
      );
      CREATE INDEX credentials_account ON credentials (account_id, kind, created_at);
      CREATE INDEX credentials_expires ON credentials (expires_at) WHERE expires_at IS NOT NULL;

      CREATE TABLE throttle (
        key TEXT PRIMARY KEY,
        failures INTEGER NOT NULL,
        last_failure_at INTEGER NOT NULL,
        blocked_until INTEGER NOT NULL
      ) WITHOUT ROWID;
      CREATE INDEX throttle_last ON throttle (last_failure_at);

      CREATE TABLE counters (
        name TEXT PRIMARY KEY,
        value INTEGER NOT NULL
      ) WITHOUT ROWID;
    `,
  },
  {
    version: 3,
    name: 'blobs',
    sql: `
      -- Metadata of filesystem blobs (blobs/fs-blob-store.ts); created_at in ms.
      CREATE TABLE blobs (
        id TEXT PRIMARY KEY,
        size INTEGER NOT NULL,
        refs INTEGER NOT NULL DEFAULT 0 CHECK (refs >= 0),
        created_at INTEGER NOT NULL
      ) WITHOUT ROWID;
      CREATE INDEX blobs_unreferenced ON blobs (created_at) WHERE refs = 0;
    `,
  },
  {
    version: 4,
    name: 'accounts-search',
    sql: `
      -- Substring search (q) over 100k+ accounts: a trigram index answers
      -- "contains" queries of 3+ characters (case-insensitive, Unicode-aware)
      -- without scanning the table. External content: rows live in accounts.
      CREATE VIRTUAL TABLE accounts_search USING fts5(
        address, display_name, content = 'accounts', content_rowid = 'rowid', tokenize = 'trigram'
      );
      CREATE TRIGGER accounts_search_insert AFTER INSERT ON accounts BEGIN
        INSERT INTO accounts_search (rowid, address, display_name) VALUES (new.rowid, new.address, new.display_name);
      END;
      CREATE TRIGGER accounts_search_delete AFTER DELETE ON accounts BEGIN
        INSERT INTO accounts_search (accounts_search, rowid, address, display_name) VALUES ('delete', old.rowid, old.address, old.display_name);
      END;
      CREATE TRIGGER accounts_search_update AFTER UPDATE OF address, display_name ON accounts BEGIN
        INSERT INTO accounts_search (accounts_search, rowid, address, display_name) VALUES ('delete', old.rowid, old.address, old.display_name);
        INSERT INTO accounts_search (rowid, address, display_name) VALUES (new.rowid, new.address, new.display_name);
      END;
      INSERT INTO accounts_search (accounts_search) VALUES ('rebuild');
    `,
  },
  {
    version: 5,
    name: 'mail',
    sql: MAIL_SCHEMA,
  },
  {
    version: 6,
    name: 'queue',
    // Outbound queue: messages, per-recipient delivery state and leases, attempt log (queue-rows.ts).
    sql: QUEUE_SCHEMA_SQL,
  },
  {
    version: 7,
    name: 'mail-auth-and-filter',
    // DKIM keys (dkim-keys.ts), greylisting and rate counters (greylist.ts).
    sql: DKIM_KEYS_SQL + GREYLIST_SQL,
  },
  {
    version: 8,
    name: 'locks',
    // Cross-process leases: the POP3 maildrop lock (locks.ts).
    sql: LOCKS_SQL,
  },
  {
    version: 9,
    name: 'queue-notices',
    // Failure/relay notices kept for a retry when their submission failed (queue-rows.ts).
    sql: QUEUE_NOTICES_SQL,
  },
  {
    version: 10,
    name: 'mail-selection-indexes',
    // Narrow indexes for SELECT: UIDs, unseen messages, messages with keywords (mail-selection.ts).
    sql: MAIL_SELECTION_INDEXES_SQL,
  },
  {
    version: 11,
    name: 'mail-search-indexed-prefix',
    // The FTS index holds the first FTS_INDEXED_CHARS of each search text
    // (mail-rows.ts): re-index the bodies indexed in full before.
    sql: `INSERT INTO mail_search (mail_search) VALUES ('delete-all');
      INSERT INTO mail_search (rowid, search_text) SELECT id, ${INDEXED_TEXT('search_text')} FROM mail_bodies;`,
  },
  {
    version: 12,
    name: 'mail-search-pending',
    // New bodies wait here for the background full-text indexer (search-indexer.ts).
    sql: MAIL_SEARCH_PENDING_SQL,
  },
  {
    version: 13,
    name: 'mail-body-wire-size',
    // The POP3 size of each body, recorded at intake; NULL for existing bodies (mail-schema.ts).
    sql: MAIL_BODY_WIRE_SIZE_SQL,
  },
  {
    version: 14,
    name: 'mail-expunge-horizon',
    // When each expunge was logged, and each mailbox's vanished horizon, for pruning the log (mail-expunge-log.ts).
    sql: MAIL_EXPUNGE_HORIZON_SQL,
  },
  {
    version: 15,
    name: 'queue-local-folder',
    // The folder (INBOX or Junk) a deferred local recipient is retried into (queue-rows.ts).
    sql: QUEUE_LOCAL_FOLDER_SQL,
  },
  {
    version: 16,
    name: 'sieve',
    // Sieve scripts per account and per domain (global), and the vacation reply memory (sieve.ts).
    sql: SIEVE_SQL,
  },
  {
    version: 17,
    name: 'spam-filter',
    // The classifier's token counts, stored verdicts and the quarantine (bayes.ts, filter-verdicts.ts, quarantine.ts).
    sql: BAYES_SQL + FILTER_VERDICTS_SQL + QUARANTINE_SQL,
  },
  {
    version: 18,
    name: 'shared-mailboxes',
    // Shared mailboxes, delegation grants and public-folder addresses; two new owner kinds in the address space (shared-mailboxes.ts).
    sql: SHARED_MAILBOXES_SQL,
  },
  {
    version: 19,
    name: 'mail-recent',
    // RFC 3501 §2.3.2 \Recent: the first UID not yet claimed by a session. Existing messages are not recent to anyone.
    sql: `ALTER TABLE mailboxes ADD COLUMN recent_uid INTEGER NOT NULL DEFAULT 1;
      UPDATE mailboxes SET recent_uid = uid_next;`,
  },
  {
    version: 20,
    name: 'login-known-clients',
    // Which client addresses each account logged in from, and when (throttle.ts): known clients are not slowed by guesses from elsewhere.
    sql: `
      CREATE TABLE login_clients (
        account TEXT NOT NULL,
        client TEXT NOT NULL,
        last_success_at INTEGER NOT NULL,
        PRIMARY KEY (account, client)
      ) WITHOUT ROWID;
      CREATE INDEX login_clients_account_last ON login_clients (account, last_success_at);
      CREATE INDEX login_clients_last ON login_clients (last_success_at);
    `,
  },
  {
    version: 21,
    name: 'app-password-lookup',
    // One lookup finds the app password a secret may be (app-passwords.ts); null for existing ones until their next use.
    sql: `
      ALTER TABLE app_passwords ADD COLUMN lookup TEXT;
      CREATE INDEX app_passwords_lookup ON app_passwords (account_id, lookup);
    `,
  },
  {
    version: 22,
    name: 'dav',
    // Calendars and address books: collections, objects with their time span, change log, shares, delegation (dav-schema.ts).
    sql: DAV_SCHEMA_SQL,
  },
  {
    version: 23,
    name: 'directory-sync',
    // Directory source of accounts, groups and aliases; LDAP/AD connections and sync runs (directory-connections.ts).
    sql: DIRECTORY_SYNC_SQL,
  },
  {
    version: 24,
    name: 'migration-jobs',
    // Import jobs, their checkpoints and item ledger (migration-jobs.ts, issue 15).
    sql: MIGRATION_JOBS_SQL,
  },
  {
    version: 25,
    name: 'mail-search-detail-none',
    // The full-text index without positions; every body re-indexed in the background (mail-schema.ts, issue 8).
    sql: MAIL_SEARCH_DETAIL_NONE_SQL,
  },
  {
    version: 26,
    name: 'blob-data',
    // The bytes of bodies small enough to be kept in the database instead of a file (blob-refs.ts, issue 8).
    // A rowid table: its rows are large, and the blobs row they belong to is updated (refs) without touching them.
    sql: 'CREATE TABLE blob_data (id TEXT PRIMARY KEY, data BLOB NOT NULL);',
  },
  {
    version: 27,
    name: 'dav-usage',
    // Each owner's DAV objects and bytes as running totals kept by triggers, read by every delivery's quota check (dav-schema.ts).
    sql: DAV_USAGE_SQL,
  },
];

export const LATEST_VERSION = MIGRATIONS[MIGRATIONS.length - 1].version;

const BOOKKEEPING = `CREATE TABLE IF NOT EXISTS schema_migrations (
  version INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  applied_at TEXT NOT NULL
)`;

export function currentVersion(c: SqliteConnection): number {
  const table = c.get("SELECT 1 AS present FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'");
  if (!table) return 0;
  return Number(c.get('SELECT coalesce(max(version), 0) AS v FROM schema_migrations')?.v ?? 0);
}

/** Applies pending migrations; the caller holds the write transaction. */
export function applyMigrations(c: SqliteConnection): { from: number; to: number } {
  c.exec(BOOKKEEPING);
  const from = currentVersion(c);
  if (from > LATEST_VERSION) {
    throw new StoaError('STOA_STORE_UNAVAILABLE', `database schema version ${from} is newer than this server supports (${LATEST_VERSION}); upgrade Stoa`);
  }
  for (const m of MIGRATIONS) {
    if (m.version <= from) continue;
    c.exec(m.sql);
    c.run('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)', m.version, m.name, new Date().toISOString());
  }
  return { from, to: Math.max(from, LATEST_VERSION) };
}
