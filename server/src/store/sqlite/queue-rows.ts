// Row <-> object mapping for the outbound queue tables (migration 'queue').
import type {
  DeliveryAttempt, DsnNotify, DsnRet, LocalFolder, PendingNotice, QueuedMessage, QueuedRecipient, RecipientStatus, SmtpAnswer, AttemptResult,
} from '../queue-port.ts';
import type { Row } from './sqlite-connection.ts';

const str = (v: unknown): string | null => (v === null || v === undefined ? null : String(v));
const num = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));

function answer(code: unknown, enhanced: unknown, text: unknown): SmtpAnswer | null {
  if (code === null || code === undefined) return null;
  return { code: Number(code), enhanced: str(enhanced), text: String(text ?? '') };
}

export function decodeMessage(row: Row): QueuedMessage {
  return {
    id: String(row.id),
    blobId: String(row.blob_id),
    sender: String(row.sender),
    createdAt: Number(row.created_at),
    expiresAt: Number(row.expires_at),
    ret: str(row.ret) as DsnRet | null,
    envId: str(row.env_id),
    accountId: str(row.account_id),
    size: Number(row.size),
    completedAt: num(row.completed_at),
  };
}

export function decodeRecipient(row: Row): QueuedRecipient {
  return {
    messageId: String(row.message_id),
    address: String(row.address),
    domain: String(row.domain),
    status: String(row.status) as RecipientStatus,
    attempts: Number(row.attempts),
    nextAttemptAt: Number(row.next_attempt_at),
    lastResponse: answer(row.last_code, row.last_enhanced, row.last_text),
    leaseOwner: str(row.lease_owner),
    leaseUntil: num(row.lease_until),
    notify: row.notify === null || row.notify === undefined ? null : JSON.parse(String(row.notify)) as DsnNotify[],
    orcpt: str(row.orcpt),
    delayNoticeSent: Number(row.delay_notice_sent) === 1,
    noticePending: str(row.notice_pending) as PendingNotice | null,
    localFolder: str(row.local_folder) as LocalFolder | null,
    updatedAt: Number(row.updated_at),
  };
}

export function decodeAttempt(row: Row): DeliveryAttempt {
  return {
    messageId: String(row.message_id),
    address: String(row.address),
    at: Number(row.at),
    mxHost: str(row.mx_host),
    ip: str(row.ip),
    tls: Number(row.tls) === 1,
    response: answer(row.code, row.enhanced, row.text),
    result: String(row.result) as AttemptResult,
  };
}

/** The queue schema, appended to the SQLite migrations as one version. */
export const QUEUE_SCHEMA_SQL = `
  CREATE TABLE queue_messages (
    id TEXT PRIMARY KEY,
    blob_id TEXT NOT NULL,
    sender TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    ret TEXT CHECK (ret IN ('FULL', 'HDRS')),
    env_id TEXT,
    account_id TEXT,
    size INTEGER NOT NULL,
    completed_at INTEGER
  );
  CREATE INDEX queue_messages_created ON queue_messages (created_at, id);
  CREATE INDEX queue_messages_completed ON queue_messages (completed_at) WHERE completed_at IS NOT NULL;
  CREATE INDEX queue_messages_sender ON queue_messages (sender, created_at);

  CREATE TABLE queue_recipients (
    message_id TEXT NOT NULL REFERENCES queue_messages(id) ON DELETE CASCADE,
    address TEXT NOT NULL,
    domain TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('queued', 'deferred', 'delivered', 'failed')),
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER NOT NULL,
    last_code INTEGER,
    last_enhanced TEXT,
    last_text TEXT,
    lease_owner TEXT,
    lease_until INTEGER,
    notify TEXT,
    orcpt TEXT,
    delay_notice_sent INTEGER NOT NULL DEFAULT 0,
    updated_at INTEGER NOT NULL,
    PRIMARY KEY (message_id, address)
  ) WITHOUT ROWID;
  -- The claim scan: pending recipients in due order.
  CREATE INDEX queue_recipients_due ON queue_recipients (next_attempt_at, message_id, domain)
    WHERE status IN ('queued', 'deferred');
  CREATE INDEX queue_recipients_domain ON queue_recipients (domain, status);
  CREATE INDEX queue_recipients_lease ON queue_recipients (lease_owner) WHERE lease_owner IS NOT NULL;

  CREATE TABLE queue_attempts (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    message_id TEXT NOT NULL REFERENCES queue_messages(id) ON DELETE CASCADE,
    address TEXT NOT NULL,
    at INTEGER NOT NULL,
    mx_host TEXT,
    ip TEXT,
    tls INTEGER NOT NULL,
    code INTEGER,
    enhanced TEXT,
    text TEXT,
    result TEXT NOT NULL
  );
  CREATE INDEX queue_attempts_message ON queue_attempts (message_id, id);
`;

/** Failure and relay notices that could not be handed over yet wait on their recipient row (queue-port.ts noticePending). */
export const QUEUE_NOTICES_SQL = `
  ALTER TABLE queue_recipients ADD COLUMN notice_pending TEXT CHECK (notice_pending IN ('failed', 'relayed'));
  CREATE INDEX queue_recipients_notice_due ON queue_recipients (next_attempt_at, message_id, domain)
    WHERE notice_pending IS NOT NULL;
`;

/** The folder a deferred local recipient is retried into (queue-port.ts localFolder); NULL on existing rows means INBOX. */
export const QUEUE_LOCAL_FOLDER_SQL = `
  ALTER TABLE queue_recipients ADD COLUMN local_folder TEXT CHECK (local_folder IN ('INBOX', 'Junk'));
`;
