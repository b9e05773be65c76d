// Scheduled directory syncs (sync-scheduler.ts) against a real slapd, with
// the services' clock injected: the first run is full, then incremental
// every intervalMinutes and full again every fullIntervalHours; a failed
// run waits its interval too (a directory that is down is not hammered); a
// connection synced elsewhere (its lease held by another node) is skipped,
// and an on-demand sync then answers STOA_SYNC_RUNNING. The timer is off:
// the test calls tick() as the timer would.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { Attribute, Change, Client } from 'ldapts';
import { defaultConfig } from '../../server/src/config/schema.ts';
import { systemActor } from '../../server/src/directory/access.ts';
import { startSyncScheduler, type SyncScheduler } from '../../server/src/directory/ldap/sync-scheduler.ts';
import { isStoaError } from '../../server/src/errors/catalogue.ts';
import { createLogger } from '../../server/src/log/logger.ts';
import { createServices, type Services } from '../../server/src/services.ts';
import { openStore } from '../../server/src/store/open-store.ts';
import type { Store } from '../../server/src/store/port.ts';
import type { SyncRun } from '../../shared/src/schemas/directory-sync.ts';
import { LDAP_ROOT_DN, LDAP_ROOT_PASSWORD, LDAP_SUFFIX, ssha, startSlapd, type Slapd } from '../support/slapd.ts';

const SYSTEM = systemActor();
const MINUTE = 60_000;
const people = (uid: string) => `uid=${uid},ou=people,${LDAP_SUFFIX}`;
const TREE = [
  `dn: ${LDAP_SUFFIX}\nobjectClass: dcObject\nobjectClass: organization\no: Stoa\ndc: stoa\n`,
  `dn: ou=people,${LDAP_SUFFIX}\nobjectClass: organizationalUnit\nou: people\n`,
  `dn: ${people('sam')}\nobjectClass: inetOrgPerson\nuid: sam\ncn: Sam Nine\nsn: Nine\nmail: sam@sched.stoa.test\nuserPassword: ${ssha('Sam-0penLDAP!')}\n`,
].join('\n');

