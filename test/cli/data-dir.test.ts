// The data directory as an operator meets it (issue 16 items 9, 17, 19): the
// CLI never creates a store and says which one it used; everything Stoa
// writes there is private to its user, and start-up and `stoa doctor` warn
// about anything others can read; STOA_HOSTNAME sets the host name, and a
// short one is pointed out in the banner and by doctor.
import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { openSqliteStore } from '../../server/src/store/open-store.ts';
import { initStore, runStoa, serveStoa, tempDir } from './run-stoa.ts';

const root = tempDir('data-dir');
after(() => root.cleanup());

const mode = (path: string): string => `0${(statSync(path).mode & 0o777).toString(8)}`;

describe('the CLI and a data directory without a store', () => {
  test('a command pointed at an empty directory refuses, says why and how to fix it, and creates nothing', async () => {
    const empty = join(root.path, 'empty');
    mkdirSync(empty);
    const r = await runStoa(['domain', 'list'], { env: { STOA_DATA_DIR: empty } });
    assert.equal(r.code, 1, r.stdout);
    assert.doesNotMatch(r.stdout, /No domains/);
    assert.match(r.stderr, new RegExp(`^error: .*there is no Stoa store in ${empty} .*the CLI never creates one.*stoa serve.*\\(STOA_DATA_DIR\\)$`, 'm'));
    assert.deepEqual(readdirSync(empty), []);
  });

  test('run from another working directory without the server\'s environment, it does not make ./data', async () => {
    const elsewhere = join(root.path, 'elsewhere');
    mkdirSync(elsewhere);
    const r = await runStoa(['account', 'list'], { cwd: elsewhere });
    assert.equal(r.code, 1);
    assert.match(r.stderr, new RegExp(`the data directory ${join(elsewhere, 'data')} \\(from the default \\./data of the working directory\\) does not exist; the CLI never creates one`));
    assert.equal(existsSync(join(elsewhere, 'data')), false);
  });

  test('a command on a real store names the data directory it used, on stderr', async () => {
    const dataDir = join(root.path, 'named');
    await initStore(dataDir);
    const r = await runStoa(['domain', 'list'], { env: { STOA_DATA_DIR: dataDir } });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, new RegExp(`^stoa: data directory ${dataDir} \\(${join(dataDir, 'stoa.db')}\\)$`, 'm'));
    assert.match(r.stdout, /No domains/);
    const json = await runStoa(['domain', 'list', '--json'], { env: { STOA_DATA_DIR: dataDir } });
    assert.deepEqual(JSON.parse(json.stdout), { items: [], total: 0 });
  });
});

describe('file permissions under the data directory', { timeout: 600_000 }, () => {
  test('the store a server creates is private: database, WAL, TLS key and directories are 0600 / 0700', async () => {
    // The test process runs with the usual umask 022: Stoa must not depend on the operator's.
    const previous = process.umask(0o022);
    // The default ./data, which serve creates itself.
    const cwd = join(root.path, 'fresh');
    mkdirSync(cwd);
    const dataDir = join(cwd, 'data');
    try {
      const served = await serveStoa({ STOA_DEMO: '0' }, { cwd });
      try {
        assert.doesNotMatch(served.banner, /Warning: .*readable or writable by other local users/);
        assert.equal(mode(dataDir), '0700');
        for (const file of ['stoa.db', 'stoa.db-wal', 'stoa.db-shm', 'tls/self-signed.pem']) assert.equal(mode(join(dataDir, file)), '0600', file);
        for (const dir of ['blobs', 'tls']) assert.equal(mode(join(dataDir, dir)), '0700', dir);
      } finally {
        assert.equal(await served.stop(), 0);
      }
    } finally {
      process.umask(previous);
    }
  });

  test('message bodies and their directories are 0600 / 0700 whatever the umask', async () => {
    const previous = process.umask(0o022);
    const dataDir = join(root.path, 'bodies');
    mkdirSync(dataDir, { mode: 0o700 });
    try {
      // Bodies kept as files (small ones otherwise live in the database, whose file mode is checked below).
      const store = await openSqliteStore({ path: join(dataDir, 'stoa.db'), blobsPath: join(dataDir, 'blobs'), blobInlineMaxBytes: 0 });
      try {
        const { id } = await store.blobs.put(Buffer.from('Subject: private\r\n\r\nbody\r\n'));
        assert.equal(mode(join(dataDir, 'blobs', id.slice(0, 2), id.slice(2, 4), id)), '0600');
        assert.equal(mode(join(dataDir, 'blobs', id.slice(0, 2))), '0700');
        assert.equal(mode(join(dataDir, 'blobs', id.slice(0, 2), id.slice(2, 4))), '0700');
        assert.equal(mode(join(dataDir, 'stoa.db')), '0600');
      } finally {
        await store.close();
      }
    } finally {
      process.umask(previous);
    }
  });

  test('start-up and doctor warn about a data directory others can read, with the command that fixes it', async () => {
    const dataDir = join(root.path, 'loose');
    await initStore(dataDir);
    chmodSync(dataDir, 0o755);
    chmodSync(join(dataDir, 'stoa.db'), 0o644);
    writeFileSync(join(dataDir, 'notes.txt'), 'copied in by hand\n', { mode: 0o644 });
    chmodSync(join(dataDir, 'notes.txt'), 0o644);
    const served = await serveStoa({ STOA_DATA_DIR: dataDir, STOA_DEMO: '0' });
    try {
      assert.match(served.banner, new RegExp(`Warning: \\d+ paths are readable or writable by other local users: ${dataDir} \\(0755\\)`));
      assert.match(served.banner, new RegExp(`fix: chmod -R go-rwx ${dataDir}`));
      assert.ok(served.stderr().split('\n').some((l) => l.includes('"level":40') && l.includes('readable or writable by other local users')), served.stderr());
    } finally {
      await served.stop();
    }
    const doctor = await runStoa(['doctor', '--json'], { env: { STOA_DATA_DIR: dataDir, STOA_HOSTNAME: 'mail.example.org' } });
    const findings = JSON.parse(doctor.stdout).findings as Array<{ section: string; level: string; message: string; fix?: string }>;
    const perms = findings.find((f) => f.section === 'permissions');
    assert.equal(perms?.level, 'warn', JSON.stringify(findings));
    assert.match(perms!.message, /stoa\.db \(0644\)/);
    assert.match(perms!.fix!, /chmod -R go-rwx/);

    chmodSync(dataDir, 0o700);
    for (const f of readdirSync(dataDir)) chmodSync(join(dataDir, f), statSync(join(dataDir, f)).isDirectory() ? 0o700 : 0o600);
    const clean = JSON.parse((await runStoa(['doctor', '--json'], { env: { STOA_DATA_DIR: dataDir, STOA_HOSTNAME: 'mail.example.org' } })).stdout);
    assert.equal(clean.findings.find((f: { section: string }) => f.section === 'permissions').level, 'ok');
  });
});

