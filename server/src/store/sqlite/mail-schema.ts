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
//   text for those short terms and for index rebuilds; the index is
//   maintained by the store code, not triggers, so bulk loads index once.
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
