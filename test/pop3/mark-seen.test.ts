// POP3 retrieval marks messages seen (issue 16 item 23), as Dovecot and
// Exchange do: RETR'd messages get \Seen at QUIT, with the deletions, so
// IMAP and webmail show them read. TOP does not; a dropped connection and
// RSET change nothing; pop3.markSeen: false keeps the old behaviour.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Account } from '../../shared/src/schemas/directory.ts';
import { systemActor } from '../../server/src/directory/access.ts';
import { uidSetOf } from '../../server/src/model/uid-set.ts';
import { openPop3Harness, PASSWORD, RawClient, type Pop3Harness } from './harness.ts';

async function login(h: Pop3Harness, user: string): Promise<RawClient> {
  const c = await RawClient.open(h.tlsPort, true);
  assert.match(await c.send(`USER ${user}`), /^\+OK/);
  assert.match(await c.send(`PASS ${PASSWORD}`), /^\+OK Logged in/);
  return c;
}

/** \Seen of each message of the account's INBOX, by UID, as IMAP would see it. */
async function seen(h: Pop3Harness, account: Account): Promise<Record<number, boolean>> {
  const inbox = await h.inboxOf(account);
  const list = await h.mail.messages.list(systemActor(), inbox);
  const records = await h.mail.messages.fetch(systemActor(), inbox, uidSetOf(list.uids));
  return Object.fromEntries(records.map((r) => [r.uid, r.flags.includes('\\Seen')]));
}

async function quit(c: RawClient): Promise<void> {
  assert.match(await c.send('QUIT'), /^\+OK Bye/);
  await c.closed();
}

describe('POP3 and \\Seen (pop3.markSeen)', () => {
  describe('on (the default)', () => {
    let h: Pop3Harness;
    const uids: number[] = [];
    before(async () => {
      h = await openPop3Harness();
      assert.equal(h.config.pop3.markSeen, true);
      for (const n of [1, 2, 3]) uids.push(await h.append(h.alice, `Subject: m${n}\r\n\r\nbody ${n}\r\n`));
    });
    after(() => h.close());

    it('a dropped connection marks nothing, even after RETR', async () => {
      const c = await login(h, 'alice@pop.example');
      assert.match(await c.sendMulti('RETR 1'), /^\+OK/);
      c.end();
      await c.closed();
      await new Promise((r) => setTimeout(r, 50));
      assert.deepEqual(await seen(h, h.alice), { [uids[0]]: false, [uids[1]]: false, [uids[2]]: false });
    });

    it('RETR then RSET forgets the retrieval; TOP never marks', async () => {
      const c = await login(h, 'alice@pop.example');
      await c.sendMulti('RETR 1');
      assert.match(await c.send('RSET'), /^\+OK/);
      assert.match(await c.sendMulti('TOP 2 0'), /^\+OK/);
      await quit(c);
      assert.deepEqual(await seen(h, h.alice), { [uids[0]]: false, [uids[1]]: false, [uids[2]]: false });
    });

    it('messages retrieved with RETR are \\Seen after QUIT, the others are not', async () => {
      const c = await login(h, 'alice@pop.example');
      await c.sendMulti('RETR 1');
      await c.sendMulti('RETR 3');
      await c.sendMulti('TOP 2 1');
      // Still unread while the session runs: the mark is applied in the UPDATE state (RFC 1939 §6).
      assert.deepEqual(await seen(h, h.alice), { [uids[0]]: false, [uids[1]]: false, [uids[2]]: false });
      await quit(c);
      assert.deepEqual(await seen(h, h.alice), { [uids[0]]: true, [uids[1]]: false, [uids[2]]: true });
    });

    it('a retrieved and deleted message is simply gone; the rest keep their marks', async () => {
      const c = await login(h, 'alice@pop.example');
      await c.sendMulti('RETR 2');
      assert.match(await c.send('DELE 2'), /^\+OK/);
      assert.equal(await c.send('QUIT'), '+OK Bye (1 messages deleted)\r\n');
      await c.closed();
      assert.deepEqual(await seen(h, h.alice), { [uids[0]]: true, [uids[2]]: true });
    });
  });

  describe('off', () => {
    let h: Pop3Harness;
    before(async () => {
      h = await openPop3Harness((c) => { c.pop3.markSeen = false; });
      await h.append(h.bob, 'Subject: x\r\n\r\nbody\r\n');
    });
    after(() => h.close());

    it('RETR leaves messages unread', async () => {
      const c = await login(h, 'bob@pop.example');
      await c.sendMulti('RETR 1');
      await quit(c);
      assert.deepEqual(Object.values(await seen(h, h.bob)), [false]);
    });
  });
});
