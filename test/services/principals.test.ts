// Services own the rules (DESIGN.md): every method of the mail services, the
// queue service, the intake, the public folders, the migration services and
// the console's services (system, bulk accounts, DNS status, trace), called
// directly — as a front end that forgot
// its own check would — with a principal that lacks the right, is refused
// (or, for questions about the caller itself, answers nothing). The table is
// checked against the services' methods at run time, the way the admin API
// scope test walks openapi.json: a method added without a row fails here.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { defaultConfig } from '../../server/src/config/schema.ts';
import { actorFor, systemActor } from '../../server/src/directory/access.ts';
import type { Actor } from '../../server/src/directory/api.ts';
import { isStoaError } from '../../server/src/errors/catalogue.ts';
import { FilterRefusal } from '../../server/src/filter/decision.ts';
import { bufferSource } from '../../server/src/intake/message-source.ts';
import { createLogger } from '../../server/src/log/logger.ts';
import type { Mailbox, MessageRecord } from '../../server/src/model/mail.ts';
import { createServices, type Services } from '../../server/src/services.ts';
import { openStore } from '../../server/src/store/open-store.ts';
import type { Store } from '../../server/src/store/port.ts';

const SYSTEM = systemActor();
const PASSWORD = 'correct horse battery staple';
const PLANTED_EVENT = ['BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//t//EN', 'BEGIN:VEVENT', 'UID:planted@x', 'DTSTAMP:20260101T000000Z',
  'DTSTART:20260601T090000Z', 'SUMMARY:Planted', 'END:VEVENT', 'END:VCALENDAR', ''].join('\r\n');
const MESSAGE = Buffer.from('From: owner@a.example\r\nTo: owner@a.example\r\nSubject: private\r\n\r\nsecret\r\n');

/** A refusal: FORBIDDEN (the caller lacks a right or role) or NOT_FOUND (RFC 4314 §4: invisible without "l"/"r"; queue scope). */
async function refused(call: Promise<unknown>, label: string): Promise<void> {
  await assert.rejects(call, (err: unknown) => {
    assert.ok(isStoaError(err, 'STOA_FORBIDDEN') || isStoaError(err, 'STOA_NOT_FOUND') || isStoaError(err, 'STOA_SENDER_NOT_OWNED'), `${label}: ${String(err)}`);
    return true;
  }, `${label} was not refused`);
}

