// Login throttling for directory (LDAP/AD) accounts: an AD down-level name
// counts under one name however its domain part is spelled ("CORP\alice",
// "X\alice", "alice"), so an attacker cannot multiply the account's free
// failures by inventing prefixes; and an attempt the directory could not
// judge (unreachable) is taken back, so an outage throttles nobody. The
// directory here is a real ldapts connection to a closed loopback port.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { AuthRequest, AuthResult } from '../../server/src/directory/api.ts';
import { accountOfUnreachableDirectory } from '../support/directory-outage.ts';
import { openHarness, type Harness } from './harness.ts';

const req = (username: string, ip: string): AuthRequest => ({ username, password: 'some guess', protocol: 'imap', ip });
const code = (r: AuthResult): string => (r.ok ? 'ok' : r.code);

describe('throttling of directory logins', () => {
  let h: Harness;
  before(async () => {
    h = await openHarness((c) => { Object.assign(c.auth.throttle, { ipFreeFailures: 1000, accountFreeFailures: 3 }); });
    await h.directory.domains.create(h.system, { name: 'a.example' });
  });
  after(async () => {
    await h.directory.close();
    await h.close();
  });

  it('counts "CORP\\name" under "name", whatever the domain part, from any address', async () => {
    const answers: string[] = [];
    // Each from its own address, so only the per-account counter can stop them.
    for (let i = 0; i < 8; i++) answers.push(code(await h.directory.auth.authenticate(req(`D${i}\\mallory`, `192.0.2.${10 + i}`))));
    assert.deepEqual(answers.slice(0, 4), ['STOA_AUTH_FAILED', 'STOA_AUTH_FAILED', 'STOA_AUTH_FAILED', 'STOA_AUTH_FAILED']);
    assert.ok(answers.slice(4).every((a) => a === 'STOA_AUTH_THROTTLED'), answers.join(', '));
    assert.equal(code(await h.directory.auth.authenticate(req('mallory', '192.0.2.99'))), 'STOA_AUTH_THROTTLED', 'the bare name shares the counter');
  });

  it('an attempt the directory could not judge counts nowhere: past every free failure, still "unavailable", never throttled', async () => {
    const account = await accountOfUnreachableDirectory(h.directory, 'down@a.example');
    for (let i = 0; i < 10; i++) {
      assert.equal(code(await h.directory.auth.authenticate(req(account.address, '192.0.2.200'))), 'STOA_AUTH_UNAVAILABLE', `attempt ${i + 1}`);
    }
  });
});
