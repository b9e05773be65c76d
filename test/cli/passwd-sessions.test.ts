// `stoa account passwd` from the shell ends the account's console sessions
// and API tokens, exactly as a reset through the admin API does (issue 7,
// bug 3): the rule lives in the account service, whoever calls it. A running
// server's IMAP and POP3 sessions of the account end at their next command
// after the periodic login check (test/imap/login-ends.test.ts,
// test/pop3/session.test.ts).
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { defaultConfig } from '../../server/src/config/schema.ts';
import { actorFor, systemActor } from '../../server/src/directory/access.ts';
import { createDirectory } from '../../server/src/directory/directory.ts';
import { openStore } from '../../server/src/store/open-store.ts';
import { initStore, runStoa, tempDir } from './run-stoa.ts';

const root = tempDir('cli-passwd');
after(() => root.cleanup());
const dataDir = join(root.path, 'data');
await initStore(dataDir);

const stoa = (args: string[], input?: string) => runStoa(args, { env: { STOA_DATA_DIR: dataDir }, input });

describe('stoa account passwd', () => {
  test('ends every console session and API token of the account, and those only', async () => {
    for (const args of [['domain', 'add', 'example.com'], ['account', 'add', 'alice@example.com', '--password-stdin'], ['account', 'add', 'bob@example.com', '--password-stdin']]) {
      const r = await stoa(args, 'first-Passw0rd\n');
      assert.equal(r.code, 0, r.stderr);
    }
    // The server's view of the same data directory: sessions and a token, as the console and a script would hold them.
    const config = defaultConfig();
    config.dataDir = dataDir;
    config.store.sqlite.path = join(dataDir, 'stoa.db');
    config.store.blobs.path = join(dataDir, 'blobs');
    const store = await openStore(config);
    try {
      const directory = createDirectory(store, config);
      const alice = await directory.accounts.get(systemActor(), 'alice@example.com');
      const bob = await directory.accounts.get(systemActor(), 'bob@example.com');
      const session = await directory.credentials.openSession(alice, { userAgent: 'browser', ttlMs: 3_600_000 });
      const token = await directory.credentials.createToken(actorFor(alice, null), { name: 'script' });
      const bobSession = await directory.credentials.openSession(bob, { userAgent: 'browser', ttlMs: 3_600_000 });
      assert.equal((await directory.credentials.resolve(session.secret, 'session')).account.id, alice.id);

      const r = await stoa(['account', 'passwd', 'alice@example.com', '--password-stdin'], 'second-Passw0rd\n');
      assert.equal(r.code, 0, r.stderr);

      await assert.rejects(directory.credentials.resolve(session.secret, 'session'), /not valid/, 'the console session ended');
      await assert.rejects(directory.credentials.resolve(token.secret, 'token'), /not valid/, 'the API token ended');
      assert.equal((await directory.credentials.resolve(bobSession.secret, 'session')).account.id, bob.id, 'other accounts keep theirs');
      assert.equal((await directory.auth.authenticate({ username: 'alice@example.com', password: 'first-Passw0rd', protocol: 'imap', ip: null })).ok, false);
      assert.equal((await directory.auth.authenticate({ username: 'alice@example.com', password: 'second-Passw0rd', protocol: 'imap', ip: null })).ok, true);
    } finally {
      await store.close();
    }
  });
});
