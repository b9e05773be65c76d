// AuditStore contract: filters by object, actor and time window, newest first.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { AuditEntry } from '../../../../shared/src/schemas/directory.ts';
import { newId, useHarness, type StoreFactory } from './harness.ts';

export function auditContract(factory: StoreFactory): void {
  describe('audit', () => {
    const h = useHarness(factory, { before, after });
    const objectId = newId();
    const entry = (at: string, actor: string): AuditEntry => ({
      id: newId(), at, actorId: null, actor, ip: null, action: 'update', objectType: 'account', objectId, domainId: null, before: null, after: { n: at },
    });

    it('lists the entries of a time window (since inclusive, until exclusive), newest first', async () => {
      const s = h().store;
      for (const [at, actor] of [['2026-03-01T10:00:00.000Z', 'a'], ['2026-03-02T10:00:00.000Z', 'b'], ['2026-03-03T10:00:00.000Z', 'a'], ['2026-03-04T10:00:00.000Z', 'b']]) {
        await s.audit.append(entry(at, actor));
      }
      const base = { offset: 0, limit: 10, sort: 'at' as const, order: 'desc' as const, scope: null, objectId };
      const window = await s.audit.list({ ...base, since: '2026-03-02T10:00:00.000Z', until: '2026-03-04T10:00:00.000Z' });
      assert.deepEqual(window.items.map((e) => e.at), ['2026-03-03T10:00:00.000Z', '2026-03-02T10:00:00.000Z']);
      assert.equal(window.total, 2);
      const sinceOnly = await s.audit.list({ ...base, since: '2026-03-03T00:00:00.000Z', actor: 'b' });
      assert.deepEqual(sinceOnly.items.map((e) => e.at), ['2026-03-04T10:00:00.000Z']);
      const untilOnly = await s.audit.list({ ...base, until: '2026-03-02T00:00:00.000Z', order: 'asc' });
      assert.deepEqual(untilOnly.items.map((e) => e.actor), ['a']);
    });
  });
}
