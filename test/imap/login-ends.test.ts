// An IMAP session ends when the login it rests on no longer stands (issue 7):
// at once when the password is reset or the account disabled in this server
// (the change bus), and at the next command once the periodic check finds a
// reset made by another process — `stoa account passwd`, another node.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { systemActor } from '../../server/src/directory/access.ts';
import { LOGIN_RECHECK_MS } from '../../server/src/directory/auth-service.ts';
import { createDirectory } from '../../server/src/directory/directory.ts';
import { PASSWORD, openImapHarness, type ImapHarness, type RawClient } from './harness.ts';

describe('IMAP sessions end when their login no longer stands', () => {
  let h: ImapHarness;
  before(async () => {
    h = await openImapHarness();
    await h.user('carol');
  });
  after(async () => h.close());

  async function carol(): Promise<RawClient> {
    const c = await h.raw();
    assert.match(await c.command(`LOGIN carol@example.test "${PASSWORD}"`), /OK/);
    assert.match(await c.command('SELECT INBOX'), /OK/);
    return c;
  }

  it('says BYE at once when an admin resets the password', async () => {
    const c = await carol();
    await h.directory.accounts.setPassword(systemActor(), 'carol@example.test', 'brand new password 1');
    const bye = await c.until((text) => text.includes('* BYE'));
    assert.match(bye, /\* BYE .*log in again/);
    await c.until(() => c.closed);
    assert.ok(c.closed);
    await h.directory.accounts.setPassword(systemActor(), 'carol@example.test', PASSWORD);
  });

  it('says BYE at once when the account is disabled', async () => {
    const c = await carol();
    await h.directory.accounts.update(systemActor(), 'carol@example.test', { enabled: false });
    assert.match(await c.until((text) => text.includes('* BYE')), /\* BYE/);
    await h.directory.accounts.update(systemActor(), 'carol@example.test', { enabled: true });
  });

  it('ends at the next command after the check is due when the reset came from another process', async () => {
    const c = await carol();
    // The CLI and other nodes have their own bus: nothing is announced to this server.
    const elsewhere = createDirectory(h.store, h.config);
    await elsewhere.accounts.setPassword(systemActor(), 'carol@example.test', 'brand new password 2');
    assert.match(await c.command('NOOP'), /OK/, 'the check is not due yet');
    h.advance(LOGIN_RECHECK_MS);
    c.write('T9 NOOP\r\n');
    const res = await c.until((text) => text.includes('* BYE'));
    assert.doesNotMatch(res, /T9 OK/);
    await elsewhere.accounts.setPassword(systemActor(), 'carol@example.test', PASSWORD);
  });

  it('keeps a session whose login still stands when the check comes round', async () => {
    const c = await carol();
    h.advance(LOGIN_RECHECK_MS);
    assert.match(await c.command('NOOP'), /OK/);
    c.close();
  });
});
