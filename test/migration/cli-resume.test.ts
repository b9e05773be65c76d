// `stoa migrate` as an operator runs it: killed with SIGKILL in the middle of
// an import, then started again, it completes without a single duplicate;
// exit codes say whether anything failed; the job shows in `stoa migrate list`.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, test } from 'node:test';
import { openSqliteStore } from '../../server/src/store/open-store.ts';
import { initStore, runStoa, startStoa, tempDir } from '../cli/run-stoa.ts';

const root = tempDir('cli-migrate');
after(() => root.cleanup());
const dataDir = join(root.path, 'data');
const env = { STOA_DATA_DIR: dataDir };
const COUNT = 3000;

/** COUNT distinct messages in one mbox; returns their SHA-256s. */
function writeBigMbox(path: string): Set<string> {
  const hashes = new Set<string>();
  const parts: string[] = [];
  for (let i = 0; i < COUNT; i++) {
    const message = `From: sender${i % 37}@example.net\nTo: big@example.org\nSubject: message number ${i}\nMessage-ID: <big-${i}@example.net>\nDate: Mon, 6 Jan 2025 10:00:00 +0000\n\n${`line ${i} of a body that is long enough to matter\n`.repeat(20)}`;
    hashes.add(createHash('sha256').update(message).digest('hex'));
    parts.push(`From sender Mon Jan  6 10:00:00 2025\n${message}\n`);
  }
  writeFileSync(path, parts.join(''));
  return hashes;
}

async function storedHashes(address: string): Promise<string[]> {
  const store = await openSqliteStore({ path: join(dataDir, 'stoa.db'), blobsPath: join(dataDir, 'blobs') });
  try {
    const account = await store.accounts.getByAddress(address);
    if (!account) return [];
    const out: string[] = [];
    for (const box of await store.mailboxes.list(account.id)) {
      const list = await store.messages.list(box.id);
      if (list.uids.length === 0) continue;
      for (const r of await store.messages.fetch(box.id, [[list.uids[0], list.uids[list.uids.length - 1]]])) out.push(r.blobId);
    }
    return out;
  } finally {
    await store.close();
  }
}

describe('stoa migrate', () => {
  const mbox = join(root.path, 'big.mbox');
  let expected: Set<string>;
  before(async () => {
    expected = writeBigMbox(mbox);
    // The CLI never creates a store: the server's first start (or this) does.
    await initStore(dataDir);
    const r = await runStoa(['domain', 'add', 'example.org'], { env });
    if (r.code !== 0) throw new Error(r.stderr);
  });

  test('killed with SIGKILL in the middle of an import and started again, it completes without duplicates', async () => {
    const args = ['migrate', 'mbox', '--from', mbox, '--to', 'big@example.org', '--create-accounts', '--no-progress'];
    const child = startStoa(args, { env });
    child.stdin!.end();
    let stderr = '';
    child.stderr!.on('data', (d) => { stderr += String(d); });
    const exited = new Promise<number | null>((ok) => child.on('exit', (code) => ok(code)));
    // Wait until part of the mailbox is in, then kill without warning.
    let partial = 0;
    for (let i = 0; i < 600 && child.exitCode === null; i++) {
      await sleep(150);
      partial = (await storedHashes('big@example.org').catch(() => [])).length;
      if (partial >= 300) break;
    }
    assert.ok(partial > 0 && partial < COUNT, `the kill must land mid-import (had ${partial}; ${stderr})`);
    child.kill('SIGKILL');
    await exited;

    const again = await runStoa([...args, '--json'], { env });
    assert.equal(again.code, 0, again.stderr);
    const report = JSON.parse(again.stdout);
    const f = report.users[0].folders[0];
    assert.equal(f.atSource, COUNT);
    assert.equal(f.imported + f.skipped, COUNT);
    assert.ok(f.skipped >= partial, 'what the killed run stored is recognised, from the ledger or by content');

    const stored = await storedHashes('big@example.org');
    assert.equal(stored.length, COUNT, 'every message exactly once');
    assert.deepEqual(new Set(stored), expected);
  });

  test('the CLI run is a job the API shows, and a third run imports nothing', async () => {
    const list = await runStoa(['migrate', 'list', '--json'], { env });
    assert.equal(list.code, 0, list.stderr);
    const jobs = JSON.parse(list.stdout).items;
    assert.ok(jobs.length >= 2);
    assert.equal(jobs[0].origin, 'cli');
    assert.equal(jobs[0].status, 'done');
    const third = await runStoa(['migrate', 'mbox', '--from', mbox, '--to', 'big@example.org', '--json'], { env });
    assert.equal(third.code, 0);
    assert.equal(JSON.parse(third.stdout).totals.imported, 0);
  });

  test('a run with failures exits 2 and says why; a usage mistake exits 1', async () => {
    const bad = join(root.path, 'bad.mbox');
    writeFileSync(bad, 'From x Mon Jan  6 10:00:00 2025\nSubject: fine\n\nok\n\nFrom x Mon Jan  6 10:00:00 2025\n\u0000\u0001 not a message\n\n');
    const r = await runStoa(['migrate', 'mbox', '--from', bad, '--to', 'bad@example.org', '--create-accounts', '--no-progress'], { env });
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stdout, /failed \S+: malformed: not an RFC 5322 message/);
    assert.match(r.stdout, /Result: FAILED/);
    const usage = await runStoa(['migrate', 'mbox', '--to', 'x@example.org'], { env });
    assert.equal(usage.code, 1);
    assert.match(usage.stderr, /--from IDENTITY --to ADDRESS/);
    const dry = await runStoa(['migrate', 'mbox', '--from', bad, '--to', 'dry@example.org', '--create-accounts', '--dry-run', '--json'], { env });
    assert.equal(JSON.parse(dry.stdout).dryRun, true);
    assert.deepEqual(await storedHashes('dry@example.org'), []);
  });
});
