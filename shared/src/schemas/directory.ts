// Directory objects as the admin API and the console see them.
import Type, { type Static } from 'typebox';
import { DomainName, EmailAddress, Id, Timestamp, listQuery, page } from './common.ts';

export const Role = Type.Union([Type.Literal('user'), Type.Literal('domain-admin'), Type.Literal('server-admin')]);
export type Role = Static<typeof Role>;

const Bytes = Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER, description: 'Bytes; 0 means unlimited' });
const Count = Type.Integer({ minimum: 0, maximum: 2_147_483_647, description: 'Messages; 0 means unlimited' });
/** Issue 16 item 11: names that mix scripts are refused unless a server admin sets this. */
const AllowMixedScript = Type.Optional(Type.Boolean({ description: 'Server admins only: accept a name whose local part or domain labels mix scripts (Unicode TR 39 "highly restrictive" fails)' }));

// ---- Directory source ----------------------------------------------------
/**
 * Set on accounts, groups and aliases that an external directory (LDAP/AD)
 * owns: their directory-managed fields are read-only here (docs/directory-sync.md).
 */
export const DirectorySource = Type.Object({
  connectionId: Id,
  externalId: Type.String({ description: 'objectGUID / entryUUID of the directory entry' }),
  dn: Type.String({ description: 'Distinguished name at the last sync' }),
  syncedAt: Timestamp,
  missingSince: Type.Union([Timestamp, Type.Null()], { description: 'The directory no longer returns the entry; an admin decides (detach or delete)' }),
  managesRole: Type.Boolean({ description: 'The role comes from directory group membership' }),
}, { additionalProperties: false });
export type DirectorySource = Static<typeof DirectorySource>;
const Source = Type.Union([DirectorySource, Type.Null()], { description: 'Null for local objects' });

// ---- Domains -------------------------------------------------------------
export const Domain = Type.Object({
  id: Id,
  name: Type.String({ description: 'ASCII (A-label) form, lower case' }),
  unicodeName: Type.String({ description: 'Unicode (U-label) form for display' }),
  aliasOf: Type.Union([Id, Type.Null()], { description: 'When set, mail to this domain goes to the same local parts in the target domain' }),
  enabled: Type.Boolean(),
  description: Type.String(),
  defaultQuotaBytes: Bytes,
  defaultQuotaMessages: Count,
  createdAt: Timestamp,
  updatedAt: Timestamp,
}, { additionalProperties: false });
export type Domain = Static<typeof Domain>;

export const DomainCreate = Type.Object({
  name: DomainName,
  aliasOf: Type.Optional(Type.Union([DomainName, Type.Null()], { description: 'Name of the target domain' })),
  enabled: Type.Optional(Type.Boolean()),
  description: Type.Optional(Type.String({ maxLength: 1000 })),
  defaultQuotaBytes: Type.Optional(Bytes),
  defaultQuotaMessages: Type.Optional(Count),
  allowMixedScript: AllowMixedScript,
}, { additionalProperties: false });
export type DomainCreate = Static<typeof DomainCreate>;

export const DomainUpdate = Type.Object({
  enabled: Type.Optional(Type.Boolean()),
  description: Type.Optional(Type.String({ maxLength: 1000 })),
  defaultQuotaBytes: Type.Optional(Bytes),
  defaultQuotaMessages: Type.Optional(Count),
}, { additionalProperties: false, minProperties: 1 });
export type DomainUpdate = Static<typeof DomainUpdate>;

export const DomainListQuery = listQuery(['name', 'createdAt'] as const);
export const DomainPage = page(Domain);

// ---- Accounts ------------------------------------------------------------
export const Account = Type.Object({
  id: Id,
  domainId: Type.Union([Id, Type.Null()], { description: 'Null for server operator accounts that have no mailbox' }),
  address: Type.String({ description: 'Login and primary address: local@domain (ASCII domain), or a bare name for operators' }),
  displayName: Type.String(),
  enabled: Type.Boolean(),
  role: Role,
  adminDomainIds: Type.Array(Id, { description: 'Domains a domain admin manages' }),
  quotaBytes: Bytes,
  quotaMessages: Count,
  forwardTo: Type.Array(EmailAddress),
  keepForwardedCopy: Type.Boolean(),
  passwordSetAt: Type.Union([Timestamp, Type.Null()]),
  source: Source,
  createdAt: Timestamp,
  updatedAt: Timestamp,
}, { additionalProperties: false });
export type Account = Static<typeof Account>;

