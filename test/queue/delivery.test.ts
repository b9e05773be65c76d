// Remote delivery end to end over loopback: dnsmasq for MX/A records, real
// SMTP peers (smtp-server, a hanging MX, a garbage-talking MX), the SQLite
// store, and a hand-driven clock for retries.
import assert from 'node:assert/strict';
import { after, before, beforeEach, afterEach, describe, test } from 'node:test';
import { Registry } from 'prom-client';
import { DeliveryWorker } from '../../server/src/queue/delivery-worker.ts';
import { TraceBus, type TraceEvent } from '../../server/src/events/trace-bus.ts';
import { createQueueService, type QueueService } from '../../server/src/queue/queue-service.ts';
import { registerQueueMetrics, type QueueMetrics } from '../../server/src/queue/queue-metrics.ts';
import type { QueueConfig } from '../../server/src/queue/queue-config.ts';
import type { Store } from '../../server/src/store/port.ts';
import { OPERATOR, TestClock, openTestStore, sampleMessage, testQueueConfig } from './harness.ts';
import { freePortOn, startBadMx, startDns, startMta, type Dns, type Mta } from './peers.ts';
import { parseDsn } from './dsn-parse.ts';
import { systemActor as makeSystemActor } from '../../server/src/directory/access.ts';
const SYSTEM = makeSystemActor();

const GOOD = '127.0.0.2';
const HANG = '127.0.0.3';
const GARBAGE = '127.0.0.4';
/** Accepts every RCPT and answers the end of DATA by the first recipient: "datatemp…" 451, "dataperm…" 554. */
const DATA_REFUSER = '127.0.0.5';