describe('the host name', { timeout: 600_000 }, () => {
  test('STOA_HOSTNAME sets it; a short name is pointed out in the banner and by doctor', async () => {
    const dataDir = join(root.path, 'hostname');
    await initStore(dataDir);
    const short = await serveStoa({ STOA_DATA_DIR: dataDir, STOA_DEMO: '0', STOA_HOSTNAME: 'mailhost' });
    try {
      assert.match(short.banner, /Warning: hostname "mailhost" is not a fully-qualified domain name\n\s+fix: set hostname in the configuration file or STOA_HOSTNAME/);
    } finally {
      await short.stop();
    }
    const fqdn = await serveStoa({ STOA_DATA_DIR: dataDir, STOA_DEMO: '0', STOA_HOSTNAME: 'mail.example.org' });
    try {
      assert.doesNotMatch(fqdn.banner, /Warning: hostname/);
    } finally {
      await fqdn.stop();
    }
    const doctor = async (hostname: string) => (JSON.parse((await runStoa(['doctor', '--json'], { env: { STOA_DATA_DIR: dataDir, STOA_HOSTNAME: hostname } })).stdout).findings as Array<{ section: string; level: string; message: string; fix?: string }>)
      .filter((f) => f.section === 'config' && /hostname/.test(f.message));
    const warned = await doctor('mailhost');
    assert.equal(warned.length, 1);
    assert.match(warned[0].fix!, /STOA_HOSTNAME/);
    assert.deepEqual(await doctor('mail.example.org'), []);
  });
});

describe('stoa doctor when the store cannot be used', () => {
  const findings = async (env: Record<string, string>) => {
    const r = await runStoa(['doctor', '--json'], { env: { STOA_HOSTNAME: 'mail.example.org', ...env } });
    assert.equal(r.code, 1);
    return (JSON.parse(r.stdout).findings as Array<{ section: string; level: string; message: string; fix?: string }>).filter((f) => f.section === 'store');
  };

  test('an unreachable MongoDB is named with what to check, not "nothing was changed"', async () => {
    const dataDir = join(root.path, 'mongo');
    mkdirSync(dataDir, { mode: 0o700 });
    const [store] = await findings({ STOA_DATA_DIR: dataDir, STOA_STORE_DRIVER: 'mongodb', STOA_MONGODB_URL: 'mongodb://127.0.0.1:1/stoa?serverSelectionTimeoutMS=300' });
    assert.equal(store.level, 'error');
    assert.match(store.message, /^the store at MongoDB database stoa cannot be reached: /);
    assert.doesNotMatch(store.message, /nothing was changed|127\.0\.0\.1:1\/stoa\?/);
    assert.match(store.fix!, /MongoDB is running and reachable at store\.mongodb\.url \(STOA_MONGODB_URL\)/);
  });

  test('a damaged database file is named, with restoring a backup as the fix', async () => {
    const dataDir = join(root.path, 'damaged');
    mkdirSync(dataDir, { mode: 0o700 });
    writeFileSync(join(dataDir, 'stoa.db'), Buffer.alloc(8192, 0x5a), { mode: 0o600 });
    const [store] = await findings({ STOA_DATA_DIR: dataDir });
    assert.match(store.message, /cannot open database .*stoa\.db: file is not a database/);
    assert.doesNotMatch(store.message, /nothing was changed/);
    assert.match(store.fix!, /restore the last backup \(stoa restore DIR\)/);
  });
});
