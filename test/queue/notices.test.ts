// Notices that cannot be handed over (local delivery down, store briefly
// unavailable) are not lost: the recipient keeps the notice pending in the
// store, the message stays open with its body, and a later pass — of any
// worker, after a restart too — sends it without delivering the mail again.
import assert from 'node:assert/strict';
import { after, afterEach, before, beforeEach, describe, test } from 'node:test';
import { DeliveryWorker } from '../../server/src/queue/delivery-worker.ts';
import type { QueueConfig } from '../../server/src/queue/queue-config.ts';
import { createQueueService, type QueueService } from '../../server/src/queue/queue-service.ts';
import type { Store } from '../../server/src/store/port.ts';
import { parseDsn } from './dsn-parse.ts';
import { OPERATOR, TestClock, openTestStore, sampleMessage, testQueueConfig } from './harness.ts';
import { freePortOn, startMta, type Mta } from './peers.ts';
import { systemActor as makeSystemActor } from '../../server/src/directory/access.ts';
const SYSTEM = makeSystemActor();

const RELAY = '127.0.0.8';

describe('notices that could not be submitted', () => {
  let mta: Mta;
  let port: number;
  let store: Store;
  let cleanup: () => Promise<void>;
  let clock: TestClock;
  let config: QueueConfig;
  let service: QueueService;

  before(async () => {
    port = await freePortOn([RELAY]);
    mta = await startMta(RELAY, port);
  });

  after(async () => { await mta.close(); });

  beforeEach(async () => {
    ({ store, cleanup } = await openTestStore());
    clock = new TestClock();
    config = testQueueConfig([], port, { smarthost: { host: RELAY, port, tls: 'none', tlsVerify: false, auth: null } });
    service = createQueueService({ store, config, now: clock.now });
    mta.received.length = 0;
  });

  afterEach(async () => { await cleanup(); });

  /** A worker whose notice submission fails while `down` is true; what it submitted is kept. */
  function worker(state: { down: boolean; sent: Array<{ bytes: Buffer; from: string; to: string }> }): DeliveryWorker {
    return new DeliveryWorker({
      store, config, now: clock.now,
      submit: async (bytes, from, to) => {
        if (state.down) throw new Error('local delivery unavailable');
        state.sent.push({ bytes, from, to });
      },
    });
  }

  test('a failure notice whose submission failed is kept pending and sent on a later pass, without a new delivery attempt', async () => {
    const id = await service.enqueue(SYSTEM, { message: sampleMessage('alice@sender.test', 'perm1@ok.test'), sender: 'alice@sender.test', recipients: [{ address: 'perm1@ok.test' }] });
    const state = { down: true, sent: [] as Array<{ bytes: Buffer; from: string; to: string }> };
    await worker(state).runOnce();

    let d = await service.inspect(SYSTEM, id);
    assert.equal(d.recipients[0].status, 'failed', 'the remote answer stands');
    assert.equal(d.recipients[0].noticePending, 'failed');
    assert.equal(d.recipients[0].nextAttemptAt, clock.t + config.retryScheduleMs[0]);
    assert.equal(d.message.completedAt, null, 'the message stays open while its notice is pending');
    assert.equal((await store.blobs.stat(d.message.blobId))?.refs, 1, 'the original is kept for the notice');
    assert.equal((await service.list(SYSTEM, {}, 0, 10)).items[0].pendingCount, 1);

    // Still down at the retry: pending again, now on the long interval.
    clock.advance(config.retryScheduleMs[0]);
    assert.equal(await worker(state).runOnce(), 1);
    d = await service.inspect(SYSTEM, id);
    assert.equal(d.recipients[0].noticePending, 'failed');
    assert.equal(d.recipients[0].nextAttemptAt, clock.t + config.retryIntervalMs);

    // Not due yet: nothing happens.
    state.down = false;
    assert.equal(await worker(state).runOnce(), 0);
    assert.equal(state.sent.length, 0);

    // A fresh worker (as after a restart) sends it once it is due.
    clock.advance(config.retryIntervalMs);
    assert.equal(await worker(state).runOnce(), 1);
    assert.equal(state.sent.length, 1);
    assert.equal(state.sent[0].from, '');
    assert.equal(state.sent[0].to, 'alice@sender.test');
    const dsn = parseDsn(state.sent[0].bytes);
    assert.equal(dsn.recipients[0]['action'], 'failed');
    assert.match(dsn.recipients[0]['status'], /^5\.1\.1$/);

    d = await service.inspect(SYSTEM, id);
    assert.equal(d.recipients[0].noticePending, null);
    assert.ok(d.message.completedAt, 'complete once the notice went out');
    assert.equal((await store.blobs.stat(d.message.blobId))?.refs, 0);
    assert.equal(d.attempts.length, 1, 'the relay was not asked again');
    assert.equal(d.recipients[0].attempts, 1);
    assert.equal(await worker(state).runOnce(), 0);
  });

  test('a pending notice does not hold back the other recipients, and retry now brings it forward', async () => {
    const id = await service.enqueue(SYSTEM, {
      message: sampleMessage('bob@sender.test', 'x@ok.test'), sender: 'bob@sender.test',
      recipients: [{ address: 'perm2@ok.test' }, { address: 'temp2@ok.test' }],
    });
    const state = { down: true, sent: [] as Array<{ bytes: Buffer; from: string; to: string }> };
    await worker(state).runOnce();
    let d = await service.inspect(SYSTEM, id);
    const byAddress = Object.fromEntries(d.recipients.map((r) => [r.address, r]));
    assert.equal(byAddress['perm2@ok.test'].noticePending, 'failed');
    assert.equal(byAddress['temp2@ok.test'].status, 'deferred');
    assert.equal(byAddress['temp2@ok.test'].noticePending, null);

    state.down = false;
    assert.ok(await service.retryNow(OPERATOR, id) >= 2);
    await worker(state).runOnce();
    assert.equal(state.sent.length, 1, 'the pending failure notice');
    d = await service.inspect(SYSTEM, id);
    assert.equal(d.recipients.find((r) => r.address === 'perm2@ok.test')!.noticePending, null);
    assert.equal(d.recipients.find((r) => r.address === 'temp2@ok.test')!.attempts, 2, 'the deferred recipient was tried again');
    assert.equal(d.message.completedAt, null, 'temp2 is still deferred');
  });
});
