// Admin API schemas of migration jobs (/api/v1/migrations, issue 15): what to
// import (source, users, options), the job record and its live report.
// Secrets (source passwords, tokens) are accepted on creation and never
// returned: the job record keeps the spec without them.
import Type, { type Static } from 'typebox';
import { EmailAddress, Id, Timestamp } from './common.ts';

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);
const Host = Type.String({ minLength: 1, maxLength: 253 });
const Url = Type.String({ minLength: 8, maxLength: 2048, pattern: '^https?://', description: 'http:// or https:// URL' });
const Secret = Type.String({ minLength: 1, maxLength: 16_384, writeOnly: true });

export const ItemKind = Type.Union(['message', 'event', 'task', 'contact'].map((k) => Type.Literal(k)));
export const FileSourceType = Type.Union(['pst', 'mbox', 'maildir', 'eml', 'ics', 'vcf', 'csv'].map((k) => Type.Literal(k)));

export const MigrationSource = Type.Union([
  Type.Object({
    type: Type.Literal('imap'), host: Host, port: Type.Optional(Type.Integer({ minimum: 1, maximum: 65535 })),
    tls: Type.Optional(Type.Union([Type.Literal('implicit'), Type.Literal('starttls'), Type.Literal('none')])),
    verifyCertificate: Type.Optional(Type.Boolean()),
    adminUser: Type.Optional(Type.String({ minLength: 1, maxLength: 320, description: 'Master login acting as every user; its password is adminSecret' })),
    oauth: Type.Optional(Type.Boolean({ description: 'The users\' secrets are OAuth 2.0 access tokens' })),
    gmailAllMail: Type.Optional(Type.Boolean()),
  }, { additionalProperties: false }),
  Type.Object({
    type: Type.Literal('ews'), url: Url,
    auth: Type.Optional(Type.Union([Type.Literal('basic'), Type.Literal('bearer')])),
    impersonation: Type.Optional(Type.Boolean({ description: 'ApplicationImpersonation: adminUser/adminSecret (or the bearer token) act as every mailbox' })),
    adminUser: Type.Optional(Type.String({ minLength: 1, maxLength: 320 })),
    verifyCertificate: Type.Optional(Type.Boolean()),
  }, { additionalProperties: false }),
  Type.Object({
    type: Type.Literal('dav'), url: Url, carddavUrl: Type.Optional(Url),
    auth: Type.Optional(Type.Union([Type.Literal('basic'), Type.Literal('bearer')])),
    verifyCertificate: Type.Optional(Type.Boolean()),
  }, { additionalProperties: false }),
  Type.Object({ type: FileSourceType }, { additionalProperties: false, description: 'Files on the server (server admins only); each user\'s source is a path' }),
]);

export const MigrationUser = Type.Object({
  source: Type.String({ minLength: 1, maxLength: 1024, description: 'Login, mailbox address or file path at the source' }),
  target: EmailAddress,
  create: Type.Optional(Type.Boolean({ description: 'Create the Stoa account when missing' })),
  displayName: Type.Optional(Type.String({ maxLength: 256 })),
  quotaBytes: Type.Optional(Type.Integer({ minimum: 0 })),
  sourceSecret: Type.Optional(Secret),
  accountPassword: Type.Optional(Secret),
}, { additionalProperties: false });

export const MigrationOptions = Type.Object({
  kinds: Type.Optional(Type.Array(ItemKind, { minItems: 1, maxItems: 4 })),
  dryRun: Type.Optional(Type.Boolean()),
  concurrency: Type.Optional(Type.Integer({ minimum: 1, maximum: 64 })),
  perSourceConcurrency: Type.Optional(Type.Integer({ minimum: 1, maximum: 64 })),
  maxRate: Type.Optional(Type.Integer({ minimum: 0, maximum: 100_000, description: 'Items per second per source host; 0 = no limit' })),
  folderMap: Type.Optional(Type.Array(Type.String({ minLength: 2, maxLength: 2048, pattern: '=' }), { maxItems: 500 })),
  prefix: Type.Optional(Nullable(Type.String({ minLength: 1, maxLength: 255 }))),
  maxMessageSize: Type.Optional(Type.Integer({ minimum: 0 })),
  sampleSize: Type.Optional(Type.Integer({ minimum: 0, maximum: 1000 })),
}, { additionalProperties: false });

export const MigrationCreate = Type.Object({
  source: MigrationSource,
  adminSecret: Type.Optional(Secret),
  users: Type.Array(MigrationUser, { minItems: 1, maxItems: 10_000 }),
  options: Type.Optional(MigrationOptions),
}, { additionalProperties: false });
export type MigrationCreate = Static<typeof MigrationCreate>;