export const Password = Type.String({ minLength: 8, maxLength: 1024 });

export const AccountCreate = Type.Object({
  address: EmailAddress,
  displayName: Type.Optional(Type.String({ maxLength: 256 })),
  password: Type.Optional(Password),
  enabled: Type.Optional(Type.Boolean()),
  quotaBytes: Type.Optional(Bytes),
  quotaMessages: Type.Optional(Count),
  forwardTo: Type.Optional(Type.Array(EmailAddress, { maxItems: 50 })),
  keepForwardedCopy: Type.Optional(Type.Boolean()),
  allowMixedScript: AllowMixedScript,
}, { additionalProperties: false });
export type AccountCreate = Static<typeof AccountCreate>;

export const AccountUpdate = Type.Object({
  displayName: Type.Optional(Type.String({ maxLength: 256 })),
  enabled: Type.Optional(Type.Boolean()),
  quotaBytes: Type.Optional(Bytes),
  quotaMessages: Type.Optional(Count),
  forwardTo: Type.Optional(Type.Array(EmailAddress, { maxItems: 50 })),
  keepForwardedCopy: Type.Optional(Type.Boolean()),
}, { additionalProperties: false, minProperties: 1 });
export type AccountUpdate = Static<typeof AccountUpdate>;

export const PasswordSet = Type.Object({ password: Password }, { additionalProperties: false });

export const RoleGrant = Type.Object({
  role: Role,
  domains: Type.Optional(Type.Array(DomainName, { maxItems: 1000, description: 'For domain-admin: the domains it manages' })),
}, { additionalProperties: false });
export type RoleGrant = Static<typeof RoleGrant>;

export const AccountListQuery = listQuery(['address', 'displayName', 'createdAt', 'quotaBytes'] as const, {
  domain: Type.Optional(DomainName),
  enabled: Type.Optional(Type.Boolean()),
  role: Type.Optional(Role),
});
export const AccountPage = page(Account);

// ---- App passwords -------------------------------------------------------
export const AppPassword = Type.Object({
  id: Id,
  accountId: Id,
  name: Type.String(),
  createdAt: Timestamp,
  lastUsedAt: Type.Union([Timestamp, Type.Null()]),
  lastUsedIp: Type.Union([Type.String(), Type.Null()]),
}, { additionalProperties: false });
export type AppPassword = Static<typeof AppPassword>;
export const AppPasswordCreate = Type.Object({ name: Type.String({ minLength: 1, maxLength: 100 }) }, { additionalProperties: false });
/** Returned once, at creation: the only time the secret is shown. */
export const AppPasswordCreated = Type.Object({ appPassword: AppPassword, secret: Type.String() }, { additionalProperties: false });

// ---- Groups and distribution lists --------------------------------------
export const GroupKind = Type.Union([Type.Literal('security'), Type.Literal('distribution')], {
  description: 'security: grants rights (and may have an address); distribution: a mailing list only',
});
export const GroupMember = Type.Union([
  Type.Object({ kind: Type.Literal('account'), id: Id }, { additionalProperties: false }),
  Type.Object({ kind: Type.Literal('group'), id: Id }, { additionalProperties: false }),
  Type.Object({ kind: Type.Literal('external'), address: EmailAddress }, { additionalProperties: false }),
]);
export type GroupMember = Static<typeof GroupMember>;

export const Group = Type.Object({
  id: Id,
  domainId: Id,
  address: Type.String({ description: 'local@domain; every group has an address in its domain' }),
  name: Type.String(),
  kind: GroupKind,
  description: Type.String(),
  members: Type.Array(GroupMember),
  source: Source,
  createdAt: Timestamp,
  updatedAt: Timestamp,
}, { additionalProperties: false });
export type Group = Static<typeof Group>;

