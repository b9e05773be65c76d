// External directories (Active Directory, OpenLDAP, FreeIPA) as the admin
// API and the console see them: connections, attribute mappings, the
// connection test, sync runs and their reports (/api/v1/directory/...).
import Type, { type Static } from 'typebox';
import { DomainName, Id, Timestamp, page } from './common.ts';

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);

export const DirectoryKind = Type.Union([Type.Literal('active-directory'), Type.Literal('openldap'), Type.Literal('freeipa')], {
  description: 'Preset for the attribute mapping; every mapping field can still be overridden',
});
export type DirectoryKind = Static<typeof DirectoryKind>;

/** ldap:// or ldaps:// URL, host and port only (RFC 4516 without DN or filter). */
export const LdapUrl = Type.String({ minLength: 8, maxLength: 300, pattern: '^ldaps?://[^/?#\\s]+/?$', description: 'ldap://host[:port] or ldaps://host[:port]' });
const Dn = Type.String({ minLength: 1, maxLength: 1024, description: 'Distinguished name (RFC 4514)' });
const Filter = Type.String({ minLength: 3, maxLength: 2000, pattern: '^\\(.*\\)$', description: 'LDAP filter (RFC 4515)' });
const Attr = Type.String({ minLength: 1, maxLength: 100, pattern: '^[A-Za-z][A-Za-z0-9-]*(;[A-Za-z0-9-]+)*$|^[0-9]+(\\.[0-9]+)+$' });

/** Where each piece of a Stoa account or group comes from in the directory. */
export const DirectoryMapping = Type.Object({
  userFilter: Filter,
  groupFilter: Filter,
  /** Stable identity that survives renames and moves: objectGUID (AD), entryUUID (OpenLDAP), ipaUniqueID (FreeIPA). */
  idAttribute: Attr,
  idBinary: Type.Boolean({ description: 'The id attribute is binary (objectGUID); shown as a GUID' }),
  loginAttributes: Type.Array(Attr, { minItems: 1, maxItems: 5, description: 'Other names a user may log in with besides the mail address' }),
  mailAttribute: Attr,
  aliasAttributes: Type.Array(Attr, { maxItems: 5, description: 'proxyAddresses (smtp:/SMTP: prefixes) or plain addresses (mailAlternateAddress)' }),
  displayNameAttribute: Attr,
  disabledFilter: Nullable(Filter),
  groupNameAttribute: Attr,
  groupMailAttribute: Attr,
  memberAttribute: Attr,
  memberIsDn: Type.Boolean({ description: 'false for posixGroup memberUid, which holds login names' }),
  nestedGroups: Type.Union([Type.Literal('in-chain'), Type.Literal('walk')], { description: 'in-chain: LDAP_MATCHING_RULE_IN_CHAIN (AD); walk: follow member attributes' }),
  changeAttribute: Nullable(Attr),
  changeKind: Type.Union([Type.Literal('usn'), Type.Literal('timestamp')]),
  pageSize: Type.Integer({ minimum: 10, maximum: 5000 }),
}, { additionalProperties: false });
export type DirectoryMapping = Static<typeof DirectoryMapping>;
export const DirectoryMappingPatch = Type.Partial(DirectoryMapping, { additionalProperties: false });
export type DirectoryMappingPatch = Static<typeof DirectoryMappingPatch>;

export const RoleMapping = Type.Object({
  group: Dn,
  role: Type.Union([Type.Literal('server-admin'), Type.Literal('domain-admin')]),
  domains: Type.Optional(Type.Array(DomainName, { maxItems: 1000, description: 'For domain-admin: the domains its members manage' })),
}, { additionalProperties: false });
export type RoleMapping = Static<typeof RoleMapping>;

export const DirectoryTls = Type.Object({
  caPem: Nullable(Type.String({ minLength: 1, maxLength: 65536, description: 'Pinned CA certificate(s), PEM; null trusts the system roots' })),
  serverName: Nullable(Type.String({ minLength: 1, maxLength: 253, description: 'Name expected in the server certificate when the URLs use addresses' })),
  startTls: Type.Boolean({ description: 'StartTLS (RFC 4511 §4.14) on ldap:// URLs' }),
  allowPlaintext: Type.Boolean({ description: 'Allow ldap:// without StartTLS (passwords in clear text): only for a directory on this host' }),
}, { additionalProperties: false });
export type DirectoryTls = Static<typeof DirectoryTls>;