const Counts = Type.Partial(Type.Record(Type.String(), Type.Integer({ minimum: 0 })));
const Totals = Type.Object({
  atSource: Type.Integer({ minimum: 0 }), imported: Type.Integer({ minimum: 0 }), skipped: Type.Integer({ minimum: 0 }),
  failed: Type.Integer({ minimum: 0 }), bytes: Type.Integer({ minimum: 0 }),
}, { additionalProperties: false });

export const MigrationFolderReport = Type.Object({
  source: Type.String(), target: Nullable(Type.String()),
  kind: Type.Union(['mail', 'calendar', 'tasks', 'contacts'].map((k) => Type.Literal(k))),
  state: Type.Union(['waiting', 'running', 'done', 'skipped', 'failed', 'interrupted'].map((k) => Type.Literal(k))),
  reason: Nullable(Type.String()), notes: Type.Array(Type.String()), created: Type.Boolean(),
  atSource: Type.Integer({ minimum: 0 }), imported: Type.Integer({ minimum: 0 }), skipped: Type.Integer({ minimum: 0 }),
  failed: Type.Integer({ minimum: 0 }), bytes: Type.Integer({ minimum: 0 }),
  skippedBy: Counts, failedBy: Counts,
  sample: Type.Object({ checked: Type.Integer({ minimum: 0 }), matched: Type.Integer({ minimum: 0 }), mismatched: Type.Array(Type.String()) }, { additionalProperties: false }),
  problems: Type.Array(Type.Object({
    key: Type.String(), label: Nullable(Type.String()), status: Type.Union([Type.Literal('skipped'), Type.Literal('failed')]), code: Type.String(), detail: Type.String(),
  }, { additionalProperties: false })),
  problemsOmitted: Type.Integer({ minimum: 0 }),
}, { additionalProperties: false });

export const MigrationUserReport = Type.Object({
  source: Type.String(), target: Type.String(),
  state: Type.Union(['waiting', 'running', 'done', 'failed', 'interrupted'].map((k) => Type.Literal(k))),
  error: Nullable(Type.String()), accountCreated: Type.Boolean(), startedAt: Nullable(Timestamp), finishedAt: Nullable(Timestamp),
  folders: Type.Array(MigrationFolderReport), totals: Totals,
}, { additionalProperties: false });

export const MigrationReport = Type.Object({
  source: Type.String(), dryRun: Type.Boolean(), startedAt: Timestamp, finishedAt: Nullable(Timestamp),
  users: Type.Array(MigrationUserReport), totals: Totals, ok: Type.Boolean(),
}, { additionalProperties: false });

export const MigrationJobStatus = Type.Union(['queued', 'running', 'done', 'failed', 'interrupted', 'cancelled'].map((k) => Type.Literal(k)));

export const MigrationJob = Type.Object({
  id: Id,
  origin: Type.Union([Type.Literal('api'), Type.Literal('cli')]),
  status: MigrationJobStatus,
  createdBy: Type.String(),
  domainIds: Type.Array(Type.String()),
  spec: Type.Object({
    source: MigrationSource,
    users: Type.Array(Type.Object({
      source: Type.String(), target: Type.String(), create: Type.Optional(Type.Boolean()),
      displayName: Type.Optional(Type.String()), quotaBytes: Type.Optional(Type.Integer()),
    }, { additionalProperties: false })),
    options: Type.Optional(MigrationOptions),
  }, { additionalProperties: false, description: 'What the job imports, without secrets' }),
  report: Nullable(MigrationReport),
  error: Nullable(Type.String()),
  createdAt: Timestamp, startedAt: Nullable(Timestamp), finishedAt: Nullable(Timestamp), heartbeatAt: Nullable(Timestamp),
  runner: Nullable(Type.String({ description: 'The process running it: server:HOST:PID or cli:HOST:PID' })),
}, { additionalProperties: false });

export const MigrationJobPage = Type.Object({
  items: Type.Array(MigrationJob),
  total: Type.Integer({ minimum: 0 }),
  offset: Type.Integer({ minimum: 0 }),
  limit: Type.Integer({ minimum: 1 }),
}, { additionalProperties: false });

export const MigrationListQuery = Type.Object({
  offset: Type.Optional(Type.Integer({ minimum: 0, maximum: 10_000_000, default: 0 })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 50 })),
  status: Type.Optional(MigrationJobStatus),
}, { additionalProperties: false });
export type MigrationListQuery = Static<typeof MigrationListQuery>;

export const MigrationJobParams = Type.Object({ id: Id }, { additionalProperties: false });
