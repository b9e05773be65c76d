// External directory connections for server admins: create, change, delete,
// test ("bind ok, found N users, sample entries"), sync on demand (or as a
// dry run) and the history of runs; plus the admin's decision about an
// account its directory no longer returns (detach it as a local account, or
// delete it). Every change is audited; the bind password never leaves.
import type {
  DirectoryConnection, DirectoryConnectionCreate, DirectoryConnectionUpdate, DirectoryTestResult, SyncRun,
} from '../../../../shared/src/schemas/directory-sync.ts';
import { writeAudit } from '../../audit/audit-log.ts';
import { isStoaError, StoaError } from '../../errors/catalogue.ts';
import type { DirectoryConnectionRecord } from '../../store/directory-sync-port.ts';
import type { Page, Store } from '../../store/port.ts';
import { notFound, requireServerAdmin } from '../access.ts';
import type { Actor, Directory } from '../api.ts';
import { isoNow, newId } from '../ids.ts';
import { looksLikeId } from '../lookup.ts';
import { auditView, newRecord, patchRecord, toConnection } from './connection-record.ts';
import { userFromEntry } from './directory-entries.ts';
import { userAttributes } from './directory-reader.ts';
import type { SecretBox } from './secret-box.ts';
import { openServiceSession, runSync, type SyncLog, type SyncOptions } from './sync-run.ts';
import { andFilter } from './ldap-filter.ts';

export interface DirectorySyncService {
  list(actor: Actor): Promise<DirectoryConnection[]>;
  get(actor: Actor, idOrName: string): Promise<DirectoryConnection>;
  create(actor: Actor, input: DirectoryConnectionCreate): Promise<DirectoryConnection>;
  update(actor: Actor, idOrName: string, patch: DirectoryConnectionUpdate): Promise<DirectoryConnection>;
  /** STOA_CONFLICT while accounts, groups or aliases are linked to it. */
  delete(actor: Actor, idOrName: string): Promise<void>;
  test(actor: Actor, idOrName: string): Promise<DirectoryTestResult>;
  sync(actor: Actor, idOrName: string, options?: Partial<SyncOptions>): Promise<SyncRun>;
  runs(actor: Actor, idOrName: string, offset: number, limit: number): Promise<Page<SyncRun>>;
  /** For a directory account or group (typically one marked missing): keep it as a local one, or delete it (with its directory aliases). */
  resolve(actor: Actor, idOrAddress: string, action: 'detach' | 'delete'): Promise<void>;
  /** Connections whose scheduled sync is due, and in which mode (the scheduler asks, as the system). */
  due(actor: Actor, now: number): Promise<{ record: DirectoryConnectionRecord; mode: 'full' | 'incremental' }[]>;
}

export interface ConnectionServiceDeps {
  store: Store;
  directory: Pick<Directory, 'accounts' | 'aliases' | 'groups'>;
  box: SecretBox;
  env: NodeJS.ProcessEnv;
  now(): number;
  historyRuns: number;
  log: SyncLog;
}

const SAMPLE_SIZE = 5;

