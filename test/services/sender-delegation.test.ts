// The sender policy with delegation grants, as a table: header sections a
// user submits (well-formed, forged, hostile) → accepted (and as whom, for
// the Sent copy) or the catalogue error. Real directory and grants over a
// temporary store; the intake's own checkAuthorFields is what is called.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { defaultConfig } from '../../server/src/config/schema.ts';
import { actorFor, systemActor } from '../../server/src/directory/access.ts';
import type { Actor } from '../../server/src/directory/api.ts';
import { isStoaError } from '../../server/src/errors/catalogue.ts';
import { checkAuthorFields, mayUseAddress } from '../../server/src/intake/sender-policy.ts';
import { createLogger } from '../../server/src/log/logger.ts';
import { createServices, type Services } from '../../server/src/services.ts';
import { openStore } from '../../server/src/store/open-store.ts';
import type { Store } from '../../server/src/store/port.ts';

const SYSTEM = systemActor();

describe('sender policy with send as and send on behalf', () => {
  let dir: string;
  let store: Store;
  let s: Services;
  const users = new Map<string, Actor>();

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'stoa-sender-delegation-'));
    const config = defaultConfig();
    config.dataDir = dir;
    config.store.sqlite.path = join(dir, 'stoa.db');
    config.store.blobs.path = join(dir, 'blobs');
    config.auth.argon2 = { memoryKiB: 1024, passes: 1, parallelism: 1 };
    config.log.level = 'silent';
    store = await openStore(config);
    s = createServices(config, store, createLogger(config), { defaultMetrics: false });
    const d = s.directory;
    await d.domains.create(SYSTEM, { name: 'example.test' });
    await d.domains.create(SYSTEM, { name: 'alias.test', aliasOf: 'example.test' });
    for (const local of ['bob', 'carol', 'dave', 'boss']) users.set(local, actorFor(await d.accounts.create(SYSTEM, { address: `${local}@example.test` }), null));
    await d.sharedMailboxes.create(SYSTEM, { address: 'sales@example.test', copySent: true });
    await d.aliases.create(SYSTEM, { address: 'info@example.test', targets: ['sales@example.test'] });
    const g = (owner: { kind: 'shared-mailbox' | 'account'; ref: string }, grantee: string, right: 'send-as' | 'send-on-behalf') => d.grants.grant(SYSTEM, owner, { grantee, right });
    await g({ kind: 'shared-mailbox', ref: 'sales@example.test' }, 'bob@example.test', 'send-as');
    await g({ kind: 'shared-mailbox', ref: 'sales@example.test' }, 'carol@example.test', 'send-on-behalf');
    await g({ kind: 'account', ref: 'boss@example.test' }, 'carol@example.test', 'send-on-behalf');
  });
  after(async () => {
    await store.close();
    await rm(dir, { recursive: true, force: true });
  });

  /** [who, header section, expected: owner address sent for | null (own) | error code]. */
  const rows: Array<[string, string, string | null]> = [
    ['bob', 'From: Sales <sales@example.test>', 'sales@example.test'],
    ['bob', 'From: info@example.test', 'sales@example.test'],
    ['bob', 'From: sales@alias.test', 'sales@example.test'],
    ['bob', 'From: SALES@Example.Test', 'sales@example.test'],
    ['bob', 'From: sales@example.test\r\nSender: bob@example.test', 'sales@example.test'],
    ['bob', 'From: bob@example.test', null],
    ['bob', 'From: bob@example.test, sales@example.test', 'sales@example.test'],
    ['bob', 'From: boss@example.test', 'STOA_SENDER_NOT_OWNED'],
    ['carol', 'From: sales@example.test\r\nSender: carol@example.test', 'sales@example.test'],
    ['carol', 'From: sales@example.test\r\nSender: Carol <carol@alias.test>', 'sales@example.test'],
    ['carol', 'From: boss@example.test\r\nSender: carol@example.test', 'boss@example.test'],
    ['carol', 'From: sales@example.test', 'STOA_SENDER_NOT_OWNED'],
    ['carol', 'From: sales@example.test\r\nSender: bob@example.test', 'STOA_SENDER_NOT_OWNED'],
    ['carol', 'From: sales@example.test\r\nSender: sales@example.test', 'STOA_SENDER_NOT_OWNED'],
    ['carol', 'From: sales@example.test\r\nSender: carol@example.test, bob@example.test', 'STOA_SENDER_NOT_OWNED'],
    ['carol', 'From: sales@example.test\r\nSender: carol@example.test\r\nSender: carol@example.test', 'STOA_MESSAGE_INVALID'],
    ['carol', 'From: carol@example.test\r\nFrom: sales@example.test', 'STOA_MESSAGE_INVALID'],
    ['carol', 'From: carol@example.test\r\nResent-From: sales@example.test', 'STOA_SENDER_NOT_OWNED'],
    ['bob', 'From: bob@example.test\r\nResent-From: sales@example.test', null],
    ['dave', 'From: sales@example.test\r\nSender: dave@example.test', 'STOA_SENDER_NOT_OWNED'],
    ['dave', 'From: info@example.test', 'STOA_SENDER_NOT_OWNED'],
    ['dave', 'From: "sales@example.test" <dave@example.test>', null],
    ['dave', 'From: sales@example.test (dave@example.test)', 'STOA_SENDER_NOT_OWNED'],
    ['dave', 'From: =?utf-8?q?sales=40example=2Etest?= <sales@example.test>', 'STOA_SENDER_NOT_OWNED'],
    ['dave', 'From: sales@example.test\r\n\tSender-ish: dave', 'STOA_SENDER_NOT_OWNED'],
    ['dave', 'From: <>', 'STOA_MESSAGE_INVALID'],
    ['dave', 'Subject: no author', 'STOA_MESSAGE_INVALID'],
  ];

  test('each header section is accepted as the expected mailbox or refused with its code', async () => {
    const dir = { addresses: s.directory.addresses, grants: s.directory.grants };
    const failures: string[] = [];
    for (const [who, fields, expected] of rows) {
      const header = Buffer.from(`${fields}\r\nTo: x@outside.test\r\n\r\n`);
      let got: string | null;
      try {
        got = (await checkAuthorFields(dir, users.get(who)!, header))?.address ?? null;
      } catch (err) {
        if (!isStoaError(err)) throw err;
        got = err.code;
      }
      if (got !== expected) failures.push(`${who} ${JSON.stringify(fields)}: got ${got}, expected ${expected}`);
    }
    assert.deepEqual(failures, []);
  });

  test("the envelope sender: one's own, or a mailbox one may send as or on behalf of; without grants only one's own", async () => {
    const dir = { addresses: s.directory.addresses, grants: s.directory.grants };
    assert.equal(await mayUseAddress(dir, users.get('bob')!, 'sales@example.test'), true);
    assert.equal(await mayUseAddress(dir, users.get('carol')!, 'sales@example.test'), true);
    assert.equal(await mayUseAddress(dir, users.get('carol')!, 'info@example.test'), true);
    assert.equal(await mayUseAddress(dir, users.get('dave')!, 'sales@example.test'), false);
    assert.equal(await mayUseAddress(dir, users.get('dave')!, 'not an address'), false);
    assert.equal(await mayUseAddress({ addresses: s.directory.addresses }, users.get('bob')!, 'sales@example.test'), false);
  });
});
