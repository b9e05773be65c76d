// The intake's 'import' origin (issue 15): what the migration tool's mail
// goes through, called directly on services built by the composition root.
// intake/api.ts lists what applies (the import policy, the directory's
// expansion, the size limit, APPEND's flag rules, quota,
// mail.limits, change events) and what is skipped because the message was
// delivered once already, elsewhere (filter, Sieve and vacation, iMIP, forwarding,
// the duplicate guard, trace fields, signing, the queue): each is checked
// here, the skipped ones against a setup where live mail would have been
// filtered, redirected, forwarded or collapsed.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { defaultConfig } from '../../server/src/config/schema.ts';
import { actorFor, systemActor } from '../../server/src/directory/access.ts';
import type { Actor } from '../../server/src/directory/api.ts';
import type { ChangeEvent } from '../../server/src/events/change-bus.ts';
import { isStoaError } from '../../server/src/errors/catalogue.ts';
import type { IntakeRequest } from '../../server/src/intake/api.ts';
import { bufferSource } from '../../server/src/intake/message-source.ts';
import { createLogger } from '../../server/src/log/logger.ts';
import type { Mailbox } from '../../server/src/model/mail.ts';
import { createServices, type Services } from '../../server/src/services.ts';
import { openStore } from '../../server/src/store/open-store.ts';
import type { Store } from '../../server/src/store/port.ts';
import { CORPUS } from '../support/corpus.ts';

const SYSTEM = systemActor();
const PASSWORD = 'correct horse battery staple';
const GTUBE = 'XJS*C4JDBQADN1.NSBN3*2IDNEN*GTUBE-STANDARD-ANTI-UBE-TEST-EMAIL*C.34X';
const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

function message(subject: string, extra = ''): Buffer {
  return Buffer.from(`From: Old Friend <friend@remote.example>\r\nTo: anna@a.example\r\nSubject: ${subject}\r\nMessage-ID: <${subject.replace(/\W+/g, '-')}@remote.example>\r\nDate: Mon, 4 Mar 2019 10:00:00 +0000\r\n\r\n${extra || 'old mail'}\r\n`);
}

function expectCode(code: string) {
  return (err: unknown) => {
    assert.ok(isStoaError(err, code as never), `expected ${code}, got ${String(err)}`);
    return true;
  };
}