export function createDirectorySyncService(deps: ConnectionServiceDeps): DirectorySyncService {
  const { store, box } = deps;

  async function load(actor: Actor, idOrName: string): Promise<DirectoryConnectionRecord> {
    requireServerAdmin(actor, 'manage directory connections');
    const record = (looksLikeId(idOrName) ? await store.directoryConnections.get(idOrName) : null) ?? await store.directoryConnections.getByName(idOrName);
    if (!record) throw notFound('directory connection', idOrName);
    return record;
  }

  return {
    async list(actor) {
      requireServerAdmin(actor, 'manage directory connections');
      return (await store.directoryConnections.list()).map(toConnection);
    },

    async get(actor, idOrName) {
      return toConnection(await load(actor, idOrName));
    },

    async create(actor, input) {
      requireServerAdmin(actor, 'manage directory connections');
      const at = isoNow(deps.now());
      const record = newRecord(newId(), at, input, box);
      await store.atomic(async (tx) => {
        await tx.directoryConnections.create(record);
        await writeAudit(tx, actor, at, { action: 'create', objectType: 'directory-connection', objectId: record.id, domainId: null, before: null, after: auditView(record) });
      });
      return toConnection(record);
    },

    async update(actor, idOrName, patch) {
      const before = await load(actor, idOrName);
      const at = isoNow(deps.now());
      const next = patchRecord(before, patch, at, box);
      const { id: _id, name: _name, createdAt: _c, ...fields } = next;
      const after = await store.atomic(async (tx) => {
        const updated = await tx.directoryConnections.update(before.id, fields);
        await writeAudit(tx, actor, at, { action: 'update', objectType: 'directory-connection', objectId: before.id, domainId: null, before: auditView(before), after: auditView(updated) });
        return updated;
      });
      return toConnection(after);
    },

    async delete(actor, idOrName) {
      const record = await load(actor, idOrName);
      const linked = (await store.accounts.listLinked(record.id)).length + (await store.groups.listLinked(record.id)).length + (await store.aliases.listLinked(record.id)).length;
      if (linked > 0) throw new StoaError('STOA_CONFLICT', `${linked} accounts, groups or aliases are linked to "${record.name}"; detach or delete them first`);
      await store.atomic(async (tx) => {
        await tx.directoryConnections.delete(record.id);
        await writeAudit(tx, actor, isoNow(deps.now()), { action: 'delete', objectType: 'directory-connection', objectId: record.id, domainId: null, before: auditView(record), after: null });
      });
    },

    async test(actor, idOrName) {
      const record = await load(actor, idOrName);
      const result: DirectoryTestResult = { ok: false, server: null, steps: [], users: null, groups: null, samples: [] };
      const step = (name: string, ok: boolean, detail: string) => result.steps.push({ step: name, ok, detail });
      let session;
      try {
        session = await openServiceSession(record, box, deps.env);
      } catch (err) {
        step('bind', false, isStoaError(err) ? `${err.code}: ${err.detail ?? err.message}` : String(err));
        deps.log.testFailed(record.name, 'bind', result.steps[0].detail);
        return result;
      }
      result.server = session.server;
      step('bind', true, `bound to ${session.server} as ${record.bindDn}`);
      try {
        const { mapping } = record;
        let users = 0;
        for await (const page of session.pages({ base: record.baseDn, filter: mapping.userFilter, attributes: userAttributes(mapping), binary: mapping.idBinary ? [mapping.idAttribute] : [], pageSize: mapping.pageSize })) {
          users += page.length;
          for (const entry of page) {
            if (result.samples.length >= SAMPLE_SIZE) break;
            const user = userFromEntry(entry, mapping, false);
            if (user) result.samples.push({ dn: user.dn, id: user.externalId, mail: user.mail, displayName: user.displayName, disabled: false });
          }
        }
        result.users = users;
        if (mapping.disabledFilter) {
          const disabled = new Set((await session.search({ base: record.baseDn, filter: andFilter(mapping.userFilter, mapping.disabledFilter), attributes: ['1.1'], pageSize: mapping.pageSize })).map((e) => e.dn));
          for (const sample of result.samples) sample.disabled = disabled.has(sample.dn);
        }
        step('users', users > 0, `found ${users} users under ${record.baseDn}`);
        if (record.sync.groups) {
          const groups = await session.search({ base: record.groupBaseDn ?? record.baseDn, filter: mapping.groupFilter, attributes: ['1.1'], pageSize: mapping.pageSize });
          result.groups = groups.length;
          step('groups', true, `found ${groups.length} groups`);
        }
        result.ok = users > 0;
      } catch (err) {
        step('search', false, isStoaError(err) ? `${err.code}: ${err.detail ?? err.message}` : String(err));
      } finally {
        await session.close();
      }
      const failed = result.steps.find((s) => !s.ok);
      if (failed) deps.log.testFailed(record.name, failed.step, failed.detail);
      return result;
    },

    async sync(actor, idOrName, options = {}) {
      const record = await load(actor, idOrName);
      return runSync(deps, record, actor, { mode: options.mode ?? 'full', dryRun: options.dryRun ?? false, trigger: options.trigger ?? 'manual' });
    },

    async runs(actor, idOrName, offset, limit) {
      const record = await load(actor, idOrName);
      return store.syncRuns.list(record.id, offset, limit);
    },

    async resolve(actor, idOrAddress, action) {
      requireServerAdmin(actor, 'decide about directory objects');
      const { accounts, aliases, groups } = deps.directory;
      let account;
      try {
        account = await accounts.get(actor, idOrAddress);
      } catch (err) {
        if (!isStoaError(err, 'STOA_NOT_FOUND')) throw err;
        // Not an account: a directory group (marked missing, or to be kept locally).
        const group = await groups.get(actor, idOrAddress);
        if (group.source === null) throw new StoaError('STOA_VALIDATION', `${group.address} is a local group`);
        await groups.update(actor, group.id, {}, { source: null });
        if (action === 'delete') await groups.delete(actor, group.id);
        return;
      }
      if (account.source === null) throw new StoaError('STOA_VALIDATION', `${account.address} is a local account`);
      // Its directory aliases follow the decision; left linked they could be neither synced nor removed.
      for (const alias of await store.aliases.listLinked(account.source.connectionId)) {
        if (alias.source?.externalId !== account.source.externalId) continue;
        await aliases.update(actor, alias.id, { description: alias.description }, { source: null });
        if (action === 'delete') await aliases.delete(actor, alias.id);
      }
      if (action === 'delete') await accounts.delete(actor, account.id);
      else await accounts.update(actor, account.id, {}, { source: null });
    },

    async due(actor, now) {
      requireServerAdmin(actor, 'see which directory syncs are due');
      const out: { record: DirectoryConnectionRecord; mode: 'full' | 'incremental' }[] = [];
      for (const record of await store.directoryConnections.list()) {
        if (!record.enabled || !record.sync.enabled) continue;
        const last = record.state.lastSyncAt ? Date.parse(record.state.lastSyncAt) : 0;
        const lastFull = record.state.lastFullSyncAt ? Date.parse(record.state.lastFullSyncAt) : 0;
        // Never more often than the interval, failed runs included: a directory that is down is not hammered.
        if (now - last < record.sync.intervalMinutes * 60_000) continue;
        out.push({ record, mode: record.state.highWater === null || now - lastFull >= record.sync.fullIntervalHours * 3_600_000 ? 'full' : 'incremental' });
      }
      return out;
    },
  };
}
