// Group commit on a real SQLite writer: units that arrive while a WAL fsync
// runs share the next transaction, and none is settled before a sync that
// started after its COMMIT. The WAL fsync is the test's to finish (a gate
// in front of a real fdatasync), so the test decides what runs meanwhile.
import assert from 'node:assert/strict';
import { mkdtempSync, openSync, closeSync, fdatasyncSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { GroupCommit } from './group-commit.ts';
import { SqliteConnection } from './sqlite-connection.ts';

const root = mkdtempSync(join(tmpdir(), 'stoa-group-commit-'));
after(() => rmSync(root, { recursive: true, force: true }));

function writerAt(name: string): SqliteConnection {
  const writer = new SqliteConnection({ path: join(root, name), busyTimeoutMs: 0, readOnly: false, synchronous: 'NORMAL' });
  writer.exec('PRAGMA journal_mode = WAL');
  writer.exec('CREATE TABLE t (n INTEGER)');
  return writer;
}

/** A WAL fsync the test lets finish: each call waits for release(), then fsyncs the WAL for real. */
function gatedSync(walPath: string) {
  const waiting: Array<() => void> = [];
  let calls = 0;
  return {
    get calls() { return calls; },
    get pending() { return waiting.length; },
    release() { waiting.shift()?.(); },
    sync: async () => {
      calls++;
      await new Promise<void>((resolve) => waiting.push(resolve));
      const fd = openSync(walPath, 'r');
      try {
        fdatasyncSync(fd);
      } finally {
        closeSync(fd);
      }
    },
  };
}

const turns = (n: number) => new Promise<void>((resolve) => {
  const step = (left: number) => (left === 0 ? resolve() : setImmediate(() => step(left - 1)));
  step(n);
});

describe('group commit', () => {
  it('runs the units queued during a WAL fsync in one transaction once it is done, and settles them after the next', async () => {
    const writer = writerAt('gc1.db');
    const gate = gatedSync(join(root, 'gc1.db-wal'));
    const writes = new GroupCommit({ writer, begin: async () => writer.exec('BEGIN IMMEDIATE'), beforeCommit: () => undefined, syncWal: gate.sync });
    const settled: string[] = [];
    const unit = (name: string) => writes.transaction(() => {
      writer.run('INSERT INTO t (n) VALUES (?)', name.length);
      return name;
    }).then((v) => { settled.push(v); });

    const first = unit('a');
    await turns(5);
    assert.equal(writes.stats.batches, 1, 'the first unit committed alone');
    assert.equal(gate.pending, 1, 'its WAL fsync is running');
    const rest = ['bb', 'ccc', 'dddd'].map(unit);
    await turns(5);
    assert.equal(writes.stats.batches, 1, 'nothing more commits while the fsync runs');
    assert.deepEqual(settled, []);

    gate.release();
    await first;
    await turns(5);
    assert.deepEqual(settled, ['a']);
    assert.equal(writes.stats.batches, 2, 'the three queued units committed together');
    assert.equal(writes.stats.units, 4);
    assert.deepEqual(settled, ['a'], 'not settled before their own fsync');

    gate.release();
    await Promise.all(rest);
    assert.deepEqual(settled, ['a', 'bb', 'ccc', 'dddd']);
    assert.equal(gate.calls, 2);
    assert.equal(Number(writer.get('SELECT count(*) AS n FROM t')!.n), 4);
    writer.close();
  });

  it('commits at once when no fsync is running', async () => {
    const writer = writerAt('gc2.db');
    const writes = new GroupCommit({ writer, begin: async () => writer.exec('BEGIN IMMEDIATE'), beforeCommit: () => undefined });
    for (let i = 0; i < 3; i++) await writes.transaction(() => writer.run('INSERT INTO t (n) VALUES (?)', i));
    assert.equal(writes.stats.batches, 3);
    writer.close();
  });
});