export const DirectorySyncSettings = Type.Object({
  enabled: Type.Boolean({ description: 'Scheduled sync on' }),
  intervalMinutes: Type.Integer({ minimum: 1, maximum: 10_080, description: 'Incremental sync every N minutes' }),
  fullIntervalHours: Type.Integer({ minimum: 1, maximum: 720, description: 'Full sync (finds removed entries) every N hours' }),
  groups: Type.Boolean({ description: 'Import groups and their membership' }),
  groupAddressDomain: Nullable(DomainName),
}, { additionalProperties: false });
export type DirectorySyncSettings = Static<typeof DirectorySyncSettings>;

export const DirectoryState = Type.Object({
  lastSyncAt: Nullable(Timestamp),
  lastFullSyncAt: Nullable(Timestamp),
  lastStatus: Nullable(Type.Union([Type.Literal('ok'), Type.Literal('partial'), Type.Literal('failed')])),
  lastError: Nullable(Type.String()),
  highWater: Nullable(Type.String({ description: 'Incremental sync starts after this uSNChanged / modifyTimestamp' })),
}, { additionalProperties: false });
export type DirectoryState = Static<typeof DirectoryState>;

export const DirectoryConnection = Type.Object({
  id: Id,
  name: Type.String(),
  description: Type.String(),
  enabled: Type.Boolean(),
  kind: DirectoryKind,
  servers: Type.Array(LdapUrl, { description: 'Tried in order; the next one when a server cannot be reached' }),
  tls: DirectoryTls,
  bindDn: Type.String(),
  bindPasswordEnv: Nullable(Type.String()),
  bindPasswordSet: Type.Boolean({ description: 'A bind password is stored (encrypted); it is never shown' }),
  baseDn: Type.String(),
  groupBaseDn: Nullable(Type.String()),
  connectTimeoutMs: Type.Integer(),
  timeoutMs: Type.Integer(),
  domains: Type.Array(Type.String(), { description: 'Domains whose accounts this directory owns; empty = every domain served here' }),
  mapping: DirectoryMapping,
  roleMappings: Type.Array(RoleMapping),
  sync: DirectorySyncSettings,
  authCacheSeconds: Type.Integer({ description: '0 = off: with the directory unreachable, logins verified within this many seconds still pass' }),
  state: DirectoryState,
  createdAt: Timestamp,
  updatedAt: Timestamp,
}, { additionalProperties: false });
export type DirectoryConnection = Static<typeof DirectoryConnection>;

const ConnectionFields = {
  description: Type.Optional(Type.String({ maxLength: 1000 })),
  enabled: Type.Optional(Type.Boolean()),
  servers: Type.Array(LdapUrl, { minItems: 1, maxItems: 10 }),
  tls: Type.Optional(Type.Partial(DirectoryTls, { additionalProperties: false })),
  bindDn: Dn,
  bindPassword: Type.Optional(Type.String({ minLength: 1, maxLength: 1024, description: 'Stored encrypted; write-only' })),
  bindPasswordEnv: Type.Optional(Nullable(Type.String({ minLength: 1, maxLength: 100, pattern: '^[A-Z_][A-Z0-9_]*$', description: 'Environment variable holding the bind password' }))),
  baseDn: Dn,
  groupBaseDn: Type.Optional(Nullable(Dn)),
  connectTimeoutMs: Type.Optional(Type.Integer({ minimum: 100, maximum: 120_000 })),
  timeoutMs: Type.Optional(Type.Integer({ minimum: 100, maximum: 600_000 })),
  domains: Type.Optional(Type.Array(DomainName, { maxItems: 1000 })),
  mapping: Type.Optional(DirectoryMappingPatch),
  roleMappings: Type.Optional(Type.Array(RoleMapping, { maxItems: 100 })),
  sync: Type.Optional(Type.Partial(DirectorySyncSettings, { additionalProperties: false })),
  authCacheSeconds: Type.Optional(Type.Integer({ minimum: 0, maximum: 86_400 })),
};

