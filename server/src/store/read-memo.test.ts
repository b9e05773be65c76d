// The read memo of one mail transaction (read-memo.ts), on the real SQLite
// store: committed directory rows read once per transaction scope, never
// inside atomic(), never after the transaction ended, never past its age.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { accountFixture, domainFixture } from './contract/harness.ts';
import { READ_MEMO_MAX, READ_MEMO_MAX_AGE_MS, ReadMemo, withReadMemo } from './read-memo.ts';
import { openSqliteStore, type SqliteStore } from './sqlite/sqlite-store.ts';

describe('the read memo of a mail transaction', () => {
  const dir = mkdtempSync(join(tmpdir(), 'stoa-read-memo-'));
  let store: SqliteStore;
  const domain = domainFixture('memo.example');
  const account = accountFixture(domain, 'ann', { displayName: 'Ann' });
  const rename = (displayName: string) => store.accounts.update(account.id, { displayName });

  before(async () => {
    store = await openSqliteStore({ path: join(dir, 'stoa.db'), blobsPath: join(dir, 'blobs') });
    await store.domains.create(domain);
    await store.accounts.create(account);
  });
  after(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('answers a second read of a domain or an account from the first, as a copy of its own', async () => {
    await rename('Ann');
    const memo = new ReadMemo();
    await withReadMemo(memo, async () => {
      const first = await store.accounts.get(account.id);
      assert.equal((await store.domains.getByName('memo.example'))?.id, domain.id);
      await rename('Changed meanwhile');
      const again = await store.accounts.get(account.id);
      assert.equal(again?.displayName, 'Ann');
      assert.notEqual(again, first);
      again!.displayName = 'scribbled on';
      assert.equal((await store.accounts.get(account.id))?.displayName, 'Ann');
    });
    // Outside the scope, and in it once the transaction is over: the store as it is.
    assert.equal((await store.accounts.get(account.id))?.displayName, 'Changed meanwhile');
    memo.close();
    await withReadMemo(memo, async () => assert.equal((await store.accounts.get(account.id))?.displayName, 'Changed meanwhile'));
  });

  it('is not used inside atomic(): the rows a transaction decides on are read there', async () => {
    await rename('Ann');
    await withReadMemo(new ReadMemo(), async () => {
      assert.equal((await store.accounts.get(account.id))?.displayName, 'Ann');
      await rename('Bea');
      await store.atomic(async (tx) => assert.equal((await tx.accounts.get(account.id))?.displayName, 'Bea'));
    });
  });

  it('reads through once it is older than a minute, and keeps no failed read', async () => {
    await rename('Ann');
    let clock = 1_000_000;
    const memo = new ReadMemo(() => clock);
    await withReadMemo(memo, async () => {
      await store.accounts.get(account.id);
      await rename('Cid');
      clock += READ_MEMO_MAX_AGE_MS;
      assert.equal((await store.accounts.get(account.id))?.displayName, 'Ann');
      clock += 1;
      assert.equal((await store.accounts.get(account.id))?.displayName, 'Cid');
    });
    const fresh = new ReadMemo();
    await assert.rejects(fresh.get('k', () => Promise.reject(new Error('store down'))), /store down/);
    assert.deepEqual(await fresh.get('k', async () => ({ ok: true })), { ok: true });
  });

  it(`holds at most ${READ_MEMO_MAX} rows; past that it reads through`, async () => {
    const memo = new ReadMemo();
    for (let i = 0; i < READ_MEMO_MAX + 10; i++) await memo.get(`k${i}`, async () => ({ i }));
    assert.equal(memo.size, READ_MEMO_MAX);
    let reads = 0;
    await memo.get(`k${READ_MEMO_MAX + 5}`, async () => ({ i: ++reads }));
    await memo.get(`k${READ_MEMO_MAX + 5}`, async () => ({ i: ++reads }));
    assert.equal(reads, 2);
  });
});
