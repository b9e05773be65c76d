// Migration jobs, checkpoints and the item ledger (migration-port.ts).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { MigrationJobRecord } from '../migration-port.ts';
import { at, newId, useHarness, type StoreFactory } from './harness.ts';

function job(minute: number, extra: Partial<MigrationJobRecord> = {}): MigrationJobRecord {
  return {
    id: newId(), origin: 'api', status: 'queued', createdBy: 'admin', domainIds: ['d1'], spec: { source: { type: 'imap', host: 'mail.example.com' } },
    report: null, error: null, createdAt: at(minute), startedAt: null, finishedAt: null, heartbeatAt: null, runner: null, ...extra,
  };
}

export function migrationContract(factory: StoreFactory): void {
  describe('migration jobs and ledger', () => {
    const h = useHarness(factory, { before, after });

    it('stores a job and lists jobs newest first, by status', async () => {
      const s = h().store;
      const a = job(1);
      const b = job(2, { status: 'running', origin: 'cli' });
      await s.migrations.createJob(a);
      await s.migrations.createJob(b);
      assert.deepEqual(await s.migrations.getJob(a.id), a);
      const all = await s.migrations.listJobs({ offset: 0, limit: 10 });
      assert.ok(all.total >= 2);
      assert.ok(all.items.findIndex((j) => j.id === b.id) < all.items.findIndex((j) => j.id === a.id));
      const running = await s.migrations.listJobs({ offset: 0, limit: 10, status: 'running' });
      assert.ok(running.items.every((j) => j.status === 'running') && running.items.some((j) => j.id === b.id));
      assert.equal(await s.migrations.getJob(newId()), null);
    });

    it('moves a job only from the expected status, so two runners never claim the same job', async () => {
      const s = h().store;
      const j = job(3);
      await s.migrations.createJob(j);
      const claimed = await s.migrations.updateJob(j.id, { status: 'running', runner: 'server:a:1', startedAt: at(4) }, ['queued']);
      assert.equal(claimed?.status, 'running');
      assert.equal(await s.migrations.updateJob(j.id, { status: 'running', runner: 'server:b:2' }, ['queued']), null);
      const reported = await s.migrations.updateJob(j.id, { report: { totals: { imported: 3 } }, heartbeatAt: at(5) });
      assert.deepEqual(reported?.report, { totals: { imported: 3 } });
      assert.equal(reported?.runner, 'server:a:1');
      assert.equal(await s.migrations.updateJob(newId(), { status: 'done' }), null);
    });

    it('prunes finished jobs older than the horizon and keeps the rest', async () => {
      const s = h().store;
      const old = job(6, { status: 'done', finishedAt: at(7) });
      const fresh = job(8, { status: 'done', finishedAt: at(30) });
      const live = job(9, { status: 'running' });
      for (const j of [old, fresh, live]) await s.migrations.createJob(j);
      assert.ok(await s.migrations.pruneJobs(at(20)) >= 1);
      assert.equal(await s.migrations.getJob(old.id), null);
      assert.ok(await s.migrations.getJob(fresh.id));
      assert.ok(await s.migrations.getJob(live.id));
    });

    it('keeps a checkpoint per folder and ledger rows per item, replaced by key and forgotten together', async () => {
      const s = h().store;
      const scope = newId();
      assert.equal(await s.migrations.getCheckpoint(scope, 'INBOX'), null);
      await s.migrations.putCheckpoint(scope, 'INBOX', { validity: '17', complete: false, updatedAt: at(1) });
      await s.migrations.putCheckpoint(scope, 'INBOX', { validity: '17', complete: true, updatedAt: at(2) });
      assert.deepEqual(await s.migrations.getCheckpoint(scope, 'INBOX'), { validity: '17', complete: true, updatedAt: at(2) });
      const keys = Array.from({ length: 1200 }, (_, i) => String(i + 1));
      await s.migrations.recordLedger(scope, 'INBOX', keys.map((k) => ({ itemKey: k, status: 'pending', sha256: `h${k}`, messageId: `<${k}@x>`, reason: null })));
      await s.migrations.recordLedger(scope, 'INBOX', [{ itemKey: '7', status: 'imported', sha256: 'h7', messageId: '<7@x>', reason: null }]);
      await s.migrations.recordLedger(scope, 'Sent', [{ itemKey: '7', status: 'failed', sha256: null, messageId: null, reason: 'malformed' }]);
      const rows = await s.migrations.lookupLedger(scope, 'INBOX', [...keys, 'missing']);
      assert.equal(rows.length, 1200);
      assert.deepEqual(rows.find((r) => r.itemKey === '7'), { itemKey: '7', status: 'imported', sha256: 'h7', messageId: '<7@x>', reason: null });
      await s.migrations.forgetFolder(scope, 'INBOX');
      assert.equal(await s.migrations.getCheckpoint(scope, 'INBOX'), null);
      assert.deepEqual(await s.migrations.lookupLedger(scope, 'INBOX', ['7']), []);
      assert.equal((await s.migrations.lookupLedger(scope, 'Sent', ['7']))[0].status, 'failed');
    });

    it('creates a job and its audit entry in one transaction, or neither', async () => {
      const s = h().store;
      const j = job(10);
      await assert.rejects(s.atomic(async (tx) => {
        await tx.migrations.createJob(j);
        throw new Error('audit failed');
      }), /audit failed/);
      assert.equal(await s.migrations.getJob(j.id), null);
    });
  });
}