describe('every service method refuses a principal without the right', () => {
  let dir: string;
  let store: Store;
  let s: Services;
  let owner: Actor;
  /** A user of the same domain with no right on the owner's mailboxes. */
  let outsider: Actor;
  /** A user of the same domain holding "lr" only. */
  let reader: Actor;
  let ownerId: string;
  let inbox: Mailbox;
  let team: Mailbox;
  let message: MessageRecord;
  let queued: string;
  /** The domain admin of another domain. */
  let otherAdmin: Actor;
  let folderId: string;
  let jobId: string;
  let calendarId: string;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'stoa-principals-'));
    const config = defaultConfig();
    config.dataDir = dir;
    config.store.sqlite.path = join(dir, 'stoa.db');
    config.store.blobs.path = join(dir, 'blobs');
    config.auth.argon2 = { memoryKiB: 1024, passes: 1, parallelism: 1 };
    config.log.level = 'silent';
    config.filter.ipDeny = ['192.0.2.0/24'];
    store = await openStore(config);
    s = createServices(config, store, createLogger(config), { defaultMetrics: false });
    await s.directory.domains.create(SYSTEM, { name: 'a.example' });
    const accounts = await Promise.all(['owner', 'outsider', 'reader'].map((l) => s.directory.accounts.create(SYSTEM, { address: `${l}@a.example`, password: PASSWORD })));
    [owner, outsider, reader] = accounts.map((a) => actorFor(a, '127.0.0.1'));
    ownerId = accounts[0].id;
    await s.mail.mailboxes.ensureDefaultMailboxes(owner, ownerId);
    inbox = (await s.mail.mailboxes.find(owner, ownerId, 'INBOX'))!.mailbox;
    team = await s.mail.mailboxes.create(owner, ownerId, 'Team');
    await s.mail.mailboxes.setAcl(owner, team.id, reader.id!, 'lr');
    await s.mail.messages.append(owner, inbox.id, { source: MESSAGE });
    await s.mail.messages.append(owner, team.id, { source: MESSAGE });
    [message] = await s.mail.messages.fetch(owner, inbox.id, [[1, 1]]);
    await s.directory.domains.create(SYSTEM, { name: 'b.example' });
    const adminB = await s.directory.accounts.create(SYSTEM, { address: 'admin@b.example', password: PASSWORD });
    otherAdmin = actorFor(await s.directory.accounts.grantRole(SYSTEM, adminB.id, { role: 'domain-admin', domains: ['b.example'] }), '127.0.0.1');
    folderId = (await s.publicFolders.create(SYSTEM, 'a.example', 'Announcements')).id;
    queued = await s.queue.enqueue(SYSTEM, { message: MESSAGE, sender: 'owner@a.example', recipients: [{ address: 'x@remote.test' }] });
    await s.dav.collections.ensureDefaults(SYSTEM, ownerId);
    calendarId = (await s.dav.collections.find(SYSTEM, ownerId, 'calendar', 'calendar')).collection.id;
    jobId = (await s.migrations.jobs.create(SYSTEM, { origin: 'cli', spec: { source: { type: 'mbox' }, users: [] }, targets: ['owner@a.example'] })).id;
  });
  after(async () => {
    await store.close();
    await rm(dir, { recursive: true, force: true });
  });

  /** One row per method: the call with a principal that must not succeed. */
  const mailboxRows: Record<string, () => Promise<void>> = {
    create: () => refused(s.mail.mailboxes.create(outsider, ownerId, 'Planted'), 'create in another account'),
    get: () => refused(s.mail.mailboxes.get(outsider, inbox.id), 'get'),
    find: async () => assert.equal(await s.mail.mailboxes.find(outsider, ownerId, 'INBOX'), null, 'find answers "no such mailbox"'),
    list: () => refused(s.mail.mailboxes.list(outsider, ownerId), 'list'),
    rename: () => refused(s.mail.mailboxes.rename(reader, team.id, 'Renamed'), 'rename without x'),
    delete: () => refused(s.mail.mailboxes.delete(reader, team.id), 'delete without x'),
    setSpecialUse: () => refused(s.mail.mailboxes.setSpecialUse(reader, team.id, '\\Archive'), 'setSpecialUse by a non-owner'),
    status: () => refused(s.mail.mailboxes.status(outsider, inbox.id), 'status'),
    subscribe: () => refused(s.mail.mailboxes.subscribe(outsider, ownerId, 'Team'), 'subscribe for another account'),
    unsubscribe: () => refused(s.mail.mailboxes.unsubscribe(outsider, ownerId, 'Team'), 'unsubscribe for another account'),
    subscriptions: () => refused(s.mail.mailboxes.subscriptions(outsider, ownerId), 'subscriptions of another account'),
    setAcl: () => refused(s.mail.mailboxes.setAcl(reader, team.id, reader.id!, 'lrswipkxtea'), 'setAcl without a'),
    getAcl: () => refused(s.mail.mailboxes.getAcl(reader, team.id), 'getAcl without a'),
    sharedWith: async () => assert.deepEqual(await s.mail.mailboxes.sharedWith(outsider), [], 'sharedWith shows nothing unshared'),
    myRights: async () => assert.equal(await s.mail.mailboxes.myRights(outsider, inbox.id), '', 'myRights'),
    publicFolders: async () => assert.deepEqual(await s.mail.mailboxes.publicFolders(outsider), [], 'publicFolders'),
    ensureDefaultMailboxes: () => refused(s.mail.mailboxes.ensureDefaultMailboxes(outsider, ownerId), 'ensureDefaultMailboxes for another account'),
    quota: () => refused(s.mail.mailboxes.quota(outsider, ownerId), 'quota of another account'),
    delegated: async () => assert.deepEqual(await s.mail.mailboxes.delegated(outsider), [], 'delegated shows nothing without a full-access grant'),
  };

  const messageRows: Record<string, () => Promise<void>> = {
    append: () => refused(s.mail.messages.append(reader, team.id, { source: MESSAGE }), 'append without i'),
    appendMany: () => refused(s.mail.messages.appendMany(outsider, inbox.id, [{ source: MESSAGE }]), 'appendMany'),
    list: () => refused(s.mail.messages.list(outsider, inbox.id), 'list'),
    selection: () => refused(s.mail.messages.selection(outsider, inbox.id), 'selection'),
    claimRecent: () => refused(s.mail.messages.claimRecent(outsider, inbox.id, 10), 'claimRecent'),
    fetch: () => refused(s.mail.messages.fetch(outsider, inbox.id, [[1, 1]]), 'fetch'),
    body: () => refused(s.mail.messages.body(outsider, message), 'body'),
    open: () => refused(s.mail.messages.open(outsider, message), 'open'),
    storeFlags: () => refused(s.mail.messages.storeFlags(reader, team.id, [[1, 1]], { mode: 'add', flags: ['\\Seen'] }), 'storeFlags without s'),
    expunge: () => refused(s.mail.messages.expunge(reader, team.id), 'expunge without e'),
    copy: () => refused(s.mail.messages.copy(reader, team.id, [[1, 1]], inbox.id), 'copy into a mailbox without i'),
    move: () => refused(s.mail.messages.move(reader, team.id, [[1, 1]], team.id), 'move without t and e'),
    changesSince: () => refused(s.mail.messages.changesSince(outsider, inbox.id, 0), 'changesSince'),
    filter: () => refused(s.mail.messages.filter(outsider, inbox.id, {}), 'filter'),
    searchText: () => refused(s.mail.messages.searchText(outsider, inbox.id, 'secret'), 'searchText'),
    summaries: () => refused(s.mail.messages.summaries(outsider, inbox.id, [[1, 1]]), 'summaries'),
  };

  const deliveryRows: Record<string, () => Promise<void>> = {
    deliver: () => refused(s.mail.delivery.deliver(outsider, MESSAGE, [{ accountId: ownerId }]), 'deliver as a user'),
  };

  const maildropRows: Record<string, () => Promise<void>> = {
    acquire: () => refused(s.mail.maildrops.acquire(outsider, ownerId, 'session'), 'another account\'s maildrop lock'),
  };

  const queueRows: Record<string, () => Promise<void>> = {
    enqueue: () => refused(s.queue.enqueue(owner, { message: MESSAGE, sender: 'owner@a.example', recipients: [{ address: 'x@remote.test' }] }), 'enqueue as a user'),
    list: () => refused(s.queue.list(owner, {}, 0, 10), 'list as a user'),
    inspect: () => refused(s.queue.inspect(owner, queued), 'inspect as a user'),
    retryNow: () => refused(s.queue.retryNow(owner, queued), 'retryNow as a user'),
    delete: () => refused(s.queue.delete(owner, queued), 'delete as a user'),
  };

  const intakeRows: Record<string, () => Promise<void>> = {
    // A connection has no principal yet: the connect stage's deny list is what refuses it.
    openSession: async () => {
      await assert.rejects(s.intake.openSession({ kind: 'smtp', ip: '192.0.2.7', log: s.logger }),
        (err: unknown) => err instanceof FilterRefusal && err.decision.action === 'reject', 'a client on filter.ipDeny');
    },
    checkSender: () => refused(s.intake.checkSender({ principal: outsider, origin: { kind: 'submission', log: s.logger }, sender: 'owner@a.example' }), 'send as another user'),
    planRecipient: async () => {
      await assert.rejects(s.intake.planRecipient({ principal: null, origin: { kind: 'smtp', log: s.logger }, sender: '', address: 'x@remote.test', declaredSize: null }),
        (err: unknown) => isStoaError(err, 'STOA_RELAY_DENIED'), 'relay without a principal');
    },
    accept: () => refused(s.intake.accept({
      envelope: { sender: 'outsider@a.example', recipients: [{ address: 'x@remote.test' }] },
      message: bufferSource(MESSAGE), principal: outsider, origin: { kind: 'submission', log: s.logger },
    }), 'submit a message From: another user'),
  };

  // Public folders are administered: a plain user, and the admin of another domain, are refused.
  const publicFolderRows: Record<string, () => Promise<void>> = {
    list: () => refused(s.publicFolders.list(otherAdmin, 'a.example'), 'list another domain\'s folders'),
    create: () => refused(s.publicFolders.create(owner, 'a.example', 'Planted'), 'create as a user'),
    get: () => refused(s.publicFolders.get(otherAdmin, 'a.example', folderId), 'get another domain\'s folder'),
    rename: () => refused(s.publicFolders.rename(owner, 'a.example', folderId, 'Renamed'), 'rename as a user'),
    delete: () => refused(s.publicFolders.delete(otherAdmin, 'a.example', folderId), 'delete another domain\'s folder'),
    acl: () => refused(s.publicFolders.acl(owner, 'a.example', folderId), 'read the ACL as a user'),
    grant: () => refused(s.publicFolders.grant(otherAdmin, 'a.example', folderId, 'anyone', 'lrswipkxtea'), 'grant in another domain'),
    revoke: () => refused(s.publicFolders.revoke(owner, 'a.example', folderId, 'anyone'), 'revoke as a user'),
    setAddress: () => refused(s.publicFolders.setAddress(otherAdmin, 'a.example', folderId, { address: 'news@a.example', acceptExternal: true }), 'give another domain\'s folder an address'),
    removeAddress: () => refused(s.publicFolders.removeAddress(owner, 'a.example', folderId), 'remove a folder\'s address as a user'),
  };

  // The console's services: a plain user is refused every method; the admin of another domain sees nothing of a.example.
  const systemRows: Record<string, () => Promise<void>> = {
    // Version, uptime and store health are server-level, not a domain's: every admin may see them, a user may not.
    info: () => refused(s.system.info(owner), 'server status as a user'),
    settings: async () => {
      await refused(s.system.settings(owner), 'settings as a user');
      await refused(s.system.settings(otherAdmin), 'settings as a domain admin');
    },
    storageByDomain: async () => {
      await refused(s.system.storageByDomain(owner), 'storage as a user');
      const seen = (await s.system.storageByDomain(otherAdmin)).items.map((d) => d.name);
      assert.ok(!seen.includes('a.example'), `another domain's storage is left out: ${seen.join(', ')}`);
    },
    accountUsage: async () => {
      await refused(s.system.accountUsage(owner, [ownerId]), 'account usage as a user');
      assert.deepEqual(await s.system.accountUsage(otherAdmin, [ownerId]), [], 'another domain\'s account is left out');
    },
  };

  const accountBulkRows: Record<string, () => Promise<void>> = {
    setEnabled: async () => {
      await refused(s.accountBulk.setEnabled(owner, [ownerId], false), 'bulk disable as a user');
      const [result] = await s.accountBulk.setEnabled(otherAdmin, [ownerId], false);
      assert.deepEqual([result.ok, result.code], [false, 'STOA_NOT_FOUND'], 'another domain\'s account answers as missing');
    },
    importCsv: async () => {
      const csv = `address,password\nplanted@a.example,${PASSWORD}\n`;
      await refused(s.accountBulk.importCsv(owner, csv, { dryRun: false }), 'CSV import as a user');
      const report = await s.accountBulk.importCsv(otherAdmin, csv, { dryRun: false });
      assert.deepEqual([report.created, report.rows[0].status], [0, 'invalid'], 'no account is created in another domain');
      assert.match(report.rows[0].errors[0].message, /not one of yours/);
    },
  };

  const traceRows: Record<string, () => Promise<void>> = {
    watch: async () => {
      await refused(s.messageTrace.watch(owner, () => undefined), 'watch the trace as a user');
      const seen: string[] = [];
      const stop = await s.messageTrace.watch(otherAdmin, (e) => seen.push(e.recipients.join(',')));
      s.trace.publish({ stage: 'accepted', origin: 'smtp', sender: 'x@remote.test', recipients: ['owner@a.example'], ip: '192.0.2.1' });
      stop();
      assert.deepEqual(seen, [], 'another domain\'s mail is not shown');
    },
  };

  const dnsStatusRows: Record<string, () => Promise<void>> = {
    check: async () => {
      await refused(s.dnsStatus.check(owner, 'a.example'), 'DNS status as a user');
      await refused(s.dnsStatus.check(otherAdmin, 'a.example'), 'DNS status of another domain');
    },
  };

  // Imports (issue 15): only the server, server admins and the owner's domain admins; the owner themselves neither.
  const importRows: Record<string, () => Promise<void>> = {
    mailFolder: () => refused(s.migrations.importer.mailFolder(owner, ownerId, 'Planted', { specialUse: null, create: true }), 'make an import folder as the user'),
    contents: () => refused(s.migrations.importer.contents(otherAdmin, inbox.id, { afterUid: 0, limit: 10 }), 'list a folder of another domain'),
    importMessage: () => refused(s.migrations.importer.importMessage(owner, inbox.id, { source: bufferSource(MESSAGE), flags: [], internalDate: null }), 'import as the user'),
    read: () => refused(s.migrations.importer.read(otherAdmin, inbox.id, 1), 'read a message of another domain'),
    collection: () => refused(s.migrations.importer.collection(otherAdmin, ownerId, 'calendar', 'planted', { displayName: 'x', components: ['VEVENT'], create: true }), 'make a calendar in another domain'),
    objectUids: () => refused(s.migrations.importer.objectUids(outsider, calendarId), 'list another user\'s calendar'),
    importObject: () => refused(s.migrations.importer.importObject(owner, calendarId, { uid: 'planted@x', text: PLANTED_EVENT }), 'import an event as the user'),
    readObject: () => refused(s.migrations.importer.readObject(otherAdmin, calendarId, 'planted@x'), 'read an event of another domain'),
  };

  // Migration jobs: administrators of the targets' domains; the runner's side is the server's alone.
  const jobRows: Record<string, () => Promise<void>> = {
    create: () => refused(s.migrations.jobs.create(owner, { origin: 'api', spec: {}, targets: ['owner@a.example'] }), 'start a migration as a user'),
    get: () => refused(s.migrations.jobs.get(otherAdmin, jobId), 'read another domain\'s job'),
    list: () => refused(s.migrations.jobs.list(owner, {}), 'list jobs as a user'),
    cancel: () => refused(s.migrations.jobs.cancel(otherAdmin, jobId), 'cancel another domain\'s job'),
    claim: () => refused(s.migrations.jobs.claim(owner, jobId, 'planted'), 'claim a job as a user'),
    heartbeat: () => refused(s.migrations.jobs.heartbeat(owner, jobId, { planted: true }), 'report on a job as a user'),
    finish: () => refused(s.migrations.jobs.finish(owner, jobId, { status: 'done', report: null }), 'finish a job as a user'),
    abandon: () => refused(s.migrations.jobs.abandon(otherAdmin, 'host', () => false, 'planted'), 'abandon jobs as an admin'),
    prune: () => refused(s.migrations.jobs.prune(otherAdmin, new Date().toISOString()), 'prune jobs as an admin'),
    checkpoints: () => refused(Promise.resolve().then(() => s.migrations.jobs.checkpoints(owner)), 'the import ledger as a user'),
  };

  const services = (): Array<[string, object, Record<string, () => Promise<void>>]> => [
    ['MailboxService', s.mail.mailboxes, mailboxRows],
    ['PublicFolderService', s.publicFolders, publicFolderRows],
    ['MessageService', s.mail.messages, messageRows],
    ['DeliveryService', s.mail.delivery, deliveryRows],
    ['MaildropLocks', s.mail.maildrops, maildropRows],
    ['QueueService', s.queue, queueRows],
    ['IntakeService', s.intake, intakeRows],
    ['SystemService', s.system, systemRows],
    ['AccountBulkService', s.accountBulk, accountBulkRows],
    ['DnsStatusService', s.dnsStatus, dnsStatusRows],
    ['TraceService', s.messageTrace, traceRows],
    ['ImportService', s.migrations.importer, importRows],
    ['MigrationJobService', s.migrations.jobs, jobRows],
  ];

  test('the table has a row for every method of every service, and nothing else', () => {
    for (const [name, service, rows] of services()) {
      const methods = Object.keys(service).filter((k) => typeof (service as Record<string, unknown>)[k] === 'function').sort();
      assert.deepEqual(Object.keys(rows).sort(), methods, `${name}: methods without a row, or rows without a method`);
    }
  });

  for (const [name, rows] of [
    ['MailboxService', mailboxRows], ['PublicFolderService', publicFolderRows], ['MessageService', messageRows], ['DeliveryService', deliveryRows],
    ['MaildropLocks', maildropRows], ['QueueService', queueRows], ['IntakeService', intakeRows],
    ['SystemService', systemRows], ['AccountBulkService', accountBulkRows], ['DnsStatusService', dnsStatusRows],
    ['TraceService', traceRows],
    ['ImportService', importRows], ['MigrationJobService', jobRows],
  ] as const) {
    test(`${name}: each method called with the wrong principal is refused`, async () => {
      for (const [method, row] of Object.entries(rows)) {
        await row().catch((err: unknown) => { throw new Error(`${name}.${method}: ${(err as Error).message}`, { cause: err }); });
      }
    });
  }

  test('nothing the refused calls attempted happened', async () => {
    assert.deepEqual((await s.mail.mailboxes.list(owner, ownerId)).map((m) => m.name).sort(), ['Archive', 'Drafts', 'INBOX', 'Junk', 'Sent', 'Team', 'Trash']);
    assert.equal((await s.mail.messages.list(owner, team.id)).uids.length, 1);
    assert.deepEqual((await s.mail.messages.fetch(owner, team.id, [[1, 1]]))[0].flags, []);
    assert.deepEqual(await s.mail.mailboxes.getAcl(owner, team.id), [{ identifier: reader.id, rights: 'lr' }]);
    assert.equal((await s.queue.list(SYSTEM, {}, 0, 10)).total, 1);
    assert.deepEqual((await s.publicFolders.list(SYSTEM, 'a.example')).map((f) => [f.name, f.address ?? null]), [['Announcements', null]]);
    assert.deepEqual(await s.publicFolders.acl(SYSTEM, 'a.example', folderId), []);
    assert.equal((await s.directory.accounts.get(SYSTEM, ownerId)).enabled, true);
    assert.equal(await s.directory.addresses.resolve('planted@a.example'), null);
    assert.deepEqual(await s.migrations.importer.objectUids(SYSTEM, calendarId), []);
    await assert.rejects(s.dav.collections.find(SYSTEM, ownerId, 'calendar', 'planted'));
    const job = await s.migrations.jobs.get(SYSTEM, jobId);
    assert.equal(job.status, 'queued');
    assert.equal(job.report, null);
    assert.equal((await s.migrations.jobs.list(SYSTEM, {})).total, 1);
  });

  test('the intake\'s import origin refuses the owner and other domains\' admins', async () => {
    const importing = (principal: Actor) => s.intake.accept({
      envelope: { sender: '', recipients: [{ address: 'owner@a.example' }] }, message: bufferSource(MESSAGE), principal,
      origin: { kind: 'import', log: s.logger, import: { mailboxId: inbox.id, flags: [], internalDate: null } },
    });
    await refused(importing(owner), 'import by the owner');
    await refused(importing(otherAdmin), 'import by another domain\'s admin');
    assert.equal((await s.mail.messages.list(owner, inbox.id)).uids.length, 1);
  });

  test('the same calls succeed for a principal holding the rights', async () => {
    assert.equal((await s.mail.mailboxes.get(reader, team.id)).rights, 'lr');
    assert.equal((await s.mail.messages.fetch(reader, team.id, [[1, 1]])).length, 1);
    assert.equal((await s.mail.mailboxes.quota(owner, ownerId)).usage.messages, 2);
    assert.equal((await s.queue.inspect(SYSTEM, queued)).message.id, queued);
    assert.equal((await s.system.info(otherAdmin)).store.ready, true);
    assert.deepEqual((await s.system.accountUsage(SYSTEM, [ownerId])).map((u) => u.messages), [2]);
    assert.equal((await s.migrations.importer.contents(SYSTEM, inbox.id, { afterUid: 0, limit: 10 })).items.length, 1);
    assert.equal((await s.migrations.jobs.get(SYSTEM, jobId)).id, jobId);
  });
});
