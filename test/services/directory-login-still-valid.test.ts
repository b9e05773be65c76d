// A login of a directory account stands only while the directory still
// stands behind it, as its sync last saw it: AuthService.stillValid() (asked
// by open IMAP and POP3 sessions every LOGIN_RECHECK_MS) refuses once the
// sync disabled the account or marked it missing, or once its connection is
// disabled or gone; the change bus ends this node's sessions at once. The
// directory itself is never asked here (its connection points at a closed
// port): what the sync wrote decides.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { defaultConfig } from '../../server/src/config/schema.ts';
import { systemActor } from '../../server/src/directory/access.ts';
import type { LoginGrant } from '../../server/src/directory/api.ts';
import { syncActor } from '../../server/src/directory/ldap/connection-record.ts';
import type { ChangeEvent } from '../../server/src/events/change-bus.ts';
import { createLogger } from '../../server/src/log/logger.ts';
import { createServices, type Services } from '../../server/src/services.ts';
import { openStore } from '../../server/src/store/open-store.ts';
import type { Store } from '../../server/src/store/port.ts';
import type { Account } from '../../shared/src/schemas/directory.ts';
import { accountOfUnreachableDirectory } from '../support/directory-outage.ts';

const SYSTEM = systemActor();

describe('a directory account\'s login stands only while its directory does', () => {
  let dir: string;
  let store: Store;
  let s: Services;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'stoa-still-valid-'));
    const config = defaultConfig();
    config.dataDir = dir;
    config.store.sqlite.path = join(dir, 'stoa.db');
    config.store.blobs.path = join(dir, 'blobs');
    config.auth.argon2 = { memoryKiB: 1024, passes: 1, parallelism: 1 };
    config.log.level = 'silent';
    store = await openStore(config);
    s = createServices(config, store, createLogger(config), { defaultMetrics: false });
    await s.directory.domains.create(SYSTEM, { name: 'a.example' });
  });
  after(async () => {
    await store.close();
    await rm(dir, { recursive: true, force: true });
  });

  async function directoryUser(local: string): Promise<{ account: Account; grant: LoginGrant; sync: ReturnType<typeof syncActor>; events: ChangeEvent[] }> {
    const account = await accountOfUnreachableDirectory(s.directory, `${local}@a.example`);
    const connection = await s.directory.ldap.get(SYSTEM, account.source!.connectionId);
    const events: ChangeEvent[] = [];
    s.bus.subscribe({ accountId: account.id }, (e) => events.push(e));
    return { account, grant: { accountId: account.id, passwordSetAt: account.passwordSetAt }, sync: syncActor(connection), events };
  }

  test('a session of a directory account stands while nothing changed', async () => {
    const { grant } = await directoryUser('steady');
    assert.equal(await s.directory.auth.stillValid(grant), true);
  });

  test('no longer stands once the sync disabled the account (and the session is told at once)', async () => {
    const { account, grant, sync, events } = await directoryUser('disabled');
    await s.directory.accounts.update(sync, account.id, { enabled: false }, { source: { ...account.source!, syncedAt: new Date().toISOString() } });
    assert.equal(await s.directory.auth.stillValid(grant), false);
    assert.deepEqual(events, [{ kind: 'account', accountId: account.id, change: 'disabled' }]);
  });

  test('no longer stands once the sync marked the account missing from the directory (and the session is told at once)', async () => {
    const { account, grant, sync, events } = await directoryUser('missing');
    await s.directory.accounts.update(sync, account.id, {}, { source: { ...account.source!, missingSince: new Date().toISOString() } });
    assert.equal(await s.directory.auth.stillValid(grant), false);
    assert.deepEqual(events, [{ kind: 'account', accountId: account.id, change: 'disabled' }]);
  });

  test('stands again when the entry comes back, for a new login', async () => {
    const { account, grant, sync } = await directoryUser('returns');
    await s.directory.accounts.update(sync, account.id, {}, { source: { ...account.source!, missingSince: new Date().toISOString() } });
    await s.directory.accounts.update(sync, account.id, {}, { source: { ...account.source!, missingSince: null } });
    assert.equal(await s.directory.auth.stillValid(grant), true);
  });

  test('no longer stands once an admin disables its directory connection', async () => {
    const { account, grant } = await directoryUser('connoff');
    await s.directory.ldap.update(SYSTEM, account.source!.connectionId, { enabled: false });
    assert.equal(await s.directory.auth.stillValid(grant), false);
  });

  test('an admin\'s decision to keep it as a local account keeps its sessions', async () => {
    const { account, grant } = await directoryUser('detached');
    await s.directory.ldap.resolve(SYSTEM, account.id, 'detach');
    assert.equal((await s.directory.accounts.get(SYSTEM, account.id)).source, null);
    assert.equal(await s.directory.auth.stillValid(grant), true);
  });
});
