// The outbound queue (QueueStore): enqueue with its blob reference, leased
// claims that two store handles (two nodes) never share, outcomes only from
// the lease owner, completion and purge, listing, retry, delete, and
// notices kept pending on final recipients. Every test opens its own store:
// claim sees every due recipient, so tests must not see each other's mail.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Store } from '../port.ts';
import type { NewQueuedMessage, RecipientOutcome, SmtpAnswer } from '../queue-port.ts';
import { newId, type StoreFactory, type StoreHarness } from './harness.ts';

const T = 1_800_000_000_000;
const DAY = 86_400_000;
const OK: SmtpAnswer = { code: 250, enhanced: '2.0.0', text: 'queued' };
const TEMP: SmtpAnswer = { code: 451, enhanced: '4.2.1', text: 'busy' };
const PERM: SmtpAnswer = { code: 550, enhanced: '5.1.1', text: 'no such user' };

async function withStore(factory: StoreFactory, fn: (h: StoreHarness) => Promise<void>): Promise<void> {
  const h = await factory();
  try {
    await fn(h);
  } finally {
    await h.cleanup();
  }
}

async function enqueue(store: Store, rcpts: string[], extra: Partial<NewQueuedMessage['message']> = {}): Promise<{ id: string; blobId: string }> {
  const blob = await store.blobs.put(Buffer.from(`Subject: queued ${newId()}\r\n\r\nbody\r\n`));
  const id = newId();
  await store.queue.enqueue({
    message: {
      id, blobId: blob.id, sender: 'alice@sender.test', createdAt: T, expiresAt: T + 5 * DAY,
      ret: null, envId: null, accountId: null, size: blob.size, ...extra,
    },
    recipients: rcpts.map((address) => ({ address, domain: address.slice(address.indexOf('@') + 1), notify: null, orcpt: null })),
  });
  return { id, blobId: blob.id };
}

function outcome(address: string, response: SmtpAnswer, status: RecipientOutcome['status'], nextAttemptAt = T, extra: Partial<RecipientOutcome> = {}): RecipientOutcome {
  return {
    address, status, nextAttemptAt, response, attempted: true,
    attempt: { at: T, mxHost: 'mx.test', ip: '192.0.2.1', tls: true, response, result: status === 'queued' ? 'deferred' : status },
    ...extra,
  };
}

const claimOpts = (owner: string, now = T, maxGroups = 100) => ({ owner, now, leaseMs: 60_000, maxGroups });

