// stoa account import (issue 16 item 18): many accounts from one CSV file,
// through the directory service, all or none, each audited as "cli"; a dry
// run that changes nothing; malformed rows reported with their line.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { openSqliteStore } from '../../server/src/store/open-store.ts';
import { initStore, runStoa, tempDir } from './run-stoa.ts';

const root = tempDir('cli-import');
after(() => root.cleanup());
const dataDir = join(root.path, 'data');
const stoa = (args: string[], input?: string) => runStoa(args, { env: { STOA_DATA_DIR: dataDir }, input });

let fileNo = 0;
function csv(text: string): string {
  const path = join(root.path, `accounts-${++fileNo}.csv`);
  writeFileSync(path, text, { mode: 0o600 });
  return path;
}

async function addresses(): Promise<string[]> {
  const r = await stoa(['account', 'list', '--json']);
  assert.equal(r.code, 0, r.stderr);
  return (JSON.parse(r.stdout) as { items: Array<{ address: string }> }).items.map((a) => a.address);
}

describe('stoa account import', () => {
  before(async () => {
    await initStore(dataDir);
    for (const args of [['domain', 'add', 'corp.example'], ['account', 'add', 'taken@corp.example', '--no-password']]) {
      const r = await stoa(args);
      assert.equal(r.code, 0, r.stderr);
    }
  });

  const good = [
    'address,name,password,quota-bytes,enabled,forward-to',
    'ann@corp.example,Ann Example,"Secret, with comma 1",2G,yes,',
    'bob@corp.example,"Bob ""B"" Example",,0,no,ann@corp.example;out@elsewhere.example',
    'Carl@Corp.Example,Carl,carl-Passw0rd-long,,,',
  ].join('\r\n');

  test('a dry run checks every row, reports what it would create, and changes nothing', async () => {
    const r = await stoa(['account', 'import', csv(good), '--dry-run', '--json']);
    assert.equal(r.code, 0, r.stderr);
    const report = JSON.parse(r.stdout);
    assert.equal(report.dryRun, true);
    assert.deepEqual(report.valid, [{ line: 2, address: 'ann@corp.example' }, { line: 3, address: 'bob@corp.example' }, { line: 4, address: 'carl@corp.example' }]);
    assert.deepEqual(report.created, []);
    assert.deepEqual(await addresses(), ['taken@corp.example']);
    const human = await stoa(['account', 'import', csv(good), '--dry-run']);
    assert.match(human.stdout, /^Dry run: all 3 rows are valid; 3 accounts would be created\. Nothing was changed\.$/m);
  });

  test('an import creates every account with its columns, audited as cli, and the passwords work', async () => {
    const r = await stoa(['account', 'import', csv(good)]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^Imported 3 accounts: ann@corp\.example, bob@corp\.example, carl@corp\.example\.$/m);
    const list = JSON.parse((await stoa(['account', 'list', '--json'])).stdout).items as Array<Record<string, unknown>>;
    const byAddress = new Map(list.map((a) => [a.address, a]));
    assert.equal(byAddress.get('ann@corp.example')!.displayName, 'Ann Example');
    assert.equal(byAddress.get('ann@corp.example')!.quotaBytes, 2 * 1024 ** 3);
    assert.equal(byAddress.get('bob@corp.example')!.displayName, 'Bob "B" Example');
    assert.equal(byAddress.get('bob@corp.example')!.enabled, false);
    assert.equal(byAddress.get('bob@corp.example')!.passwordSetAt, null);
    assert.deepEqual(byAddress.get('bob@corp.example')!.forwardTo, ['ann@corp.example', 'out@elsewhere.example']);
    assert.ok(byAddress.get('carl@corp.example')!.passwordSetAt);

    const store = await openSqliteStore({ path: join(dataDir, 'stoa.db'), blobsPath: join(dataDir, 'blobs') });
    try {
      const audit = (await store.audit.list({ offset: 0, limit: 50, sort: 'at', order: 'desc', scope: null, objectType: 'account' })).items;
      const created = audit.filter((e) => e.action === 'create' && ['ann@corp.example', 'bob@corp.example', 'carl@corp.example'].includes((e.after as { address: string }).address));
      assert.equal(created.length, 3);
      assert.ok(created.every((e) => e.actor === 'cli'));
    } finally {
      await store.close();
    }
    const { createDirectory } = await import('../../server/src/directory/directory.ts');
    const { defaultConfig } = await import('../../server/src/config/schema.ts');
    const config = defaultConfig();
    const check = await openSqliteStore({ path: join(dataDir, 'stoa.db'), blobsPath: join(dataDir, 'blobs') });
    try {
      const result = await createDirectory(check, config).auth.authenticate({ username: 'ann@corp.example', password: 'Secret, with comma 1', protocol: 'imap', ip: '127.0.0.1' });
      assert.equal(result.ok, true);
    } finally {
      await check.close();
    }
  });

  // Each file has one bad row among good ones: the whole file is refused, the bad line named, nothing created.
  const malformed: Array<[string, string, RegExp]> = [
    ['an unterminated quote', 'address,name\nok1@corp.example,"Ann\n', /line 2: a quoted field is not closed/],
    ['a stray quote', 'address,name\nok1@corp.example,An"n\n', /line 2: a quote inside an unquoted field/],
    ['too many fields', 'address,name\nok1@corp.example,A\nok2@corp.example,B,extra\n', /line 3 \(ok2@corp\.example\): 3 fields where the header has 2 \(STOA_VALIDATION\)/],
    ['too few fields', 'address,name,password\nok1@corp.example,A,\nok2@corp.example\n', /line 3 \(ok2@corp\.example\): 1 fields where the header has 3/],
    ['an empty address', 'address,name\nok1@corp.example,A\n,Nobody\n', /line 3: address is empty \(STOA_VALIDATION\)/],
    ['a bad quota', 'address,quota-bytes\nok1@corp.example,1G\nok2@corp.example,lots\n', /line 3 \(ok2@corp\.example\): --quota-bytes: expected a size/],
    ['a bad enabled value', 'address,enabled\nok1@corp.example,yes\nok2@corp.example,maybe\n', /line 3 \(ok2@corp\.example\): enabled: expected yes or no/],
    ['an invalid address', 'address\nok1@corp.example\nnot an address\n', /line 3 \(not an address\): .*\(STOA_INVALID_ADDRESS\)/],
    ['a domain not served here', 'address\nok1@corp.example\nx@unknown.example\n', /line 3 \(x@unknown\.example\): .*\(STOA_UNKNOWN_DOMAIN\)/],
    ['an address already taken', 'address\nok1@corp.example\ntaken@corp.example\n', /line 3 \(taken@corp\.example\): .*\(STOA_ADDRESS_TAKEN\)/],
    ['the same address twice', 'address\nok1@corp.example\nOK1@corp.example\n', /line 3 \(OK1@corp\.example\): ok1@corp\.example is also in row 1 of this import \(STOA_ADDRESS_TAKEN\)/],
    ['a weak password', 'address,password\nok1@corp.example,\nok2@corp.example,short\n', /line 3 \(ok2@corp\.example\): .*\(STOA_WEAK_PASSWORD\)/],
    ['a mixed-script local part', 'address\nok1@corp.example\npаypal@corp.example\n', /line 3 \(pаypal@corp\.example\): .*\(STOA_MIXED_SCRIPT\)/],
  ];
  test('a file with one malformed row among good ones is refused as a whole, naming the line', async () => {
    const before = await addresses();
    for (const [i, [what, text, expected]] of malformed.entries()) {
      // The dry run takes the same checks; it is run for a few of the cases (each run is a process start).
      const dry = i % 4 === 0;
      const r = await stoa(['account', 'import', csv(text), ...(dry ? ['--dry-run'] : [])]);
      assert.equal(r.code, 1, `${what}: ${r.stdout}`);
      assert.match(r.stderr, expected, what);
      assert.match(r.stderr, /nothing was imported/, what);
    }
    assert.deepEqual(await addresses(), before);
  });

  test('a header that names no address column, or an unknown one, is refused', async () => {
    const r1 = await stoa(['account', 'import', csv('name,password\nAnn,x\n')]);
    assert.match(r1.stderr, /line 1: the header has no "address" column/);
    const r2 = await stoa(['account', 'import', csv('address,mailbox-size\nx@corp.example,1\n')]);
    assert.match(r2.stderr, /line 1: unknown column "mailbox-size"/);
    const r3 = await stoa(['account', 'import', csv('')]);
    assert.match(r3.stderr, /is empty: the first line must name the columns/);
    const r4 = await stoa(['account', 'import', join(root.path, 'missing.csv')]);
    assert.match(r4.stderr, /cannot read .*missing\.csv: ENOENT/);
  });

  test('rows can come on stdin', async () => {
    const r = await stoa(['account', 'import', '-', '--json'], 'address,name\nstdin@corp.example,From Stdin\n');
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(JSON.parse(r.stdout).created, ['stdin@corp.example']);
  });
});
