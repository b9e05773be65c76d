// Stored verdicts are written in batches (verdict-service.ts), on the real
// SQLite store: records wait for VERDICT_FLUSH_MS or a full VERDICT_BATCH,
// are written in one store write, can be looked up at once through the
// service, are written at once after stop() (shutdown), and a failed write is
// logged.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { randomUUID } from 'node:crypto';
import { createLogger } from '../log/logger.ts';
import type { StoredVerdict } from '../store/filter-port.ts';
import { openSqliteStore, type SqliteStore } from '../store/sqlite/sqlite-store.ts';
import type { FilterContext } from './pipeline-types.ts';
import type { Verdict } from './verdict.ts';
import { createVerdictService, VERDICT_BATCH } from './verdict-service.ts';

const HOUR = 3_600_000;
const admin = { id: null, role: 'server-admin', adminDomainIds: [] } as never;

function verdict(): Verdict {
  return {
    id: randomUUID(), at: new Date(1_700_000_000_000).toISOString(), direction: 'inbound', score: 1.5, action: 'accept',
    thresholds: { tag: 5, junk: 5, quarantine: 10, reject: 15 } as never, rules: [{ rule: 'TEST', score: 1.5, detail: 'x' }], decision: null,
    reason: 'test', checks: [],
  };
}

const context = {
  direction: 'inbound', ip: '192.0.2.1', helo: 'mx.example.org', clientHostname: null, account: null, sender: 'a@example.org',
  recipients: [], recipient: null, allowListed: false, hits: [], message: null, addHeaders: [], facts: {},
} as unknown as FilterContext;

/** Polls `check` until it holds: the store is the real one, and its writes finish when they finish. */
async function eventually(check: () => Promise<boolean>): Promise<void> {
  for (let i = 0; i < 2000; i++) {
    if (await check()) return;
    await sleep(10);
  }
  assert.fail('condition never held');
}

describe('stored verdicts are written in batches', () => {
  const dir = mkdtempSync(join(tmpdir(), 'stoa-verdicts-'));
  let store: SqliteStore;
  const writes: number[] = [];
  const logged: string[] = [];
  const logger = createLogger({ log: { level: 'warn', pretty: false } } as never, {
    destination: new Writable({ write(chunk: Buffer, _e, done) { logged.push(chunk.toString()); done(); } }),
  });

  before(async () => {
    store = await openSqliteStore({ path: join(dir, 'stoa.db'), blobsPath: join(dir, 'blobs') });
    // Counts the store writes; every one still goes to the real store.
    const insert = store.verdicts.insert.bind(store.verdicts);
    store.verdicts.insert = (rows: readonly StoredVerdict[]) => {
      writes.push(rows.length);
      return insert(rows);
    };
  });
  after(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('writes the records of several messages in one store write, and get() finds one at once', async () => {
    writes.length = 0;
    const service = createVerdictService(store, logger, { flushMs: HOUR });
    const vs = [verdict(), verdict(), verdict()];
    for (const v of vs) service.record(v, context);
    // Looked up right after: the service writes what waits first.
    assert.equal((await service.get(admin, vs[1]!.id)).id, vs[1]!.id);
    assert.deepEqual(writes, [3]);
    for (const v of vs) assert.equal((await store.verdicts.get(v.id))?.score, 1.5);
    assert.equal((await service.list(admin, { offset: 0, limit: 10 })).total, 3);
  });

  it('writes a full batch without waiting for the delay', async () => {
    writes.length = 0;
    const service = createVerdictService(store, logger, { flushMs: HOUR });
    const vs = Array.from({ length: VERDICT_BATCH }, verdict);
    for (const v of vs) service.record(v, context);
    await eventually(async () => (await store.verdicts.get(vs.at(-1)!.id)) !== null);
    assert.deepEqual(writes, [VERDICT_BATCH]);
    await service.flush();
    assert.deepEqual(writes, [VERDICT_BATCH], 'nothing was left waiting');
  });

  it('writes a lone record once the delay has passed', async () => {
    writes.length = 0;
    const service = createVerdictService(store, logger, { flushMs: 5 });
    const v = verdict();
    service.record(v, context);
    await eventually(async () => (await store.verdicts.get(v.id)) !== null);
    assert.deepEqual(writes, [1]);
  });

  it('stores the others of a batch when one of its verdicts is already stored', async () => {
    writes.length = 0;
    logged.length = 0;
    const service = createVerdictService(store, logger, { flushMs: HOUR });
    const first = verdict();
    service.record(first, context);
    await service.flush();
    service.record(first, context);
    const next = verdict();
    service.record(next, context);
    await service.flush();
    assert.equal((await store.verdicts.get(next.id))?.id, next.id);
    assert.equal((await store.verdicts.get(first.id))?.id, first.id);
    assert.deepEqual(writes, [1, 2]);
    assert.deepEqual(logged, []);
  });

  it('after stop() (shutdown, before the store closes) writes each record at once, not behind the delay', async () => {
    const own = join(dir, 'stopped');
    const opts = { path: join(own, 'stoa.db'), blobsPath: join(own, 'blobs') };
    let other = await openSqliteStore(opts);
    const service = createVerdictService(other, logger, { flushMs: HOUR });
    const early = verdict();
    service.record(early, context);
    await service.stop();
    // A session the front end cut off finishes its message after stop().
    const late = verdict();
    service.record(late, context);
    await new Promise((resolve) => setImmediate(resolve));
    await other.close();
    other = await openSqliteStore(opts);
    try {
      assert.equal((await other.verdicts.get(early.id))?.id, early.id);
      assert.equal((await other.verdicts.get(late.id))?.id, late.id, 'the record made after stop() was written before the store closed');
    } finally {
      await other.close();
    }
  });

  it('logs a write that fails, and flush() still resolves', async () => {
    logged.length = 0;
    const own = join(dir, 'closed');
    const closed = await openSqliteStore({ path: join(own, 'stoa.db'), blobsPath: join(own, 'blobs') });
    const service = createVerdictService(closed, logger, { flushMs: HOUR });
    service.record(verdict(), context);
    await closed.close();
    await service.flush();
    assert.equal(logged.filter((l) => l.includes('could not store filter verdicts')).length, 1);
  });

  it('flush() and list() finish while records keep arriving, and every record is stored', async () => {
    const own = join(dir, 'stream');
    const other = await openSqliteStore({ path: join(own, 'stoa.db'), blobsPath: join(own, 'blobs') });
    const service = createVerdictService(other, logger);
    const recipients = [{ address: 'u@example.org', accountId: 'acc', domain: 'example.org' }];
    let recorded = 0;
    let running = true;
    const producer = (async () => {
      while (running) {
        for (let i = 0; i < 5; i++, recorded++) service.record(verdict(), { ...context, recipients } as FilterContext);
        await new Promise((resolve) => setImmediate(resolve));
      }
    })();
    // Each call waits only for what was recorded before it: a steady stream cannot hold it.
    for (let i = 0; i < 20; i++) {
      await service.flush();
      await service.list(admin, { offset: 0, limit: 1 });
    }
    running = false;
    await producer;
    await service.flush();
    assert.equal((await service.list(admin, { offset: 0, limit: 1 })).total, recorded);
    await other.close();
  });
});
