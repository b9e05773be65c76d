// stoa queue list|show|retry|delete, run through the real bin/stoa.js on a
// data directory whose queue was filled through the real QueueService, with
// attempts recorded the way the delivery worker records them.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { queueConfig } from '../../server/src/queue/queue-config.ts';
import { createQueueService } from '../../server/src/queue/queue-service.ts';
import { openSqliteStore } from '../../server/src/store/open-store.ts';
import type { Store } from '../../server/src/store/port.ts';
import type { RecipientOutcome, SmtpAnswer } from '../../server/src/store/queue-port.ts';
import { initStore, runStoa, tempDir } from './run-stoa.ts';
import { systemActor as makeSystemActor } from '../../server/src/directory/access.ts';
const SYSTEM = makeSystemActor();

const root = tempDir('cli-queue');
after(() => root.cleanup());
const dataDir = root.path;

const stoa = (args: string[]) => runStoa(args, { env: { STOA_DATA_DIR: dataDir } });

async function ok(args: string[]): Promise<string> {
  const r = await stoa(args);
  assert.equal(r.code, 0, `stoa ${args.join(' ')} failed:\n${r.stderr}`);
  return r.stdout;
}

async function json<T = any>(args: string[]): Promise<T> {
  return JSON.parse(await ok([...args, '--json'])) as T;
}

async function withStore<T>(fn: (store: Store) => Promise<T>): Promise<T> {
  const store = await openSqliteStore({ path: join(dataDir, 'stoa.db'), blobsPath: join(dataDir, 'blobs') });
  try {
    return await fn(store);
  } finally {
    await store.close();
  }
}

const GREYLISTED: SmtpAnswer = { code: 451, enhanced: '4.7.1', text: 'Greylisted, try again later' };
const ACCEPTED: SmtpAnswer = { code: 250, enhanced: '2.0.0', text: 'Ok: queued as 4F2A' };

/** What the delivery worker does after one SMTP session: claim, then record each recipient's outcome and the attempt. */
async function deliverOnce(store: Store, messageId: string, answers: Record<string, SmtpAnswer>): Promise<void> {
  const now = Date.now();
  const leases = await store.queue.claim({ owner: 'test-worker', now, leaseMs: 60_000, maxGroups: 10 });
  assert.ok(leases.some((l) => l.message.id === messageId));
  const outcomes: RecipientOutcome[] = Object.entries(answers).map(([address, response]) => {
    const status = response.code < 300 ? 'delivered' : response.code < 500 ? 'deferred' : 'failed';
    return {
      address, status, response, attempted: true, nextAttemptAt: status === 'deferred' ? now + 300_000 : now,
      attempt: { at: now, mxHost: 'mx1.remote.test', ip: '192.0.2.10', tls: true, response, result: status },
    };
  });
  await store.queue.record('test-worker', messageId, outcomes, now);
}

async function auditOf(objectId: string) {
  return withStore(async (store) => (await store.audit.list({ offset: 0, limit: 10, sort: 'at', order: 'desc', scope: null, objectType: 'queued-message', objectId })).items);
}

/** Any age the list may print (12s, 3m, 2h, 1d). */
const AGE = '\\d+[smhd]';

