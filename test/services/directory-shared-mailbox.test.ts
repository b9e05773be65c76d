// A directory-synced account and shared mailboxes (issue 9 meets issue 12).
// An Exchange admin converting a synced user's mailbox expects either a
// refusal or an explicit detach from the sync; Stoa refuses
// (STOA_DIRECTORY_MANAGED) until a server admin detaches the account, so the
// directory link never vanishes as a side effect of a conversion. A shared
// mailbox converted back is a local account. docs/directory-sync.md.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { defaultConfig } from '../../server/src/config/schema.ts';
import { systemActor } from '../../server/src/directory/access.ts';
import { isStoaError } from '../../server/src/errors/catalogue.ts';
import { createLogger } from '../../server/src/log/logger.ts';
import { createServices, type Services } from '../../server/src/services.ts';
import { openStore } from '../../server/src/store/open-store.ts';
import type { Store } from '../../server/src/store/port.ts';
import { accountOfUnreachableDirectory } from '../support/directory-outage.ts';

const SYSTEM = systemActor();

describe('converting a directory-synced account to a shared mailbox', () => {
  let dir: string;
  let store: Store;
  let s: Services;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'stoa-dir-shared-'));
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
    await s.directory.close();
    await store.close();
    await rm(dir, { recursive: true, force: true });
  });

  test('is refused with STOA_DIRECTORY_MANAGED while the account is linked, and nothing changes', async () => {
    const account = await accountOfUnreachableDirectory(s.directory, 'leaver@a.example');
    const audit = (await s.directory.audit.list(SYSTEM, { objectId: account.id, limit: 50 })).total;
    await assert.rejects(s.directory.sharedMailboxes.fromAccount(SYSTEM, account.id), (err: unknown) => {
      assert.ok(isStoaError(err, 'STOA_DIRECTORY_MANAGED'), String(err));
      assert.match(err.detail ?? '', /detach it first/);
      return true;
    });
    const still = await s.directory.accounts.get(SYSTEM, account.id);
    assert.deepEqual(still.source, account.source, 'still linked to its directory entry');
    assert.equal(await store.sharedMailboxes.get(account.id), null);
    assert.equal((await s.directory.audit.list(SYSTEM, { objectId: account.id, limit: 50 })).total, audit, 'no audit entry for a refused conversion');
  });

  test('works once a server admin detached the account; back again it is a local account', async () => {
    const account = await accountOfUnreachableDirectory(s.directory, 'moved@a.example');
    await s.directory.ldap.resolve(SYSTEM, account.id, 'detach');
    const shared = await s.directory.sharedMailboxes.fromAccount(SYSTEM, account.id);
    assert.equal(shared.id, account.id);
    assert.equal(shared.address, 'moved@a.example');
    const back = await s.directory.sharedMailboxes.toAccount(SYSTEM, account.id, {});
    assert.equal(back.id, account.id);
    assert.equal(back.source, null);
    assert.equal((await store.accounts.get(account.id))?.source, null);
  });
});
