// One sync of one connection, start to end: bind as the service account, read
// users (and groups and role memberships), refuse an empty answer when
// accounts are linked, apply the changes through the directory services (or
// only report them in a dry run), then record the run, its audit entry and
// the new high-water mark. A lease in the store keeps two processes (a server
// and a CLI, or two nodes) from syncing one connection at the same time.
import { randomBytes } from 'node:crypto';
import type { SyncRun } from '../../../../shared/src/schemas/directory-sync.ts';
import { writeAudit } from '../../audit/audit-log.ts';
import { isStoaError, StoaError } from '../../errors/catalogue.ts';
import type { DirectoryConnectionRecord } from '../../store/directory-sync-port.ts';
import type { Store } from '../../store/port.ts';
import type { Actor, Directory } from '../api.ts';
import { isoNow, newId } from '../ids.ts';
import { bindPasswordOf, endpointOf, syncActor } from './connection-record.ts';
import { type DirectoryGroup, laterChange } from './directory-entries.ts';
import { readGroups, readRoleMembers, readUsers, type RoleGrantSpec } from './directory-reader.ts';
import { BindRefused, LdapSession } from './ldap-session.ts';
import type { SecretBox } from './secret-box.ts';
import { DomainGate, syncAccounts, syncAliases, type SyncScope } from './sync-accounts.ts';
import { syncGroups, syncRoles } from './sync-groups.ts';
import { SyncReport } from './sync-report.ts';

/** Log lines of syncs and connection tests, for the admin (services.ts writes them with the server's logger). */
export interface SyncLog {
  /** Every recorded run, scheduled or on demand, dry runs included: why it failed, what it skipped. */
  ran(run: SyncRun, connection: string): void;
  /** A connection test that did not pass, with the step that failed. */
  testFailed(connection: string, step: string, detail: string): void;
}

export const SILENT_SYNC_LOG: SyncLog = { ran() {}, testFailed() {} };

export interface SyncDeps {
  store: Store;
  directory: Pick<Directory, 'accounts' | 'aliases' | 'groups'>;
  box: SecretBox;
  env: NodeJS.ProcessEnv;
  now(): number;
  historyRuns: number;
  log: SyncLog;
}

export interface SyncOptions {
  mode: 'full' | 'incremental';
  dryRun: boolean;
  trigger: 'schedule' | 'manual';
}

const LEASE_MS = 10 * 60_000;

/** Binds as the connection's service account; a refused bind says why (wrong DN or password, disabled …). */
export async function openServiceSession(record: DirectoryConnectionRecord, box: SecretBox, env: NodeJS.ProcessEnv): Promise<LdapSession> {
  const password = bindPasswordOf(record, box, env);
  try {
    return await LdapSession.open(endpointOf(record), record.bindDn, password);
  } catch (err) {
    if (err instanceof BindRefused) throw new StoaError('STOA_DIRECTORY_BIND', `${record.bindDn}: ${err.reason}`, { cause: err });
    throw err;
  }
}

export async function runSync(deps: SyncDeps, record: DirectoryConnectionRecord, actor: Actor, options: SyncOptions): Promise<SyncRun> {
  const { store } = deps;
  const owner = `sync-${randomBytes(8).toString('hex')}`;
  const lock = `directory-sync:${record.id}`;
  if (!(await store.locks.acquire(lock, owner, LEASE_MS))) throw new StoaError('STOA_SYNC_RUNNING', `directory "${record.name}"`);
  const renew = setInterval(() => { void store.locks.renew(lock, owner, LEASE_MS).catch(() => undefined); }, LEASE_MS / 3);
  renew.unref();
  try {
    return await syncLocked(deps, record, actor, options);
  } finally {
    clearInterval(renew);
    await store.locks.release(lock, owner).catch(() => undefined);
  }
}

