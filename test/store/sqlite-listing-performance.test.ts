// Performance target of the embedded store: a filtered, sorted page of 50 out
// of 100,000 accounts in well under 50 ms (p99), with query plans that walk an
// index in sort order instead of sorting the table.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { after, before, describe, it } from 'node:test';
import { accountFixture, domainFixture } from '../../server/src/store/contract/harness.ts';
import type { AccountFilter, ListOptions, Store } from '../../server/src/store/port.ts';
import { openSqliteStore } from '../../server/src/store/open-store.ts';
import { ACCOUNT_LIST, accountConditions } from '../../server/src/store/sqlite/accounts.ts';
import { listSql } from '../../server/src/store/sqlite/listing.ts';

type Query = ListOptions<'address' | 'displayName' | 'createdAt' | 'quotaBytes'> & AccountFilter;

const ACCOUNTS = 100_000;
const NAMES = ['Alice', 'bob', 'Carol', 'dave', 'Eve', 'Frank', 'grace', 'Heidi'];

describe('sqlite account listing at 100,000 accounts', () => {
  let dir: string;
  let store: Store;
  const domains = [domainFixture('big-one.example'), domainFixture('big-two.example'), domainFixture('big-three.example')];
  let loadMs = 0;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'stoa-listing-perf-'));
    store = await openSqliteStore({ path: join(dir, 'stoa.db'), blobsPath: join(dir, 'blobs') });
    for (const d of domains) await store.domains.create(d);
    const accounts = Array.from({ length: ACCOUNTS }, (_, i) => accountFixture(domains[i % 3], `user${i}`, {
      displayName: `${NAMES[i % NAMES.length]} Surname${i}`,
      enabled: i % 11 !== 0,
      quotaBytes: (i % 97) * 1_000_000,
      createdAt: new Date(Date.UTC(2024, 0, 1) + i * 1000).toISOString(),
    }));
    const started = performance.now();
    await store.accounts.createMany(accounts);
    loadMs = performance.now() - started;
  });
  after(async () => {
    await store.close();
    await rm(dir, { recursive: true, force: true });
  });

  const queries = (): Query[] => {
    const [one, two] = domains.map((d) => d.id);
    return [
      { offset: 0, limit: 50, sort: 'displayName', order: 'asc', scope: null },
      { offset: 0, limit: 50, sort: 'displayName', order: 'desc', scope: [one] },
      { offset: 0, limit: 50, sort: 'address', order: 'asc', scope: [one, two], enabled: true },
      { offset: 0, limit: 50, sort: 'createdAt', order: 'desc', scope: null, domainId: two },
      { offset: 0, limit: 50, sort: 'quotaBytes', order: 'desc', scope: [two] },
      { offset: 500, limit: 50, sort: 'createdAt', order: 'asc', scope: [one] },
      { offset: 0, limit: 50, sort: 'displayName', order: 'asc', scope: null, q: 'surname123' },
      { offset: 0, limit: 50, sort: 'address', order: 'asc', scope: [one, two], q: 'Heidi Surname9' },
    ];
  };

  it('bulk-loads 100,000 accounts in one transaction within seconds', () => {
    assert.equal(loadMs < 20_000, true, `createMany took ${Math.round(loadMs)} ms`);
  });

  it('answers each filtered, sorted page of 50 in under 50 ms at p99', async () => {
    for (const q of queries()) {
      const times: number[] = [];
      for (let i = 0; i < 100; i++) {
        const started = performance.now();
        const page = await store.accounts.list(q);
        times.push(performance.now() - started);
        assert.ok(page.items.length > 0 && page.total > 0);
      }
      times.sort((a, b) => a - b);
      const p99 = times[98];
      assert.ok(p99 < 50, `p99 ${p99.toFixed(1)} ms for ${JSON.stringify(q)}`);
    }
  });

  it('walks an index in sort order for unfiltered-by-text pages instead of sorting the table', () => {
    const db = new DatabaseSync(join(dir, 'stoa.db'), { readOnly: true });
    try {
      for (const q of queries().filter((x) => x.q === undefined)) {
        const sql = listSql(ACCOUNT_LIST, q, accountConditions(q))!;
        const lines = db.prepare(`EXPLAIN QUERY PLAN ${sql.itemsSql}`).all(...sql.itemsParams, q.limit, q.offset).map((r) => String(r.detail));
        const plan = `${JSON.stringify(q)}\n${lines.join('\n')}`;
        // Sorting the few rows of a merged per-domain walk is fine; sorting
        // what a search of the accounts table returns is not.
        lines.forEach((line, i) => {
          if (/USE TEMP B-TREE/.test(line)) assert.doesNotMatch(lines[i - 1] ?? '', /^(SEARCH|SCAN) accounts/, plan);
        });
        assert.ok(!lines.includes('SCAN accounts'), plan);
      }
    } finally {
      db.close();
    }
  });
});
