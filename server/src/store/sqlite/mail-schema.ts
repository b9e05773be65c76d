// Schema of the mail store (migration 5, see migrations.ts). Kept in its own
// file because the choices below are the expensive-to-change ones.
//
// - mail_messages is WITHOUT ROWID with key (mailbox_id, uid): listing a
//   mailbox is one range scan in UID order, and FETCH by UID set is a seek.
// - System flags are a bit field (FLAG_BITS); keywords JSON, NULL when none.
// - mail_bodies holds each body's MIME index once, whatever the number of
//   copies; copies point at it by integer id.
// - Full text: FTS5 with the trigram tokenizer, external content
//   (mail_bodies.search_text). IMAP SEARCH BODY/TEXT are substring matches
//   (RFC 9051 §6.4.4 "contains"), which word tokenizers such as unicode61
//   cannot answer ("ello" in "hello"); trigram answers any substring of 3+
//   characters from the index, case-insensitively, and remove_diacritics
//   folds accents. Shorter terms are matched against the stored text of the
//   mailbox's bodies. External content (rather than contentless) keeps the
//   text for those short terms, for checking index candidates and for index
//   rebuilds; the index is maintained by the store code, not triggers, so
//   bulk loads index once. Since migration 25 the index records only which
//   bodies hold each trigram (detail=none, MAIL_SEARCH_DETAIL_NONE_SQL).
// - mail_expunged is the QRESYNC expunge log (RFC 7162 §3.2.10).
// - mail_usage carries bytes/messages per account for QUOTA (RFC 9208),
//   changed in the same transaction as the copies.
export const MAIL_SCHEMA = `
  CREATE TABLE mailboxes (
    id TEXT PRIMARY KEY,
    account_id TEXT NOT NULL,
    name TEXT NOT NULL,
    special_use TEXT,
    uid_validity INTEGER NOT NULL,
    uid_next INTEGER NOT NULL,
    highest_modseq INTEGER NOT NULL,
    created_at TEXT NOT NULL,
    UNIQUE (account_id, name)
  );

  CREATE TABLE mail_bodies (
    id INTEGER PRIMARY KEY,
    blob_id TEXT NOT NULL UNIQUE,
    size INTEGER NOT NULL,
    envelope TEXT NOT NULL,
    structure TEXT NOT NULL,
    headers TEXT NOT NULL,
    has_attachments INTEGER NOT NULL,
    search_text TEXT NOT NULL
  );
  CREATE VIRTUAL TABLE mail_search USING fts5(
    search_text, content = 'mail_bodies', content_rowid = 'id', tokenize = 'trigram remove_diacritics 1'
  );

  CREATE TABLE mail_messages (
    mailbox_id TEXT NOT NULL REFERENCES mailboxes(id),
    uid INTEGER NOT NULL,
    modseq INTEGER NOT NULL,
    body_id INTEGER NOT NULL REFERENCES mail_bodies(id),
    email_id TEXT NOT NULL,
    thread_id TEXT NOT NULL,
    size INTEGER NOT NULL,
    internal_date INTEGER NOT NULL,
    save_date INTEGER NOT NULL,
    flags INTEGER NOT NULL,
    keywords TEXT,
    PRIMARY KEY (mailbox_id, uid)
  ) WITHOUT ROWID;
  CREATE INDEX mail_messages_modseq ON mail_messages (mailbox_id, modseq);
  CREATE INDEX mail_messages_body ON mail_messages (body_id);

  CREATE TABLE mail_expunged (
    mailbox_id TEXT NOT NULL,
    uid INTEGER NOT NULL,
    modseq INTEGER NOT NULL,
    PRIMARY KEY (mailbox_id, uid)
  ) WITHOUT ROWID;
  CREATE INDEX mail_expunged_modseq ON mail_expunged (mailbox_id, modseq);

  CREATE TABLE mail_usage (
    account_id TEXT PRIMARY KEY,
    bytes INTEGER NOT NULL,
    messages INTEGER NOT NULL
  ) WITHOUT ROWID;

  -- RFC 4314: identifier is an account id, a group id or "anyone".
  CREATE TABLE mail_acl (
    mailbox_id TEXT NOT NULL REFERENCES mailboxes(id) ON DELETE CASCADE,
    identifier TEXT NOT NULL,
    rights TEXT NOT NULL,
    PRIMARY KEY (mailbox_id, identifier)
  ) WITHOUT ROWID;
  CREATE INDEX mail_acl_identifier ON mail_acl (identifier);

  -- RFC 9051 §6.3.9: names may stay subscribed after their mailbox is gone.
  CREATE TABLE mail_subscriptions (
    account_id TEXT NOT NULL,
    name TEXT NOT NULL,
    PRIMARY KEY (account_id, name)
  ) WITHOUT ROWID;

  -- RFC 8474 THREADID: Message-ID → thread, per account.
  CREATE TABLE mail_threads (
    account_id TEXT NOT NULL,
    message_id TEXT NOT NULL,
    thread_id TEXT NOT NULL,
    PRIMARY KEY (account_id, message_id)
  ) WITHOUT ROWID;
`;

// Migration 12: bodies waiting for the background full-text indexer
// (search-indexer.ts). A body is in mail_search_pending or in mail_search,
// never both; SEARCH scans the pending ones' stored text.
export const MAIL_SEARCH_PENDING_SQL = `
  CREATE TABLE mail_search_pending (
    body_id INTEGER PRIMARY KEY
  );
`;

// Migration 13: the body's POP3 size (MessageIndex.wireSize, octets with CRLF
// line endings), recorded at intake. NULL for bodies stored before: POP3
// measures those by streaming them once (pop3/session/size-cache.ts).
export const MAIL_BODY_WIRE_SIZE_SQL = `
  ALTER TABLE mail_bodies ADD COLUMN wire_size INTEGER;
`;

// Migration 14: pruning the expunge log (mail-expunge-log.ts). Each entry
// records when it was logged; the mailbox keeps the highest pruned modseq
// (its vanished horizon). Entries logged before this migration count as
// logged now, so the first prune waits a full retention period for them.
export const MAIL_EXPUNGE_HORIZON_SQL = `
  ALTER TABLE mailboxes ADD COLUMN vanished_horizon INTEGER NOT NULL DEFAULT 0;
  ALTER TABLE mail_expunged ADD COLUMN expunged_at INTEGER NOT NULL DEFAULT 0;
  UPDATE mail_expunged SET expunged_at = CAST(strftime('%s', 'now') AS INTEGER) * 1000;
  CREATE INDEX mail_expunged_at ON mail_expunged (expunged_at);
`;

// Migration 25: the trigram index without positions (detail=none) and without
// per-body token counts (columnsize=0; nothing ranks by them). Positions made
// the index about as large as the text it indexes and cost more than the
// tokenizing itself to write and merge (docs/mail-store.md "Full-text
// search"); without them an index lookup only says which bodies hold every
// trigram of the term, and SEARCH checks those candidates against their
// stored text (mail-search.ts). The old index is dropped and every body
// queued for the background indexer (search-indexer.ts), so start-up does not
// wait for a re-index; SEARCH scans pending bodies exactly meanwhile.
export const MAIL_SEARCH_DETAIL_NONE_SQL = `
  DROP TABLE mail_search;
  CREATE VIRTUAL TABLE mail_search USING fts5(
    search_text, content = 'mail_bodies', content_rowid = 'id', tokenize = 'trigram remove_diacritics 1',
    detail = none, columnsize = 0
  );
  INSERT OR IGNORE INTO mail_search_pending (body_id) SELECT id FROM mail_bodies;
`;
