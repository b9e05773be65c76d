// Leases across processes: workers racing on one SQLite store never deliver
// a recipient twice, and a killed worker's lease is taken over once it ends.
// Also the smarthost path with AUTH over STARTTLS.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { after, afterEach, before, beforeEach, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { StoaConfig } from '../../server/src/config/types.ts';
import { DeliveryWorker } from '../../server/src/queue/delivery-worker.ts';
import type { QueueConfig, SmarthostConfig } from '../../server/src/queue/queue-config.ts';
import { createQueueService, type QueueService } from '../../server/src/queue/queue-service.ts';
import type { Store } from '../../server/src/store/port.ts';
import { openTestStore, sampleMessage, testQueueConfig } from './harness.ts';
import { freePortOn, startBadMx, startMta, type Mta } from './peers.ts';
import { systemActor as makeSystemActor } from '../../server/src/directory/access.ts';
const SYSTEM = makeSystemActor();

const CHILD = fileURLToPath(new URL('./queue-child.ts', import.meta.url));
const GOOD = '127.0.0.5';
const HANG = '127.0.0.6';
const AUTH = '127.0.0.7';
/** Takes 20 ms per transaction, so a race lasts long enough for every racer to get a share. */
const SLOW = '127.0.0.9';

function spawnWorker(storeConfig: StoaConfig, queueConfig: QueueConfig, mode: 'run' | 'hold', owner: string) {
  const child: ChildProcess = spawn(process.execPath, [CHILD, JSON.stringify({ storeConfig, queueConfig, mode, owner })], { stdio: ['pipe', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout! })[Symbol.asyncIterator]();
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  return {
    child, exited,
    async line(): Promise<string> {
      const { value, done } = await lines.next();
      if (done) throw new Error('worker process ended early');
      return value as string;
    },
  };
}

describe('leases and smarthost', () => {
  let port: number;
  let mta: Mta;
  let authMta: Mta;
  let slowMta: Mta;
  let hang: { close(): Promise<void> };
  let store: Store;
  let storeConfig: StoaConfig;
  let cleanup: () => Promise<void>;
  let service: QueueService;

  const smarthost = (host: string, extra: Partial<SmarthostConfig> = {}): SmarthostConfig => ({ host, port, tls: 'none', tlsVerify: false, auth: null, ...extra });

  before(async () => {
    port = await freePortOn([GOOD, HANG, AUTH, SLOW]);
    mta = await startMta(GOOD, port);
    slowMta = await startMta(SLOW, port, { onMailFrom(_address, _session, cb) { setTimeout(() => cb(), 20); } });
    hang = await startBadMx(HANG, port, 'hang');
    authMta = await startMta(AUTH, port, {
      authMethods: ['PLAIN', 'LOGIN'],
      onAuth(auth, _session, cb) {
        if (auth.username === 'relay-user' && auth.password === 'relay-secret') cb(null, { user: auth.username });
        else cb(Object.assign(new Error('5.7.8 Authentication credentials invalid'), { responseCode: 535 }));
      },
    });
  });

  after(async () => {
    await mta.close();
    await authMta.close();
    await slowMta.close();
    await hang.close();
  });

  beforeEach(async () => {
    ({ store, config: storeConfig, cleanup } = await openTestStore());
    service = createQueueService({ store, config: testQueueConfig([], port) });
    mta.received.length = 0;
    authMta.received.length = 0;
    slowMta.received.length = 0;
  });

  afterEach(async () => { await cleanup(); });

  test('three workers in three processes racing for 40 messages deliver each recipient exactly once, each taking a share', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 40; i++) {
      ids.push(await service.enqueue(SYSTEM, {
        message: sampleMessage('race@sender.test', `r${i}@ok.test`, `race ${i}`), sender: 'race@sender.test',
        recipients: [{ address: `r${i}a@ok.test` }, { address: `r${i}b@ok.test` }],
      }));
    }
    const qc = testQueueConfig([], port, { smarthost: smarthost(SLOW), worker: { leaseMs: 60_000, pollIntervalMs: 200, batchSize: 3, stopTimeoutMs: 2000 } });
    const children = [spawnWorker(storeConfig, qc, 'run', 'child-1'), spawnWorker(storeConfig, qc, 'run', 'child-2')];
    for (const c of children) assert.equal(await c.line(), 'ready');
    const local = new DeliveryWorker({ store, config: qc, owner: 'parent', submit: async () => undefined });
    for (const c of children) c.child.stdin!.end('go\n');
    const shares = await Promise.all([local.runOnce(), ...children.map(async (c) => {
      const done = /^done (\d+)$/.exec(await c.line());
      assert.ok(done, 'the child reports how many groups it claimed');
      await c.exited;
      return Number(done[1]);
    })]);

    // Each (message, domain) group was claimed by exactly one worker, and every worker took part.
    assert.equal(shares.reduce((a, b) => a + b, 0), 40, `claims per worker: ${shares.join(', ')}`);
    for (const [i, n] of shares.entries()) assert.ok(n > 0, `${['parent', 'child-1', 'child-2'][i]} claimed nothing (shares: ${shares.join(', ')})`);
    const delivered = slowMta.received.flatMap((m) => m.to);
    assert.equal(delivered.length, 80, 'every recipient once');
    assert.equal(new Set(delivered).size, 80, 'no recipient twice');
    for (const id of ids) {
      const d = await service.inspect(SYSTEM, id);
      assert.ok(d.recipients.every((r) => r.status === 'delivered'));
      assert.equal(d.attempts.length, 2);
    }
  });

  test('a killed worker\'s lease is taken over after it expires', async () => {
    const id = await service.enqueue(SYSTEM, { message: sampleMessage('k@sender.test', 'k@ok.test'), sender: 'k@sender.test', recipients: [{ address: 'k@ok.test' }] });
    const leaseMs = 60_000;
    const holding = testQueueConfig([], port, {
      smarthost: smarthost(HANG),
      timeouts: { connectMs: 60_000, greetingMs: 60_000, socketMs: 60_000 },
      worker: { leaseMs, pollIntervalMs: 60_000, batchSize: 5, stopTimeoutMs: 1000 },
    });
    const child = spawnWorker(storeConfig, holding, 'hold', 'doomed');
    assert.equal(await child.line(), 'started');
    for (let i = 0; ; i++) {
      const r = (await service.inspect(SYSTEM, id)).recipients[0];
      if (r.leaseOwner === 'doomed') break;
      if (i > 100) assert.fail('the child never leased the message');
      await new Promise((res) => setTimeout(res, 50));
    }
    child.child.kill('SIGKILL');
    await child.exited;

    const good = testQueueConfig([], port, { smarthost: smarthost(GOOD) });
    let offset = 0;
    const heir = new DeliveryWorker({ store, config: good, owner: 'heir', now: () => Date.now() + offset, submit: async () => undefined });
    assert.equal(await heir.runOnce(), 0, 'the lease still holds');
    assert.equal(mta.received.length, 0);
    offset = leaseMs + 1000;
    assert.equal(await heir.runOnce(), 1);
    assert.deepEqual(mta.received.map((m) => m.to), [['k@ok.test']]);
    assert.equal((await service.inspect(SYSTEM, id)).recipients[0].status, 'delivered');
  });

  test('a smarthost with AUTH over STARTTLS relays everything', async () => {
    const id = await service.enqueue(SYSTEM, { message: sampleMessage('s@sender.test', 'x@anywhere.test'), sender: 's@sender.test', recipients: [{ address: 'x@anywhere.test' }, { address: 'y@elsewhere.test' }] });
    const qc = testQueueConfig([], port, { smarthost: smarthost(AUTH, { tls: 'starttls', auth: { user: 'relay-user', password: 'relay-secret' } }) });
    await new DeliveryWorker({ store, config: qc, submit: async () => undefined }).runOnce();
    assert.equal(authMta.received.length, 2, 'one transaction per destination domain');
    assert.ok(authMta.received.every((m) => m.user === 'relay-user' && m.secure));
    const d = await service.inspect(SYSTEM, id);
    assert.ok(d.recipients.every((r) => r.status === 'delivered'));
    assert.ok(d.attempts.every((a) => a.tls && a.mxHost === AUTH));
  });

  test('wrong smarthost credentials defer instead of bouncing', async () => {
    const id = await service.enqueue(SYSTEM, { message: sampleMessage('s@sender.test', 'x@anywhere.test'), sender: 's@sender.test', recipients: [{ address: 'x@anywhere.test' }] });
    const qc = testQueueConfig([], port, { smarthost: smarthost(AUTH, { tls: 'starttls', auth: { user: 'relay-user', password: 'wrong' } }) });
    await new DeliveryWorker({ store, config: qc, submit: async () => undefined }).runOnce();
    const r = (await service.inspect(SYSTEM, id)).recipients[0];
    assert.equal(r.status, 'deferred');
    assert.equal(authMta.received.length, 0);
  });

  test('stop() gives unused leases back', async () => {
    const id = await service.enqueue(SYSTEM, { message: sampleMessage('g@sender.test', 'g@ok.test'), sender: 'g@sender.test', recipients: [{ address: 'g@ok.test' }] });
    const qc = testQueueConfig([], port, { smarthost: smarthost(HANG), worker: { leaseMs: 60_000, pollIntervalMs: 60_000, batchSize: 5, stopTimeoutMs: 200 } });
    const w = new DeliveryWorker({ store, config: qc, owner: 'stopper', submit: async () => undefined });
    w.start();
    for (let i = 0; (await service.inspect(SYSTEM, id)).recipients[0].leaseOwner !== 'stopper'; i++) {
      if (i > 100) assert.fail('never leased');
      await new Promise((res) => setTimeout(res, 20));
    }
    await w.stop();
    const r = (await service.inspect(SYSTEM, id)).recipients[0];
    assert.equal(r.leaseOwner, null);
    assert.equal(r.status, 'deferred', 'the aborted session counts as a deferral');
  });
});
