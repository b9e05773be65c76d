// The spool keeps small messages in memory and streams large ones to a
// file while hashing them; the terminal view draws bars on a TTY and plain
// lines elsewhere.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { after, describe, test } from 'node:test';
import { terminalProgress } from '../cli/progress-bars.ts';
import { renderReport } from '../cli/report-text.ts';
import { countItem, newFolderReport, newReport, newUserReport, summarize } from './report.ts';
import { Spool, TooLargeError } from './spool.ts';

const parent = mkdtempSync(join(tmpdir(), 'stoa-spool-unit-'));
after(() => rmSync(parent, { recursive: true, force: true }));

async function collect(source: Buffer | Readable): Promise<Buffer> {
  if (Buffer.isBuffer(source)) return source;
  const chunks: Buffer[] = [];
  for await (const c of source) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

describe('spool', () => {
  const spool = new Spool({ parent, memoryThreshold: 1000, maxSize: 100_000 });
  after(() => spool.close());

  test('a small stream stays in memory, with its hash and head', async () => {
    const s = await spool.take(() => Readable.from([Buffer.from('Subject: a\r\n'), Buffer.from('\r\nbody\r\n')]));
    assert.equal(s.size, 20);
    assert.equal(s.sha256, createHash('sha256').update('Subject: a\r\n\r\nbody\r\n').digest('hex'));
    assert.ok(Buffer.isBuffer(s.source()));
  });

  test('a large stream goes to a file in many small pieces and comes back the same, any number of times', async () => {
    const data = Buffer.alloc(50_000, 'x');
    const pieces = Array.from({ length: 500 }, (_, i) => data.subarray(i * 100, i * 100 + 100));
    const s = await spool.take(() => Readable.from(pieces));
    assert.equal(s.size, 50_000);
    assert.ok(!Buffer.isBuffer(s.source()));
    assert.deepEqual(await collect(s.source()), data);
    assert.deepEqual(await collect(s.source()), data);
    assert.equal(s.head.length, Math.min(64 * 1024, 50_000));
    await s.dispose();
  });

  test('a message over the limit is refused and leaves no file behind', async () => {
    await assert.rejects(spool.take(() => Readable.from([Buffer.alloc(60_000), Buffer.alloc(60_000)])), TooLargeError);
    await assert.rejects(spool.take(Buffer.alloc(100_001)), TooLargeError);
    assert.deepEqual(readdirSync(spool.dir), []);
  });

  test('a source that breaks mid-message passes its error on and leaves no file', async () => {
    const broken = new PassThrough();
    broken.write(Buffer.alloc(5000));
    setImmediate(() => broken.destroy(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' })));
    await assert.rejects(spool.take(() => broken), /socket hang up/);
  });

  test('spool directories of killed runs are removed at the next start', () => {
    const dead = join(parent, 'stoa-migrate-999999999-x');
    mkdirSync(dead);
    new Spool({ parent }).close();
    assert.ok(!existsSync(dead));
  });
});

describe('progress and report in the terminal', () => {
  const report = () => {
    const r = newReport('imap://old', false, '2026-01-01T00:00:00.000Z');
    const u = newUserReport('alice', 'alice@example.org');
    u.state = 'running';
    const f = newFolderReport('INBOX', 'mail');
    f.state = 'running';
    f.atSource = 10;
    countItem(f, { status: 'imported', bytes: 2048 });
    countItem(f, { status: 'failed', code: 'malformed', detail: 'not an RFC 5322 message', key: '7' });
    u.folders.push(f);
    r.users.push(u);
    return r;
  };
  test('bars on a terminal, redrawn in place', () => {
    let out = '';
    let clock = 0;
    const tty = Object.assign(new PassThrough(), { isTTY: true, columns: 100 });
    tty.on('data', (d) => { out += String(d); });
    const view = terminalProgress(tty, () => (clock += 200));
    view.update(report());
    view.update(report());
    assert.match(out, /alice@example\.org +\[#+-+\] 2\/10 2\.0 KiB/);
    assert.match(out, /\x1b\[1A/);
  });
  test('plain lines per finished folder elsewhere', () => {
    let out = '';
    const pipe = new PassThrough();
    pipe.on('data', (d) => { out += String(d); });
    const r = report();
    r.users[0].folders[0].state = 'done';
    terminalProgress(pipe).done(r);
    assert.equal(out, 'alice@example.org: INBOX → -: done, 1 imported, 0 skipped, 1 failed\n');
  });
  test('the final report names every failure and says FAILED', () => {
    const r = summarize(report());
    const text = renderReport(r);
    assert.match(text, /failed 7: malformed: not an RFC 5322 message/);
    assert.match(text, /Result: FAILED/);
    assert.equal(r.ok, false);
  });
});
