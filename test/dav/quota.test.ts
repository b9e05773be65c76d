// One storage quota for mail and DAV (mail/quota.ts): calendar objects count
// against the quota mail delivery checks, and mail counts against the quota a
// PUT checks, so neither side can fill the account behind the other's back.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { systemActor } from '../../server/src/directory/access.ts';
import { event, openDavHarness, type DavHarness } from './harness.ts';

const CAL = (local: string) => `/dav/calendars/${local}@example.test/calendar/`;

/** A plain message of about `size` bytes. */
function message(size: number): Buffer {
  const head = 'From: <someone@example.org>\r\nTo: <x@example.test>\r\nSubject: filler\r\nMessage-ID: <' + Math.random().toString(36).slice(2) + '@example.org>\r\n\r\n';
  return Buffer.from(head + 'x'.repeat(Math.max(0, size - head.length - 2)) + '\r\n');
}

describe('one storage quota for mail and calendars', () => {
  let h: DavHarness;
  before(async () => {
    h = await openDavHarness();
  });
  after(() => h.close());

  it('refuses mail once calendar objects have used up the quota', async () => {
    const alice = await h.user('alice', { quotaBytes: 4000 });
    const big = event('big', '20260601T090000Z', `DESCRIPTION:${'a'.repeat(2800)}`);
    assert.equal((await h.client('alice').put(`${CAL('alice')}big.ics`, big)).status, 201);
    const report = await h.all.mail.mailboxes.quota(systemActor(), alice.id);
    assert.ok(report.usage.bytes >= 2800, `the quota report counts DAV bytes (${report.usage.bytes})`);
    const [outcome] = await h.all.mail.delivery.deliver(systemActor(), message(1500), [{ accountId: alice.id, mailbox: 'INBOX' }]);
    assert.equal(outcome.status, 'failed');
    assert.equal(outcome.status === 'failed' && outcome.error.code, 'STOA_OVER_QUOTA');
    const [small] = await h.all.mail.delivery.deliver(systemActor(), message(600), [{ accountId: alice.id, mailbox: 'INBOX' }]);
    assert.equal(small.status, 'delivered', 'what still fits is delivered');
  });

  it('refuses a calendar PUT once mail has used up the quota, with DAV:quota-not-exceeded', async () => {
    const bob = await h.user('bob', { quotaBytes: 4000 });
    const [outcome] = await h.all.mail.delivery.deliver(systemActor(), message(3000), [{ accountId: bob.id, mailbox: 'INBOX' }]);
    assert.equal(outcome.status, 'delivered');
    const put = await h.client('bob').put(`${CAL('bob')}e.ics`, event('e', '20260601T090000Z', `DESCRIPTION:${'b'.repeat(1500)}`));
    assert.equal(put.status, 507, put.text);
    assert.match(put.text, /quota-not-exceeded/);
    assert.equal((await h.client('bob').put(`${CAL('bob')}s.ics`, event('s', '20260601T090000Z'))).status, 201, 'a small object still fits');
  });
});
