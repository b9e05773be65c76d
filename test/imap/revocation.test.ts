// Rights revoked while a mailbox is open (issue 7, bug 1): alice shares a
// folder with bob, bob SELECTs it, alice takes the rights back; bob's very
// next command must be refused, not answered from rights read at SELECT.
// Also through a group bob leaves, and for a session idling on the mailbox.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { systemActor } from '../../server/src/directory/access.ts';
import { PASSWORD, openImapHarness, type ImapHarness, type RawClient } from './harness.ts';

const SHARED = '"Other Users/alice@example.test/Projects"';
const message = 'Subject: plans\r\nFrom: alice@example.test\r\n\r\nthe secret plan\r\n';

describe('IMAP rights revoked while a mailbox is selected', () => {
  let h: ImapHarness;
  let alice: RawClient;

  before(async () => {
    h = await openImapHarness();
    await h.user('alice');
    const bob = await h.user('bob');
    await h.directory.groups.create(systemActor(), { address: 'team@example.test', name: 'Team', members: [{ kind: 'account', id: bob.id }] });
    alice = await h.raw();
    await alice.command(`LOGIN alice@example.test "${PASSWORD}"`);
    await alice.command('CREATE Projects');
    await alice.command(`APPEND Projects {${message.length}+}\r\n${message}`);
  });
  after(async () => h.close());

  async function bobSelected(): Promise<RawClient> {
    const bob = await h.raw();
    assert.match(await bob.command(`LOGIN bob@example.test "${PASSWORD}"`), /OK/);
    assert.match(await bob.command(`SELECT ${SHARED}`), /OK/);
    assert.match(await bob.command('FETCH 1 (BODY.PEEK[TEXT])'), /the secret plan/);
    return bob;
  }

  for (const [how, revoke] of [
    ['DELETEACL', 'DELETEACL Projects bob@example.test'],
    ['SETACL to no rights', 'SETACL Projects bob@example.test ""'],
  ] as const) {
    it(`refuses the next FETCH after ${how}, and the mailbox no longer exists for bob`, async () => {
      await alice.command('SETACL Projects bob@example.test lr');
      const bob = await bobSelected();
      assert.match(await alice.command(revoke), /OK/);
      const res = await bob.command('FETCH 1 (BODY.PEEK[TEXT])');
      assert.doesNotMatch(res, /the secret plan/);
      // RFC 4314 §4: without "l" and "r" the mailbox must look nonexistent.
      assert.match(res, /NO \[NONEXISTENT\]/);
      assert.match(await bob.command('UID FETCH 1:* (FLAGS)'), /NO \[NONEXISTENT\]/);
      assert.match(await bob.command(`STATUS ${SHARED} (MESSAGES)`), /NO \[NONEXISTENT\]/);
      assert.match(await bob.command(`SELECT ${SHARED}`), /NO \[NONEXISTENT\]/);
      bob.close();
    });
  }

  it('refuses the next FETCH once the group that granted the rights no longer holds bob', async () => {
    await alice.command('DELETEACL Projects bob@example.test');
    await alice.command('SETACL Projects $team@example.test lr');
    const bob = await bobSelected();
    const group = await h.directory.groups.get(systemActor(), 'team@example.test');
    // No ACL event is published for a membership change: the mail service checks the membership at every call.
    await h.directory.groups.update(systemActor(), group.id, { members: [] });
    const res = await bob.command('FETCH 1 (BODY.PEEK[TEXT])');
    assert.doesNotMatch(res, /the secret plan/);
    assert.match(res, /NO \[NONEXISTENT\]/);
    bob.close();
    await alice.command('DELETEACL Projects $team@example.test');
  });

  it('keeps read access but refuses flag changes when only "w" is taken away', async () => {
    await alice.command('SETACL Projects bob@example.test lrsw');
    const bob = await bobSelected();
    assert.match(await bob.command('STORE 1 +FLAGS (Urgent)'), /OK/);
    await alice.command('SETACL Projects bob@example.test lrs');
    assert.match(await bob.command('STORE 1 +FLAGS (Later)'), /NO \[NOPERM\]/);
    assert.match(await bob.command('STORE 1 +FLAGS (\\Seen)'), /OK/);
    assert.match(await bob.command('FETCH 1 (BODY.PEEK[TEXT])'), /the secret plan/);
    bob.close();
    await alice.command('DELETEACL Projects bob@example.test');
  });

  it('tells an idling session nothing more once its rights are gone', async () => {
    await alice.command('SETACL Projects bob@example.test lr');
    const bob = await bobSelected();
    await alice.command('DELETEACL Projects bob@example.test');
    bob.write('I1 IDLE\r\n');
    await bob.until((text) => /\+ idling/.test(text));
    await alice.command(`APPEND Projects {${message.length}+}\r\n${message}`);
    // Alice's own session sees the new message; bob's idle session must not be told about it.
    assert.match(await alice.command('NOOP'), /OK/);
    bob.write('DONE\r\n');
    const after = await bob.until((text) => /I1 (OK|NO|BAD)[^\r\n]*\r\n/.test(text));
    assert.doesNotMatch(after, /EXISTS/);
    bob.close();
  });
});