describe('remote delivery', () => {
  let dns: Dns;
  let mta: Mta;
  let port: number;
  let bad: Array<{ close(): Promise<void> }> = [];
  let store: Store;
  let cleanup: () => Promise<void>;
  let clock: TestClock;
  let config: QueueConfig;
  let service: QueueService;
  let metrics: QueueMetrics;
  let registry: Registry;

  before(async () => {
    port = await freePortOn([GOOD, HANG, GARBAGE, DATA_REFUSER]);
    mta = await startMta(GOOD, port);
    bad = [await startBadMx(HANG, port, 'hang'), await startBadMx(GARBAGE, port, 'garbage')];
    bad.push(await startMta(DATA_REFUSER, port, {
      onData(stream, session, cb) {
        stream.resume();
        stream.on('end', () => {
          const temp = session.envelope.rcptTo[0].address.startsWith('datatemp');
          cb(Object.assign(new Error(temp ? '4.7.1 Greylisted, try again later' : '5.7.1 Message rejected: DMARC policy'), { responseCode: temp ? 451 : 554 }));
        });
      },
    }));
    dns = await startDns([
      `--mx-host=ok.test,mx.ok.test,10`, `--host-record=mx.ok.test,${GOOD}`,
      `--mx-host=sender.test,mx.ok.test,10`,
      `--mx-host=hang.test,mx.hang.test,10`, `--host-record=mx.hang.test,${HANG}`,
      `--mx-host=garbage.test,mx.garbage.test,10`, `--host-record=mx.garbage.test,${GARBAGE}`,
      // Primary hangs, backup works: RFC 5321 §5.1 says go on to the next MX.
      `--mx-host=backup.test,mx.hang.test,10`, `--mx-host=backup.test,mx.ok.test,20`,
      `--mx-host=nullmx.test,.,0`,
      `--host-record=amx.test,${GOOD}`,
      `--mx-host=xn--bcher-kva.test,mx.ok.test,10`,
      `--mx-host=refuses-data.test,mx.refuses-data.test,10`, `--host-record=mx.refuses-data.test,${DATA_REFUSER}`,
    ]);
  });

  after(async () => {
    dns?.close();
    await mta?.close();
    for (const b of bad) await b.close();
  });

  beforeEach(async () => {
    ({ store, cleanup } = await openTestStore());
    clock = new TestClock();
    config = testQueueConfig(dns.servers, port);
    service = createQueueService({ store, config, now: clock.now });
    registry = new Registry();
    metrics = registerQueueMetrics(registry);
    mta.received.length = 0;
  });

  afterEach(async () => { await cleanup(); });

  /** The DSN path of the tests: notices go back into the queue, like the real submitLocalOrRemote for a remote sender. */
  function worker(overrides: Partial<QueueConfig> = {}, trace?: TraceBus): DeliveryWorker {
    return new DeliveryWorker({
      store, config: { ...config, ...overrides }, now: clock.now, metrics, trace,
      submit: async (bytes, from, to) => { await service.enqueue(SYSTEM, { message: bytes, sender: from, recipients: [{ address: to }] }); },
    });
  }

  test('delivers to the MX over opportunistic TLS and completes the message', async () => {
    const id = await service.enqueue(SYSTEM, { message: sampleMessage('alice@sender.test', 'bob@ok.test'), sender: 'alice@sender.test', recipients: [{ address: 'bob@ok.test' }] });
    await worker().runOnce();
    assert.equal(mta.received.length, 1);
    assert.deepEqual(mta.received[0].to, ['bob@ok.test']);
    assert.equal(mta.received[0].from, 'alice@sender.test');
    assert.equal(mta.received[0].secure, true);
    const detail = await service.inspect(SYSTEM, id);
    assert.equal(detail.recipients[0].status, 'delivered');
    assert.ok(detail.message.completedAt);
    assert.equal(detail.attempts.length, 1);
    assert.equal(detail.attempts[0].tls, true);
    assert.equal(detail.attempts[0].mxHost, 'mx.ok.test');
    assert.equal(detail.attempts[0].ip, GOOD);
    assert.equal((await store.blobs.stat(detail.message.blobId))?.refs, 0, 'completion drops the blob reference');
    assert.match(await registry.metrics(), /stoa_queue_delivered_total 1/);
  });

  test('every recipient outcome is published to the message trace with the remote answer', async () => {
    const trace = new TraceBus();
    const seen: TraceEvent[] = [];
    trace.subscribe((e) => seen.push(e));
    const id = await service.enqueue(SYSTEM, {
      message: sampleMessage('alice@sender.test', 'ok@ok.test'), sender: 'alice@sender.test',
      recipients: [{ address: 'ok@ok.test' }, { address: 'temp1@ok.test' }, { address: 'perm1@ok.test' }],
    });
    await worker({}, trace).runOnce();
    // (The bounce to alice@sender.test is a message of its own, traced under its own queue id.)
    const ours = seen.filter((e) => e.queueId === id);
    const by = Object.fromEntries(ours.map((e) => [e.recipients[0], e]));
    assert.deepEqual(Object.fromEntries(Object.entries(by).map(([k, e]) => [k, e.stage])), { 'ok@ok.test': 'delivered', 'temp1@ok.test': 'deferred', 'perm1@ok.test': 'failed' });
    assert.ok(ours.every((e) => e.origin === 'queue' && e.sender === 'alice@sender.test'));
    assert.match(by['temp1@ok.test'].reason ?? '', /^451 4\.2\.1 /);
    assert.match(by['perm1@ok.test'].reason ?? '', /^550 5\.1\.1 /);
    assert.equal(by['ok@ok.test'].ip, GOOD);
  });

  test('one transaction answers each recipient: 250, 451 deferred, 550 failed with a DSN', async () => {
    const id = await service.enqueue(SYSTEM, {
      message: sampleMessage('alice@sender.test', 'ok@ok.test'), sender: 'alice@sender.test', envId: 'ENV-42',
      recipients: [{ address: 'ok@ok.test' }, { address: 'temp1@ok.test' }, { address: 'perm1@ok.test', orcpt: 'rfc822;perm1@ok.test' }],
    });
    await worker().runOnce();
    const detail = await service.inspect(SYSTEM, id);
    const status = Object.fromEntries(detail.recipients.map((r) => [r.address, r.status]));
    assert.deepEqual(status, { 'ok@ok.test': 'delivered', 'perm1@ok.test': 'failed', 'temp1@ok.test': 'deferred' });
    const temp = detail.recipients.find((r) => r.address === 'temp1@ok.test')!;
    assert.equal(temp.nextAttemptAt, clock.t + 5 * 60_000);
    assert.equal(temp.lastResponse?.code, 451);
    assert.equal(temp.lastResponse?.enhanced, '4.2.1');

    // The bounce went back through the queue to the sender's MX.
    await worker().runOnce();
    const dsnMail = mta.received.find((m) => m.to[0] === 'alice@sender.test');
    assert.ok(dsnMail, 'a DSN reached the sender');
    assert.equal(dsnMail.from, '', 'DSNs come from the null sender');
    const dsn = parseDsn(dsnMail.data);
    assert.equal(dsn.reportType, 'delivery-status');
    assert.equal(dsn.perMessage['reporting-mta'], 'dns; out.stoa.test');
    assert.equal(dsn.perMessage['original-envelope-id'], 'ENV-42');
    assert.ok(dsn.perMessage['arrival-date']);
    assert.equal(dsn.recipients.length, 1);
    assert.equal(dsn.recipients[0]['final-recipient'], 'rfc822; perm1@ok.test');
    assert.equal(dsn.recipients[0]['original-recipient'], 'rfc822;perm1@ok.test');
    assert.equal(dsn.recipients[0].action, 'failed');
    assert.equal(dsn.recipients[0].status, '5.1.1');
    assert.equal(dsn.recipients[0]['remote-mta'], 'dns; mx.ok.test');
    assert.match(dsn.recipients[0]['diagnostic-code'], /^smtp; 550 5\.1\.1/);
    assert.equal(dsn.originalType, 'message/rfc822');
    assert.match(dsn.original, /Subject: Queue test/);
  });

  test('an answer to the end of DATA is kept as the server gave it: 451 defers, 554 fails with that status', async () => {
    const temp = await service.enqueue(SYSTEM, { message: sampleMessage('alice@sender.test', 'datatemp@refuses-data.test'), sender: 'alice@sender.test', recipients: [{ address: 'datatemp@refuses-data.test' }] });
    const perm = await service.enqueue(SYSTEM, { message: sampleMessage('alice@sender.test', 'dataperm@refuses-data.test'), sender: 'alice@sender.test', recipients: [{ address: 'dataperm@refuses-data.test' }] });
    await worker().runOnce();
    const deferred = (await service.inspect(SYSTEM, temp)).recipients[0];
    assert.equal(deferred.status, 'deferred', 'a temporary refusal after DATA is retried, not bounced');
    assert.deepEqual([deferred.lastResponse?.code, deferred.lastResponse?.enhanced], [451, '4.7.1']);
    const failed = (await service.inspect(SYSTEM, perm)).recipients[0];
    assert.equal(failed.status, 'failed');
    assert.deepEqual([failed.lastResponse?.code, failed.lastResponse?.enhanced], [554, '5.7.1']);
    assert.match(failed.lastResponse?.text ?? '', /DMARC policy/);
  });

  test('deferred recipients follow the back-off schedule, then expire into a failure notice', async () => {
    const id = await service.enqueue(SYSTEM, { message: sampleMessage('alice@sender.test', 'temp2@ok.test'), sender: 'alice@sender.test', ret: 'HDRS', recipients: [{ address: 'temp2@ok.test', notify: ['FAILURE'] }] });
    const w = worker();
    const expected = [5, 10, 20, 40, 80, 120, 120].map((m) => m * 60_000);
    for (const delay of expected) {
      await w.runOnce();
      const r = (await service.inspect(SYSTEM, id)).recipients[0];
      assert.equal(r.status, 'deferred');
      assert.equal(r.nextAttemptAt - clock.t, delay);
      // Not due a minute early: nothing is attempted.
      clock.advance(delay - 60_000);
      assert.equal(await w.runOnce(), 0);
      clock.advance(60_000);
    }
    const attempts = (await service.inspect(SYSTEM, id)).attempts.length;
    assert.equal(attempts, expected.length);
    // Jump to the end of the lifetime: the last attempt is at expiry, then it fails.
    clock.t = (await service.inspect(SYSTEM, id)).message.expiresAt;
    await service.retryNow(OPERATOR, id);
    await w.runOnce();
    const final = (await service.inspect(SYSTEM, id)).recipients[0];
    assert.equal(final.status, 'failed');
    assert.equal(final.lastResponse?.enhanced, '4.4.7');
    await w.runOnce();
    const dsn = parseDsn(mta.received.find((m) => m.to[0] === 'alice@sender.test')!.data);
    assert.equal(dsn.recipients[0].action, 'failed');
    assert.equal(dsn.recipients[0].status, '4.4.7');
    assert.equal(dsn.originalType, 'text/rfc822-headers', 'RET=HDRS returns headers only');
    assert.doesNotMatch(dsn.original, /Hello from the queue/);
  });

  test('a delay notice is sent once after the configured delay, unless NOTIFY excludes DELAY', async () => {
    const id = await service.enqueue(SYSTEM, { message: sampleMessage('alice@sender.test', 'temp3@ok.test'), sender: 'alice@sender.test', recipients: [{ address: 'temp3@ok.test' }] });
    const quiet = await service.enqueue(SYSTEM, { message: sampleMessage('carol@sender.test', 'temp4@ok.test'), sender: 'carol@sender.test', recipients: [{ address: 'temp4@ok.test', notify: ['FAILURE'] }] });
    const w = worker();
    await w.runOnce();
    clock.advance(4 * 3600_000);
    await service.retryNow(OPERATOR, id);
    await service.retryNow(OPERATOR, quiet);
    await w.runOnce();
    clock.advance(3600_000);
    await service.retryNow(OPERATOR, id);
    await w.runOnce();
    await w.runOnce();
    const notices = mta.received.filter((m) => m.from === '');
    assert.equal(notices.length, 1, 'exactly one delay notice');
    assert.deepEqual(notices[0].to, ['alice@sender.test']);
    const dsn = parseDsn(notices[0].data);
    assert.equal(dsn.recipients[0].action, 'delayed');
    assert.match(dsn.recipients[0].status, /^4\./);
    assert.ok(dsn.recipients[0]['will-retry-until']);
    assert.equal((await service.inspect(SYSTEM, id)).recipients[0].delayNoticeSent, true);
  });

  test('no notice to the null sender, nor with NOTIFY=NEVER', async () => {
    await service.enqueue(SYSTEM, { message: sampleMessage('x@sender.test', 'perm2@ok.test'), sender: '', recipients: [{ address: 'perm2@ok.test' }] });
    await service.enqueue(SYSTEM, { message: sampleMessage('y@sender.test', 'perm3@ok.test'), sender: 'y@sender.test', recipients: [{ address: 'perm3@ok.test', notify: ['NEVER'] }] });
    await worker().runOnce();
    await worker().runOnce();
    assert.equal(mta.received.length, 0);
    const page = await service.list(SYSTEM, { status: 'failed' }, 0, 10);
    assert.equal(page.total, 2);
  });

  test('an MX that accepts and never answers defers the message; the worker carries on', async () => {
    const id = await service.enqueue(SYSTEM, { message: sampleMessage('alice@sender.test', 'a@hang.test'), sender: 'alice@sender.test', recipients: [{ address: 'a@hang.test' }] });
    await worker().runOnce();
    const r = (await service.inspect(SYSTEM, id)).recipients[0];
    assert.equal(r.status, 'deferred');
    assert.match(r.lastResponse?.text ?? '', /timeout/i);
  });

  test('an MX that talks garbage defers the message', async () => {
    const id = await service.enqueue(SYSTEM, { message: sampleMessage('alice@sender.test', 'a@garbage.test'), sender: 'alice@sender.test', recipients: [{ address: 'a@garbage.test' }] });
    await worker().runOnce();
    const detail = await service.inspect(SYSTEM, id);
    assert.equal(detail.recipients[0].status, 'deferred');
    assert.equal(detail.attempts[0].result, 'deferred');
  });

  test('a hanging primary MX is skipped for the backup MX', async () => {
    const id = await service.enqueue(SYSTEM, { message: sampleMessage('alice@sender.test', 'b@backup.test'), sender: 'alice@sender.test', recipients: [{ address: 'b@backup.test' }] });
    await worker().runOnce();
    const detail = await service.inspect(SYSTEM, id);
    assert.equal(detail.recipients[0].status, 'delivered');
    assert.equal(detail.attempts[0].mxHost, 'mx.ok.test');
    assert.deepEqual(mta.received[0].to, ['b@backup.test']);
  });

  test('a null MX (RFC 7505) fails at once with 5.1.10', async () => {
    const id = await service.enqueue(SYSTEM, { message: sampleMessage('alice@sender.test', 'x@nullmx.test'), sender: 'alice@sender.test', recipients: [{ address: 'x@nullmx.test' }] });
    await worker().runOnce();
    const r = (await service.inspect(SYSTEM, id)).recipients[0];
    assert.equal(r.status, 'failed');
    assert.equal(r.lastResponse?.enhanced, '5.1.10');
    assert.equal(r.attempts, 1);
  });

  test('without MX records the domain\'s own address is used (RFC 5321 §5.1)', async () => {
    const id = await service.enqueue(SYSTEM, { message: sampleMessage('alice@sender.test', 'c@amx.test'), sender: 'alice@sender.test', recipients: [{ address: 'c@amx.test' }] });
    await worker().runOnce();
    const detail = await service.inspect(SYSTEM, id);
    assert.equal(detail.recipients[0].status, 'delivered');
    assert.equal(detail.attempts[0].mxHost, 'amx.test');
  });

  test('an IDN domain is delivered in its A-label form', async () => {
    const id = await service.enqueue(SYSTEM, { message: sampleMessage('alice@sender.test', 'leser@bücher.test'), sender: 'alice@sender.test', recipients: [{ address: 'leser@bücher.test' }] });
    await worker().runOnce();
    const r = (await service.inspect(SYSTEM, id)).recipients[0];
    assert.equal(r.domain, 'xn--bcher-kva.test');
    assert.equal(r.address, 'leser@xn--bcher-kva.test');
    assert.equal(r.status, 'delivered');
    // smtp-server shows the domain back in U-labels; the MX was found by the A-label.
    assert.deepEqual(mta.received[0].to, ['leser@bücher.test']);
  });

  test('retry now, list filters and delete', async () => {
    const id = await service.enqueue(SYSTEM, { message: sampleMessage('dave@sender.test', 'temp5@ok.test'), sender: 'dave@sender.test', recipients: [{ address: 'temp5@ok.test' }] });
    await worker().runOnce();
    assert.equal((await service.list(SYSTEM, { domain: 'ok.test', status: 'deferred' }, 0, 10)).total, 1);
    assert.equal((await service.list(SYSTEM, { sender: 'nobody@sender.test' }, 0, 10)).total, 0);
    assert.equal(await service.retryNow(OPERATOR, id), 1);
    assert.equal((await service.inspect(SYSTEM, id)).recipients[0].nextAttemptAt, clock.t);
    const blobId = (await service.inspect(SYSTEM, id)).message.blobId;
    await service.delete(OPERATOR, id);
    await assert.rejects(service.inspect(SYSTEM, id), /No such object/);
    assert.equal((await store.blobs.stat(blobId))?.refs, 0);
  });
});
