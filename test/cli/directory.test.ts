// The directory commands, run through the real bin/stoa.js against a temp
// data directory, as an operator scripts them.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { initStore, runStoa, tempDir } from './run-stoa.ts';

const root = tempDir('cli');
after(() => root.cleanup());
const dataDir = join(root.path, 'data');
await initStore(dataDir);

const stoa = (args: string[], input?: string) => runStoa(args, { env: { STOA_DATA_DIR: dataDir }, input });

async function ok(args: string[], input?: string): Promise<string> {
  const r = await stoa(args, input);
  assert.equal(r.code, 0, `stoa ${args.join(' ')} failed:\n${r.stderr}`);
  return r.stdout;
}

async function json<T = any>(args: string[], input?: string): Promise<T> {
  return JSON.parse(await ok([...args, '--json'], input)) as T;
}

describe('stoa directory commands', () => {
  test('domain add, list --json, show and set', async () => {
    assert.match(await ok(['domain', 'add', 'example.com', '--description', 'Main office']), /Added domain example\.com/);
    await ok(['domain', 'add', 'example.net', '--alias-of', 'example.com']);
    const list = await json(['domain', 'list']);
    assert.deepEqual(list.items.map((d: any) => d.name), ['example.com', 'example.net']);
    assert.equal(list.total, 2);
    assert.match(await ok(['domain', 'show', 'example.net']), /aliasOf:\s+example\.com/);
    const updated = await json(['domain', 'set', 'example.com', '--quota-bytes', '2G']);
    assert.equal(updated.defaultQuotaBytes, 2 * 1024 ** 3);
    assert.match(await ok(['domain', 'list']), /^NAME\s+ENABLED\s+ALIAS OF/);
  });

  test('account add with the password on stdin, then passwd via stdin', async () => {
    const account = await json(['account', 'add', 'alice@example.com', '--name', 'Alice', '--password-stdin'], 'first-Passw0rd\n');
    assert.equal(account.address, 'alice@example.com');
    assert.ok(account.passwordSetAt, 'the password is set');
    assert.ok(!('passwordHash' in account), 'the hash never leaves the directory');
    assert.match(await ok(['account', 'passwd', 'alice@example.com', '--password-stdin'], 'second-Passw0rd\n'), /Password of alice@example\.com changed/);
    const shown = await json(['account', 'show', 'alice@example.com']);
    assert.ok(shown.passwordSetAt >= account.passwordSetAt);
  });

  test('passwd without stdin or a terminal refuses instead of waiting', async () => {
    const r = await stoa(['account', 'passwd', 'alice@example.com']);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /^error: no password given: pipe it with --password-stdin/m);
  });

  test('a weak password is refused with its error code', async () => {
    const r = await stoa(['account', 'passwd', 'alice@example.com', '--password-stdin'], 'short\n');
    assert.equal(r.code, 1);
    assert.match(r.stderr, /\(STOA_(WEAK_PASSWORD|VALIDATION)\)$/m);
  });

  test('role grant makes a domain admin of the given domains', async () => {
    await ok(['account', 'add', 'bob@example.com', '--no-password']);
    const bob = await json(['role', 'grant', 'bob@example.com', 'domain-admin', '--domain', 'example.com']);
    assert.equal(bob.role, 'domain-admin');
    assert.equal(bob.adminDomainIds.length, 1);
    const admins = await json(['account', 'list', '--role', 'domain-admin']);
    assert.deepEqual(admins.items.map((a: any) => a.address), ['bob@example.com']);
    const r = await stoa(['role', 'grant', 'bob@example.com', 'domain-admin']);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /domain-admin needs at least one --domain/);
  });

  test('groups take members by address: accounts, groups and outsiders', async () => {
    await ok(['group', 'add', 'team@example.com', '--member', 'alice@example.com']);
    await ok(['group', 'add', 'all@example.com', '--kind', 'distribution']);
    await ok(['group', 'add-member', 'all@example.com', 'team@example.com']);
    await ok(['group', 'add-member', 'all@example.com', 'bob@example.com']);
    await ok(['group', 'add-member', 'all@example.com', 'partner@elsewhere.org']);
    const shown = await json(['group', 'show', 'all@example.com']);
    assert.deepEqual(shown.memberAddresses, ['team@example.com (group)', 'bob@example.com', 'partner@elsewhere.org (external)']);
    await ok(['group', 'remove-member', 'all@example.com', 'bob@example.com']);
    assert.equal((await json(['group', 'show', 'all@example.com'])).members.length, 2);
    const typo = await stoa(['group', 'add-member', 'all@example.com', 'alcie@example.com']);
    assert.equal(typo.code, 1);
    assert.match(typo.stderr, /nothing here has the address alcie@example\.com \(STOA_INVALID_REFERENCE\)/);
  });

  test('aliases, including a catch-all', async () => {
    await ok(['alias', 'add', 'info@example.com', 'alice@example.com', 'bob@example.com']);
    await ok(['alias', 'add', '*@example.com', 'alice@example.com']);
    const list = await json(['alias', 'list', '--domain', 'example.com']);
    assert.deepEqual(list.items.map((a: any) => a.address).sort(), ['*@example.com', 'info@example.com']);
    assert.deepEqual((await json(['alias', 'show', 'info@example.com'])).targets, ['alice@example.com', 'bob@example.com']);
    await ok(['alias', 'remove', '*@example.com']);
  });

  test('app passwords: the secret is shown once, then listed by name and revoked', async () => {
    const created = await json(['app-password', 'add', 'alice@example.com', 'Thunderbird']);
    assert.ok(created.secret.length >= 16);
    const list = await json(['app-password', 'list', 'alice@example.com']);
    assert.deepEqual(list.items.map((p: any) => p.name), ['Thunderbird']);
    assert.ok(!JSON.stringify(list).includes(created.secret));
    await ok(['app-password', 'revoke', 'alice@example.com', created.appPassword.id]);
    assert.equal((await json(['app-password', 'list', 'alice@example.com'])).total, 0);
  });
});

