// The directory sync service (LDAP/AD connections, tests, syncs, history,
// the admin's decision about directory accounts) is for server admins only:
// every method, called directly with a plain user or a domain admin, is
// refused, as principals.test.ts does for the mail, queue and intake
// services; the table is checked against the service's methods at run time.
// Then the objects a directory owns: their managed fields refuse everyone
// but the sync of the owning connection, server admins included.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { defaultConfig } from '../../server/src/config/schema.ts';
import { actorFor, systemActor } from '../../server/src/directory/access.ts';
import type { Actor } from '../../server/src/directory/api.ts';
import { syncActor } from '../../server/src/directory/ldap/connection-record.ts';
import { isStoaError, type ErrorCode } from '../../server/src/errors/catalogue.ts';
import { createLogger } from '../../server/src/log/logger.ts';
import { createServices, type Services } from '../../server/src/services.ts';
import { openStore } from '../../server/src/store/open-store.ts';
import type { Store } from '../../server/src/store/port.ts';
import type { DirectoryConnection } from '../../shared/src/schemas/directory-sync.ts';
import type { Account, Alias, DirectorySource, Group } from '../../shared/src/schemas/directory.ts';
import { closedPort } from '../support/directory-outage.ts';

const SYSTEM = systemActor();
const PASSWORD = 'correct horse battery staple';

async function refusedWith(codes: readonly ErrorCode[], call: Promise<unknown>, label: string): Promise<void> {
  await assert.rejects(call, (err: unknown) => {
    assert.ok(codes.some((c) => isStoaError(err, c)), `${label}: ${String(err)}`);
    return true;
  }, `${label} was not refused`);
}
const refused = (call: Promise<unknown>, label: string) => refusedWith(['STOA_FORBIDDEN', 'STOA_NOT_FOUND'], call, label);

