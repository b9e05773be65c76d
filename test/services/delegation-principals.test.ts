// Services own the rules (DESIGN.md), for shared mailboxes and delegation:
// every method of the shared-mailbox service, the grant service and the
// public-folder service, called directly — as a front end that forgot its
// own check would — with a principal that lacks the right (a plain user, a
// domain admin of another domain, a user reaching outside their domain) is
// refused, or answers nothing. The table is checked against the services'
// methods at run time, as test/services/principals.test.ts does.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { defaultConfig } from '../../server/src/config/schema.ts';
import { actorFor, systemActor } from '../../server/src/directory/access.ts';
import type { Actor } from '../../server/src/directory/api.ts';
import { isStoaError } from '../../server/src/errors/catalogue.ts';
import { createLogger } from '../../server/src/log/logger.ts';
import { createServices, type Services } from '../../server/src/services.ts';
import { openStore } from '../../server/src/store/open-store.ts';
import type { Store } from '../../server/src/store/port.ts';
import type { MailboxGrant, SharedMailbox } from '../../shared/src/schemas/shared-mailboxes.ts';

const SYSTEM = systemActor();
const PASSWORD = 'correct horse battery staple';

async function refused(call: Promise<unknown>, label: string): Promise<void> {
  await assert.rejects(call, (err: unknown) => {
    const ok = ['STOA_FORBIDDEN', 'STOA_NOT_FOUND', 'STOA_INVALID_REFERENCE'].some((code) => isStoaError(err, code as 'STOA_FORBIDDEN'));
    assert.ok(ok, `${label}: ${String(err)}`);
    return true;
  }, `${label} was not refused`);
}

