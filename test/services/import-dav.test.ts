// Calendar objects and cards an import stores (issue 15), through the import
// service over the DAV collection service, called directly on services built
// by the composition root: stored like a PUT with If-None-Match: *, validated
// by the codecs, never scheduled (an imported meeting tells no attendee),
// widening a calendar that lacks a component, never into a schedule inbox,
// and only by those the import policy lets in.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { defaultConfig } from '../../server/src/config/schema.ts';
import { actorFor, systemActor } from '../../server/src/directory/access.ts';
import type { Actor } from '../../server/src/directory/api.ts';
import { isStoaError } from '../../server/src/errors/catalogue.ts';
import { createLogger } from '../../server/src/log/logger.ts';
import { importUid, objectName } from '../../server/src/migration-jobs/import-service.ts';
import { createServices, type Services } from '../../server/src/services.ts';
import { openStore } from '../../server/src/store/open-store.ts';
import type { Store } from '../../server/src/store/port.ts';

const SYSTEM = systemActor();
const PASSWORD = 'correct horse battery staple';

const vcalendar = (...lines: string[]) => ['BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//old server//EN', ...lines, 'END:VCALENDAR', ''].join('\r\n');
const MEETING = vcalendar('BEGIN:VEVENT', 'UID:meeting-2019@old.example', 'DTSTAMP:20190301T090000Z', 'DTSTART:20190304T100000Z', 'DTEND:20190304T110000Z',
  'SUMMARY:Budget review', 'ORGANIZER:mailto:anna@a.example', 'ATTENDEE;PARTSTAT=ACCEPTED:mailto:anna@a.example',
  'ATTENDEE;PARTSTAT=NEEDS-ACTION;RSVP=TRUE:mailto:bob@a.example', 'ATTENDEE;PARTSTAT=NEEDS-ACTION;RSVP=TRUE:mailto:partner@remote.example', 'END:VEVENT');
const TASK = vcalendar('BEGIN:VTODO', 'UID:task-2019@old.example', 'DTSTAMP:20190301T090000Z', 'SUMMARY:File the report', 'END:VTODO');
const ODD_UID = 'urn:uuid:7f/../weird name';
const CARD = ['BEGIN:VCARD', 'VERSION:3.0', `UID:${ODD_UID}`, 'FN:Carla Rossi', 'N:Rossi;Carla;;;', 'END:VCARD', ''].join('\r\n');

function expectCode(...codes: string[]) {
  return (err: unknown) => {
    assert.ok(codes.some((c) => isStoaError(err, c as never)), `expected ${codes.join(' or ')}, got ${String(err)}`);
    return true;
  };
}