async function syncLocked(deps: SyncDeps, record: DirectoryConnectionRecord, actor: Actor, options: SyncOptions): Promise<SyncRun> {
  const { store, directory } = deps;
  const startedAt = isoNow(deps.now());
  const full = options.mode === 'full' || record.state.highWater === null;
  const report = new SyncReport();
  let server: string | null = null;
  let usersRead = 0;
  let groupsRead = 0;
  let highWater = record.state.highWater;
  let failure: StoaError | null = null;
  let session: LdapSession | null = null;
  try {
    session = await openServiceSession(record, deps.box, deps.env);
    server = session.server;
    const scope = { baseDn: record.baseDn, groupBaseDn: record.groupBaseDn, mapping: record.mapping };
    // Everything is read before anything is written: a read that fails half-way changes nothing.
    const read = await readUsers(session, scope, full ? null : record.state.highWater);
    usersRead = read.users.length;
    let groups: DirectoryGroup[] = [];
    if (record.sync.groups) {
      groups = await readGroups(session, scope, full ? null : record.state.highWater);
      groupsRead = groups.length;
      if (record.mapping.changeKind === 'timestamp') for (const g of groups) read.highWater = laterChange(read.highWater, g.change, 'timestamp');
    }
    let grants: Map<string, RoleGrantSpec> = new Map();
    if (record.roleMappings.length > 0) grants = await readRoleMembers(session, scope, record.roleMappings);
    await session.close();
    session = null;

    if (full && read.users.length === 0) {
      const linked = (await store.accounts.listLinked(record.id)).length;
      if (linked > 0) throw new StoaError('STOA_DIRECTORY_EMPTY', `${linked} accounts are linked to "${record.name}" but ${record.baseDn} returned no users for ${record.mapping.userFilter}`);
    }
    const sync: SyncScope = {
      record, actor: syncActor(record), store, accounts: directory.accounts, aliases: directory.aliases, report,
      dryRun: options.dryRun, full, at: startedAt,
    };
    const gate = new DomainGate(sync);
    const linkedAccounts = await syncAccounts(sync, read.users, gate);
    await syncAliases(sync, read.users, linkedAccounts, gate);
    if (record.sync.groups) await syncGroups({ ...sync, groups: directory.groups }, groups, read.users, linkedAccounts, gate);
    await syncRoles(sync, grants, linkedAccounts);
    highWater = read.highWater;
  } catch (err) {
    failure = isStoaError(err) ? err : new StoaError('STOA_DIRECTORY_ERROR', String((err as Error)?.message ?? err), { cause: err });
  } finally {
    await session?.close();
  }

  const finishedAt = isoNow(deps.now());
  const status: SyncRun['status'] = failure ? 'failed' : report.counts.error > 0 ? 'partial' : 'ok';
  const run: SyncRun = {
    id: newId(), connectionId: record.id, mode: full ? 'full' : 'incremental', dryRun: options.dryRun, trigger: options.trigger,
    actor: actor.login, startedAt, finishedAt, status,
    error: failure ? `${failure.code}: ${failure.detail ?? failure.message}` : null,
    server, users: usersRead, groups: groupsRead, counts: report.counts, changes: report.changes,
  };
  await store.atomic(async (tx) => {
    await tx.syncRuns.append(run);
    if (!options.dryRun) {
      await tx.directoryConnections.update(record.id, {
        state: {
          lastSyncAt: finishedAt,
          lastFullSyncAt: full && !failure ? finishedAt : record.state.lastFullSyncAt,
          lastStatus: status,
          lastError: run.error,
          // A failed run leaves the mark where it was, so the next run reads those changes again.
          highWater: failure ? record.state.highWater : highWater,
        },
      });
    }
    await writeAudit(tx, actor, finishedAt, {
      action: 'sync', objectType: 'directory-connection', objectId: record.id, domainId: null, before: null,
      after: { mode: run.mode, dryRun: run.dryRun, status, error: run.error, users: usersRead, groups: groupsRead, counts: run.counts },
    });
  });
  await store.syncRuns.prune(record.id, deps.historyRuns).catch(() => undefined);
  deps.log.ran(run, record.name);
  return run;
}
