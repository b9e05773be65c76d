// Where the server's notices go (the `submit` the composition root gives the
// worker): through the intake, a local sender gets the DSN in their INBOX,
// through aliases too; a remote sender gets it through the queue; a local
// address that receives nothing drops it with a warning.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import { defaultConfig } from '../../server/src/config/schema.ts';
import type { Actor, Directory } from '../../server/src/directory/api.ts';
import type { MailServices } from '../../server/src/mail/mail-services.ts';
import { createLogger } from '../../server/src/log/logger.ts';
import { createServices } from '../../server/src/services.ts';
import type { SubmitFn } from '../../server/src/queue/notifier.ts';
import type { QueueService } from '../../server/src/queue/queue-service.ts';
import { openStore } from '../../server/src/store/open-store.ts';
import type { Store } from '../../server/src/store/port.ts';
import { OPERATOR } from './harness.ts';

const SYSTEM: Actor = { id: null, login: 'system', role: 'server-admin', adminDomainIds: [], ip: null };
const NOTICE = Buffer.from('From: MAILER-DAEMON@stoa.test\r\nSubject: Undelivered Mail Returned to Sender\r\nAuto-Submitted: auto-replied\r\n\r\nsorry\r\n');

describe('notice submission', () => {
  let dir: string;
  let store: Store;
  let directory: Directory;
  let mail: MailServices;
  let queue: QueueService;
  let submit: SubmitFn;
  const warnings: object[] = [];

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'stoa-notice-'));
    const config = defaultConfig();
    config.dataDir = dir;
    config.store.sqlite.path = join(dir, 'stoa.db');
    config.store.blobs.path = join(dir, 'blobs');
    config.auth.argon2 = { memoryKiB: 1024, passes: 1, parallelism: 1 };
    store = await openStore(config);
    // The warning a dropped notice writes is what the last test looks for.
    const sink = new Writable({
      write(chunk, _enc, done) {
        for (const line of String(chunk).split('\n')) if (/no mail: dropped/.test(line)) warnings.push(JSON.parse(line));
        done();
      },
    });
    const logger = createLogger(config, { destination: sink });
    const services = createServices(config, store, logger, { defaultMetrics: false });
    ({ directory, mail, queue } = services);
    submit = services.worker.submitNotice;
    await directory.domains.create(SYSTEM, { name: 'local.test' });
    await directory.accounts.create(SYSTEM, { address: 'alice@local.test', password: 'long enough secret' });
    await directory.aliases.create(SYSTEM, { address: 'sales@local.test', targets: ['alice@local.test', 'partner@remote.test'] });
  });

  after(async () => {
    await store.close();
    await rm(dir, { recursive: true, force: true });
  });

  async function inboxCount(address: string): Promise<number> {
    const account = await directory.accounts.get(SYSTEM, address);
    const inbox = (await mail.mailboxes.find(SYSTEM, account.id, 'INBOX'))?.mailbox;
    return inbox ? (await mail.messages.list(SYSTEM, inbox.id)).uids.length : 0;
  }

  test('a notice to a local sender lands in their INBOX, not in the queue', async () => {
    await submit(NOTICE, '', 'alice@local.test');
    assert.equal(await inboxCount('alice@local.test'), 1);
    assert.equal((await queue.list(SYSTEM, {}, 0, 10)).total, 0);
  });

  test('a notice to a remote sender is queued from the null sender', async () => {
    await submit(NOTICE, '', 'bob@remote.test');
    const page = await queue.list(SYSTEM, { domain: 'remote.test' }, 0, 10);
    assert.equal(page.total, 1);
    assert.equal(page.items[0].sender, '');
    await queue.delete(OPERATOR, page.items[0].id);
  });

  test('an alias sender is followed to its local and remote targets', async () => {
    const before = await inboxCount('alice@local.test');
    await submit(NOTICE, '', 'sales@local.test');
    assert.equal(await inboxCount('alice@local.test'), before + 1);
    const queued = await queue.list(SYSTEM, { domain: 'remote.test' }, 0, 10);
    assert.equal(queued.total, 1);
    assert.equal((await queue.inspect(SYSTEM, queued.items[0].id)).recipients[0].address, 'partner@remote.test');
  });

  test('a local address that receives no mail drops the notice with a warning instead of retrying forever', async () => {
    await submit(NOTICE, '', 'ghost@local.test');
    assert.equal(warnings.length, 1);
  });
});
