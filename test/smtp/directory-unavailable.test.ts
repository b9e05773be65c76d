// SMTP AUTH of an account whose directory (LDAP/AD) cannot be asked: RFC 4954
// §6 "454 4.7.0 Temporary authentication failure", so the client keeps the
// message and tries again later, instead of 535 (credentials). No failure is
// counted for throttling. The directory's server is a real LDAPS connection
// to a closed loopback port (test/support/directory-outage.ts).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { accountOfUnreachableDirectory } from '../support/directory-outage.ts';
import { openSmtpHarness, replyOf, transport, type SmtpHarness } from './harness.ts';

describe('SMTP AUTH while the directory that owns the account cannot be asked', () => {
  let h: SmtpHarness;
  before(async () => {
    h = await openSmtpHarness((c) => {
      c.auth.throttle.accountFreeFailures = 1;
      c.auth.throttle.ipFreeFailures = 1;
    });
    await accountOfUnreachableDirectory(h.directory, 'dora@example.test');
  });
  after(async () => h.close());

  it('answers 454 4.7.0 to every attempt (nodemailer over SMTPS), never 535 and never throttled', async () => {
    for (let i = 0; i < 3; i++) {
      const t = transport(h, 'smtps', 'dora@example.test', 'her directory password');
      const err = await t.sendMail({ from: 'dora@example.test', to: 'bob@example.test', subject: 'hi', text: 'hello' }).then(() => null, (e: unknown) => e);
      t.close();
      assert.ok(err, 'the message was accepted');
      assert.match(replyOf(err), /^454 4\.7\.0 Temporary authentication failure/);
    }
    assert.equal((await h.messages('bob@example.test')).length, 0);
  });
});