export const GroupCreate = Type.Object({
  address: EmailAddress,
  name: Type.Optional(Type.String({ maxLength: 256 })),
  kind: Type.Optional(GroupKind),
  description: Type.Optional(Type.String({ maxLength: 1000 })),
  members: Type.Optional(Type.Array(GroupMember, { maxItems: 10_000 })),
  allowMixedScript: AllowMixedScript,
}, { additionalProperties: false });
export type GroupCreate = Static<typeof GroupCreate>;
export const GroupUpdate = Type.Object({
  name: Type.Optional(Type.String({ maxLength: 256 })),
  kind: Type.Optional(GroupKind),
  description: Type.Optional(Type.String({ maxLength: 1000 })),
  members: Type.Optional(Type.Array(GroupMember, { maxItems: 10_000 })),
}, { additionalProperties: false, minProperties: 1 });
export type GroupUpdate = Static<typeof GroupUpdate>;
export const GroupListQuery = listQuery(['address', 'name', 'createdAt'] as const, { domain: Type.Optional(DomainName) });
export const GroupPage = page(Group);

// ---- Aliases and catch-all ----------------------------------------------
export const Alias = Type.Object({
  id: Id,
  domainId: Id,
  address: Type.String({ description: 'local@domain, or *@domain for the catch-all' }),
  targets: Type.Array(EmailAddress),
  description: Type.String(),
  source: Source,
  createdAt: Timestamp,
  updatedAt: Timestamp,
}, { additionalProperties: false });
export type Alias = Static<typeof Alias>;
export const AliasCreate = Type.Object({
  address: Type.String({ minLength: 3, maxLength: 320, pattern: '^[^\\s@]+@[^\\s@]+$', description: 'Use *@domain for a catch-all' }),
  targets: Type.Array(EmailAddress, { minItems: 1, maxItems: 1000 }),
  description: Type.Optional(Type.String({ maxLength: 1000 })),
  allowMixedScript: AllowMixedScript,
}, { additionalProperties: false });
export type AliasCreate = Static<typeof AliasCreate>;
export const AliasUpdate = Type.Object({
  targets: Type.Optional(Type.Array(EmailAddress, { minItems: 1, maxItems: 1000 })),
  description: Type.Optional(Type.String({ maxLength: 1000 })),
}, { additionalProperties: false, minProperties: 1 });
export type AliasUpdate = Static<typeof AliasUpdate>;
export const AliasListQuery = listQuery(['address', 'createdAt'] as const, { domain: Type.Optional(DomainName) });
export const AliasPage = page(Alias);

// ---- Resources (rooms, equipment) ---------------------------------------
export const ResourceKind = Type.Union([Type.Literal('room'), Type.Literal('equipment')]);
export const BookingPolicy = Type.Union([Type.Literal('auto-accept'), Type.Literal('manual'), Type.Literal('reject')]);
export const Resource = Type.Object({
  id: Id,
  domainId: Id,
  address: Type.String(),
  name: Type.String(),
  kind: ResourceKind,
  capacity: Type.Union([Type.Integer({ minimum: 0 }), Type.Null()]),
  location: Type.String(),
  bookingPolicy: BookingPolicy,
  managerIds: Type.Array(Id),
  enabled: Type.Boolean(),
  createdAt: Timestamp,
  updatedAt: Timestamp,
}, { additionalProperties: false });
export type Resource = Static<typeof Resource>;
export const ResourceCreate = Type.Object({
  address: EmailAddress,
  name: Type.String({ minLength: 1, maxLength: 256 }),
  kind: ResourceKind,
  capacity: Type.Optional(Type.Union([Type.Integer({ minimum: 0, maximum: 100_000 }), Type.Null()])),
  location: Type.Optional(Type.String({ maxLength: 256 })),
  bookingPolicy: Type.Optional(BookingPolicy),
  managerIds: Type.Optional(Type.Array(Id, { maxItems: 100 })),
  enabled: Type.Optional(Type.Boolean()),
  allowMixedScript: AllowMixedScript,
}, { additionalProperties: false });
export type ResourceCreate = Static<typeof ResourceCreate>;
export const ResourceUpdate = Type.Object({
  name: Type.Optional(Type.String({ minLength: 1, maxLength: 256 })),
  capacity: Type.Optional(Type.Union([Type.Integer({ minimum: 0, maximum: 100_000 }), Type.Null()])),
  location: Type.Optional(Type.String({ maxLength: 256 })),
  bookingPolicy: Type.Optional(BookingPolicy),
  managerIds: Type.Optional(Type.Array(Id, { maxItems: 100 })),
  enabled: Type.Optional(Type.Boolean()),
}, { additionalProperties: false, minProperties: 1 });
export type ResourceUpdate = Static<typeof ResourceUpdate>;
export const ResourceListQuery = listQuery(['address', 'name', 'createdAt'] as const, { domain: Type.Optional(DomainName) });
export const ResourcePage = page(Resource);