describe('intake origin "import": what applies and what is skipped', () => {
  let dir: string;
  let store: Store;
  let s: Services;
  let anna: Actor;
  let annaId: string;
  let inbox: Mailbox;
  let archive: Mailbox;
  let adminA: Actor;
  let adminB: Actor;
  const events: ChangeEvent[] = [];

  const request = (bytes: Buffer, mailboxId: string, principal: Actor | null, over: Partial<IntakeRequest> = {}): IntakeRequest => ({
    envelope: { sender: '', recipients: [{ address: 'anna@a.example' }] },
    message: bufferSource(bytes),
    principal,
    origin: { kind: 'import', log: s.logger, import: { mailboxId, flags: ['\\Seen', '$Imported'], internalDate: '2019-03-04T10:00:00.000Z' } },
    ...over,
  });

  async function stored(box: Mailbox): Promise<Buffer[]> {
    const list = await s.mail.messages.list(SYSTEM, box.id);
    if (list.uids.length === 0) return [];
    const out: Buffer[] = [];
    for (const r of await s.mail.messages.fetch(SYSTEM, box.id, [[1, list.uids[list.uids.length - 1]]])) {
      const chunks: Buffer[] = [];
      for await (const c of await s.mail.messages.open(SYSTEM, r)) chunks.push(c as Buffer);
      out.push(Buffer.concat(chunks));
    }
    return out;
  }

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'stoa-import-intake-'));
    const config = defaultConfig();
    config.dataDir = dir;
    config.store.sqlite.path = join(dir, 'stoa.db');
    config.store.blobs.path = join(dir, 'blobs');
    config.auth.argon2 = { memoryKiB: 1024, passes: 1, parallelism: 1 };
    config.log.level = 'silent';
    config.migration.maxMessageBytes = 65_536;
    config.mail.limits.keywordsPerMailbox = 3;
    store = await openStore(config);
    s = createServices(config, store, createLogger(config), { defaultMetrics: false });
    const publish = s.bus.publish.bind(s.bus);
    s.bus.publish = (e) => {
      events.push(e);
      publish(e);
    };
    await s.directory.domains.create(SYSTEM, { name: 'a.example' });
    await s.directory.domains.create(SYSTEM, { name: 'b.example' });
    // Anna forwards everything outside and keeps no copy: live mail to her would leave the server.
    const a = await s.directory.accounts.create(SYSTEM, { address: 'anna@a.example', password: PASSWORD, forwardTo: ['anna@elsewhere.example'], keepForwardedCopy: false });
    anna = actorFor(a, '127.0.0.1');
    annaId = a.id;
    await s.mail.mailboxes.ensureDefaultMailboxes(SYSTEM, annaId);
    inbox = (await s.mail.mailboxes.find(SYSTEM, annaId, 'INBOX'))!.mailbox;
    archive = (await s.mail.mailboxes.find(SYSTEM, annaId, 'Archive'))!.mailbox;
    // Her rules redirect everything and she is out of office: Sieve would store nothing and answer.
    await s.sieve.put(anna, 'anna@a.example', 'away', 'redirect "sieve@elsewhere.example";');
    await s.sieve.setActive(anna, 'anna@a.example', 'away');
    const admin = await s.directory.accounts.create(SYSTEM, { address: 'admin@a.example', password: PASSWORD });
    adminA = actorFor(await s.directory.accounts.grantRole(SYSTEM, admin.id, { role: 'domain-admin', domains: ['a.example'] }), '127.0.0.1');
    const other = await s.directory.accounts.create(SYSTEM, { address: 'admin@b.example', password: PASSWORD });
    adminB = actorFor(await s.directory.accounts.grantRole(SYSTEM, other.id, { role: 'domain-admin', domains: ['b.example'] }), '127.0.0.1');
    await s.directory.accounts.create(SYSTEM, { address: 'off@a.example', password: PASSWORD, enabled: false });
    await s.directory.aliases.create(SYSTEM, { address: 'team@a.example', targets: ['anna@a.example'] });
  });
  after(async () => {
    await s.junkTraining.stop();
    await store.close();
    await rm(dir, { recursive: true, force: true });
  });

  test('the bytes are stored as they are, with the flags and date from the source, and a change event', async () => {
    const bytes = message('kept as is');
    events.length = 0;
    const result = await s.intake.accept(request(bytes, inbox.id, adminA));
    assert.equal(result.delivered, 1);
    assert.equal(result.queueId, null);
    const outcome = result.outcomes[0];
    assert.equal(outcome.status, 'delivered');
    assert.deepEqual(outcome.status === 'delivered' ? outcome.stored : null, [{ mailboxId: inbox.id, uid: 1 }]);
    const [copy] = await stored(inbox);
    assert.equal(sha256(copy), sha256(bytes), 'no Return-Path, Delivered-To, Received or verdict field in front');
    const [record] = await s.mail.messages.fetch(SYSTEM, inbox.id, [[1, 1]]);
    assert.deepEqual(record.flags, ['\\Seen', '$Imported']);
    assert.equal(record.internalDate, '2019-03-04T10:00:00.000Z');
    assert.ok(events.some((e) => e.kind === 'exists' && 'mailboxId' in e && e.mailboxId === inbox.id), 'IMAP IDLE hears of it');
  });

  test('skipped: Sieve (redirect, vacation), forwarding, the queue and the filter (GTUBE is stored, not refused or sent to Junk)', async () => {
    const bytes = message('spam from 2019', GTUBE);
    await s.intake.accept(request(bytes, inbox.id, SYSTEM));
    assert.ok((await stored(inbox)).some((b) => sha256(b) === sha256(bytes)));
    assert.equal((await s.queue.list(SYSTEM, {}, 0, 10)).total, 0, 'nothing redirected, forwarded, answered or bounced');
    const junk = (await s.mail.mailboxes.find(SYSTEM, annaId, 'Junk'))!.mailbox;
    assert.equal((await stored(junk)).length, 0);
  });

  test('skipped: iMIP (an old invitation in imported mail changes no calendar and fills no schedule inbox)', async () => {
    const invite = readFileSync(join(CORPUS, 'calendar', 'single-event-request.eml'), 'latin1')
      .replaceAll('sender@example.com', 'sender@partner.example').replaceAll('receiver@example.com', 'anna@a.example');
    const bytes = Buffer.from(invite, 'latin1');
    await s.intake.accept(request(bytes, inbox.id, SYSTEM));
    assert.ok((await stored(inbox)).some((b) => sha256(b) === sha256(bytes)), 'kept as mail');
    for (const e of await s.dav.collections.home(SYSTEM, annaId, 'calendar')) {
      assert.deepEqual(await s.dav.collections.listObjects(SYSTEM, e.collection.id), [], `nothing in ${e.collection.uri}`);
    }
  });

  test('skipped: the duplicate guard (the same Message-ID in two folders is two copies, and twice in one folder too)', async () => {
    const bytes = message('filed twice');
    await s.intake.accept(request(bytes, inbox.id, SYSTEM));
    await s.intake.accept(request(bytes, archive.id, SYSTEM));
    await s.intake.accept(request(bytes, archive.id, SYSTEM));
    assert.equal((await stored(inbox)).filter((b) => sha256(b) === sha256(bytes)).length, 1);
    assert.equal((await stored(archive)).filter((b) => sha256(b) === sha256(bytes)).length, 2, 'the importer, not the intake, decides what is a duplicate');
  });

  test('applies: migration.maxMessageBytes and APPEND\'s flag and date rules', async () => {
    const before = (await stored(archive)).length;
    await assert.rejects(s.intake.accept(request(message('too big', 'x'.repeat(70_000)), archive.id, SYSTEM)), expectCode('STOA_PAYLOAD_TOO_LARGE'));
    const bad = request(message('bad flag'), archive.id, SYSTEM);
    bad.origin.import = { mailboxId: archive.id, flags: ['not an atom'], internalDate: null };
    await assert.rejects(s.intake.accept(bad), expectCode('STOA_VALIDATION'));
    const badDate = request(message('bad date'), archive.id, SYSTEM);
    badDate.origin.import = { mailboxId: archive.id, flags: [], internalDate: 'yesterday' };
    await assert.rejects(s.intake.accept(badDate), expectCode('STOA_VALIDATION'));
    assert.equal((await stored(archive)).length, before, 'nothing stored');
  });

  test('applies: mail.limits (keywords past the limit are dropped, the message kept)', async () => {
    const box = await s.mail.mailboxes.create(SYSTEM, annaId, 'Tagged');
    const r = request(message('many keywords'), box.id, SYSTEM);
    r.origin.import = { mailboxId: box.id, flags: ['\\Flagged', 'one', 'two', 'three', 'four', 'five'], internalDate: null };
    await s.intake.accept(r);
    const [record] = await s.mail.messages.fetch(SYSTEM, box.id, [[1, 1]]);
    assert.deepEqual(record.flags, ['\\Flagged', 'one', 'three', 'two']);
  });

  test('applies: the quota, inside the storing transaction', async () => {
    await s.directory.accounts.update(SYSTEM, annaId, { quotaBytes: 1024 });
    try {
      await assert.rejects(s.intake.accept(request(message('over quota', 'z'.repeat(2000)), archive.id, SYSTEM)),
        (err: unknown) => isStoaError(err, 'STOA_MESSAGE_EXCEEDS_QUOTA') || isStoaError(err, 'STOA_OVER_QUOTA'));
    } finally {
      await s.directory.accounts.update(SYSTEM, annaId, { quotaBytes: 0 });
    }
  });

  test('applies: the directory\'s expansion (unknown, disabled, an alias, another owner\'s folder)', async () => {
    const to = (address: string): Partial<IntakeRequest> => ({ envelope: { sender: '', recipients: [{ address }] } });
    await assert.rejects(s.intake.accept(request(message('x'), inbox.id, SYSTEM, to('nobody@a.example'))), expectCode('STOA_RECIPIENT_UNKNOWN'));
    await assert.rejects(s.intake.accept(request(message('x'), inbox.id, SYSTEM, to('off@a.example'))), expectCode('STOA_MAILBOX_DISABLED'));
    await assert.rejects(s.intake.accept(request(message('x'), inbox.id, SYSTEM, to('team@a.example'))), expectCode('STOA_VALIDATION'));
    // Anna's INBOX named with the admin's address: the folder belongs to another tree.
    await assert.rejects(s.intake.accept(request(message('x'), inbox.id, SYSTEM, to('admin@a.example'))), expectCode('STOA_RECIPIENT_UNKNOWN'));
    await assert.rejects(s.intake.accept(request(message('x'), inbox.id, SYSTEM, {
      envelope: { sender: '', recipients: [{ address: 'anna@a.example' }, { address: 'admin@a.example' }] },
    })), expectCode('STOA_VALIDATION'));
    const noPlacement = request(message('x'), inbox.id, SYSTEM);
    delete noPlacement.origin.import;
    await assert.rejects(s.intake.accept(noPlacement), expectCode('STOA_VALIDATION'));
  });

  test('applies: who may import (import-policy.ts): not the user, not another domain\'s admin, nobody unauthenticated', async () => {
    const before = (await stored(inbox)).length;
    await assert.rejects(s.intake.accept(request(message('planted by anna'), inbox.id, anna)), expectCode('STOA_FORBIDDEN'));
    await assert.rejects(s.intake.accept(request(message('planted by b'), inbox.id, adminB)), expectCode('STOA_NOT_FOUND'));
    await assert.rejects(s.intake.accept(request(message('planted by nobody'), inbox.id, null)), expectCode('STOA_UNAUTHENTICATED'));
    // A domain admin imports into users of their domain, not into another admin of it.
    const second = await s.directory.accounts.create(SYSTEM, { address: 'admin2@a.example', password: PASSWORD });
    await s.directory.accounts.grantRole(SYSTEM, second.id, { role: 'domain-admin', domains: ['a.example'] });
    await s.mail.mailboxes.ensureDefaultMailboxes(SYSTEM, second.id);
    const theirs = (await s.mail.mailboxes.find(SYSTEM, second.id, 'INBOX'))!.mailbox;
    await assert.rejects(s.intake.accept(request(message('into an admin'), theirs.id, adminA, { envelope: { sender: '', recipients: [{ address: 'admin2@a.example' }] } })),
      expectCode('STOA_FORBIDDEN'));
    assert.equal((await stored(inbox)).length, before);
    assert.equal((await stored(theirs)).length, 0);
  });
});