describe('every shared-mailbox, grant and public-folder method refuses a principal without the right', () => {
  let dir: string;
  let store: Store;
  let s: Services;
  /** A plain user of a.example. */
  let user: Actor;
  /** A domain admin of b.example only. */
  let adminB: Actor;
  let sales: SharedMailbox;
  let grant: MailboxGrant;
  let ownerId: string;
  let folderId: string;
  let convertible: string;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'stoa-delegation-principals-'));
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
    const owner = await d.accounts.create(SYSTEM, { address: 'owner@a.example', password: PASSWORD });
    ownerId = owner.id;
    user = actorFor(await d.accounts.create(SYSTEM, { address: 'user@a.example', password: PASSWORD }), '127.0.0.1');
    convertible = (await d.accounts.create(SYSTEM, { address: 'leaver@a.example', password: PASSWORD })).id;
    await d.accounts.create(SYSTEM, { address: 'other@b.example', password: PASSWORD });
    const b = await d.accounts.create(SYSTEM, { address: 'admin@b.example', password: PASSWORD });
    adminB = actorFor(await d.accounts.grantRole(SYSTEM, b.id, { role: 'domain-admin', domains: ['b.example'] }), '127.0.0.1');
    sales = await d.sharedMailboxes.create(SYSTEM, { address: 'sales@a.example' });
    grant = await d.grants.grant(SYSTEM, { kind: 'shared-mailbox', ref: sales.id }, { grantee: 'owner@a.example', right: 'send-as' });
    folderId = (await s.publicFolders.create(SYSTEM, 'a.example', 'Invoices')).id;
  });
  after(async () => {
    await store.close();
    await rm(dir, { recursive: true, force: true });
  });

  const sharedMailboxRows: Record<string, () => Promise<void>> = {
    create: async () => {
      await refused(s.directory.sharedMailboxes.create(user, { address: 'planted@a.example' }), 'create as a user');
      await refused(s.directory.sharedMailboxes.create(adminB, { address: 'planted@a.example' }), 'create in a domain not held');
    },
    get: async () => {
      await refused(s.directory.sharedMailboxes.get(user, sales.id), 'get as a user');
      await refused(s.directory.sharedMailboxes.get(adminB, 'sales@a.example'), 'get across domains');
    },
    update: () => refused(s.directory.sharedMailboxes.update(adminB, sales.id, { displayName: 'pwned' }), 'update across domains'),
    delete: () => refused(s.directory.sharedMailboxes.delete(user, sales.id), 'delete as a user'),
    list: async () => {
      await refused(s.directory.sharedMailboxes.list(user, {}), 'list as a user');
      assert.equal((await s.directory.sharedMailboxes.list(adminB, {})).total, 0, 'a domain admin lists only their domains');
    },
    fromAccount: () => refused(s.directory.sharedMailboxes.fromAccount(adminB, convertible), 'convert an account of another domain'),
    toAccount: () => refused(s.directory.sharedMailboxes.toAccount(user, sales.id, {}), 'convert back as a user'),
  };

  const grantRows: Record<string, () => Promise<void>> = {
    list: async () => {
      await refused(s.directory.grants.list(user, { kind: 'shared-mailbox', ref: sales.id }), 'grants of a shared mailbox as a user');
      await refused(s.directory.grants.list(user, { kind: 'account', ref: ownerId }), "grants of another user's mailbox");
    },
    grant: async () => {
      await refused(s.directory.grants.grant(adminB, { kind: 'shared-mailbox', ref: sales.id }, { grantee: 'other@b.example', right: 'full-access' }), 'grant on a mailbox of a domain not held');
      await refused(s.directory.grants.grant(user, { kind: 'account', ref: ownerId }, { grantee: 'user@a.example', right: 'full-access' }), "grant on another user's mailbox");
      await refused(s.directory.grants.grant(user, { kind: 'account', ref: user.id! }, { grantee: 'other@b.example', right: 'full-access' }), 'self-delegation to another domain');
    },
    revoke: () => refused(s.directory.grants.revoke(user, { kind: 'shared-mailbox', ref: sales.id }, grant.id), 'revoke as a user'),
    accessOf: async () => {
      await refused(s.directory.grants.accessOf(user, ownerId), 'what another user may open');
      await refused(s.directory.grants.accessOf(adminB, ownerId), 'what a user of another domain may open');
    },
    holds: async () => assert.equal(await s.directory.grants.holds(user, sales.id, 'send-as'), false, 'holds answers no for a principal without the grant'),
  };

  const publicFolderRows: Record<string, () => Promise<void>> = {
    list: () => refused(s.publicFolders.list(user, 'a.example'), 'list'),
    create: () => refused(s.publicFolders.create(adminB, 'a.example', 'Planted'), 'create across domains'),
    get: () => refused(s.publicFolders.get(user, 'a.example', folderId), 'get'),
    rename: () => refused(s.publicFolders.rename(adminB, 'a.example', folderId, 'X'), 'rename across domains'),
    delete: () => refused(s.publicFolders.delete(user, 'a.example', folderId), 'delete'),
    acl: () => refused(s.publicFolders.acl(adminB, 'a.example', folderId), 'acl across domains'),
    grant: () => refused(s.publicFolders.grant(user, 'a.example', folderId, 'anyone', 'lrp'), 'grant'),
    revoke: () => refused(s.publicFolders.revoke(adminB, 'a.example', folderId, 'anyone'), 'revoke across domains'),
    setAddress: async () => {
      await refused(s.publicFolders.setAddress(user, 'a.example', folderId, { address: 'invoices@a.example', acceptExternal: true }), 'setAddress as a user');
      await refused(s.publicFolders.setAddress(adminB, 'a.example', folderId, { address: 'invoices@a.example' }), 'setAddress across domains');
    },
    removeAddress: () => refused(s.publicFolders.removeAddress(adminB, 'a.example', folderId), 'removeAddress across domains'),
  };

  const services = (): Array<[string, object, Record<string, () => Promise<void>>]> => [
    ['SharedMailboxService', s.directory.sharedMailboxes, sharedMailboxRows],
    ['MailboxGrantService', s.directory.grants, grantRows],
    ['PublicFolderService', s.publicFolders, publicFolderRows],
  ];

  test('the table has a row for every method of every service, and nothing else', () => {
    for (const [name, service, rows] of services()) {
      const methods = Object.keys(service).filter((k) => typeof (service as Record<string, unknown>)[k] === 'function').sort();
      assert.deepEqual(Object.keys(rows).sort(), methods, `${name}: methods without a row, or rows without a method`);
    }
  });

  for (const name of ['SharedMailboxService', 'MailboxGrantService', 'PublicFolderService']) {
    test(`${name}: each method called with the wrong principal is refused`, async () => {
      const rows = services().find(([n]) => n === name)![2];
      for (const [method, row] of Object.entries(rows)) {
        await row().catch((err: unknown) => { throw new Error(`${name}.${method}: ${(err as Error).message}`, { cause: err }); });
      }
    });
  }

  test('nothing the refused calls attempted happened', async () => {
    const d = s.directory;
    assert.equal((await d.sharedMailboxes.get(SYSTEM, sales.id)).displayName, '');
    assert.equal((await d.sharedMailboxes.list(SYSTEM, {})).total, 1);
    assert.deepEqual((await d.grants.list(SYSTEM, { kind: 'shared-mailbox', ref: sales.id })).map((g) => g.id), [grant.id]);
    assert.deepEqual(await d.grants.list(SYSTEM, { kind: 'account', ref: ownerId }), []);
    assert.deepEqual(await d.grants.list(SYSTEM, { kind: 'account', ref: user.id! }), []);
    assert.equal((await d.accounts.get(SYSTEM, convertible)).address, 'leaver@a.example');
    assert.equal((await s.publicFolders.get(SYSTEM, 'a.example', folderId)).address, null);
    assert.deepEqual((await s.publicFolders.list(SYSTEM, 'a.example')).map((f) => f.name), ['Invoices']);
  });

  test('the same calls succeed for a principal holding the rights', async () => {
    const d = s.directory;
    assert.equal(await d.grants.holds(actorFor(await d.accounts.get(SYSTEM, ownerId), null), sales.id, 'send-as'), true);
    assert.equal((await d.grants.accessOf(user, user.id!)).open.length, 0, 'a user reads their own access');
    const mine = await d.grants.grant(user, { kind: 'account', ref: user.id! }, { grantee: 'owner@a.example', right: 'full-access' });
    assert.deepEqual((await d.grants.list(user, { kind: 'account', ref: user.id! })).map((g) => g.id), [mine.id]);
    await d.grants.revoke(user, { kind: 'account', ref: user.id! }, mine.id);
    assert.equal((await s.publicFolders.setAddress(SYSTEM, 'a.example', folderId, { address: 'invoices@a.example' })).address, 'invoices@a.example');
  });
});