export function queueContract(factory: StoreFactory): void {
  describe('outbound queue', () => {
    it('enqueues a message with its recipients and one blob reference, atomically', () => withStore(factory, async ({ store }) => {
      const { id, blobId } = await enqueue(store, ['b@one.test', 'c@two.test']);
      const got = await store.queue.get(id);
      assert.ok(got);
      assert.equal(got.message.sender, 'alice@sender.test');
      assert.equal(got.message.completedAt, null);
      assert.deepEqual(got.recipients.map((r) => [r.address, r.domain, r.status, r.attempts, r.noticePending, r.localFolder]), [
        ['b@one.test', 'one.test', 'queued', 0, null, null], ['c@two.test', 'two.test', 'queued', 0, null, null],
      ]);
      assert.equal((await store.blobs.stat(blobId))?.refs, 1);
      await assert.rejects(() => store.queue.enqueue({
        message: { id: newId(), blobId: 'f'.repeat(64), sender: '', createdAt: T, expiresAt: T + DAY, ret: null, envId: null, accountId: null, size: 1 },
        recipients: [{ address: 'x@y.test', domain: 'y.test', notify: null, orcpt: null }],
      }), /STOA_NOT_FOUND|blob/);
      assert.equal(await store.queue.get('no-such-id'), null);
    }));

    it('keeps the folder of a deferred local recipient through enqueue, get, claim and record', () => withStore(factory, async ({ store }) => {
      const blob = await store.blobs.put(Buffer.from(`Subject: local ${newId()}\r\n\r\nbody\r\n`));
      const id = newId();
      await store.queue.enqueue({
        message: { id, blobId: blob.id, sender: 'a@remote.test', createdAt: T, expiresAt: T + DAY, ret: null, envId: null, accountId: null, size: blob.size },
        recipients: [
          { address: 'inbox@local.test', domain: 'local.test', notify: null, orcpt: null, localFolder: 'INBOX' },
          { address: 'junk@local.test', domain: 'local.test', notify: null, orcpt: null, localFolder: 'Junk' },
          { address: 'plain@local.test', domain: 'local.test', notify: null, orcpt: null },
        ],
      });
      const folders = (rs: Array<{ address: string; localFolder: string | null }>) => rs.map((r) => [r.address, r.localFolder]);
      const expected = [['inbox@local.test', 'INBOX'], ['junk@local.test', 'Junk'], ['plain@local.test', null]];
      assert.deepEqual(folders((await store.queue.get(id))!.recipients), expected);
      const [lease] = await store.queue.claim(claimOpts('w1'));
      assert.deepEqual(folders([...lease.recipients].sort((a, b) => a.address.localeCompare(b.address))), expected);
      await store.queue.record('w1', id, [outcome('junk@local.test', TEMP, 'deferred', T + 300_000)], T);
      assert.deepEqual(folders((await store.queue.get(id))!.recipients), expected, 'an outcome leaves the folder alone');
    }));

    it('claims due recipients grouped by (message, domain), once, and honours skipDomains and maxGroups', () => withStore(factory, async ({ store }) => {
      const { id } = await enqueue(store, ['a@one.test', 'b@one.test', 'c@two.test']);
      assert.deepEqual(await store.queue.claim(claimOpts('w1', T - 1)), [], 'nothing is due before createdAt');
      const first = await store.queue.claim({ ...claimOpts('w1'), maxGroups: 1, skipDomains: ['two.test'] });
      assert.equal(first.length, 1);
      assert.equal(first[0].message.id, id);
      assert.equal(first[0].domain, 'one.test');
      assert.equal(first[0].leaseUntil, T + 60_000);
      assert.deepEqual(first[0].recipients.map((r) => [r.address, r.leaseOwner]), [['a@one.test', 'w1'], ['b@one.test', 'w1']]);
      const second = await store.queue.claim(claimOpts('w2'));
      assert.deepEqual(second.map((l) => l.domain), ['two.test'], 'a leased group is not claimed again');
      assert.deepEqual(await store.queue.claim(claimOpts('w3')), []);
      const expired = await store.queue.claim(claimOpts('w3', T + 60_000));
      assert.deepEqual(expired.map((l) => l.domain).sort(), ['one.test', 'two.test'], 'expired leases are free again');
    }));

    it('renews only a lease still held, and records outcomes only from the owner', () => withStore(factory, async ({ store }) => {
      const { id } = await enqueue(store, ['a@one.test']);
      await store.queue.claim(claimOpts('w1'));
      assert.equal(await store.queue.renew('w1', id, 'one.test', T + 120_000), true);
      assert.equal(await store.queue.renew('intruder', id, 'one.test', T + 120_000), false);
      assert.deepEqual(await store.queue.claim(claimOpts('w2', T + 90_000)), [], 'the renewal moved the expiry');
      const foreign = await store.queue.record('intruder', id, [outcome('a@one.test', OK, 'delivered')], T);
      assert.deepEqual(foreign, { updated: [], completed: false });
      assert.equal((await store.queue.get(id))?.recipients[0].status, 'queued');
      assert.deepEqual(await store.queue.attempts(id), []);
    }));

    it('records deferrals and final answers with the attempt log, then completes and drops the blob reference', () => withStore(factory, async ({ store }) => {
      const { id, blobId } = await enqueue(store, ['ok@one.test', 'temp@one.test', 'perm@one.test']);
      await store.queue.claim(claimOpts('w1'));
      const res = await store.queue.record('w1', id, [
        outcome('ok@one.test', OK, 'delivered'), outcome('temp@one.test', TEMP, 'deferred', T + 300_000, { delayNoticeSent: true }),
        outcome('perm@one.test', PERM, 'failed'),
      ], T + 10);
      assert.deepEqual([...res.updated].sort(), ['ok@one.test', 'perm@one.test', 'temp@one.test']);
      assert.equal(res.completed, false);
      const got = (await store.queue.get(id))!;
      const temp = got.recipients.find((r) => r.address === 'temp@one.test')!;
      assert.deepEqual([temp.status, temp.attempts, temp.nextAttemptAt, temp.lastResponse, temp.leaseOwner, temp.leaseUntil, temp.delayNoticeSent],
        ['deferred', 1, T + 300_000, TEMP, null, null, true]);
      assert.equal(got.recipients.find((r) => r.address === 'perm@one.test')!.lastResponse?.enhanced, '5.1.1');
      const attempts = await store.queue.attempts(id);
      assert.equal(attempts.length, 3);
      assert.ok(attempts.every((a) => a.mxHost === 'mx.test' && a.ip === '192.0.2.1' && a.tls));
      assert.equal(await store.queue.nextDue(), T + 300_000);

      await store.queue.claim(claimOpts('w2', T + 300_000));
      const done = await store.queue.record('w2', id, [outcome('temp@one.test', OK, 'delivered', T + 300_000)], T + 300_001);
      assert.deepEqual(done, { updated: ['temp@one.test'], completed: true });
      assert.equal((await store.queue.get(id))!.message.completedAt, T + 300_001);
      assert.equal((await store.blobs.stat(blobId))?.refs, 0);
      assert.equal(await store.queue.nextDue(), null);
      assert.equal((await store.queue.get(id))!.recipients.find((r) => r.address === 'temp@one.test')!.attempts, 2);
    }));

    it('releases every lease of a stopping owner without counting an attempt', () => withStore(factory, async ({ store }) => {
      const { id } = await enqueue(store, ['a@one.test', 'b@two.test']);
      assert.equal((await store.queue.claim(claimOpts('w1'))).length, 2);
      assert.equal(await store.queue.releaseAll('someone-else'), 0);
      assert.equal(await store.queue.releaseAll('w1'), 2);
      const got = (await store.queue.get(id))!;
      assert.ok(got.recipients.every((r) => r.leaseOwner === null && r.attempts === 0 && r.status === 'queued'));
      assert.equal((await store.queue.claim(claimOpts('w2'))).length, 2);
    }));

    it('lists newest first with counts, filters and paging, and hides completed messages unless asked', () => withStore(factory, async ({ store }) => {
      const older = await enqueue(store, ['a@one.test', 'b@two.test'], { createdAt: T - 1000 });
      const newer = await enqueue(store, ['c@two.test'], { sender: '' });
      const done = await enqueue(store, ['d@three.test'], { createdAt: T - 2000 });
      await store.queue.claim({ ...claimOpts('w1'), skipDomains: ['one.test', 'two.test'] });
      await store.queue.record('w1', done.id, [outcome('d@three.test', OK, 'delivered')], T);

      const all = await store.queue.list({}, 0, 10);
      assert.equal(all.total, 2);
      assert.deepEqual(all.items.map((m) => m.id), [newer.id, older.id]);
      assert.deepEqual([all.items[1].recipientCount, all.items[1].pendingCount, all.items[1].nextAttemptAt], [2, 2, T - 1000]);
      assert.equal((await store.queue.list({ includeCompleted: true }, 0, 10)).total, 3);
      assert.deepEqual((await store.queue.list({ status: 'delivered' }, 0, 10)).items.map((m) => m.id), [done.id]);
      assert.deepEqual((await store.queue.list({ domain: 'one.test' }, 0, 10)).items.map((m) => m.id), [older.id]);
      assert.deepEqual((await store.queue.list({ sender: '' }, 0, 10)).items.map((m) => m.id), [newer.id]);
      const page = await store.queue.list({}, 1, 1);
      assert.equal(page.total, 2);
      assert.deepEqual(page.items.map((m) => m.id), [older.id]);
      const completed = (await store.queue.list({ includeCompleted: true }, 0, 10)).items.find((m) => m.id === done.id)!;
      assert.deepEqual([completed.pendingCount, completed.nextAttemptAt, completed.completedAt], [0, null, T]);
    }));

    it('makes open recipients due now on retry, and counts them', () => withStore(factory, async ({ store }) => {
      const { id } = await enqueue(store, ['a@one.test', 'b@one.test']);
      await store.queue.claim(claimOpts('w1'));
      await store.queue.record('w1', id, [outcome('a@one.test', TEMP, 'deferred', T + DAY), outcome('b@one.test', OK, 'delivered')], T);
      assert.deepEqual(await store.queue.claim(claimOpts('w2', T + 1)), []);
      assert.equal(await store.queue.retryNow(id, T + 1), 1);
      assert.equal(await store.queue.retryNow('no-such-id', T + 1), 0);
      const leases = await store.queue.claim(claimOpts('w2', T + 1));
      assert.deepEqual(leases.flatMap((l) => l.recipients.map((r) => r.address)), ['a@one.test']);
    }));

    it('deletes a message with its recipients and attempts, giving the blob reference back once', () => withStore(factory, async ({ store }) => {
      const pending = await enqueue(store, ['a@one.test']);
      const done = await enqueue(store, ['b@two.test']);
      await store.queue.claim(claimOpts('w1'));
      await store.queue.record('w1', done.id, [outcome('b@two.test', OK, 'delivered')], T);
      assert.equal(await store.queue.delete(pending.id), true);
      assert.equal(await store.queue.delete(done.id), true);
      assert.equal(await store.queue.delete(pending.id), false);
      assert.equal(await store.queue.get(pending.id), null);
      assert.deepEqual(await store.queue.attempts(done.id), []);
      assert.equal((await store.blobs.stat(pending.blobId))?.refs, 0);
      assert.equal((await store.blobs.stat(done.blobId))?.refs, 0, 'not below zero for a completed message');
      assert.equal(await store.queue.nextDue(), null);
    }));

    it('purges completed messages older than the cut-off only', () => withStore(factory, async ({ store }) => {
      const a = await enqueue(store, ['a@one.test']);
      const b = await enqueue(store, ['b@two.test']);
      const c = await enqueue(store, ['c@three.test']);
      await store.queue.claim(claimOpts('w1'));
      await store.queue.record('w1', a.id, [outcome('a@one.test', OK, 'delivered')], T);
      await store.queue.record('w1', b.id, [outcome('b@two.test', PERM, 'failed')], T + 1000);
      assert.equal(await store.queue.purgeCompleted(T + 500), 1);
      assert.equal(await store.queue.get(a.id), null);
      assert.ok(await store.queue.get(b.id));
      assert.ok(await store.queue.get(c.id), 'pending messages are never purged');
      assert.deepEqual(await store.queue.attempts(a.id), []);
    }));

    it('keeps a final recipient open while its notice is pending, and completes once it is sent', () => withStore(factory, async ({ store }) => {
      const { id, blobId } = await enqueue(store, ['perm@one.test']);
      await store.queue.claim(claimOpts('w1'));
      const first = await store.queue.record('w1', id, [outcome('perm@one.test', PERM, 'failed', T + 300_000, { noticePending: 'failed' })], T);
      assert.equal(first.completed, false);
      let r = (await store.queue.get(id))!.recipients[0];
      assert.deepEqual([r.status, r.noticePending, r.nextAttemptAt], ['failed', 'failed', T + 300_000]);
      assert.equal((await store.blobs.stat(blobId))?.refs, 1);
      assert.equal(await store.queue.nextDue(), T + 300_000);
      assert.equal((await store.queue.list({}, 0, 10)).items[0].pendingCount, 1);

      const leases = await store.queue.claim(claimOpts('w2', T + 300_000));
      assert.deepEqual(leases.flatMap((l) => l.recipients.map((x) => [x.address, x.noticePending])), [['perm@one.test', 'failed']]);
      assert.equal(await store.queue.renew('w2', id, 'one.test', T + 400_000), true);
      // A stopping worker gives the lease back untouched (noticePending absent = unchanged).
      await store.queue.record('w2', id, [{ address: 'perm@one.test', status: 'failed', nextAttemptAt: T + 300_000, response: null, attempted: false, attempt: null }], T + 300_000);
      r = (await store.queue.get(id))!.recipients[0];
      assert.deepEqual([r.noticePending, r.attempts, r.lastResponse], ['failed', 1, PERM]);

      await store.queue.claim(claimOpts('w3', T + 300_000));
      const sent = await store.queue.record('w3', id, [{ address: 'perm@one.test', status: 'failed', nextAttemptAt: T + 300_000, response: null, attempted: false, attempt: null, noticePending: null }], T + 300_001);
      assert.deepEqual(sent, { updated: ['perm@one.test'], completed: true });
      assert.equal((await store.queue.get(id))!.recipients[0].noticePending, null);
      assert.equal((await store.blobs.stat(blobId))?.refs, 0);
      assert.equal((await store.queue.attempts(id)).length, 1);
    }));

    it('never leases a recipient to two store handles on the same database (two nodes)', async (t) => withStore(factory, async (h) => {
      if (!h.openSibling) return t.skip('this adapter cannot open a second handle');
      const other = await h.openSibling();
      try {
        for (let i = 0; i < 30; i++) await enqueue(h.store, [`r${i}a@d${i % 5}.test`, `r${i}b@d${i % 5}.test`]);
        const rounds = await Promise.all([
          h.store.queue.claim(claimOpts('node-1', T, 10)), other.queue.claim(claimOpts('node-2', T, 10)),
          h.store.queue.claim(claimOpts('node-3', T, 10)), other.queue.claim(claimOpts('node-4', T, 10)),
        ]);
        const seen = rounds.flat().flatMap((l) => l.recipients.map((r) => `${l.message.id}/${r.address}`));
        assert.equal(new Set(seen).size, seen.length, 'no recipient leased twice');
        assert.equal(seen.length, 60, 'all 30 groups were claimed by someone');
        // Each handle sees the other's leases, and an outcome from the wrong node is ignored.
        assert.deepEqual(await other.queue.claim(claimOpts('node-5')), []);
        const lease = rounds[0][0];
        const wrong = await other.queue.record('node-2', lease.message.id, lease.recipients.map((r) => outcome(r.address, OK, 'delivered')), T);
        assert.deepEqual(wrong.updated, []);
        const right = await other.queue.record('node-1', lease.message.id, lease.recipients.map((r) => outcome(r.address, OK, 'delivered')), T);
        assert.equal(right.completed, true, 'the owner may record through any handle');
      } finally {
        await other.close();
      }
    }));
  });
}
