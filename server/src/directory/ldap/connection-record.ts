// Directory connections between the admin API's shape and the stored record:
// defaults, the effective mapping, the sealed bind password, the endpoint
// ldap-session.ts connects to, and the actor the sync of a connection acts as.
import type {
  DirectoryConnection, DirectoryConnectionCreate, DirectoryConnectionUpdate,
} from '../../../../shared/src/schemas/directory-sync.ts';
import { StoaError } from '../../errors/catalogue.ts';
import type { DirectoryConnectionRecord } from '../../store/directory-sync-port.ts';
import type { Actor } from '../api.ts';
import { checkTransport, type LdapEndpoint } from './ldap-session.ts';
import { mappingFor, PRESETS } from './mapping-presets.ts';
import type { SecretBox } from './secret-box.ts';

export const DEFAULT_SYNC = { enabled: true, intervalMinutes: 15, fullIntervalHours: 24, groups: true, groupAddressDomain: null };
export const DEFAULT_TLS = { caPem: null, serverName: null, startTls: false, allowPlaintext: false };

export function newRecord(id: string, at: string, input: DirectoryConnectionCreate, box: SecretBox): DirectoryConnectionRecord {
  const record: DirectoryConnectionRecord = {
    id,
    name: input.name,
    description: input.description ?? '',
    enabled: input.enabled ?? true,
    kind: input.kind,
    servers: [...input.servers],
    tls: { ...DEFAULT_TLS, ...input.tls },
    bindDn: input.bindDn,
    bindPasswordEnv: input.bindPasswordEnv ?? null,
    bindPasswordSealed: input.bindPassword !== undefined ? box.seal(input.bindPassword, id) : null,
    baseDn: input.baseDn,
    groupBaseDn: input.groupBaseDn ?? null,
    connectTimeoutMs: input.connectTimeoutMs ?? 5000,
    timeoutMs: input.timeoutMs ?? 30_000,
    domains: [...(input.domains ?? [])],
    mapping: mappingFor(input.kind, input.mapping),
    roleMappings: [...(input.roleMappings ?? [])],
    sync: { ...DEFAULT_SYNC, ...input.sync },
    authCacheSeconds: input.authCacheSeconds ?? 0,
    state: { lastSyncAt: null, lastFullSyncAt: null, lastStatus: null, lastError: null, highWater: null },
    createdAt: at,
    updatedAt: at,
  };
  validate(record);
  return record;
}

export function patchRecord(before: DirectoryConnectionRecord, patch: DirectoryConnectionUpdate, at: string, box: SecretBox): DirectoryConnectionRecord {
  const next: DirectoryConnectionRecord = { ...before, updatedAt: at };
  if (patch.description !== undefined) next.description = patch.description;
  if (patch.enabled !== undefined) next.enabled = patch.enabled;
  if (patch.servers !== undefined) next.servers = [...patch.servers];
  if (patch.tls !== undefined) next.tls = { ...before.tls, ...patch.tls };
  if (patch.bindDn !== undefined) next.bindDn = patch.bindDn;
  if (patch.bindPassword !== undefined) next.bindPasswordSealed = box.seal(patch.bindPassword, before.id);
  if (patch.bindPasswordEnv !== undefined) next.bindPasswordEnv = patch.bindPasswordEnv;
  if (patch.baseDn !== undefined) next.baseDn = patch.baseDn;
  if (patch.groupBaseDn !== undefined) next.groupBaseDn = patch.groupBaseDn;
  if (patch.connectTimeoutMs !== undefined) next.connectTimeoutMs = patch.connectTimeoutMs;
  if (patch.timeoutMs !== undefined) next.timeoutMs = patch.timeoutMs;
  if (patch.domains !== undefined) next.domains = [...patch.domains];
  if (patch.mapping !== undefined) next.mapping = { ...before.mapping, ...Object.fromEntries(Object.entries(patch.mapping).filter(([, v]) => v !== undefined)) };
  if (patch.roleMappings !== undefined) next.roleMappings = [...patch.roleMappings];
  if (patch.sync !== undefined) next.sync = { ...before.sync, ...patch.sync };
  if (patch.authCacheSeconds !== undefined) next.authCacheSeconds = patch.authCacheSeconds;
  // Where incremental sync resumes depends on what is searched: start over with a full read.
  if (patch.baseDn !== undefined || patch.mapping !== undefined || patch.servers !== undefined) next.state = { ...next.state, highWater: null };
  validate(next);
  return next;
}

function validate(record: DirectoryConnectionRecord): void {
  checkTransport(endpointOf(record));
  for (const [i, m] of record.roleMappings.entries()) {
    if (m.role === 'domain-admin' && !(m.domains?.length)) {
      throw new StoaError('STOA_VALIDATION', 'a domain-admin role mapping needs its domains', { errors: [{ path: `/roleMappings/${i}/domains`, message: 'required for domain-admin' }] });
    }
  }
  if (!(record.kind in PRESETS)) throw new StoaError('STOA_VALIDATION', `unknown directory kind "${record.kind}"`);
}

/** The public view: never the sealed secret, only whether there is one. */
export function toConnection(record: DirectoryConnectionRecord): DirectoryConnection {
  const { bindPasswordSealed, ...rest } = record;
  return { ...rest, bindPasswordSet: bindPasswordSealed !== null };
}

/** For the audit log: the sealed secret is replaced by a marker (it changes with every seal). */
export function auditView(record: DirectoryConnectionRecord | null): Record<string, unknown> | null {
  if (!record) return null;
  const { bindPasswordSealed, ...rest } = record;
  return { ...rest, bindPassword: bindPasswordSealed ? '[sealed]' : null };
}

export function endpointOf(record: DirectoryConnectionRecord): LdapEndpoint {
  return {
    servers: record.servers,
    caPem: record.tls.caPem,
    serverName: record.tls.serverName,
    startTls: record.tls.startTls,
    allowPlaintext: record.tls.allowPlaintext,
    connectTimeoutMs: record.connectTimeoutMs,
    timeoutMs: record.timeoutMs,
  };
}

/** The service account's password: the environment variable named on the connection, else the sealed one. */
export function bindPasswordOf(record: DirectoryConnectionRecord, box: SecretBox, env: NodeJS.ProcessEnv): string {
  if (record.bindPasswordEnv !== null) {
    const value = env[record.bindPasswordEnv];
    if (value === undefined || value === '') throw new StoaError('STOA_DIRECTORY_SECRET', `the environment variable ${record.bindPasswordEnv} is not set`);
    return value;
  }
  if (record.bindPasswordSealed === null) throw new StoaError('STOA_DIRECTORY_SECRET', 'no bind password is stored and no environment variable is named');
  return box.open(record.bindPasswordSealed, record.id);
}

/** The actor a connection's sync acts as: a server admin limited by the services to the objects of that connection. */
export function syncActor(record: Pick<DirectoryConnectionRecord, 'id' | 'name'>): Actor {
  return { id: null, login: `directory:${record.name}`, role: 'server-admin', adminDomainIds: [], ip: null, directorySync: record.id };
}
