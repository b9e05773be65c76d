// Bad conditions at the store level: vanished database directory, schema
// bookkeeping, misuse of the transaction handle, group commit failures.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AsyncLocalStorage } from 'node:async_hooks';
import { DatabaseSync } from 'node:sqlite';
import { after, describe, it } from 'node:test';
import { isStoaError } from '../../errors/catalogue.ts';
import { accountFixture, domainFixture, newId, T0 } from '../contract/harness.ts';
import { mailboxFixture, storedMessage } from '../contract/mail-fixtures.ts';
import { LATEST_VERSION } from './migrations.ts';
import { openSqliteStore } from './sqlite-store.ts';

const root = mkdtempSync(join(tmpdir(), 'stoa-sqlite-store-'));
after(() => rmSync(root, { recursive: true, force: true }));
let n = 0;
const paths = () => {
  const dir = join(root, `case${n++}`);
  mkdirSync(dir);
  return { dir, options: { path: join(dir, 'db', 'stoa.db'), blobsPath: join(dir, 'blobs'), busyTimeoutMs: 1000 } };
};

describe('sqlite store', () => {
  it('applies every migration at open, records them, and is idempotent', async () => {
    const { options } = paths();
    const store = await openSqliteStore(options);
    assert.equal(await store.schemaVersion(), LATEST_VERSION);
    assert.deepEqual(await store.migrate(), { from: LATEST_VERSION, to: LATEST_VERSION });
    await store.ping();
    await store.close();
    await store.close();
    const db = new DatabaseSync(options.path, { readOnly: true });
    const rows = db.prepare('SELECT version FROM schema_migrations ORDER BY version').all().map((r) => Number(r.version));
    assert.deepEqual(rows, Array.from({ length: LATEST_VERSION }, (_, i) => i + 1));
    assert.equal(db.prepare('PRAGMA journal_mode').get()?.journal_mode, 'wal');
    db.close();
  });

  it('migration 27 totals the DAV objects stored before it, per owner, and keeps the totals from then on', async () => {
    const { options } = paths();
    let store = await openSqliteStore(options);
    const put = async (collectionId: string, name: string, size: number) => {
      await store.dav.putObject({
        collectionId, name, uid: name, etag: newId(), size, component: 'VEVENT', startMs: 0, endMs: 1, recurring: false,
        data: 'BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n', scheduleTag: null, updatedAt: T0,
      });
    };
    const calendar = (ownerId: string) => store.dav.createCollection({
      id: newId(), ownerId, kind: 'calendar', uri: 'cal', role: null, displayName: 'cal', description: '', color: null, order: null,
      timezone: null, components: ['VEVENT'], properties: {}, createdAt: T0, updatedAt: T0,
    });
    const [ann, bob] = [newId(), newId()];
    const [annCal, bobCal] = [await calendar(ann), await calendar(bob)];
    await put(annCal.id, 'a.ics', 100);
    await put(annCal.id, 'b.ics', 20);
    await put(bobCal.id, 'c.ics', 5);
    await store.close();
    // The database as the version before left it: no totals, no triggers.
    const db = new DatabaseSync(options.path);
    db.exec('DROP TABLE dav_usage; DROP TRIGGER dav_usage_insert; DROP TRIGGER dav_usage_delete; DROP TRIGGER dav_usage_update; DELETE FROM schema_migrations WHERE version = 27;');
    db.close();
    store = await openSqliteStore(options);
    assert.equal(await store.schemaVersion(), LATEST_VERSION);
    assert.deepEqual(await store.dav.usage(ann), { objects: 2, bytes: 120 });
    assert.deepEqual(await store.dav.usage(bob), { objects: 1, bytes: 5 });
    await put(annCal.id, 'd.ics', 1);
    assert.deepEqual(await store.dav.usage(ann), { objects: 3, bytes: 121 });
    await store.close();
  });

  it('refuses a database whose schema is newer than this server', async () => {
    const { options } = paths();
    await (await openSqliteStore(options)).close();
    const db = new DatabaseSync(options.path);
    db.prepare("INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, 'future', 'x')").run(LATEST_VERSION + 1);
    db.close();
    await assert.rejects(openSqliteStore(options), (e) => isStoaError(e, 'STOA_STORE_UNAVAILABLE') && /newer/.test(e.message));
  });

  it('answers STOA_STORE_UNAVAILABLE once the database directory is deleted, for reads and writes', async () => {
    const { dir, options } = paths();
    const store = await openSqliteStore(options);
    const d = domainFixture('gone.example');
    await store.domains.create(d);
    rmSync(join(dir, 'db'), { recursive: true, force: true });
    await assert.rejects(store.accounts.create(accountFixture(d, 'lost')), (e) => isStoaError(e, 'STOA_STORE_UNAVAILABLE'));
    await assert.rejects(store.domains.get(d.id), (e) => isStoaError(e, 'STOA_STORE_UNAVAILABLE'));
    await assert.rejects(store.ping(), (e) => isStoaError(e, 'STOA_STORE_UNAVAILABLE'));
    await store.close();
  });

  it('rolls back a transaction whose database directory disappears mid-way, leaving nothing half written', async () => {
    const { dir, options } = paths();
    const store = await openSqliteStore(options);
    const d = domainFixture('midway.example');
    await store.domains.create(d);
    const first = accountFixture(d, 'first');
    const second = accountFixture(d, 'second');
    await assert.rejects(store.atomic(async (tx) => {
      await tx.accounts.create(first);
      renameSync(join(dir, 'db'), join(dir, 'db-away'));
      await tx.accounts.create(second);
    }), (e) => isStoaError(e, 'STOA_STORE_UNAVAILABLE'));
    await assert.rejects(store.counters.next('c'), (e) => isStoaError(e, 'STOA_STORE_UNAVAILABLE'));
    renameSync(join(dir, 'db-away'), join(dir, 'db'));
    assert.equal(await store.accounts.get(first.id), null);
    assert.equal(await store.addresses.resolve(first.address), null);
    assert.equal(await store.counters.peek('c'), 0);
    await store.close();
    const reopened = await openSqliteStore(options);
    assert.equal(await reopened.accounts.countInDomain(d.id), 0);
    await reopened.close();
  });

  it('rejects store calls that bypass the transaction handle inside atomic(), and a handle used after it ended', async () => {
    const { options } = paths();
    const store = await openSqliteStore(options);
    let leaked: Parameters<Parameters<typeof store.atomic>[0]>[0] | undefined;
    await assert.rejects(store.atomic(async (tx) => {
      leaked = tx;
      await store.counters.next('outside');
    }), (e) => isStoaError(e, 'STOA_INTERNAL'));
    await assert.rejects(leaked!.counters.next('late'), (e) => isStoaError(e, 'STOA_INTERNAL'));
    assert.equal(await store.counters.peek('outside'), 0);
    await assert.rejects(store.atomic(async (tx) => {
      await tx.counters.next('nested');
      await store.atomic(async (inner) => inner.counters.next('nested'));
    }), (e) => isStoaError(e, 'STOA_INTERNAL'));
    assert.equal(await store.counters.peek('nested'), 0);
    await store.close();
    await assert.rejects(store.counters.next('closed'), (e) => isStoaError(e, 'STOA_STORE_UNAVAILABLE'));
  });

  it('rejects every unit of a group commit when the database disappears before its COMMIT, leaving nothing', async () => {
    const { dir, options } = paths();
    // The units must share one batch even when a busy machine runs them slower than the 10 ms budget.
    const store = await openSqliteStore({ ...options, groupCommitMaxBatchMs: 60_000 });
    const d = domainFixture('batch.example');
    await store.domains.create(d);
    const accounts = Array.from({ length: 8 }, (_, i) => accountFixture(d, `batch-${i}`));
    const seen: number[] = [];
    // Queued together, the units share one transaction: each sees the counter
    // its predecessors advanced, and the first one moves the database away.
    const outcomes = await Promise.allSettled(accounts.map((a, i) => store.atomic(async (tx) => {
      if (i === 0) renameSync(join(dir, 'db'), join(dir, 'db-away'));
      await tx.accounts.create(a);
      seen.push(await tx.counters.next('batch'));
    })));
    assert.deepEqual(seen, accounts.map((_, i) => i + 1));
    for (const o of outcomes) assert.ok(o.status === 'rejected' && isStoaError(o.reason, 'STOA_STORE_UNAVAILABLE'));
    renameSync(join(dir, 'db-away'), join(dir, 'db'));
    assert.equal(await store.counters.peek('batch'), 0);
    for (const a of accounts) assert.equal(await store.addresses.resolve(a.address), null);
    await store.close();
    const reopened = await openSqliteStore(options);
    assert.equal(await reopened.accounts.countInDomain(d.id), 0);
    assert.equal(await reopened.counters.peek('batch'), 0);
    await reopened.close();
  });

  it('indexes the bodies of a group commit for full-text search once, leaving out rolled-back and expunged ones', async () => {
    const { options } = paths();
    // One batch whatever the machine's speed, and no background indexer racing indexSearchText() below.
    const store = await openSqliteStore({ ...options, groupCommitMaxBatchMs: 60_000, searchIndexIntervalMs: 0 });
    const box = await mailboxFixture(store, newId(), 'INBOX');
    const items = await Promise.all(['kept', 'failed', 'expunged', 'later'].map((word) => storedMessage(
      store, { subject: word, text: `body of the ${word} message` }, word === 'expunged' ? ['\\Deleted'] : [],
    )));
    // Queued together, the units share one transaction: the second throws
    // after its append, the third expunges its own message again.
    const outcomes = await Promise.allSettled([
      store.atomic((tx) => tx.messages.append(box.id, [items[0]], T0)),
      store.atomic(async (tx) => {
        await tx.messages.append(box.id, [items[1]], T0);
        throw new Error('changed my mind');
      }),
      store.atomic(async (tx) => {
        const { uids } = await tx.messages.append(box.id, [items[2]], T0);
        await tx.messages.expunge(box.id, [[uids[0], uids[0]]]);
      }),
    ]);
    assert.deepEqual(outcomes.map((o) => o.status), ['fulfilled', 'rejected', 'fulfilled']);
    await store.messages.append(box.id, [items[3]], T0);
    assert.deepEqual(await store.messages.searchText(box.id, 'message'), [1, 3]);
    assert.deepEqual(await store.messages.searchText(box.id, 'failed'), []);
    assert.deepEqual(await store.messages.searchText(box.id, 'expunged'), []);
    assert.equal(await store.indexSearchText(), 2);
    assert.deepEqual(await store.messages.searchText(box.id, 'message'), [1, 3]);
    await store.close();
    const db = new DatabaseSync(options.path);
    // External content: the index must match mail_bodies exactly, or FTS5 reports corruption.
    db.exec("INSERT INTO mail_search (mail_search, rank) VALUES ('integrity-check', 1)");
    assert.equal(db.prepare('SELECT count(*) AS n FROM mail_search_pending').get()!.n, 0);
    db.close();
  });

  it('finds a new message before and after the background indexer ran, and resumes indexing after a restart', async () => {
    const { options } = paths();
    const manual = { ...options, searchIndexIntervalMs: 0 };
    const store = await openSqliteStore(manual);
    const box = await mailboxFixture(store, newId(), 'INBOX');
    const words = ['walrus', 'pelican', 'heron', 'osprey'];
    // walrus and heron carry \\Deleted so that they can be expunged below.
    const items = await Promise.all(words.map((word) => storedMessage(
      store, { subject: word, text: `sighting of a ${word} today` }, word === 'walrus' || word === 'heron' ? ['\\Deleted'] : [],
    )));
    await store.messages.append(box.id, [items[0], items[1]], T0);
    // Pending: found by the exact scan of the bodies not yet indexed.
    assert.deepEqual(await store.messages.searchText(box.id, 'alrus'), [1]);
    assert.deepEqual(await store.messages.searchText(box.id, 'sighting'), [1, 2]);
    assert.equal(await store.indexSearchText(), 2);
    assert.deepEqual(await store.messages.searchText(box.id, 'alrus'), [1]);
    assert.deepEqual(await store.messages.searchText(box.id, 'sighting'), [1, 2]);
    // Expunged while still pending: its pending row goes with it, and no FTS delete is issued.
    const { uids } = await store.messages.append(box.id, [items[2]], T0);
    await store.messages.expunge(box.id, [[uids[0], uids[0]]]);
    assert.deepEqual(await store.messages.searchText(box.id, 'heron'), []);
    // Expunged after indexing: the index row is deleted with the body.
    await store.messages.expunge(box.id, [[1, 1]]);
    assert.deepEqual(await store.messages.searchText(box.id, 'sighting'), [2]);
    // Left pending at close: the next open picks it up.
    await store.messages.append(box.id, [items[3]], T0);
    await store.close();
    let db = new DatabaseSync(options.path);
    assert.equal(db.prepare('SELECT count(*) AS n FROM mail_search_pending').get()!.n, 1);
    db.close();
    const reopened = await openSqliteStore({ ...options, searchIndexIntervalMs: 10 });
    assert.deepEqual(await reopened.messages.searchText(box.id, 'osprey'), [4]);
    for (let i = 0; i < 200; i++) {
      const probe = new DatabaseSync(options.path, { readOnly: true });
      const left = Number(probe.prepare('SELECT count(*) AS n FROM mail_search_pending').get()!.n);
      probe.close();
      if (left === 0) break;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    assert.equal(await reopened.indexSearchText(), 0, 'the background indexer took the pending body');
    assert.deepEqual(await reopened.messages.searchText(box.id, 'osprey'), [4]);
    assert.deepEqual(await reopened.messages.searchText(box.id, 'sighting'), [2, 4]);
    await reopened.close();
    db = new DatabaseSync(options.path);
    db.exec("INSERT INTO mail_search (mail_search, rank) VALUES ('integrity-check', 1)");
    db.close();
  });

  it('runs each queued unit in its caller\'s async context', async () => {
    const { options } = paths();
    const store = await openSqliteStore(options);
    const request = new AsyncLocalStorage<string>();
    const seen = await Promise.all(['a', 'b', 'c', 'd'].map((id) => request.run(id, () => store.atomic(async (tx) => {
      await tx.counters.next('context');
      return request.getStore();
    }))));
    assert.deepEqual(seen, ['a', 'b', 'c', 'd']);
    await store.close();
  });

  it('commits the writes queued before close() and refuses those after', async () => {
    const { options } = paths();
    const store = await openSqliteStore(options);
    const queued = Array.from({ length: 5 }, () => store.counters.next('closing'));
    const closing = store.close();
    // Watched from the start: it may be refused before the queued writes are reported durable.
    const late = assert.rejects(store.counters.next('closing'), (e) => isStoaError(e, 'STOA_STORE_UNAVAILABLE'));
    assert.deepEqual(await Promise.all(queued), [1, 2, 3, 4, 5]);
    await closing;
    await late;
    const reopened = await openSqliteStore(options);
    assert.equal(await reopened.counters.peek('closing'), 5);
    await reopened.close();
  });

  it('maps an unknown domain reference to STOA_INVALID_REFERENCE', async () => {
    const { options } = paths();
    const store = await openSqliteStore(options);
    await assert.rejects(store.accounts.create(accountFixture(domainFixture('unknown.example'), 'x')), (e) => isStoaError(e, 'STOA_INVALID_REFERENCE'));
    assert.equal(await store.addresses.resolve('x@unknown.example'), null);
    await store.close();
  });
});