describe('the directory sync service and directory-owned objects refuse the wrong principal', () => {
  let dir: string;
  let store: Store;
  let s: Services;
  let user: Actor;
  /** Domain admin of b.example; the directory objects live in a.example. */
  let otherAdmin: Actor;
  /** Domain admin of a.example itself: still no server admin. */
  let ownAdmin: Actor;
  let serverAdmin: Actor;
  let corp: DirectoryConnection;
  let other: DirectoryConnection;
  let linked: Account;
  let roleLinked: Account;
  let alias: Alias;
  let group: Group;

  const sourceOf = (connection: DirectoryConnection, local: string, managesRole = false): DirectorySource => ({
    connectionId: connection.id, externalId: `${connection.name}-${local}`, dn: `uid=${local},dc=a,dc=example`,
    syncedAt: new Date(0).toISOString(), missingSince: null, managesRole,
  });

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'stoa-directory-principals-'));
    const config = defaultConfig();
    config.dataDir = dir;
    config.store.sqlite.path = join(dir, 'stoa.db');
    config.store.blobs.path = join(dir, 'blobs');
    config.auth.argon2 = { memoryKiB: 1024, passes: 1, parallelism: 1 };
    config.log.level = 'silent';
    store = await openStore(config);
    s = createServices(config, store, createLogger(config), { defaultMetrics: false });
    const d = s.directory;
    await d.domains.create(SYSTEM, { name: 'a.example' });
    await d.domains.create(SYSTEM, { name: 'b.example' });
    const make = (address: string) => d.accounts.create(SYSTEM, { address, password: PASSWORD });
    const [u, oa, aa, sa] = await Promise.all([make('user@a.example'), make('admin@b.example'), make('admin@a.example'), make('root@b.example')]);
    user = actorFor(u, '127.0.0.1');
    otherAdmin = actorFor(await d.accounts.grantRole(SYSTEM, oa.id, { role: 'domain-admin', domains: ['b.example'] }), '127.0.0.1');
    ownAdmin = actorFor(await d.accounts.grantRole(SYSTEM, aa.id, { role: 'domain-admin', domains: ['a.example'] }), '127.0.0.1');
    serverAdmin = actorFor(await d.accounts.grantRole(SYSTEM, sa.id, { role: 'server-admin' }), '127.0.0.1');
    // Nobody listens there: none of the refused calls may get as far as the directory anyway.
    const port = await closedPort();
    const settings = {
      kind: 'openldap' as const, servers: [`ldaps://127.0.0.1:${port}`], bindDn: 'cn=stoa,dc=a,dc=example', bindPassword: 'service secret',
      baseDn: 'dc=a,dc=example', connectTimeoutMs: 1000, timeoutMs: 1000,
    };
    corp = await d.ldap.create(SYSTEM, { name: 'corp', ...settings });
    other = await d.ldap.create(SYSTEM, { name: 'other', ...settings });
    const sync = syncActor(corp);
    linked = await d.accounts.create(sync, { address: 'dir@a.example', displayName: 'Dir User' }, { source: sourceOf(corp, 'dir') });
    roleLinked = await d.accounts.create(sync, { address: 'boss@a.example', displayName: 'Boss' }, { source: sourceOf(corp, 'boss', true) });
    alias = await d.aliases.create(sync, { address: 'd.user@a.example', targets: ['dir@a.example'] }, { source: sourceOf(corp, 'dir') });
    group = await d.groups.create(sync, { address: 'team@a.example', name: 'Team', members: [{ kind: 'account', id: linked.id }] }, { source: sourceOf(corp, 'team') });
  });
  after(async () => {
    await store.close();
    await rm(dir, { recursive: true, force: true });
  });

  /** One row per method: the call made by `who`, which must not succeed. */
  const rows: Record<string, (who: Actor) => Promise<void>> = {
    list: (who) => refused(s.directory.ldap.list(who), 'list'),
    get: (who) => refused(s.directory.ldap.get(who, corp.id), 'get'),
    create: (who) => refused(s.directory.ldap.create(who, {
      name: 'planted', kind: 'openldap', servers: ['ldaps://127.0.0.1:1'], bindDn: 'cn=x', bindPassword: 'x', baseDn: 'dc=x',
    }), 'create'),
    update: (who) => refused(s.directory.ldap.update(who, corp.id, { baseDn: 'dc=elsewhere' }), 'update'),
    delete: (who) => refused(s.directory.ldap.delete(who, other.id), 'delete'),
    test: (who) => refused(s.directory.ldap.test(who, corp.id), 'test'),
    sync: (who) => refused(s.directory.ldap.sync(who, corp.id, { dryRun: true }), 'sync'),
    runs: (who) => refused(s.directory.ldap.runs(who, corp.id, 0, 10), 'runs'),
    resolve: (who) => refused(s.directory.ldap.resolve(who, linked.id, 'detach'), 'resolve'),
    due: (who) => refused(s.directory.ldap.due(who, Date.now()), 'due'),
  };

  test('the table has a row for every method of the directory sync service, and nothing else', () => {
    const service = s.directory.ldap as unknown as Record<string, unknown>;
    const methods = Object.keys(service).filter((k) => typeof service[k] === 'function').sort();
    assert.deepEqual(Object.keys(rows).sort(), methods, 'methods without a row, or rows without a method');
  });

  for (const [label, who] of [['a plain user', () => user], ['a domain admin of another domain', () => otherAdmin], ['a domain admin of the objects\' own domain', () => ownAdmin]] as const) {
    test(`DirectorySyncService: each method called by ${label} is refused`, async () => {
      for (const [method, row] of Object.entries(rows)) {
        await row(who()).catch((err: unknown) => { throw new Error(`${method}: ${(err as Error).message}`, { cause: err }); });
      }
    });
  }

  test('nothing the refused calls attempted happened', async () => {
    const connections = await s.directory.ldap.list(SYSTEM);
    assert.deepEqual(connections.map((c) => c.name).sort(), ['corp', 'other']);
    assert.equal(connections.find((c) => c.name === 'corp')!.baseDn, 'dc=a,dc=example');
    assert.equal((await s.directory.ldap.runs(SYSTEM, corp.id, 0, 10)).total, 0);
    assert.equal((await s.directory.accounts.get(SYSTEM, linked.id)).source?.connectionId, corp.id);
  });

  test('a server admin sees the connections and which syncs are due', async () => {
    assert.equal((await s.directory.ldap.list(serverAdmin)).length, 2);
    assert.deepEqual((await s.directory.ldap.due(serverAdmin, Date.now())).map((d) => d.record.name).sort(), ['corp', 'other']);
  });

  // Directory-owned objects: a server admin and the sync of another connection are both "not the owner".
  const managed = (who: Actor): Record<string, () => Promise<void>> => ({
    'account displayName': () => refusedWith(['STOA_DIRECTORY_MANAGED'], s.directory.accounts.update(who, linked.id, { displayName: 'Renamed' }), 'account displayName'),
    'account enabled': () => refusedWith(['STOA_DIRECTORY_MANAGED'], s.directory.accounts.update(who, linked.id, { enabled: false }), 'account enabled'),
    'account password': () => refusedWith(['STOA_DIRECTORY_MANAGED'], s.directory.accounts.setPassword(who, linked.id, 'a brand new password 1'), 'account password'),
    'account role from directory groups': () => refusedWith(['STOA_DIRECTORY_MANAGED'], s.directory.accounts.grantRole(who, roleLinked.id, { role: 'server-admin' }), 'role'),
    'account link to another entry': () => refusedWith(['STOA_FORBIDDEN'], s.directory.accounts.update(who, linked.id, {}, { source: sourceOf(other, 'dir') }), 'relink'),
    'new account linked to a directory': () => refusedWith(['STOA_FORBIDDEN'], s.directory.accounts.create(who, { address: 'planted@a.example' }, { source: sourceOf(corp, 'planted') }), 'linked create'),
    'alias targets': () => refusedWith(['STOA_DIRECTORY_MANAGED'], s.directory.aliases.update(who, alias.id, { targets: ['user@a.example'] }), 'alias targets'),
    'alias removal': () => refusedWith(['STOA_DIRECTORY_MANAGED'], s.directory.aliases.delete(who, alias.id), 'alias delete'),
    'group members': () => refusedWith(['STOA_DIRECTORY_MANAGED'], s.directory.groups.update(who, group.id, { members: [] }), 'group members'),
    'group removal': () => refusedWith(['STOA_DIRECTORY_MANAGED'], s.directory.groups.delete(who, group.id), 'group delete'),
  });

  for (const [label, who] of [['a server admin', () => serverAdmin], ['the sync of another connection', () => syncActor(other)]] as const) {
    test(`directory-managed fields refuse ${label}`, async () => {
      for (const [what, row] of Object.entries(managed(who()))) {
        await row().catch((err: unknown) => { throw new Error(`${what}: ${(err as Error).message}`, { cause: err }); });
      }
    });
  }

  test('the owning sync changes them; local fields stay the admin\'s', async () => {
    const sync = syncActor(corp);
    assert.equal((await s.directory.accounts.update(sync, linked.id, { displayName: 'Dir Renamed' })).displayName, 'Dir Renamed');
    assert.deepEqual((await s.directory.aliases.update(sync, alias.id, { targets: ['user@a.example'] })).targets, ['user@a.example']);
    assert.equal((await s.directory.accounts.update(serverAdmin, linked.id, { quotaBytes: 1_000_000 })).quotaBytes, 1_000_000);
    assert.equal((await s.directory.accounts.get(SYSTEM, linked.id)).passwordSetAt, null, 'no local password was ever set');
  });
});
