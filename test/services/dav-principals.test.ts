// Services own the rules (DESIGN.md), for calendars and address books too:
// every method of the collection, calendar, contacts and scheduling services,
// called directly — as a front end that forgot its own check would — with a
// principal that must not get through: a user of the same domain with no
// share, holding only a send-as grant on the owner's mailbox, which opens
// nothing (outsider), a user holding a read-only share (sharee: refused every
// change, and shown nothing that was not shared), and the domain admin of
// another domain (otherAdmin). Each is refused, or answers as if the object
// did not exist. The table is checked against the services' methods at run
// time: a method added without a row fails here.
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
import type { CompFilter } from '../../server/src/model/dav-filter.ts';
import type { DavObject } from '../../server/src/model/dav.ts';
import { createServices, type Services } from '../../server/src/services.ts';
import { openStore } from '../../server/src/store/open-store.ts';
import type { Store } from '../../server/src/store/port.ts';

const SYSTEM = systemActor();
const PASSWORD = 'correct horse battery staple';
type Wrong = 'outsider' | 'sharee' | 'otherAdmin';
const ALL: Wrong[] = ['outsider', 'sharee', 'otherAdmin'];
/** For reading what was shared: the sharee may; the row gives them an unshared collection instead. */
const READ: Wrong[] = ALL;

const EVENT = ['BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//t//EN', 'BEGIN:VEVENT', 'UID:ev1', 'DTSTAMP:20260101T000000Z',
  'DTSTART:20260601T090000Z', 'DTEND:20260601T100000Z', 'SUMMARY:Private meeting', 'ORGANIZER:mailto:owner@a.example',
  'ATTENDEE;PARTSTAT=ACCEPTED:mailto:owner@a.example', 'ATTENDEE;PARTSTAT=NEEDS-ACTION:mailto:outsider@a.example', 'END:VEVENT', 'END:VCALENDAR', ''].join('\r\n');
const TASK = ['BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//t//EN', 'BEGIN:VTODO', 'UID:t1', 'DTSTAMP:20260101T000000Z', 'SUMMARY:Private task', 'END:VTODO', 'END:VCALENDAR', ''].join('\r\n');
const CARD = ['BEGIN:VCARD', 'VERSION:3.0', 'UID:c1', 'FN:Private Person', 'N:Person;Private;;;', 'END:VCARD', ''].join('\r\n');
const REPLY = ['BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//t//EN', 'METHOD:REPLY', 'BEGIN:VEVENT', 'UID:ev1', 'DTSTAMP:20260102T000000Z',
  'ORGANIZER:mailto:owner@a.example', 'ATTENDEE;PARTSTAT=ACCEPTED:mailto:outsider@a.example', 'END:VEVENT', 'END:VCALENDAR', ''].join('\r\n');
const FREEBUSY = ['BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//t//EN', 'METHOD:REQUEST', 'BEGIN:VFREEBUSY', 'UID:fb', 'DTSTAMP:20260101T000000Z',
  'DTSTART:20260601T000000Z', 'DTEND:20260602T000000Z', 'ORGANIZER:mailto:admin@b.example', 'ATTENDEE:mailto:owner@a.example', 'END:VFREEBUSY', 'END:VCALENDAR', ''].join('\r\n');
const VEVENTS: CompFilter = { name: 'VCALENDAR', isNotDefined: false, timeRange: null, props: [], comps: [{ name: 'VEVENT', isNotDefined: false, timeRange: null, props: [], comps: [] }] };
const JUNE = { start: Date.parse('2026-06-01T00:00:00Z'), end: Date.parse('2026-06-02T00:00:00Z') };

/** Refused: FORBIDDEN (no right or role) or NOT_FOUND (outside the caller's scope, answered as missing). */
async function refused(call: Promise<unknown>, label: string): Promise<void> {
  await assert.rejects(call, (err: unknown) => {
    assert.ok(isStoaError(err, 'STOA_FORBIDDEN') || isStoaError(err, 'STOA_NOT_FOUND'), `${label}: ${String(err)}`);
    return true;
  }, `${label} was not refused`);
}

