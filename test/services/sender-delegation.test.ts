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
    // Ambiguous author fields: what this parser sees is not what every reader sees ("Composition Kills", USENIX Security 2020).
    ['dave', 'From: <dave@example.test> <sales@example.test>', 'STOA_MESSAGE_INVALID'],
    ['dave', 'From: Dave <dave@example.test> sales@example.test', 'STOA_MESSAGE_INVALID'],
    ['dave', 'From: sales@example.test <dave@example.test>', 'STOA_MESSAGE_INVALID'],
    ['bob', 'From: <bob@example.test> <boss@example.test>', 'STOA_MESSAGE_INVALID'],
    ['carol', 'From: sales@example.test\r\nSender: <carol@example.test> <boss@example.test>', 'STOA_MESSAGE_INVALID'],
    ['dave', 'From: dave@example.test\r\nResent-From: <dave@example.test> <sales@example.test>', 'STOA_MESSAGE_INVALID'],
    // A lone CR is a line break to some readers: a second From: hidden inside another field.
    ['dave', 'Subject: hi\rFrom: sales@example.test\r\nFrom: dave@example.test', 'STOA_MESSAGE_INVALID'],
    ['dave', 'From: dave@example.test\rSender: sales@example.test', 'STOA_MESSAGE_INVALID'],
    ['dave', 'From: "Dave \\" Q" <dave@example.test>', null],
    ['dave', 'From: Dave (at dave@example.test) <dave@example.test>', null],
    ['dave', 'From: <@relay.test:dave@example.test>', null],
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

  test('author fields with more addresses than a real message has are refused before any lookup; repeated ones are looked up once', async () => {
    let lookups = 0;
    const counting = {
      addresses: { resolve: (a: string) => { lookups++; return s.directory.addresses.resolve(a); } },
      grants: s.directory.grants,
    };
    const many = (n: number, address: string): Buffer => Buffer.from(`From: ${Array(n).fill(address).join(', ')}\r\n\r\n`);
    // 40,000 addresses in 760 kB: one lookup (and two grant checks) each took seconds of store work per message.
    await assert.rejects(checkAuthorFields(counting, users.get('bob')!, many(40_000, 'sales@example.test')), (err) => isStoaError(err, 'STOA_MESSAGE_INVALID'));
    await assert.rejects(checkAuthorFields(counting, users.get('bob')!, Buffer.from(`From: bob@example.test\r\nResent-From: ${Array(101).fill('bob@alias.test').join(', ')}\r\n\r\n`)),
      (err) => isStoaError(err, 'STOA_MESSAGE_INVALID'));
    assert.equal(lookups, 0);
    assert.equal((await checkAuthorFields(counting, users.get('bob')!, many(100, 'SALES@example.test')))?.address, 'sales@example.test');
    assert.equal(lookups, 1);
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
