// Directory sync storage contract: the source link of accounts, groups and
// aliases (listLinked, getBySource), LDAP/AD connections and sync runs.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { DirectorySource } from '../../../../shared/src/schemas/directory.ts';
import type { SyncRun } from '../../../../shared/src/schemas/directory-sync.ts';
import { isStoaError } from '../../errors/catalogue.ts';
import type { DirectoryConnectionRecord } from '../directory-sync-port.ts';
import { accountFixture, aliasFixture, at, domainFixture, groupFixture, newId, useHarness, type StoreFactory } from './harness.ts';

const source = (connectionId: string, externalId: string): DirectorySource => ({
  connectionId, externalId, dn: `uid=${externalId},dc=example`, syncedAt: at(1), missingSince: null, managesRole: false,
});

function connection(name: string): DirectoryConnectionRecord {
  return {
    id: newId(), name, description: '', enabled: true, kind: 'openldap', servers: ['ldaps://ldap.example'],
    tls: { caPem: null, serverName: null, startTls: false, allowPlaintext: false }, bindDn: 'cn=svc,dc=example', bindPasswordEnv: null,
    bindPasswordSealed: 'v1:abc', baseDn: 'dc=example', groupBaseDn: null, connectTimeoutMs: 5000, timeoutMs: 30000, domains: [],
    mapping: {
      userFilter: '(objectClass=inetOrgPerson)', groupFilter: '(objectClass=groupOfNames)', idAttribute: 'entryUUID', idBinary: false, loginAttributes: ['uid'],
      mailAttribute: 'mail', aliasAttributes: [], displayNameAttribute: 'cn', disabledFilter: null, groupNameAttribute: 'cn', groupMailAttribute: 'mail',
      memberAttribute: 'member', memberIsDn: true, nestedGroups: 'walk', changeAttribute: 'modifyTimestamp', changeKind: 'timestamp', pageSize: 500,
    },
    roleMappings: [], sync: { enabled: true, intervalMinutes: 15, fullIntervalHours: 24, groups: true, groupAddressDomain: null },
    authCacheSeconds: 0, state: { lastSyncAt: null, lastFullSyncAt: null, lastStatus: null, lastError: null, highWater: null },
    createdAt: at(0), updatedAt: at(0),
  };
}

function run(connectionId: string, minute: number): SyncRun {
  return {
    id: newId(), connectionId, mode: 'full', dryRun: false, trigger: 'manual', actor: 'cli', startedAt: at(minute), finishedAt: at(minute),
    status: 'ok', error: null, server: 'ldaps://ldap.example', users: 1, groups: 0,
    counts: { create: 1, change: 0, disable: 0, enable: 0, missing: 0, return: 0, skip: 0, error: 0 }, changes: [],
  };
}

export function directorySyncContract(factory: StoreFactory): void {
  describe('directory sync', () => {
    const h = useHarness(factory, { before, after });

    it('keeps the directory source of accounts, groups and aliases and finds them by connection and directory id', async () => {
      const { store } = h();
      const d = domainFixture('linked.example');
      await store.domains.create(d);
      const linked = accountFixture(d, 'linked', { source: source('c1', 'uuid-1') });
      const other = accountFixture(d, 'other', { source: source('c2', 'uuid-1') });
      const local = accountFixture(d, 'local');
      for (const a of [linked, other, local]) await store.accounts.create(a);
      assert.deepEqual((await store.accounts.listLinked('c1')).map((a) => a.id), [linked.id]);
      assert.deepEqual(await store.accounts.getBySource('c1', 'uuid-1'), linked);
      assert.equal(await store.accounts.getBySource('c1', 'uuid-2'), null);
      assert.equal((await store.accounts.get(local.id))?.source, null);
      const moved = await store.accounts.update(linked.id, { source: { ...linked.source!, dn: 'uid=moved,dc=example', missingSince: at(9) } });
      assert.equal(moved.source?.missingSince, at(9));
      await store.accounts.update(linked.id, { source: null });
      assert.deepEqual(await store.accounts.listLinked('c1'), []);

      const g = groupFixture(d, 'team', { source: source('c1', 'g-1') });
      await store.groups.create(g);
      await store.groups.create(groupFixture(d, 'localteam'));
      assert.deepEqual((await store.groups.listLinked('c1')).map((x) => x.id), [g.id]);
      const alias = aliasFixture(d, 'nick', { source: source('c1', 'uuid-1') });
      await store.aliases.create(alias);
      assert.deepEqual((await store.aliases.listLinked('c1')).map((x) => x.id), [alias.id]);
      assert.equal((await store.aliases.update(alias.id, { source: null })).source, null);
    });

    it('stores connections with a unique name and updates them by id', async () => {
      const { store } = h();
      const c = connection('corp');
      await store.directoryConnections.create(c);
      assert.deepEqual(await store.directoryConnections.get(c.id), c);
      assert.deepEqual(await store.directoryConnections.getByName('corp'), c);
      await assert.rejects(store.directoryConnections.create({ ...connection('corp') }), (e) => isStoaError(e, 'STOA_CONFLICT'));
      const updated = await store.directoryConnections.update(c.id, { enabled: false, state: { ...c.state, highWater: '42' } });
      assert.equal(updated.enabled, false);
      assert.equal(updated.state.highWater, '42');
      assert.equal(updated.name, 'corp');
      assert.ok((await store.directoryConnections.list()).some((x) => x.id === c.id));
      await assert.rejects(store.directoryConnections.update('missing', { enabled: true }), (e) => isStoaError(e, 'STOA_NOT_FOUND'));
    });

    it('keeps sync runs newest first, pruned by count, and drops them with their connection', async () => {
      const { store } = h();
      const c = connection('runs');
      await store.directoryConnections.create(c);
      for (let m = 1; m <= 5; m++) await store.syncRuns.append(run(c.id, m));
      const page = await store.syncRuns.list(c.id, 0, 2);
      assert.equal(page.total, 5);
      assert.deepEqual(page.items.map((r) => r.startedAt), [at(5), at(4)]);
      assert.equal(await store.syncRuns.prune(c.id, 3), 2);
      assert.deepEqual((await store.syncRuns.list(c.id, 0, 10)).items.map((r) => r.startedAt), [at(5), at(4), at(3)]);
      await store.directoryConnections.delete(c.id);
      assert.equal((await store.syncRuns.list(c.id, 0, 10)).total, 0);
      await assert.rejects(store.directoryConnections.delete(c.id), (e) => isStoaError(e, 'STOA_NOT_FOUND'));
    });
  });
}