describe('every DAV service method refuses a principal without the right', () => {
  let dir: string;
  let store: Store;
  let s: Services;
  const who = {} as Record<Wrong | 'owner', Actor>;
  let ownerId: string;
  /** Shared read-only with the sharee. */
  let calendar: string;
  let contacts: string;
  /** Not shared with anyone. */
  let tasks: string;
  let privateBook: string;
  let event: DavObject;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'stoa-dav-principals-'));
    const config = defaultConfig();
    config.dataDir = dir;
    config.store.sqlite.path = join(dir, 'stoa.db');
    config.store.blobs.path = join(dir, 'blobs');
    config.auth.argon2 = { memoryKiB: 1024, passes: 1, parallelism: 1 };
    config.log.level = 'silent';
    config.dns.servers = ['127.0.0.1:9'];
    store = await openStore(config);
    s = createServices(config, store, createLogger(config), { defaultMetrics: false });
    await s.directory.domains.create(SYSTEM, { name: 'a.example' });
    await s.directory.domains.create(SYSTEM, { name: 'b.example' });
    const [owner, outsider, sharee] = await Promise.all(['owner', 'outsider', 'sharee'].map((l) => s.directory.accounts.create(SYSTEM, { address: `${l}@a.example`, password: PASSWORD })));
    await s.directory.accounts.create(SYSTEM, { address: 'admin@b.example', password: PASSWORD });
    const admin = await s.directory.accounts.grantRole(SYSTEM, 'admin@b.example', { role: 'domain-admin', domains: ['b.example'] });
    ownerId = owner.id;
    Object.assign(who, { owner: actorFor(owner, null), outsider: actorFor(outsider, null), sharee: actorFor(sharee, null), otherAdmin: actorFor(admin, null) });
    const dav = s.dav;
    await dav.collections.ensureDefaults(who.owner, ownerId);
    const home = await dav.collections.home(who.owner, ownerId, 'calendar');
    calendar = home.find((e) => e.collection.role === 'calendar')!.collection.id;
    tasks = home.find((e) => e.collection.role === 'tasks')!.collection.id;
    contacts = (await dav.collections.home(who.owner, ownerId, 'addressbook')).find((e) => e.collection.role === 'addressbook')!.collection.id;
    privateBook = (await dav.collections.create(who.owner, ownerId, 'addressbook', { uri: 'private', displayName: 'Private' })).collection.id;
    event = (await dav.calendar.put(who.owner, calendar, 'ev1.ics', EVENT)).object;
    await dav.collections.putObject(who.owner, tasks, 't1.ics', TASK);
    await dav.collections.putObject(who.owner, contacts, 'c1.vcf', CARD);
    await dav.collections.putObject(who.owner, privateBook, 'c1.vcf', CARD);
    await dav.collections.share(who.owner, calendar, 'sharee@a.example', 'read');
    await dav.collections.share(who.owner, contacts, 'sharee@a.example', 'read');
    await s.directory.grants.grant(who.owner, { kind: 'account', ref: ownerId }, { grantee: 'outsider@a.example', right: 'send-as' });
  });
  after(async () => {
    await s.filter.verdicts.flush();
    await store.close();
    await rm(dir, { recursive: true, force: true });
  });

  /** The collection a read row uses: the shared one, but for the sharee (who may read it) the unshared one of the same kind. */
  const readable = (p: Wrong, kind: 'calendar' | 'addressbook' = 'calendar'): string => (p === 'sharee' ? (kind === 'calendar' ? tasks : privateBook) : (kind === 'calendar' ? calendar : contacts));

  interface Row { wrong: readonly Wrong[]; call: (p: Actor, name: Wrong) => Promise<void> }
  const row = (wrong: readonly Wrong[], call: Row['call']): Row => ({ wrong, call });

  const collectionRows: Record<string, Row> = {
    // Users see accounts of their own domain (to share and invite); another domain's admin does not.
    principal: row(['otherAdmin'], (p) => refused(s.dav.collections.principal(p, 'owner@a.example'), 'principal')),
    ensureDefaults: row(ALL, (p) => refused(s.dav.collections.ensureDefaults(p, ownerId), 'ensureDefaults for another account')),
    home: row(ALL, async (p, name) => {
      const seen = (await s.dav.collections.home(p, ownerId, 'calendar')).map((e) => e.collection.id);
      assert.deepEqual(seen, name === 'sharee' ? [calendar] : [], 'home shows only what was shared');
    }),
    get: row(READ, (p, n) => refused(s.dav.collections.get(p, readable(n)), 'get')),
    find: row(READ, (p, n) => refused(s.dav.collections.find(p, ownerId, 'calendar', n === 'sharee' ? 'tasks' : 'calendar'), 'find')),
    create: row(ALL, (p) => refused(s.dav.collections.create(p, ownerId, 'calendar', { uri: 'planted' }), 'create in another account')),
    update: row(ALL, (p) => refused(s.dav.collections.update(p, calendar, { displayName: 'Renamed' }), 'update')),
    delete: row(ALL, (p) => refused(s.dav.collections.delete(p, calendar), 'delete')),
    listObjects: row(READ, (p, n) => refused(s.dav.collections.listObjects(p, readable(n)), 'listObjects')),
    listObjectData: row(READ, (p, n) => refused(s.dav.collections.listObjectData(p, readable(n)), 'listObjectData')),
    getObject: row(READ, (p, n) => refused(s.dav.collections.getObject(p, readable(n), n === 'sharee' ? 't1.ics' : 'ev1.ics'), 'getObject')),
    getObjects: row(READ, (p, n) => refused(s.dav.collections.getObjects(p, readable(n), ['ev1.ics', 't1.ics']), 'getObjects')),
    objectsInRange: row(READ, (p, n) => refused(s.dav.collections.objectsInRange(p, readable(n), JUNE.start, JUNE.end), 'objectsInRange')),
    putObject: row(ALL, (p) => refused(s.dav.collections.putObject(p, calendar, 'ev1.ics', EVENT.replace('Private meeting', 'Changed')), 'putObject')),
    deleteObject: row(ALL, (p) => refused(s.dav.collections.deleteObject(p, calendar, 'ev1.ics'), 'deleteObject')),
    transferObject: row(ALL, (p) => refused(s.dav.collections.transferObject(p, { id: calendar, name: 'ev1.ics' }, { id: calendar, name: 'moved.ics' }, { move: true, overwrite: false }), 'transferObject')),
    changes: row(READ, (p, n) => refused(s.dav.collections.changes(p, readable(n), 0), 'changes')),
    shares: row(ALL, (p) => refused(s.dav.collections.shares(p, calendar), 'shares')),
    share: row(ALL, (p) => refused(s.dav.collections.share(p, calendar, 'outsider@a.example', 'read-write'), 'share')),
    delegations: row(ALL, (p) => refused(s.dav.collections.delegations(p, ownerId), 'delegations')),
    delegate: row(ALL, (p) => refused(s.dav.collections.delegate(p, ownerId, 'outsider@a.example', 'read-write'), 'delegate')),
    delegators: row(ALL, (p) => refused(s.dav.collections.delegators(p, ownerId), 'delegators')),
    usage: row(ALL, (p) => refused(s.dav.collections.usage(p, ownerId), 'usage')),
    quota: row(ALL, (p) => refused(s.dav.collections.quota(p, ownerId), 'quota')),
  };

  const calendarRows: Record<string, Row> = {
    query: row(READ, (p, n) => refused(s.dav.calendar.query(p, readable(n), VEVENTS, null), 'query')),
    multiget: row(READ, (p, n) => refused(s.dav.calendar.multiget(p, readable(n), ['ev1.ics'], null), 'multiget')),
    shape: row(READ, (p, n) => refused(s.dav.calendar.shape(p, readable(n), event, null), 'shape')),
    put: row(ALL, (p) => refused(s.dav.calendar.put(p, calendar, 'ev1.ics', EVENT.replace('Private meeting', 'Changed')), 'put')),
    remove: row(ALL, (p) => refused(s.dav.calendar.remove(p, calendar, 'ev1.ics'), 'remove')),
    // Colleagues of the owner's domain see busy time (RFC 6638 §5); another domain's admin gets "invalid calendar user".
    scheduleFreeBusy: row(['otherAdmin'], async (p) => {
      const [answer] = await s.dav.calendar.scheduleFreeBusy(p, FREEBUSY);
      assert.equal(answer.data, null);
      assert.match(answer.status, /^3\.7/);
    }),
    freeBusy: row(READ, (p, n) => refused(s.dav.calendar.freeBusy(p, readable(n), JUNE), 'freeBusy')),
  };

  const contactsRows: Record<string, Row> = {
    query: row(READ, (p, n) => refused(s.dav.contacts.query(p, readable(n, 'addressbook'), { test: 'anyof', props: [] }, { version: null, props: null }, null), 'query')),
    multiget: row(READ, (p, n) => refused(s.dav.contacts.multiget(p, readable(n, 'addressbook'), ['c1.vcf'], { version: null, props: null }), 'multiget')),
    // The global address list is the caller's own domain's: another domain's admin sees nobody of a.example.
    directory: row(['otherAdmin'], async (p) => {
      const { cards } = await s.dav.contacts.directory(p);
      assert.ok(!cards.some((c) => c.data.includes('a.example')), 'no entry of another domain');
    }),
    queryDirectory: row(['otherAdmin'], async (p) => {
      const { results } = await s.dav.contacts.queryDirectory(p, { test: 'anyof', props: [] }, { version: null, props: null }, null);
      assert.ok(!results.some((c) => c.data.includes('a.example')), 'no entry of another domain');
    }),
  };

  const schedulerRows: Record<string, Row> = {
    afterWrite: row(ALL, (p) => refused(s.dav.scheduler.afterWrite(p, calendar, EVENT, null), 'afterWrite')),
    afterDelete: row(ALL, (p) => refused(s.dav.scheduler.afterDelete(p, calendar, EVENT), 'afterDelete')),
    freeBusyOf: row(['otherAdmin'], async (p) => {
      const [answer] = await s.dav.scheduler.freeBusyOf(p, ['owner@a.example'], JUNE.start, JUNE.end, JUNE.start);
      assert.equal(answer.data, null);
      assert.match(answer.status, /^3\.7/);
    }),
    applyImipReply: row(ALL, (p) => refused(s.dav.scheduler.applyImipReply(p, { id: ownerId, address: 'owner@a.example' }, REPLY, 'outsider@a.example', { principal: p }), 'applyImipReply as a user')),
    applyImipRequest: row(ALL, (p) => refused(s.dav.scheduler.applyImipRequest(p, { id: ownerId, address: 'owner@a.example' }, EVENT.replace('VERSION:2.0', 'VERSION:2.0\r\nMETHOD:REQUEST'), 'outsider@a.example', { principal: p }), 'applyImipRequest as a user')),
  };

  const tables = (): Array<[string, object, Record<string, Row>]> => [
    ['CollectionService', s.dav.collections, collectionRows],
    ['CalendarService', s.dav.calendar, calendarRows],
    ['ContactsService', s.dav.contacts, contactsRows],
    ['Scheduler', s.dav.scheduler, schedulerRows],
  ];

  test('the table has a row for every method of every DAV service, and nothing else', () => {
    for (const [name, service, rows] of tables()) {
      const methods = Object.keys(service).filter((k) => typeof (service as Record<string, unknown>)[k] === 'function').sort();
      assert.deepEqual(Object.keys(rows).sort(), methods, `${name}: methods without a row, or rows without a method`);
    }
  });

  for (const name of ['CollectionService', 'CalendarService', 'ContactsService', 'Scheduler']) {
    test(`${name}: each method called with each wrong principal is refused or answers as missing`, async () => {
      const rows = tables().find(([n]) => n === name)![2];
      for (const [method, r] of Object.entries(rows)) {
        assert.ok(r.wrong.length > 0, `${name}.${method} names its wrong principals`);
        for (const p of r.wrong) {
          await r.call(who[p], p).catch((err: unknown) => { throw new Error(`${name}.${method} as ${p}: ${(err as Error).message}`, { cause: err }); });
        }
      }
    });
  }

  test('nothing the refused calls attempted happened', async () => {
    const home = await s.dav.collections.home(who.owner, ownerId, 'calendar');
    assert.deepEqual(home.map((e) => e.collection.uri).sort(), ['calendar', 'inbox', 'tasks']);
    assert.deepEqual((await s.dav.collections.listObjects(who.owner, calendar)).map((o) => o.name), ['ev1.ics']);
    assert.match((await s.dav.collections.getObject(who.owner, calendar, 'ev1.ics')).data, /Private meeting/);
    assert.deepEqual((await s.dav.collections.shares(who.owner, calendar)).map((g) => [g.grantee.address, g.access]), [['sharee@a.example', 'read']]);
    assert.deepEqual(await s.dav.collections.delegations(who.owner, ownerId), []);
    assert.equal(/PARTSTAT=ACCEPTED:mailto:outsider/.test((await s.dav.collections.getObject(who.owner, calendar, 'ev1.ics')).data), false, 'no reply was recorded');
  });

  test('the same calls succeed for principals holding the rights', async () => {
    assert.equal((await s.dav.collections.listObjects(who.sharee, calendar)).length, 1, 'the sharee reads what was shared');
    assert.equal((await s.dav.calendar.query(who.sharee, calendar, VEVENTS, null)).length, 1);
    assert.equal((await s.dav.contacts.multiget(who.sharee, contacts, ['c1.vcf'], { version: '4.0', props: null })).found.length, 1);
    const [busy] = await s.dav.scheduler.freeBusyOf(who.outsider, ['owner@a.example'], JUNE.start, JUNE.end, JUNE.start);
    assert.match(busy.status, /^2\.0/, 'a colleague sees busy time');
    assert.equal(await s.dav.scheduler.applyImipReply(SYSTEM, { id: ownerId, address: 'owner@a.example' }, REPLY, 'outsider@a.example', { principal: who.outsider }), 'applied', 'the server applies a reply its sender submitted');
  });
});