describe('scheduled directory syncs', { timeout: 120_000 }, () => {
  let slapd: Slapd;
  let dir: string;
  let store: Store;
  let s: Services;
  let scheduler: SyncScheduler;
  let connectionId: string;
  let clock = Date.now();
  const env: NodeJS.ProcessEnv = { STOA_TEST_SCHED_BIND: LDAP_ROOT_PASSWORD };
  const failures: unknown[] = [];

  const runs = async (): Promise<SyncRun[]> => (await s.directory.ldap.runs(SYSTEM, connectionId, 0, 100)).items;
  const displayName = async () => (await s.directory.accounts.get(SYSTEM, 'sam@sched.stoa.test')).displayName;

  before(async () => {
    slapd = await startSlapd(TREE);
    dir = await mkdtemp(join(tmpdir(), 'stoa-sched-'));
    const config = defaultConfig();
    config.dataDir = dir;
    config.store.sqlite.path = join(dir, 'stoa.db');
    config.store.blobs.path = join(dir, 'blobs');
    config.log.level = 'silent';
    store = await openStore(config);
    s = createServices(config, store, createLogger(config), { defaultMetrics: false, now: () => clock, env });
    await s.directory.domains.create(SYSTEM, { name: 'sched.stoa.test' });
    const connection = await s.directory.ldap.create(SYSTEM, {
      name: 'sched', kind: 'openldap', servers: [slapd.url], tls: { caPem: slapd.ca.pem },
      bindDn: LDAP_ROOT_DN, bindPasswordEnv: 'STOA_TEST_SCHED_BIND', baseDn: `ou=people,${LDAP_SUFFIX}`,
      sync: { intervalMinutes: 15, fullIntervalHours: 24, groups: false }, connectTimeoutMs: 3000, timeoutMs: 10_000,
    });
    connectionId = connection.id;
    scheduler = startSyncScheduler({ service: s.directory.ldap, tickMs: MINUTE, now: () => clock, log: { failed: (_c, err) => failures.push(err) }, timer: false });
  });
  after(async () => {
    await scheduler?.stop();
    await s?.directory.close();
    await store?.close();
    await slapd?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  test('the first tick runs a full sync, as the schedule', async () => {
    await scheduler.tick();
    const [run] = await runs();
    assert.deepEqual([run.trigger, run.mode, run.status, run.actor], ['schedule', 'full', 'ok', 'system']);
    assert.equal(await displayName(), 'Sam Nine');
  });

  test('nothing runs again before the interval; after it, an incremental sync brings the change', async () => {
    const client = new Client({ url: slapd.url, tlsOptions: { ca: slapd.ca.pem } });
    await client.bind(LDAP_ROOT_DN, LDAP_ROOT_PASSWORD);
    await client.modify(people('sam'), new Change({ operation: 'replace', modification: new Attribute({ type: 'displayName', values: ['Sam Renamed'] }) }));
    await client.unbind();
    clock += 14 * MINUTE;
    await scheduler.tick();
    assert.equal((await runs()).length, 1, 'not due yet');
    assert.equal(await displayName(), 'Sam Nine');
    clock += 2 * MINUTE;
    await scheduler.tick();
    const [latest] = await runs();
    assert.deepEqual([latest.trigger, latest.mode, latest.status], ['schedule', 'incremental', 'ok']);
    assert.equal(await displayName(), 'Sam Renamed');
  });

  test('a full sync again once fullIntervalHours have passed', async () => {
    clock += 24 * 60 * MINUTE;
    await scheduler.tick();
    const all = await runs();
    assert.equal(all.length, 3);
    assert.equal(all[0].mode, 'full');
  });

  test('a failed run waits its interval like any other: a directory that refuses the bind is not asked every tick', async () => {
    env.STOA_TEST_SCHED_BIND = 'not the password';
    try {
      clock += 16 * MINUTE;
      await scheduler.tick();
      const [failed] = await runs();
      assert.equal(failed.status, 'failed');
      assert.match(failed.error ?? '', /STOA_DIRECTORY_BIND/);
      for (let i = 0; i < 3; i++) {
        clock += 4 * MINUTE;
        await scheduler.tick();
      }
      assert.equal((await runs()).length, 4, 'no new attempt within the interval');
    } finally {
      env.STOA_TEST_SCHED_BIND = LDAP_ROOT_PASSWORD;
    }
    assert.equal((await s.directory.accounts.get(SYSTEM, 'sam@sched.stoa.test')).enabled, true, 'a failed run changes no account');
  });

  test('a connection another node is syncing (its lease is held) is skipped; an on-demand sync says STOA_SYNC_RUNNING', async () => {
    const lock = `directory-sync:${connectionId}`;
    assert.ok(await store.locks.acquire(lock, 'another-node', 10 * MINUTE));
    try {
      clock += 16 * MINUTE;
      await scheduler.tick();
      assert.equal((await runs()).length, 4);
      assert.deepEqual(failures, [], 'a connection synced elsewhere is no failure');
      await assert.rejects(s.directory.ldap.sync(SYSTEM, connectionId, {}), (err: unknown) => isStoaError(err, 'STOA_SYNC_RUNNING'));
    } finally {
      await store.locks.release(lock, 'another-node');
    }
    await scheduler.tick();
    const [run] = await runs();
    assert.deepEqual([run.trigger, run.status], ['schedule', 'ok']);
  });

  test('a connection whose schedule is off, or which is disabled, is never synced by the scheduler', async () => {
    await s.directory.ldap.update(SYSTEM, connectionId, { sync: { enabled: false } });
    clock += 48 * 60 * MINUTE;
    await scheduler.tick();
    assert.equal((await runs()).length, 5);
    await s.directory.ldap.update(SYSTEM, connectionId, { sync: { enabled: true }, enabled: false });
    await scheduler.tick();
    assert.equal((await runs()).length, 5);
  });
});
