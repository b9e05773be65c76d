// A real backup and restore round trip (issue 16 item 20): a server's data
// directory with accounts, a message, DKIM keys and its self-signed TLS
// certificate is backed up while nothing else changes, restored into an
// empty place, and comes back whole: the same certificate (no new one at
// the next start), the same DKIM keys, the message. A damaged backup is
// refused with what is wrong.
import assert from 'node:assert/strict';
import { cpSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { defaultConfig } from '../../server/src/config/schema.ts';
import { systemActor } from '../../server/src/directory/access.ts';
import { createLogger } from '../../server/src/log/logger.ts';
import { createServices } from '../../server/src/services.ts';
import { uidSetOf } from '../../server/src/model/uid-set.ts';
import { openSqliteStore } from '../../server/src/store/open-store.ts';
import { runStoa, serveStoa, tempDir } from './run-stoa.ts';

const root = tempDir('restore');
after(() => root.cleanup());
const source = join(root.path, 'source');
const backupDir = join(root.path, 'backup');
const MESSAGE = 'From: someone@example.org\r\nTo: alice@demo.stoa.test\r\nSubject: keep me\r\n\r\nThe body that must survive.\r\n';

const env = (dataDir: string): Record<string, string> => ({ STOA_DATA_DIR: dataDir, STOA_HOSTNAME: 'mail.example.org' });

async function withServices<T>(dataDir: string, fn: (s: ReturnType<typeof createServices>) => Promise<T>): Promise<T> {
  const config = defaultConfig();
  config.dataDir = dataDir;
  config.store.sqlite.path = join(dataDir, 'stoa.db');
  config.store.blobs.path = join(dataDir, 'blobs');
  // Bodies as files, however small: the backup's blob tree is what these tests damage and count
  // (a body kept in the database travels inside the database copy: backup.test.ts).
  const store = await openSqliteStore({ path: config.store.sqlite.path, blobsPath: config.store.blobs.path, blobInlineMaxBytes: 0 });
  try {
    return await fn(createServices(config, store, createLogger({ log: { level: 'silent', pretty: false } }), { defaultMetrics: false }));
  } finally {
    await store.close();
  }
}

/** What must survive: the DKIM private keys of the demo domain and the message text in alice's INBOX. */
async function contents(dataDir: string): Promise<{ dkim: string[]; messages: string[] }> {
  return withServices(dataDir, async (s) => {
    const domain = await s.directory.domains.get(systemActor(), 'demo.stoa.test');
    const dkim = (await s.dkim.records(domain)).map((r) => r.value);
    const alice = await s.directory.accounts.get(systemActor(), 'alice@demo.stoa.test');
    const inbox = (await s.mail.mailboxes.find(systemActor(), alice.id, 'INBOX'))!.mailbox;
    const list = await s.mail.messages.list(systemActor(), inbox.id);
    const records = list.uids.length === 0 ? [] : await s.mail.messages.fetch(systemActor(), inbox.id, uidSetOf(list.uids));
    const messages: string[] = [];
    for (const r of records) {
      const chunks: Buffer[] = [];
      for await (const c of await s.mail.messages.open(systemActor(), { mailboxId: inbox.id, blobId: r.blobId })) chunks.push(c as Buffer);
      messages.push(Buffer.concat(chunks).toString());
    }
    return { dkim, messages };
  });
}

const mode = (path: string): number => statSync(path).mode & 0o777;

describe('stoa backup and stoa restore', { timeout: 600_000 }, () => {
  let certificate = '';
  let manifest: { counts: Record<string, number>; tls: { files: string[] }; blobs: number };

  before(async () => {
    // A real first start: admin, the demo domain with its DKIM keys and users, the self-signed certificate.
    mkdirSync(source, { mode: 0o700 });
    const served = await serveStoa({ ...env(source) }, { cwd: root.path });
    assert.equal(await served.stop(), 0);
    certificate = readFileSync(join(source, 'tls', 'self-signed.pem'), 'utf8');
    await withServices(source, async (s) => {
      const alice = await s.directory.accounts.get(systemActor(), 'alice@demo.stoa.test');
      const [outcome] = await s.mail.delivery.deliver(systemActor(), Buffer.from(MESSAGE), [{ accountId: alice.id }]);
      assert.equal(outcome.status, 'delivered');
      // A shared mailbox and a grant on it: directory rows a restore must bring back and count.
      await s.directory.sharedMailboxes.create(systemActor(), { address: 'sales@demo.stoa.test' });
      await s.directory.grants.grant(systemActor(), { kind: 'shared-mailbox', ref: 'sales@demo.stoa.test' }, { grantee: 'alice@demo.stoa.test', right: 'full-access' });
    });
  });

  test('the backup holds the database with its DKIM keys, the bodies and the TLS material, all private', async () => {
    const r = await runStoa(['backup', backupDir, '--json'], { env: env(source) });
    assert.equal(r.code, 0, r.stderr);
    manifest = JSON.parse(r.stdout);
    assert.deepEqual(manifest.tls.files, ['tls/self-signed.pem']);
    assert.equal(manifest.counts.messages, 1);
    assert.ok(manifest.counts.dkimKeys >= 1);
    assert.ok(manifest.counts.accounts >= 3, JSON.stringify(manifest.counts));
    assert.deepEqual([manifest.counts.sharedMailboxes, manifest.counts.mailboxGrants], [1, 1]);
    assert.equal(readFileSync(join(backupDir, 'tls', 'self-signed.pem'), 'utf8'), certificate);
    for (const file of ['stoa.db', 'manifest.json', 'tls/self-signed.pem']) assert.equal(mode(join(backupDir, file)), 0o600, file);
    for (const dir of ['', 'blobs', 'tls']) assert.equal(mode(join(backupDir, dir)), 0o700, dir || 'DEST');
    const walk = (dir: string): string[] => readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(join(dir, e.name)) : [join(dir, e.name)]));
    for (const body of walk(join(backupDir, 'blobs'))) assert.equal(mode(body), 0o600, body);
  });

  test('a restore into a new place brings back the same store, keys, message and certificate, and checks the counts', async () => {
    const target = join(root.path, 'restored');
    const r = await runStoa(['restore', backupDir, '--json'], { env: env(target) });
    assert.equal(r.code, 0, r.stderr);
    const report = JSON.parse(r.stdout);
    assert.equal(report.ok, true);
    assert.deepEqual(report.counts, manifest.counts);
    assert.deepEqual(report.tls, ['tls/self-signed.pem']);
    assert.deepEqual(await contents(target), await contents(source));
    assert.deepEqual((await contents(target)).messages.length, 1);
    assert.match((await contents(target)).messages[0], /The body that must survive\./);
    assert.equal(mode(join(target, 'stoa.db')), 0o600);

    // The restored server starts on the restored certificate rather than making a new one.
    const served = await serveStoa(env(target), { cwd: root.path });
    try {
      assert.doesNotMatch(served.banner, /First start/);
    } finally {
      assert.equal(await served.stop(), 0);
    }
    assert.equal(readFileSync(join(target, 'tls', 'self-signed.pem'), 'utf8'), certificate);

    // A second restore over it needs --force, and keeps the database it replaces.
    const again = await runStoa(['restore', backupDir], { env: env(target) });
    assert.equal(again.code, 1);
    assert.match(again.stderr, /stoa\.db exists; stop the server and pass --force/);
    const forced = await runStoa(['restore', backupDir, '--force', '--json'], { env: env(target) });
    assert.equal(forced.code, 0, forced.stderr);
    const kept = JSON.parse(forced.stdout).movedAside as string[];
    assert.ok(kept.some((p) => /stoa\.db\.pre-restore-[0-9TZ-]+$/.test(p) && existsSync(p)), kept.join());
  });

  test('a backup missing a message body, or whose counts do not match, is reported and the command fails', async () => {
    const damaged = join(root.path, 'damaged');
    cpSync(backupDir, damaged, { recursive: true });
    const walk = (dir: string): string[] => readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(join(dir, e.name)) : [join(dir, e.name)]));
    for (const body of walk(join(damaged, 'blobs'))) rmSync(body);
    const r = await runStoa(['restore', damaged], { env: env(join(root.path, 'from-damaged')) });
    assert.equal(r.code, 1);
    assert.match(r.stderr, /^error: the restored store does not match the backup: .*message bodies missing: 1 /m);

    const tampered = join(root.path, 'tampered');
    cpSync(backupDir, tampered, { recursive: true });
    const m = JSON.parse(readFileSync(join(tampered, 'manifest.json'), 'utf8'));
    m.counts.accounts += 1;
    writeFileSync(join(tampered, 'manifest.json'), JSON.stringify(m));
    const t = await runStoa(['restore', tampered], { env: env(join(root.path, 'from-tampered')) });
    assert.equal(t.code, 1);
    assert.match(t.stderr, new RegExp(`accounts: ${m.counts.accounts - 1} restored, ${m.counts.accounts} in the manifest`));

    const notBackup = await runStoa(['restore', root.path], { env: env(join(root.path, 'x')) });
    assert.match(notBackup.stderr, /is not a Stoa backup: .*manifest\.json cannot be read \(ENOENT\)/);
  });
});
