// Real DAV clients over real HTTP: vdirsyncer (Debian) syncing a calendar
// and an address book both ways, Python's caldav library (Debian
// python3-caldav) for discovery, CRUD, time-range search and sync, and curl
// for plain WebDAV. The Debian packages come from scripts/ensure-test-tools.sh.
import assert from 'node:assert/strict';
import { execFile, spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, readFile, readdir, rm, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { after, before, describe, it } from 'node:test';
import { REPO } from '../cli/run-stoa.ts';
import { PASSWORD, event, openDavHarness, vcard, type DavClient, type DavHarness } from './harness.ts';

const run = promisify(execFile);
const tools = spawnSync('sh', [join(REPO, 'scripts/ensure-test-tools.sh')], { stdio: 'inherit' });
const have = (command: string): boolean => spawnSync('sh', ['-c', `command -v ${command}`]).status === 0;

describe('DAV with independent clients', () => {
  let h: DavHarness;
  let dir: string;
  let alice: DavClient;
  before(async () => {
    assert.equal(tools.status, 0, 'scripts/ensure-test-tools.sh could not install vdirsyncer, litmus and python3-caldav (needs root and apt-get)');
    h = await openDavHarness();
    await h.user('alice');
    alice = h.client('alice');
    dir = await mkdtemp(join(tmpdir(), 'stoa-dav-clients-'));
  });
  after(async () => {
    await h.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('syncs a calendar and an address book both ways with vdirsyncer', async () => {
    assert.ok(have('vdirsyncer'));
    const local = join(dir, 'vdirsyncer');
    await mkdir(join(local, 'cal', 'calendar'), { recursive: true });
    await mkdir(join(local, 'card', 'contacts'), { recursive: true });
    await mkdir(join(local, 'status'), { recursive: true });
    const storage = (name: string, type: string) => `[storage ${name}]\ntype = "${type}"\nurl = "${h.base}/dav/"\nusername = "alice@example.test"\npassword = "${PASSWORD}"\n`;
    await writeFile(join(local, 'config'), [
      `[general]\nstatus_path = "${join(local, 'status')}/"\n`,
      '[pair cal]\na = "stoa_cal"\nb = "local_cal"\ncollections = ["calendar"]\n',
      storage('stoa_cal', 'caldav'),
      `[storage local_cal]\ntype = "filesystem"\npath = "${join(local, 'cal')}/"\nfileext = ".ics"\n`,
      '[pair card]\na = "stoa_card"\nb = "local_card"\ncollections = ["contacts"]\n',
      storage('stoa_card', 'carddav'),
      `[storage local_card]\ntype = "filesystem"\npath = "${join(local, 'card')}/"\nfileext = ".vcf"\n`,
    ].join('\n'));
    const env = { ...process.env, VDIRSYNCER_CONFIG: join(local, 'config') };
    const sync = async () => (await run('vdirsyncer', ['sync'], { env, timeout: 60_000 })).stderr + '';

    // Server → disk: objects created over DAV appear as files.
    await alice.put('/dav/calendars/alice@example.test/calendar/server-1.ics', event('server-1', '20260301T100000Z'));
    await alice.request('PUT', '/dav/addressbooks/alice@example.test/contacts/server-card.vcf', vcard('server-card', 'Server Person'), { 'content-type': 'text/vcard' });
    // Disk → server: files written locally are uploaded.
    await writeFile(join(local, 'cal', 'calendar', 'disk-1.ics'), event('disk-1', '20260302T100000Z'));
    await writeFile(join(local, 'card', 'contacts', 'disk-card.vcf'), vcard('disk-card', 'Disk Person', '4.0'));
    await run('vdirsyncer', ['discover'], { env, timeout: 60_000 });
    await sync();
    assert.deepEqual((await readdir(join(local, 'cal', 'calendar'))).sort(), ['disk-1.ics', 'server-1.ics']);
    assert.deepEqual((await readdir(join(local, 'card', 'contacts'))).sort(), ['disk-card.vcf', 'server-card.vcf']);
    assert.match((await alice.get('/dav/calendars/alice@example.test/calendar/disk-1.ics')).text, /UID:disk-1/);

    // Changes and deletions both ways.
    const edited = (await readFile(join(local, 'cal', 'calendar', 'server-1.ics'), 'utf8')).replace('SUMMARY:Event server-1', 'SUMMARY:Edited on disk');
    await writeFile(join(local, 'cal', 'calendar', 'server-1.ics'), edited);
    await unlink(join(local, 'card', 'contacts', 'disk-card.vcf'));
    await alice.delete('/dav/calendars/alice@example.test/calendar/disk-1.ics');
    await sync();
    assert.match((await alice.get('/dav/calendars/alice@example.test/calendar/server-1.ics')).text, /SUMMARY:Edited on disk/);
    assert.equal((await alice.get('/dav/addressbooks/alice@example.test/contacts/disk-card.vcf')).status, 404);
    assert.deepEqual(await readdir(join(local, 'cal', 'calendar')), ['server-1.ics']);
    // A second sync with nothing changed changes nothing.
    assert.doesNotMatch(await sync(), /Copying|Deleting|Updating/);
  });

  it('serves discovery, event and task CRUD, time-range search and sync to Python caldav', async () => {
    assert.ok((await run('/usr/bin/python3', ['-c', 'import caldav'])).stderr === '');
    const { stdout } = await run('/usr/bin/python3', [join(REPO, 'test/dav/clients/caldav-client.py'), `${h.base}/dav/`, 'alice@example.test', PASSWORD], { timeout: 60_000 });
    const seen = JSON.parse(stdout);
    assert.match(seen.principal, /\/dav\/principals\/alice@example.test\/$/);
    assert.deepEqual(seen.calendars, ['Calendar', 'Tasks']);
    // 16 and 23 March at 09:00 Zurich (UTC+1), expanded by the server.
    assert.deepEqual(seen.search, ['2026-03-16 08:00:00+00:00', '2026-03-23 08:00:00+00:00']);
    assert.equal(seen.after_edit, 'Weekly sync (moved)');
    assert.deepEqual(seen.todos, ['Write the report']);
    assert.equal(seen.open_todos_after_complete, 0);
    assert.deepEqual(seen.changed_after_delete, ['py-event.ics']);
  });

  it('passes the litmus WebDAV suites basic, copymove, props and http on the file area', async () => {
    assert.ok(have('litmus'), 'litmus is missing (scripts/ensure-test-tools.sh installs it)');
    const work = join(dir, 'litmus');
    await mkdir(work, { recursive: true });
    const { stdout } = await run('litmus', [`${h.base}/dav/files/alice@example.test/`, 'alice@example.test', PASSWORD], { cwd: work, timeout: 120_000, env: { ...process.env, TESTS: 'basic copymove props http' } });
    for (const suite of ['basic', 'copymove', 'props', 'http']) {
      assert.match(stdout, new RegExp(`summary for \`${suite}': of (\\d+) tests run: \\1 passed, 0 failed`), `litmus ${suite}:\n${stdout}`);
    }
  });

  it('speaks plain WebDAV to curl', async () => {
    assert.ok(have('curl'));
    const auth = ['-u', `alice@example.test:${PASSWORD}`, '-s'];
    const url = `${h.base}/dav/calendars/alice@example.test/calendar/curl.ics`;
    await writeFile(join(dir, 'curl.ics'), event('curl', '20260305T100000Z'));
    const put = await run('curl', [...auth, '-o', '/dev/null', '-w', '%{http_code}', '-T', join(dir, 'curl.ics'), '-H', 'Content-Type: text/calendar', url]);
    assert.equal(put.stdout, '201');
    const got = await run('curl', [...auth, '-D', '-', url]);
    assert.match(got.stdout, /^etag: "[^"]+"/mi);
    assert.match(got.stdout, /UID:curl/);
    const propfind = await run('curl', [...auth, '-X', 'PROPFIND', '-H', 'Depth: 1', `${h.base}/dav/calendars/alice@example.test/calendar/`]);
    assert.match(propfind.stdout, /curl\.ics/);
    const del = await run('curl', [...auth, '-o', '/dev/null', '-w', '%{http_code}', '-X', 'DELETE', url]);
    assert.equal(del.stdout, '204');
  });
});