describe('imported calendars and contacts go through the DAV services', () => {
  let dir: string;
  let store: Store;
  let s: Services;
  let annaId: string;
  let bobId: string;
  let anna: Actor;
  let adminA: Actor;
  let adminB: Actor;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'stoa-import-dav-'));
    const config = defaultConfig();
    config.dataDir = dir;
    config.store.sqlite.path = join(dir, 'stoa.db');
    config.store.blobs.path = join(dir, 'blobs');
    config.auth.argon2 = { memoryKiB: 1024, passes: 1, parallelism: 1 };
    config.log.level = 'silent';
    store = await openStore(config);
    s = createServices(config, store, createLogger(config), { defaultMetrics: false });
    await s.directory.domains.create(SYSTEM, { name: 'a.example' });
    await s.directory.domains.create(SYSTEM, { name: 'b.example' });
    const a = await s.directory.accounts.create(SYSTEM, { address: 'anna@a.example', password: PASSWORD });
    annaId = a.id;
    anna = actorFor(a, '127.0.0.1');
    bobId = (await s.directory.accounts.create(SYSTEM, { address: 'bob@a.example', password: PASSWORD })).id;
    const da = await s.directory.accounts.create(SYSTEM, { address: 'admin@a.example', password: PASSWORD });
    adminA = actorFor(await s.directory.accounts.grantRole(SYSTEM, da.id, { role: 'domain-admin', domains: ['a.example'] }), '127.0.0.1');
    const db = await s.directory.accounts.create(SYSTEM, { address: 'admin@b.example', password: PASSWORD });
    adminB = actorFor(await s.directory.accounts.grantRole(SYSTEM, db.id, { role: 'domain-admin', domains: ['b.example'] }), '127.0.0.1');
  });
  after(async () => {
    await s.junkTraining.stop();
    await store.close();
    await rm(dir, { recursive: true, force: true });
  });

  const importer = () => s.migrations.importer;
  const calendar = async () => (await importer().collection(adminA, annaId, 'calendar', 'calendar', { displayName: 'Calendar', components: ['VEVENT', 'VTODO'], create: true }))!;

  test('a meeting is stored as it came, under a name from its UID, and nobody is invited', async () => {
    const cal = await calendar();
    assert.equal(cal.created, false, 'the default calendar is filled, not copied');
    await importer().importObject(adminA, cal.id, { uid: 'meeting-2019@old.example', text: MEETING });
    assert.equal(await importer().readObject(adminA, cal.id, 'meeting-2019@old.example'), MEETING);
    const stored = await s.dav.collections.getObject(SYSTEM, cal.id, 'meeting-2019@old.example.ics');
    assert.equal(stored.uid, 'meeting-2019@old.example');
    assert.deepEqual(await importer().objectUids(adminA, cal.id), ['meeting-2019@old.example']);
    // No implicit scheduling: Bob's schedule inbox and calendar stay empty, nothing goes out by iMIP.
    for (const uri of ['inbox', 'calendar']) {
      const bobs = await s.dav.collections.find(SYSTEM, bobId, 'calendar', uri).catch(() => null);
      if (bobs) assert.deepEqual(await s.dav.collections.listObjects(SYSTEM, bobs.collection.id), [], `bob's ${uri}`);
    }
    assert.equal((await s.queue.list(SYSTEM, {}, 0, 10)).total, 0, 'no invitation to the outside attendee');
  });

  test('the same UID again is refused (If-None-Match: *), invalid data by the codec', async () => {
    const cal = await calendar();
    await assert.rejects(importer().importObject(adminA, cal.id, { uid: 'meeting-2019@old.example', text: MEETING }), expectCode('STOA_PRECONDITION_FAILED', 'STOA_DAV_UID_CONFLICT'));
    await assert.rejects(importer().importObject(adminA, cal.id, { uid: 'broken', text: 'BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:broken\r\n' }), (err: unknown) => isStoaError(err) && err.code.startsWith('STOA_DAV_'));
    assert.deepEqual(await importer().objectUids(SYSTEM, cal.id), ['meeting-2019@old.example']);
  });

  test('a task kept beside events at the source widens the default calendar once', async () => {
    const cal = await calendar();
    assert.deepEqual((await s.dav.collections.get(SYSTEM, cal.id)).collection.components, ['VEVENT']);
    await importer().importObject(SYSTEM, cal.id, { uid: 'task-2019@old.example', text: TASK });
    assert.deepEqual([...(await s.dav.collections.get(SYSTEM, cal.id)).collection.components].sort(), ['VEVENT', 'VTODO']);
    assert.equal(await importer().readObject(SYSTEM, cal.id, 'task-2019@old.example'), TASK);
  });

  test('a new collection is made by the importer (audited under their name); a UID that is no plain name is stored under its digest', async () => {
    const book = (await importer().collection(adminA, annaId, 'addressbook', 'old-server-contacts', { displayName: 'Old server / Contacts', components: [], create: true }))!;
    assert.equal(book.created, true);
    const audit = await s.directory.audit.list(SYSTEM, { objectId: book.id, limit: 10, offset: 0, sort: 'at', order: 'desc' });
    assert.equal(audit.items[0]?.actor, 'admin@a.example');
    await importer().importObject(adminA, book.id, { uid: ODD_UID, text: CARD });
    assert.match(objectName(ODD_UID, 'addressbook'), /^[0-9a-f]{40}\.vcf$/);
    // CardDAV compares a vCard UID without its "urn:uuid:" prefix; the import reads it back by either spelling.
    assert.equal((await s.dav.collections.getObject(SYSTEM, book.id, objectName(ODD_UID, 'addressbook'))).uid, '7f/../weird name');
    assert.deepEqual(await importer().objectUids(adminA, book.id), [importUid('addressbook', ODD_UID)]);
    assert.equal(await importer().readObject(adminA, book.id, ODD_UID), CARD);
    assert.equal(await importer().readObject(adminA, book.id, '7f/../weird name'), CARD);
    assert.equal(await importer().collection(adminA, annaId, 'addressbook', 'never-made', { displayName: 'x', components: [], create: false }), null);
  });

  test('refused: the schedule inbox, the user, another domain\'s admin', async () => {
    await s.dav.collections.ensureDefaults(SYSTEM, annaId);
    const inbox = await s.dav.collections.find(SYSTEM, annaId, 'calendar', 'inbox');
    await assert.rejects(importer().importObject(SYSTEM, inbox.collection.id, { uid: 'x@old.example', text: MEETING.replace('meeting-2019', 'x') }), expectCode('STOA_FORBIDDEN'));
    const cal = await calendar();
    await assert.rejects(importer().importObject(anna, cal.id, { uid: 'planted@x', text: MEETING.replace('meeting-2019@old.example', 'planted@x') }), expectCode('STOA_FORBIDDEN'));
    await assert.rejects(importer().objectUids(adminB, cal.id), expectCode('STOA_NOT_FOUND'));
    await assert.rejects(importer().collection(adminB, annaId, 'calendar', 'planted', { displayName: 'x', components: ['VEVENT'], create: true }), expectCode('STOA_NOT_FOUND'));
    assert.ok(!(await importer().objectUids(SYSTEM, cal.id)).includes('planted@x'));
    await assert.rejects(s.dav.collections.find(SYSTEM, annaId, 'calendar', 'planted'));
  });
});