describe('stoa errors and help', () => {
  const cases: { args: string[]; stderr: RegExp }[] = [
    { args: ['domain', 'show', 'unknown.example'], stderr: /^error: .*\(STOA_NOT_FOUND\)$/m },
    { args: ['domain', 'add', 'example.com'], stderr: /^error: .*\(STOA_DOMAIN_EXISTS\)$/m },
    { args: ['domain', 'add', 'not a domain'], stderr: /^error: .*\(STOA_(INVALID_DOMAIN|VALIDATION)\)$/m },
    { args: ['domain', 'remove', 'example.com'], stderr: /^error: .*\(STOA_DOMAIN_(NOT_EMPTY|HAS_ALIASES)\)$/m },
    { args: ['account', 'add', 'carol@unknown.example', '--no-password'], stderr: /^error: .*\(STOA_UNKNOWN_DOMAIN\)$/m },
    { args: ['account', 'list', '--bogus'], stderr: /^error: Unknown option '--bogus'\nusage: stoa account list/m },
    { args: ['domain', 'show'], stderr: /^error: missing arguments\nusage: stoa domain show NAME/m },
    { args: ['domain', 'frobnicate'], stderr: /^error: unknown subcommand "frobnicate"/m },
    { args: ['frobnicate'], stderr: /^error: unknown command "frobnicate"/m },
    { args: ['role', 'grant', 'alice@example.com', 'emperor'], stderr: /the role must be one of server-admin, domain-admin, user/ },
  ];
  for (const c of cases) {
    test(`stoa ${c.args.join(' ')} fails with exit code 1`, async () => {
      const r = await stoa(c.args);
      assert.equal(r.code, 1, r.stdout);
      assert.match(r.stderr, c.stderr);
      assert.doesNotMatch(r.stderr, /^\s+at /m, 'no stack trace');
    });
  }

  test('--help works for the program, a group and a command', async () => {
    assert.match(await ok(['--help']), /^usage: stoa COMMAND/);
    assert.match(await ok(['group', '--help']), /add-member\s+add a member to a group/);
    assert.match(await ok(['account', 'passwd', '--help']), /--password-stdin/);
    assert.match(await ok(['serve', '--help']), /^usage: stoa serve/);
  });

  test('changes made through the CLI are audited as "cli"', async () => {
    const run = await stoa(['domain', 'add', 'audited.example.org', '--json']);
    assert.equal(run.code, 0);
    // The audit trail is read through the service the admin API uses.
    const { loadConfig } = await import('../../server/src/config/load.ts');
    const { openStore } = await import('../../server/src/store/open-store.ts');
    const { createDirectory } = await import('../../server/src/directory/directory.ts');
    const { CLI_ACTOR } = await import('../../server/src/cli/context.ts');
    const { config } = loadConfig({ env: { STOA_DATA_DIR: dataDir }, cwd: root.path });
    const store = await openStore(config);
    try {
      const page = await createDirectory(store, config).audit.list(CLI_ACTOR, { objectType: 'domain', limit: 50 });
      const entry = page.items.find((e) => (e.after as { name?: string } | null)?.name === 'audited.example.org');
      assert.equal(entry?.actor, 'cli');
    } finally {
      await store.close();
    }
  });
});