export const DirectoryConnectionCreate = Type.Object({
  name: Type.String({ minLength: 1, maxLength: 64, pattern: '^[a-z0-9][a-z0-9-]*$', description: 'Short name, used in logs and the audit log as "directory:NAME"' }),
  kind: DirectoryKind,
  ...ConnectionFields,
}, { additionalProperties: false });
export type DirectoryConnectionCreate = Static<typeof DirectoryConnectionCreate>;

export const DirectoryConnectionUpdate = Type.Partial(Type.Object(ConnectionFields), { additionalProperties: false, minProperties: 1 });
export type DirectoryConnectionUpdate = Static<typeof DirectoryConnectionUpdate>;
export const DirectoryConnectionList = Type.Object({ items: Type.Array(DirectoryConnection) }, { additionalProperties: false });

export const DirectorySample = Type.Object({
  dn: Type.String(),
  id: Type.String(),
  mail: Nullable(Type.String()),
  displayName: Type.String(),
  disabled: Type.Boolean(),
}, { additionalProperties: false });

/** "bind ok, found N users, sample entries". */
export const DirectoryTestResult = Type.Object({
  ok: Type.Boolean(),
  server: Nullable(Type.String({ description: 'The URL that answered' })),
  steps: Type.Array(Type.Object({ step: Type.String(), ok: Type.Boolean(), detail: Type.String() }, { additionalProperties: false })),
  users: Nullable(Type.Integer({ minimum: 0 })),
  groups: Nullable(Type.Integer({ minimum: 0 })),
  samples: Type.Array(DirectorySample),
}, { additionalProperties: false });
export type DirectoryTestResult = Static<typeof DirectoryTestResult>;

export const SyncChangeKind = Type.Union([
  Type.Literal('create'), Type.Literal('change'), Type.Literal('disable'), Type.Literal('enable'),
  Type.Literal('missing'), Type.Literal('return'), Type.Literal('skip'), Type.Literal('error'),
]);
export const SyncChange = Type.Object({
  kind: SyncChangeKind,
  object: Type.Union([Type.Literal('account'), Type.Literal('alias'), Type.Literal('group')]),
  address: Type.String(),
  dn: Type.String(),
  detail: Type.String({ description: 'What changes (fields) or why it was skipped' }),
}, { additionalProperties: false });
export type SyncChange = Static<typeof SyncChange>;

export const SyncCounts = Type.Object({
  create: Type.Integer(), change: Type.Integer(), disable: Type.Integer(), enable: Type.Integer(),
  missing: Type.Integer(), return: Type.Integer(), skip: Type.Integer(), error: Type.Integer(),
}, { additionalProperties: false });
export type SyncCounts = Static<typeof SyncCounts>;

export const SyncRun = Type.Object({
  id: Id,
  connectionId: Id,
  mode: Type.Union([Type.Literal('full'), Type.Literal('incremental')]),
  dryRun: Type.Boolean(),
  trigger: Type.Union([Type.Literal('schedule'), Type.Literal('manual')]),
  actor: Type.String(),
  startedAt: Timestamp,
  finishedAt: Timestamp,
  status: Type.Union([Type.Literal('ok'), Type.Literal('partial'), Type.Literal('failed')]),
  error: Nullable(Type.String()),
  server: Nullable(Type.String()),
  users: Type.Integer({ description: 'Entries read from the directory' }),
  groups: Type.Integer(),
  counts: SyncCounts,
  /** The first changes (at most 1000); counts has the totals. */
  changes: Type.Array(SyncChange),
}, { additionalProperties: false });
export type SyncRun = Static<typeof SyncRun>;
export const SyncRunPage = page(SyncRun);

export const SyncRequest = Type.Object({
  mode: Type.Optional(Type.Union([Type.Literal('full'), Type.Literal('incremental')])),
  dryRun: Type.Optional(Type.Boolean()),
}, { additionalProperties: false });
export type SyncRequest = Static<typeof SyncRequest>;

export const SyncRunQuery = Type.Object({
  offset: Type.Optional(Type.Integer({ minimum: 0, maximum: 10_000_000, default: 0 })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 20 })),
}, { additionalProperties: false });

/** What an admin decides for an account the directory no longer has. */
export const MissingDecision = Type.Object({
  action: Type.Union([Type.Literal('detach'), Type.Literal('delete')], {
    description: 'detach: keep it as a local account (set a password next); delete: remove the account and its mail',
  }),
}, { additionalProperties: false });
export type MissingDecision = Static<typeof MissingDecision>;
