// Revoking a full-access grant must end the delegate's access for good
// (docs/shared-mailboxes.md "Grant rows are the only truth", "Revocation is
// immediate"). Full access must not let the delegate plant folder ACL
// entries (RFC 4314 SETACL) for itself, a group it is in, "anyone" or an
// accomplice, entries that would outlive the grant and that nobody who
// administers grants can see: as Exchange's Full Access, which does not
// include ChangePermission, it is every right but "a". Real IMAP sockets.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { systemActor } from '../../server/src/directory/access.ts';
import { PASSWORD, openImapHarness, type ImapHarness, type RawClient } from './harness.ts';

const SYSTEM = systemActor();
const SALES = 'Other Users/sales@example.test';

async function login(h: ImapHarness, address: string): Promise<RawClient> {
  const c = await h.raw();
  assert.match(await c.command(`LOGIN ${address} "${PASSWORD}"`), /T\d+ OK/);
  return c;
}

describe('a full-access delegate cannot keep access past revocation through folder ACLs', () => {
  let h: ImapHarness;
  let grantId = '';

  before(async () => {
    h = await openImapHarness();
    await h.user('alice');
    await h.user('mallory');
    await h.user('eve');
    const sales = await h.directory.sharedMailboxes.create(SYSTEM, { address: 'sales@example.test' });
    await h.mail.mailboxes.ensureDefaultMailboxes(SYSTEM, sales.id);
    const inbox = (await h.mail.mailboxes.find(SYSTEM, sales.id, 'INBOX'))!.mailbox;
    await h.mail.messages.append(SYSTEM, inbox.id, { source: Buffer.from('From: x@outside.test\r\nSubject: payroll\r\n\r\nsecret\r\n') });
    grantId = (await h.directory.grants.grant(SYSTEM, { kind: 'shared-mailbox', ref: 'sales@example.test' }, { grantee: 'mallory@example.test', right: 'full-access' })).id;
  });
  after(async () => h.close());

  test('full access reads, writes and deletes, but does not administer the ACL', async () => {
    const c = await login(h, 'mallory@example.test');
    assert.match(await c.command(`MYRIGHTS "${SALES}/INBOX"`), /\* MYRIGHTS "?Other Users\/sales@example\.test\/INBOX"? lrswipkxte\r\n/);
    assert.match(await c.command(`SELECT "${SALES}/INBOX"`), /T\d+ OK/);
    for (const identifier of ['mallory@example.test', 'eve@example.test', 'anyone', 'authenticated']) {
      assert.match(await c.command(`SETACL "${SALES}/INBOX" ${identifier} lr`), /T\d+ NO/, identifier);
    }
    assert.match(await c.command(`GETACL "${SALES}/INBOX"`), /T\d+ NO/);
    // Creating a folder is not a way around it either: the new folder belongs to sales@, its ACL is still not mallory's to set.
    assert.match(await c.command(`CREATE "${SALES}/Stash"`), /T\d+ OK/);
    assert.match(await c.command(`SETACL "${SALES}/Stash" mallory@example.test lrswipkxtea`), /T\d+ NO/);
  });

  test('after revocation the delegate sees and reads nothing of the mailbox, in a new session', async () => {
    await h.directory.grants.revoke(SYSTEM, { kind: 'shared-mailbox', ref: 'sales@example.test' }, grantId);
    for (const who of ['mallory@example.test', 'eve@example.test']) {
      const c = await login(h, who);
      const list = await c.command('LIST "" "*"');
      assert.doesNotMatch(list, /sales@example\.test/, who);
      assert.match(await c.command(`SELECT "${SALES}/INBOX"`), /T\d+ NO/, who);
      assert.match(await c.command(`STATUS "${SALES}/Stash" (MESSAGES)`), /T\d+ NO/, who);
    }
  });
});
