// Sharing stays inside a domain (issue 16 items 8 and 10), over real IMAP
// sessions with two tenants on one server:
// - "anyone" and "authenticated" on a personal mailbox mean "in the owner's
//   domain" (item 8, done by the services refactor; mail.acl.crossDomain
//   lets a server admin allow more);
// - SETACL answers the same NO [NONEXISTENT] for an address of another
//   domain as for one nobody has, and after mail.acl.lookupMissesPerHour
//   unknown names every identifier lookup of that user gets NO [LIMIT]
//   (item 10).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { systemActor } from '../../server/src/directory/access.ts';
import { PASSWORD, openImapHarness, type ImapHarness, type RawClient } from './harness.ts';

const system = systemActor();

async function loggedIn(h: ImapHarness, address: string): Promise<RawClient> {
  const c = await h.raw();
  assert.match(await c.command(`LOGIN ${address} "${PASSWORD}"`), /OK/);
  return c;
}

/** The tagged completion of a command's answer. */
const tagged = (answer: string): string => answer.trimEnd().split('\r\n').at(-1) ?? '';

async function world(h: ImapHarness): Promise<void> {
  await h.directory.domains.create(system, { name: 'other.test' });
  await h.user('owner');
  await h.user('colleague');
  await h.directory.accounts.create(system, { address: 'stranger@other.test', password: PASSWORD });
  await h.directory.groups.create(system, { address: 'team@example.test' });
  await h.directory.groups.create(system, { address: 'theirteam@other.test' });
}

describe('sharing between tenants of one server', () => {
  describe('with mail.acl.crossDomain off (the default)', () => {
    let h: ImapHarness;
    let owner: RawClient;
    before(async () => {
      h = await openImapHarness((c) => { c.mail.acl.lookupMissesPerHour = 5; });
      await world(h);
      owner = await loggedIn(h, 'owner@example.test');
      assert.match(await owner.command('CREATE Shared1'), /OK/);
    });
    after(() => h.close());

    it('"anyone lr" on a personal mailbox reaches the owner\'s domain and not another tenant', async () => {
      assert.match(await owner.command('SETACL Shared1 anyone lr'), /OK SETACL/);
      const colleague = await loggedIn(h, 'colleague@example.test');
      assert.match(await colleague.command('LIST "" "Other Users/*"'), /Other Users\/owner@example\.test\/Shared1/);
      assert.match(await colleague.command('SELECT "Other Users/owner@example.test/Shared1"'), /OK \[READ-ONLY\]/);
      const stranger = await loggedIn(h, 'stranger@other.test');
      assert.doesNotMatch(await stranger.command('LIST "" "*"'), /Shared1/);
      assert.match(tagged(await stranger.command('SELECT "Other Users/owner@example.test/Shared1"')), /NO \[NONEXISTENT\]/);
      assert.match(await owner.command('DELETEACL Shared1 anyone'), /OK/);
    });

    it('SETACL answers the same for an address of another domain as for one that does not exist', async () => {
      const missing = tagged(await owner.command('SETACL Shared1 ghost@example.test lr'));
      const foreign = tagged(await owner.command('SETACL Shared1 stranger@other.test lr'));
      const foreignGroup = tagged(await owner.command('SETACL Shared1 $theirteam@other.test lr'));
      const strip = (line: string): string => line.replace(/^\S+ /, '').replace(/ghost@example\.test|stranger@other\.test|\$theirteam@other\.test/, 'X');
      assert.match(missing, /NO \[NONEXISTENT\]/);
      assert.equal(strip(foreign), strip(missing));
      assert.equal(strip(foreignGroup), strip(missing));
      // Names of the user's own domain work.
      assert.match(await owner.command('SETACL Shared1 colleague@example.test lr'), /OK SETACL/);
      assert.match(await owner.command('SETACL Shared1 $team@example.test lr'), /OK SETACL/);
      assert.match(await owner.command('GETACL Shared1'), /colleague@example\.test lr .*\$team@example\.test lr|\$team@example\.test lr .*colleague@example\.test lr/);
    });

    it('after too many unknown names, every identifier lookup answers NO [LIMIT], known names too', async () => {
      // Three misses so far in this hour (previous test); two more reach the limit of five.
      for (const n of [1, 2]) assert.match(tagged(await owner.command(`SETACL Shared1 guess${n}@example.test lr`)), /NO \[NONEXISTENT\]/);
      assert.match(tagged(await owner.command('SETACL Shared1 guess3@example.test lr')), /NO \[LIMIT\]/);
      assert.match(tagged(await owner.command('SETACL Shared1 colleague@example.test lrs')), /NO \[LIMIT\]/);
      assert.match(tagged(await owner.command('LISTRIGHTS Shared1 colleague@example.test')), /NO \[LIMIT\]/);
      // "anyone" is no lookup, and other users are not affected (the hour itself: test/directory/hardening.test.ts).
      assert.match(await owner.command('SETACL Shared1 anyone l'), /OK SETACL/);
      const colleague = await loggedIn(h, 'colleague@example.test');
      assert.match(await colleague.command('CREATE Mine'), /OK/);
      assert.match(await colleague.command('SETACL Mine owner@example.test lr'), /OK SETACL/);
    });
  });

  describe('with mail.acl.crossDomain on', () => {
    let h: ImapHarness;
    before(async () => {
      h = await openImapHarness((c) => { c.mail.acl.crossDomain = true; });
      await world(h);
    });
    after(() => h.close());

    it('"anyone" and named users reach other domains too', async () => {
      const owner = await loggedIn(h, 'owner@example.test');
      assert.match(await owner.command('CREATE Open'), /OK/);
      assert.match(await owner.command('SETACL Open anyone lr'), /OK SETACL/);
      assert.match(await owner.command('CREATE Named'), /OK/);
      assert.match(await owner.command('SETACL Named stranger@other.test lr'), /OK SETACL/);
      const stranger = await loggedIn(h, 'stranger@other.test');
      const list = await stranger.command('LIST "" "Other Users/*"');
      assert.match(list, /owner@example\.test\/Open/);
      assert.match(list, /owner@example\.test\/Named/);
    });
  });
});