// ---- Audit log -----------------------------------------------------------
/**
 * Kinds of object the audit log records (the console's "which object" filter offers these).
 * server/src/audit/audit-log.ts types its entries with this list; the compiler fails when they differ.
 */
export const AUDIT_OBJECT_TYPES = [
  'domain', 'account', 'group', 'alias', 'resource', 'app-password', 'api-token', 'public-folder', 'public-folder-address',
  'shared-mailbox', 'mailbox-grant', 'queued-message', 'quarantined-message', 'spam-classifier', 'sieve-script', 'sieve-domain',
  'calendar', 'addressbook', 'files', 'dav-share', 'dav-delegation', 'directory-connection', 'migration-job',
] as const;
export type AuditObjectType = typeof AUDIT_OBJECT_TYPES[number];

export const AuditEntry = Type.Object({
  id: Id,
  at: Timestamp,
  actorId: Type.Union([Id, Type.Null()]),
  actor: Type.String({ description: 'Login of the actor, or "system" / "cli"' }),
  ip: Type.Union([Type.String(), Type.Null()]),
  action: Type.String({ description: 'create, update, delete, set-password, grant-role, …' }),
  objectType: Type.String(),
  objectId: Type.String(),
  domainId: Type.Union([Id, Type.Null()]),
  before: Type.Union([Type.Record(Type.String(), Type.Unknown()), Type.Null()]),
  after: Type.Union([Type.Record(Type.String(), Type.Unknown()), Type.Null()]),
}, { additionalProperties: false });
export type AuditEntry = Static<typeof AuditEntry>;
export const AuditListQuery = listQuery(['at'] as const, {
  domain: Type.Optional(DomainName),
  objectType: Type.Optional(Type.String({ maxLength: 50 })),
  objectId: Type.Optional(Type.String({ maxLength: 64 })),
  actor: Type.Optional(Type.String({ maxLength: 320 })),
  since: Type.Optional(Type.String({ format: 'date-time', description: 'Entries at or after this time (ISO 8601)' })),
  until: Type.Optional(Type.String({ format: 'date-time', description: 'Entries before this time (ISO 8601)' })),
});
export const AuditPage = page(AuditEntry);

// ---- Sessions and tokens -------------------------------------------------
export const LoginRequest = Type.Object({
  username: Type.String({ minLength: 1, maxLength: 320 }),
  password: Type.String({ minLength: 1, maxLength: 1024 }),
}, { additionalProperties: false });
export const ApiToken = Type.Object({
  id: Id,
  name: Type.String(),
  createdAt: Timestamp,
  expiresAt: Type.Union([Timestamp, Type.Null()]),
  lastUsedAt: Type.Union([Timestamp, Type.Null()]),
}, { additionalProperties: false });
export type ApiToken = Static<typeof ApiToken>;
export const ApiTokenCreate = Type.Object({
  name: Type.String({ minLength: 1, maxLength: 100 }),
  expiresInDays: Type.Optional(Type.Integer({ minimum: 1, maximum: 3650 })),
}, { additionalProperties: false });
