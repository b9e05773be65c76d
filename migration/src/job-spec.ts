// What a migration is, in one JSON shape shared by `stoa migrate`, the
// admin API and the stored job record: the source, the users (source
// identity → Stoa account) and the options. Secrets travel beside it, never
// inside: the record keeps the spec, the running process keeps the secrets.
import type { ItemKind } from './model.ts';
import { ITEM_KINDS } from './model.ts';
import { parseFolderRule } from './engine/folder-map.ts';
import { DEFAULT_OPTIONS, type RunOptions, type UserMapping } from './engine/run.ts';

export const FILE_SOURCES = ['pst', 'mbox', 'maildir', 'eml', 'ics', 'vcf', 'csv'] as const;
export type FileSourceType = typeof FILE_SOURCES[number];

export type SourceSpec =
  | {
    type: 'imap'; host: string; port?: number; tls?: 'implicit' | 'starttls' | 'none'; verifyCertificate?: boolean;
    /** Master/admin login acting as every user (its password is a secret). */
    adminUser?: string; oauth?: boolean; gmailAllMail?: boolean;
  }
  | {
    type: 'ews'; url: string; auth?: 'basic' | 'bearer'; verifyCertificate?: boolean;
    /** ApplicationImpersonation: one service account (adminUser, or a bearer token) acts as every mailbox. */
    impersonation?: boolean; adminUser?: string;
  }
  | {
    type: 'dav'; url: string; verifyCertificate?: boolean; auth?: 'basic' | 'bearer';
    /** A CardDAV root when it differs from the CalDAV one. */
    carddavUrl?: string;
  }
  | { type: FileSourceType };

export interface UserSpec {
  /** Login, mailbox address or file path at the source. */
  source: string;
  /** Stoa account address. */
  target: string;
  create?: boolean;
  displayName?: string;
  quotaBytes?: number;
}

export interface OptionsSpec {
  kinds?: ItemKind[];
  dryRun?: boolean;
  concurrency?: number;
  perSourceConcurrency?: number;
  maxRate?: number;
  /** "FROM=TO" rules (TO empty: leave out). */
  folderMap?: string[];
  prefix?: string | null;
  maxMessageSize?: number;
  sampleSize?: number;
}

export interface JobSpec {
  source: SourceSpec;
  users: UserSpec[];
  options?: OptionsSpec;
}

export interface JobSecrets {
  /** The admin/service account's password or the bearer token. */
  admin?: string | null;
  /** Per-user passwords or tokens, by position in `users`. */
  users?: (string | null)[];
  /** Passwords for accounts the import creates, by position in `users`. */
  accountPasswords?: (string | null)[];
}

export function runOptions(options: OptionsSpec = {}): RunOptions {
  const kinds = options.kinds?.length ? new Set(options.kinds.filter((k) => ITEM_KINDS.includes(k))) : DEFAULT_OPTIONS.kinds;
  return {
    ...DEFAULT_OPTIONS,
    kinds,
    dryRun: options.dryRun ?? false,
    concurrency: options.concurrency ?? DEFAULT_OPTIONS.concurrency,
    perSourceConcurrency: options.perSourceConcurrency ?? DEFAULT_OPTIONS.perSourceConcurrency,
    maxRate: options.maxRate ?? 0,
    folderRules: (options.folderMap ?? []).map(parseFolderRule),
    prefix: options.prefix ?? null,
    maxMessageSize: options.maxMessageSize ?? 0,
    sampleSize: options.sampleSize ?? DEFAULT_OPTIONS.sampleSize,
  };
}

export function userMappings(spec: JobSpec, secrets: JobSecrets): UserMapping[] {
  return spec.users.map((u, i) => ({
    source: { identity: u.source, secret: secrets.users?.[i] ?? null },
    target: u.target.trim().toLowerCase(),
    create: u.create ?? false,
    displayName: u.displayName,
    password: secrets.accountPasswords?.[i] ?? undefined,
    quotaBytes: u.quotaBytes,
  }));
}

/** A one-line name for the source, for reports and job lists. */
export function sourceLabel(spec: SourceSpec): string {
  switch (spec.type) {
    case 'imap': return `imap://${spec.host}${spec.port ? `:${spec.port}` : ''}`;
    case 'ews': return `ews ${spec.url}`;
    case 'dav': return `dav ${spec.url}`;
    default: return spec.type;
  }
}
