// Users train their own classifier by sorting: imapflow MOVEs and COPYs a
// corpus spam into Junk (learned as spam), then back to INBOX (its counts
// move to ham); moving to Trash teaches nothing; a delegate sorting the
// owner's mail does not train the owner's classifier.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { ImapFlow } from 'imapflow';
import { systemActor } from '../../server/src/directory/access.ts';
import { CORPUS } from '../support/corpus.ts';
import { PASSWORD, openImapHarness, type ImapHarness } from '../imap/harness.ts';

const spam = readFileSync(join(CORPUS, 'spam', 'mox-outlook-lottery-arc.eml'));
const ham = readFileSync(join(CORPUS, 'ham', 'flanker-iphone.eml'));

describe('Junk training from IMAP MOVE and COPY', () => {
  let h: ImapHarness;
  let alice: ImapFlow;
  let aliceId: string;

  before(async () => {
    h = await openImapHarness();
    aliceId = (await h.user('alice')).id;
    await h.user('bob');
    alice = await h.client('alice@example.test');
    await alice.mailboxCreate('Junk').catch(() => undefined);
  });
  after(async () => h.close());

  const totals = async (accountId: string) => {
    await h.services.junkTraining.idle();
    const t = await h.store.bayes.totals([`user:${accountId}`]);
    return { spam: t.spam, ham: t.ham };
  };

  it('learns a message moved into Junk as spam, and as ham once moved back to INBOX', async () => {
    const junk = (await alice.list()).find((m) => m.specialUse === '\\Junk');
    assert.ok(junk, 'the account has a \\Junk mailbox');
    await alice.append('INBOX', spam);
    const lock = await alice.getMailboxLock('INBOX');
    try {
      assert.ok(await alice.messageMove('1:*', junk.path));
    } finally {
      lock.release();
    }
    assert.deepEqual(await totals(aliceId), { spam: 1, ham: 0 });

    const back = await alice.getMailboxLock(junk.path);
    try {
      assert.ok(await alice.messageMove('1:*', 'INBOX'));
    } finally {
      back.release();
    }
    assert.deepEqual(await totals(aliceId), { spam: 0, ham: 1 }, 'taken out of Junk: its counts move to ham');
  });

  it('learns a COPY into Junk, and nothing from a move out of Junk to Trash', async () => {
    const boxes = await alice.list();
    const junk = boxes.find((m) => m.specialUse === '\\Junk')!;
    const trash = boxes.find((m) => m.specialUse === '\\Trash')!;
    await alice.append('INBOX', ham);
    const lock = await alice.getMailboxLock('INBOX');
    try {
      assert.ok(await alice.messageCopy('*', junk.path));
    } finally {
      lock.release();
    }
    const before = await totals(aliceId);
    assert.equal(before.spam, 1, 'the copy in Junk is learned as spam');
    const j = await alice.getMailboxLock(junk.path);
    try {
      assert.ok(await alice.messageMove('1:*', trash.path));
    } finally {
      j.release();
    }
    assert.deepEqual(await totals(aliceId), before, 'Junk → Trash is deletion, not a verdict');
  });

  it('does not train the owner\'s classifier when a delegate moves the owner\'s mail into Junk', async () => {
    const bobId = (await h.directory.accounts.get(systemActor(), 'bob@example.test')).id;
    const bob = await h.client('bob@example.test');
    await bob.append('INBOX', spam);
    const junk = (await bob.list()).find((m) => m.specialUse === '\\Junk')!;
    // bob lets alice sort his mail: read, delete and expunge at INBOX, insert into Junk.
    const grant = await h.raw();
    await grant.command(`LOGIN bob@example.test "${PASSWORD}"`);
    assert.match(await grant.command('SETACL INBOX alice@example.test lrstei'), /OK/);
    assert.match(await grant.command(`SETACL "${junk.path}" alice@example.test lrstei`), /OK/);
    const before = await totals(bobId);
    const lock = await alice.getMailboxLock('Other Users/bob@example.test/INBOX');
    try {
      assert.ok(await alice.messageMove('1:*', `Other Users/bob@example.test/${junk.path}`));
    } finally {
      lock.release();
    }
    assert.deepEqual(await totals(bobId), before);
    const status = await bob.status(junk.path, { messages: true });
    assert.equal(status && status.messages, 1, 'the move itself happened');
  });
});
