// A LIST pattern is the client's: "*a*a*a*a*a*a*a*a*b" against a mailbox
// named with 800 "a" made the regular expression it was compiled to
// backtrack for hours on the one event loop, stopping every session of
// every protocol. Real IMAP sockets: the hostile LIST answers, and another
// session is served meanwhile.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { PASSWORD, openImapHarness, type ImapHarness } from './harness.ts';

describe('LIST with a hostile pattern', { timeout: 60_000 }, () => {
  let h: ImapHarness;
  before(async () => {
    h = await openImapHarness();
    await h.user('mallory');
    await h.user('alice');
  });
  after(async () => h.close());

  test('answers at once, and other sessions go on being served', async () => {
    const mallory = await h.raw();
    assert.match(await mallory.command(`LOGIN mallory@example.test "${PASSWORD}"`), /OK/);
    // Levels are at most 255 octets: four of 200.
    const long = Array(4).fill('a'.repeat(200)).join('/');
    assert.match(await mallory.command(`CREATE ${long}`), /T\d+ OK/);
    const list = await mallory.command(`LIST "" "${'*a'.repeat(8)}*b"`, 'L1');
    assert.match(list, /^L1 OK/m);
    assert.doesNotMatch(list, /\* LIST/);
    assert.match(await mallory.command(`LIST "" "${'*a'.repeat(8)}*"`), new RegExp(`\\* LIST \\([^)]*\\) "/" ${long}\\r\\n`));
    assert.doesNotMatch(await mallory.command(`LIST "" "${'%a'.repeat(8)}%b"`, 'L2'), /\* LIST/);
    const alice = await h.raw();
    assert.match(await alice.command(`LOGIN alice@example.test "${PASSWORD}"`), /OK/);
    assert.match(await alice.command('NOOP'), /OK/);
  });
});
