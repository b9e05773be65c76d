// `stoa shared-mailbox …` through the real bin/stoa.js against a temp data
// directory, as an operator coming from Exchange scripts it: create sales@,
// grant, list who holds what, what a user may open or send as, revoke,
// convert an account and back, remove.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { initStore, runStoa, tempDir } from './run-stoa.ts';

const root = tempDir('cli-shared');
after(() => root.cleanup());
const dataDir = join(root.path, 'data');
// The store the server's first start makes (the CLI never creates one).
before(() => initStore(dataDir));

const stoa = (args: string[], input?: string) => runStoa(args, { env: { STOA_DATA_DIR: dataDir }, input });

async function ok(args: string[], input?: string): Promise<string> {
  const r = await stoa(args, input);
  assert.equal(r.code, 0, `stoa ${args.join(' ')} failed:\n${r.stderr}`);
  return r.stdout;
}

async function json<T = any>(args: string[], input?: string): Promise<T> {
  return JSON.parse(await ok([...args, '--json'], input)) as T;
}

describe('stoa shared-mailbox', () => {
  test('add, grant to a user and a group, show who holds what, and what a user may open or send as', async () => {
    await ok(['domain', 'add', 'example.com']);
    for (const local of ['alice', 'bob']) await ok(['account', 'add', `${local}@example.com`, '--password-stdin'], 'long enough secret\n');
    await ok(['group', 'add', 'team@example.com', '--member', 'alice@example.com']);
    assert.match(await ok(['shared-mailbox', 'add', 'sales@example.com', '--name', 'Sales', '--quota-bytes', '5G']), /Added shared mailbox sales@example\.com/);
    assert.match(await ok(['shared-mailbox', 'grant', 'sales@example.com', 'team@example.com', 'full-access']), /Granted full-access on sales@example\.com to team@example\.com/);
    await ok(['shared-mailbox', 'grant', 'sales@example.com', 'bob@example.com', 'send-as']);
    // A user's own mailbox is delegated the same way.
    await ok(['shared-mailbox', 'grant', 'alice@example.com', 'bob@example.com', 'send-on-behalf']);
    const shown = await json(['shared-mailbox', 'show', 'sales@example.com']);
    assert.equal(shown.quotaBytes, 5 * 1024 ** 3);
    assert.deepEqual(shown.grants.map((g: any) => `${g.grantee.address} ${g.right}`), ['team@example.com full-access', 'bob@example.com send-as']);
    const table = await ok(['shared-mailbox', 'grants', 'sales@example.com']);
    assert.match(table, /\$team@example\.com\s+full-access/);
    const access = await json(['shared-mailbox', 'access', 'alice@example.com']);
    assert.deepEqual(access.open.map((e: any) => [e.mailbox.address, e.via[0].address]), [['sales@example.com', 'team@example.com']]);
    assert.match(await ok(['shared-mailbox', 'access', 'bob@example.com']), /sales@example\.com\s+send-as\s+bob@example\.com\n.*alice@example\.com\s+send-on-behalf/s);
    assert.match(await ok(['shared-mailbox', 'list']), /sales@example\.com\s+Sales/);
  });

  test('bad input is refused with its catalogue code and changes nothing', async () => {
    const ghost = await stoa(['shared-mailbox', 'grant', 'sales@example.com', 'ghost@example.com', 'full-access']);
    assert.equal(ghost.code, 1);
    assert.match(ghost.stderr, /\(STOA_INVALID_REFERENCE\)$/m);
    const right = await stoa(['shared-mailbox', 'grant', 'sales@example.com', 'bob@example.com', 'owner']);
    assert.equal(right.code, 1);
    assert.match(right.stderr, /RIGHT must be one of full-access, send-as, send-on-behalf/);
    const twice = await stoa(['shared-mailbox', 'grant', 'sales@example.com', 'bob@example.com', 'send-as']);
    assert.match(twice.stderr, /\(STOA_CONFLICT\)$/m);
    const loop = await stoa(['shared-mailbox', 'set', 'sales@example.com', '--forward-to', 'sales@example.com']);
    assert.equal(loop.code, 1);
    assert.equal((await json(['shared-mailbox', 'grants', 'sales@example.com'])).items.length, 2);
  });

  test('revoke, convert an account and back, remove with its grants', async () => {
    assert.match(await ok(['shared-mailbox', 'revoke', 'sales@example.com', 'bob@example.com', 'send-as']), /Revoked send-as/);
    assert.deepEqual((await json(['shared-mailbox', 'access', 'bob@example.com'])).sendAs, []);
    await ok(['account', 'add', 'leaver@example.com', '--password-stdin'], 'long enough secret\n');
    const converted = await json(['shared-mailbox', 'convert', 'leaver@example.com']);
    assert.equal(converted.address, 'leaver@example.com');
    assert.equal((await stoa(['account', 'show', 'leaver@example.com'])).code, 1, 'no longer an account');
    const back = await json(['shared-mailbox', 'unconvert', 'leaver@example.com', '--password-stdin'], 'another long secret\n');
    assert.equal(back.id, converted.id);
    assert.ok(back.passwordSetAt);
    assert.match(await ok(['shared-mailbox', 'remove', 'sales@example.com']), /Removed shared mailbox sales@example\.com/);
    assert.equal((await stoa(['shared-mailbox', 'show', 'sales@example.com'])).code, 1);
    assert.equal((await json(['shared-mailbox', 'access', 'alice@example.com'])).open.length, 0, 'the group\'s grant went with it');
  });
});