describe('stoa queue', () => {
  /** Deferred for one recipient, delivered to the other. */
  let deferred = '';
  /** Completed: every recipient delivered. */
  let completed = '';
  /** A bounce (null sender) not tried yet. */
  let fresh = '';

  before(async () => {
    await initStore(dataDir); // the store the server's first start makes (the CLI never creates one)
    await withStore(async (store) => {
      const queue = createQueueService({ store, config: queueConfig({ hostname: 'mail.stoa.test' }) });
      const body = (subject: string) => Buffer.from(`From: alice@sender.test\r\nSubject: ${subject}\r\n\r\nHello\r\n`);
      deferred = await queue.enqueue(SYSTEM, { message: body('one'), sender: 'alice@sender.test', recipients: [{ address: 'bob@remote.test' }, { address: 'carol@remote.test' }] });
      await deliverOnce(store, deferred, { 'bob@remote.test': GREYLISTED, 'carol@remote.test': ACCEPTED });
      completed = await queue.enqueue(SYSTEM, { message: body('two'), sender: 'alice@sender.test', recipients: [{ address: 'erin@done.test' }] });
      await deliverOnce(store, completed, { 'erin@done.test': ACCEPTED });
      fresh = await queue.enqueue(SYSTEM, { message: body('three'), sender: '', recipients: [{ address: 'dave@other.test' }] });
    });
  });

  test('list shows waiting messages newest first, with pending counts and the last answer', async () => {
    const out = await ok(['queue', 'list']);
    const lines = out.trimEnd().split('\n');
    assert.match(lines[0], /^ID\s+AGE\s+SENDER\s+PENDING\s+NEXT ATTEMPT\s+LAST ANSWER$/);
    assert.equal(lines.length, 3, out);
    // Ages and waits come from the wall clock: on a busy machine the list may run minutes after the
    // enqueue, so any age matches (issue 16, "Tests that depend on the machine").
    assert.match(lines[1], new RegExp(`^${fresh}\\s+${AGE}\\s+<>\\s+1/1\\s+now\\s+-$`));
    assert.match(lines[2], new RegExp(`^${deferred}\\s+${AGE}\\s+alice@sender\\.test\\s+1/2\\s+(in \\d+[smh]|now)\\s+451 4\\.7\\.1 Greylisted, try again later$`));
  });

  test('list --json returns the admin API page: ISO times, counts and the total', async () => {
    const page = await json(['queue', 'list']);
    assert.equal(page.total, 2);
    assert.deepEqual(page.items.map((m: any) => m.id), [fresh, deferred]);
    const item = page.items[1];
    assert.equal(item.sender, 'alice@sender.test');
    assert.equal(item.recipientCount, 2);
    assert.equal(item.pendingCount, 1);
    assert.match(item.createdAt, /^\d{4}-\d\d-\d\dT.*Z$/);
    assert.ok(Date.parse(item.nextAttemptAt) > Date.now());
    assert.equal(item.completedAt, null);
  });

  test('list filters by status, domain and sender, --all adds completed messages, --limit pages', async () => {
    const ids = async (...args: string[]) => (await json(['queue', 'list', ...args])).items.map((m: any) => m.id);
    const cases: Array<[string[], string[]]> = [
      [['--all'], [fresh, completed, deferred]],
      [['--status', 'deferred'], [deferred]],
      [['--status', 'queued'], [fresh]],
      [['--domain', 'other.test'], [fresh]],
      [['--domain', 'DONE.test', '--all'], [completed]],
      [['--sender', '<>'], [fresh]],
      [['--sender', 'alice@sender.test', '--all'], [completed, deferred]],
    ];
    // One after the other, as a script runs them.
    for (const [args, expected] of cases) assert.deepEqual(await ids(...args), expected, args.join(' '));
    const limited = await json(['queue', 'list', '--limit', '1', '--offset', '1']);
    assert.deepEqual(limited.items.map((m: any) => m.id), [deferred]);
    assert.equal(limited.total, 2);
    assert.match(await ok(['queue', 'list', '--domain', 'nowhere.test']), /^No messages waiting \(--all includes completed ones\)\.$/m);
    assert.match(await ok(['queue', 'list', '--all', '--domain', 'done.test']), new RegExp(`^${completed}\\s+\\d+[smhd]\\s+alice@sender\\.test\\s+0/1\\s+completed\\s+250 2\\.0\\.0 Ok`, 'm'));
  });

  test('list refuses an unknown status', async () => {
    const r = await stoa(['queue', 'list', '--status', 'stuck']);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /^error: --status must be one of queued, deferred, delivered, failed$/m);
  });

  test('show prints the message, each recipient and the attempt log with MX, IP, TLS and answer', async () => {
    const out = await ok(['queue', 'show', deferred]);
    assert.match(out, new RegExp(`^id:\\s+${deferred}$`, 'm'));
    assert.match(out, /^sender:\s+alice@sender\.test$/m);
    assert.match(out, /^Recipients:\nRECIPIENT\s+STATE\s+ATTEMPTS\s+NEXT ATTEMPT\s+LAST ANSWER$/m);
    assert.match(out, /^bob@remote\.test\s+deferred\s+1\s+in \d+[smh]\s+451 4\.7\.1 Greylisted, try again later$/m);
    assert.match(out, /^carol@remote\.test\s+delivered\s+1\s+-\s+250 2\.0\.0 Ok: queued as 4F2A$/m);
    assert.match(out, /^Attempts:\nTIME\s+RECIPIENT\s+MX\s+IP\s+TLS\s+RESULT\s+ANSWER$/m);
    assert.match(out, /^\d{4}-\d\d-\d\dT\S+Z\s+bob@remote\.test\s+mx1\.remote\.test\s+192\.0\.2\.10\s+yes\s+deferred\s+451 4\.7\.1 Greylisted/m);
    assert.match(await ok(['queue', 'show', fresh]), /^sender:\s+<>$[\s\S]*^dave@other\.test\s+queued\s+0\s+now\s+-$[\s\S]*^No delivery attempts yet\.$/m);

    const detail = await json(['queue', 'show', deferred]);
    assert.equal(detail.message.id, deferred);
    assert.deepEqual(detail.recipients.map((r: any) => [r.address, r.status]), [['bob@remote.test', 'deferred'], ['carol@remote.test', 'delivered']]);
    assert.deepEqual(detail.attempts.map((a: any) => [a.address, a.mxHost, a.ip, a.tls, a.result, a.response.code]).sort(), [
      ['bob@remote.test', 'mx1.remote.test', '192.0.2.10', true, 'deferred', 451],
      ['carol@remote.test', 'mx1.remote.test', '192.0.2.10', true, 'delivered', 250],
    ]);
    assert.match(detail.attempts[0].at, /^\d{4}-\d\d-\d\dT.*Z$/);
  });

  test('retry makes pending recipients due now, says the server sends them, and is audited as cli', async () => {
    const out = await ok(['queue', 'retry', deferred]);
    assert.match(out, new RegExp(`^1 recipient of ${deferred} due now; the server's delivery worker sends it at its next scan \\(within 30s\\)\\.$`, 'm'));
    const bob = (await json(['queue', 'show', deferred])).recipients.find((r: any) => r.address === 'bob@remote.test');
    assert.ok(Date.parse(bob.nextAttemptAt) <= Date.now());
    assert.equal(bob.status, 'deferred', 'the CLI runs no worker: nothing was sent');
    const [entry] = await auditOf(deferred);
    assert.equal(entry.action, 'retry');
    assert.equal(entry.actor, 'cli');
    assert.deepEqual(entry.after, { rescheduled: 1 });

    assert.deepEqual(await json(['queue', 'retry', completed]), { rescheduled: 0 });
    assert.match(await ok(['queue', 'retry', completed]), /^Nothing to retry: every recipient of .* is final\.$/m);
  });

  test('delete removes the message without asking, prints what went, and is audited as cli', async () => {
    const out = await ok(['queue', 'delete', fresh]);
    assert.match(out, new RegExp(`^Removed queued message ${fresh} from <> \\(\\d+ B, queued \\S+Z\\); no notice was sent\\.\\n  dave@other\\.test \\(queued\\)$`, 'm'));
    assert.deepEqual((await json(['queue', 'list', '--all'])).items.map((m: any) => m.id), [completed, deferred]);
    const [entry] = await auditOf(fresh);
    assert.equal(entry.action, 'delete');
    assert.equal(entry.actor, 'cli');
    assert.equal((entry.before as any).sender, '');

    const removed = await json(['queue', 'delete', completed]);
    assert.equal(removed.removed.id, completed);
    assert.deepEqual(removed.removed.recipients, [{ address: 'erin@done.test', status: 'delivered' }]);
  });

  test('an unknown id fails with exit code 1 and says which message is missing', async () => {
    for (const verb of ['show', 'retry', 'delete']) {
      const r = await stoa(['queue', verb, 'no-such-message']);
      assert.equal(r.code, 1, verb);
      assert.equal(r.stdout, '');
      assert.match(r.stderr, /^error: No such object: queued message no-such-message \(STOA_NOT_FOUND\)$/m, verb);
    }
    const r = await stoa(['queue', 'show']);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /^error: missing arguments\nusage: stoa queue show ID$/m);
  });
});
