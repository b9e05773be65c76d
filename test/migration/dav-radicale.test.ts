// Calendars, tasks and contacts from a real Radicale (Debian radicale) over
// CalDAV/CardDAV: discovery from the server root, every collection, every
// object as the server serves it, re-runs that store nothing, and wrong
// credentials, into Stoa's calendar and contacts services (docs/dav.md).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, test } from 'node:test';
import { splitCalendar, splitVCards } from '../../migration/src/groupware/objects.ts';
import { davSource } from '../../migration/src/sources/dav/dav-source.ts';
import { startRadicale, type Radicale } from '../support/radicale.ts';
import { openTarget, user, type Target } from './harness.ts';
import { BERLIN_TZ, CALENDAR_ICS, CONTACTS_VCF } from './samples.ts';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const tools = spawnSync('sh', [join(REPO, 'scripts/ensure-test-tools.sh')], { encoding: 'utf8' });

const mkcol = (displayName: string, components: string[] | null) => `<?xml version="1.0" encoding="utf-8"?>
<D:mkcol xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav" xmlns:CR="urn:ietf:params:xml:ns:carddav"><D:set><D:prop>
<D:resourcetype><D:collection/>${components ? '<C:calendar/>' : '<CR:addressbook/>'}</D:resourcetype><D:displayname>${displayName}</D:displayname>
${components ? `<C:supported-calendar-component-set>${components.map((c) => `<C:comp name="${c}"/>`).join('')}</C:supported-calendar-component-set>` : ''}
</D:prop></D:set></D:mkcol>`;

describe('CalDAV/CardDAV from a real Radicale', () => {
  let radicale: Radicale;
  let target: Target;
  const put = async (path: string, text: string, type: string) => {
    const r = await radicale.call('anna', 'anna-pw', 'PUT', path, text, { 'content-type': type });
    assert.ok(r.status === 201 || r.status === 204, `PUT ${path}: ${r.status} ${r.body}`);
  };

  before(async () => {
    assert.equal(tools.status, 0, `scripts/ensure-test-tools.sh could not install radicale: ${tools.stderr}`);
    radicale = await startRadicale([{ name: 'anna', password: 'anna-pw' }]);
    for (const [path, name, comps] of [['/anna/work/', 'Work', ['VEVENT', 'VTODO']], ['/anna/todo/', 'Errands', ['VTODO']], ['/anna/people/', 'People', null]] as const) {
      const r = await radicale.call('anna', 'anna-pw', 'MKCOL', path, mkcol(name, comps ? [...comps] : null), { 'content-type': 'application/xml' });
      assert.equal(r.status, 201, `MKCOL ${path}: ${r.body}`);
    }
    for (const s of splitCalendar(CALENDAR_ICS)) if ('object' in s && s.object.kind === 'event') await put(`/anna/work/${encodeURIComponent(s.object.uid)}.ics`, s.object.text, 'text/calendar');
    await put('/anna/todo/milk.ics', ['BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//test//EN', 'BEGIN:VTODO', 'UID:milk@example.com', 'DTSTAMP:20250101T000000Z', 'SUMMARY:Buy milk', 'DUE;TZID=Europe/Berlin:20250110T180000', 'END:VTODO', ...BERLIN_TZ, 'END:VCALENDAR', ''].join('\r\n'), 'text/calendar');
    for (const [i, s] of splitVCards(CONTACTS_VCF).entries()) if ('object' in s) await put(`/anna/people/card${i}.vcf`, s.object.text, 'text/vcard');
    target = await openTarget();
  });
  after(async () => {
    await target?.close();
    await radicale?.stop();
  });

  test('discovers every collection from the server root and imports each object as the server serves it', async () => {
    const report = await target.run(davSource({ url: `${radicale.url}/` }), [user('anna', 'anna@example.org', { source: { identity: 'anna', secret: 'anna-pw' } })]);
    const u = report.users[0];
    assert.equal(u.state, 'done', u.error ?? '');
    assert.equal(report.ok, true, JSON.stringify(u.folders));
    const byName = Object.fromEntries(u.folders.map((f) => [f.source, f]));
    assert.equal(byName.Work.kind, 'calendar');
    assert.equal(byName.Work.target, 'calendar', 'the only calendar fills the default one');
    assert.equal(byName.Work.imported, 2);
    assert.equal(byName.Errands.kind, 'tasks');
    assert.equal(byName.Errands.imported, 1);
    assert.equal(byName.People.kind, 'contacts');
    assert.equal(byName.People.imported, 2);
    for (const f of u.folders) assert.deepEqual(f.sample.mismatched, []);

    const cal = (await target.groupware.collection('anna@example.org', 'calendar'))!;
    const served = await radicale.call('anna', 'anna-pw', 'GET', `/anna/work/${encodeURIComponent('weekly-1@example.com')}.ics`);
    assert.equal(cal.objects.get('weekly-1@example.com'), served.body, 'stored as served');
    assert.match(served.body, /RECURRENCE-ID/);
    assert.ok((await target.groupware.collection('anna@example.org', 'tasks'))!.objects.has('milk@example.com'));
    assert.equal((await target.groupware.collection('anna@example.org', 'contacts'))!.objects.size, 2);
  });

  test('running the DAV import again stores nothing', async () => {
    const puts = target.groupware.puts;
    const report = await target.run(davSource({ url: `${radicale.url}/` }), [user('anna', 'anna@example.org', { source: { identity: 'anna', secret: 'anna-pw' } })]);
    assert.equal(report.totals.imported, 0);
    assert.equal(report.totals.skipped, 5);
    assert.equal(target.groupware.puts, puts);
  });

  test('a new event at the source is the only thing a later run imports', async () => {
    await put('/anna/work/late.ics', ['BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//test//EN', 'BEGIN:VEVENT', 'UID:late@example.com', 'DTSTAMP:20250101T000000Z', 'DTSTART:20250601T090000Z', 'SUMMARY:Late', 'END:VEVENT', 'END:VCALENDAR', ''].join('\r\n'), 'text/calendar');
    const report = await target.run(davSource({ url: `${radicale.url}/` }), [user('anna', 'anna@example.org', { source: { identity: 'anna', secret: 'anna-pw' } })]);
    assert.equal(report.totals.imported, 1);
  });

  test('a wrong password fails the user with the reason', async () => {
    const report = await target.run(davSource({ url: `${radicale.url}/` }), [user('anna', 'anna2@example.org', { source: { identity: 'anna', secret: 'nope' } })]);
    assert.equal(report.users[0].state, 'failed');
    assert.match(report.users[0].error!, /401|credentials/);
  });
});
