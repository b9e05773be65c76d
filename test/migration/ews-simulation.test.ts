// Exchange through EWS, against a SIMULATED endpoint (test/support/
// ews-simulation.ts) playing back recorded SOAP exchanges shaped like
// Microsoft's published examples: no real Exchange is reachable here.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import ICAL from 'ical.js';
import { after, before, describe, test } from 'node:test';
import { splitCalendar } from '../../migration/src/groupware/objects.ts';
import { ewsSource, type EwsSourceConfig } from '../../migration/src/sources/ews/ews-source.ts';
import { fastTransferMessage, startEwsSimulation, type EwsSimulation } from '../support/ews-simulation.ts';
import { openTarget, SYSTEM, user, type Target } from './harness.ts';
import { corpusMessage } from './samples.ts';

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const ANNA = { identity: 'anna@contoso.example', secret: 'anna-pw' };

describe('EWS (simulated Exchange endpoint with recorded SOAP exchanges)', () => {
  let sim: EwsSimulation;
  let target: Target;
  const source = (extra: Partial<EwsSourceConfig> = {}) => ewsSource({ url: sim.url, streamAbove: 100_000, ...extra });

  before(async () => {
    sim = await startEwsSimulation({
      users: { 'anna@contoso.example': 'anna-pw' },
      tokens: { 'eyJ0eXAiOiJKV1Qi.online-token': 'anna@contoso.example', 'eyJ0eXAiOiJKV1Qi.svc-token': 'svc@contoso.example' },
      serviceAccount: { user: 'svc@contoso.example', password: 'svc-pw', mailboxes: ['anna@contoso.example'] },
      busyFindItem: { folderId: 'AAMkInbox', times: 1 },
      pageSize: 2,
      fts: {
        msg4: fastTransferMessage({
          subject: 'Quartalszahlen (rights-protected original)', from: ['Ben Meyer', 'ben@contoso.example'], to: [['Anna Schmidt', 'anna@contoso.example']],
          sent: new Date('2024-02-04T10:59:00Z'), messageId: '<q4-numbers@contoso.example>', text: 'Numbers attached.', html: '<p>Numbers attached.</p>',
          attachment: { filename: 'Zahlen Q4.xlsx', type: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', data: Buffer.alloc(5000, 7) },
          embeddedSubject: 'Fwd: earlier numbers',
        }),
      },
    });
    target = await openTarget();
  });
  after(async () => {
    await target?.close();
    await sim?.close();
  });

  test('(simulated EWS) a mailbox arrives whole: folders, special folders from the well-known ones, flags, categories, a streamed large message, ExportItems for one Exchange cannot convert, busy answers waited out', async () => {
    const report = await target.run(source(), [user(ANNA.identity, 'anna@example.org', { source: ANNA })], { retry: { retries: 3, baseDelayMs: 10, maxDelayMs: 100 } });
    const u = report.users[0];
    assert.equal(u.state, 'done', u.error ?? '');
    const f = (name: string) => u.folders.find((x) => x.source === name)!;
    assert.equal(f('INBOX').target, 'INBOX');
    assert.equal(f('Gesendete Elemente').target, 'Sent');
    assert.equal(f('INBOX/Projekte').target, 'INBOX/Projekte');
    assert.equal(f('Kalender').target, 'calendar');
    assert.equal(f('Kontakte').target, 'contacts');
    assert.equal(f('Aufgaben').target, 'tasks');
    assert.match(f('Notizen').reason!, /IPF.StickyNote/);
    assert.match(f('Kontakte/Recipient Cache').reason!, /IPF.Contact.RecipientCache/);
    assert.match(f('Postausgang').reason!, /Outbox/);

    const inbox = f('INBOX');
    assert.equal(inbox.atSource, 5);
    assert.equal(inbox.imported, 4);
    assert.equal(inbox.failed, 1);
    assert.match(inbox.problems[0].detail, /ErrorItemNotFound/);
    assert.equal(sim.calls.filter((c) => c.operation === 'FindItem' && c.detail === 'AAMkInbox@0').length, 2, 'the busy answer was retried');
    assert.ok(sim.calls.some((c) => c.operation === 'ExportItems' && c.detail === 'AAMkMsg4'));
    assert.ok(sim.calls.some((c) => c.operation === 'GetItem' && c.detail === 'AAMkMsg3'), 'the large message has a GetItem of its own (streamed)');
    assert.deepEqual(inbox.sample.mismatched, []);

    const snap = await target.snapshot('anna@example.org');
    const line = (path: string) => snap.INBOX.find((l) => l.startsWith(sha(corpusMessage(path))));
    assert.match(line('plain/basic-flowed-crlf.eml')!, /\\Seen \\Answered \\Flagged Projekt_X Rote_Kategorie 2024-02-01T08:00:00/);
    assert.match(line('encoded/qp-utf8-plain.eml')!, /^\S+ {2}2024-02-02T09:30:00/);
    assert.match(line('attachments/large-3mb-image-apple-mail.eml')!, /\\Seen \$Forwarded/);
    assert.equal(snap['INBOX/Projekte'].length, 2);
    assert.equal(snap.Sent.length, 1);

    // The converted export: headers from the properties, the attachment and the attached message.
    const exported = snap.INBOX.filter((l) => !['plain/basic-flowed-crlf.eml', 'encoded/qp-utf8-plain.eml', 'attachments/large-3mb-image-apple-mail.eml'].some((p) => l.startsWith(sha(corpusMessage(p)))));
    assert.equal(exported.length, 1);
    const account = await target.directory.accounts.get(SYSTEM, 'anna@example.org');
    const box = (await target.mail.mailboxes.list(SYSTEM, account.id)).find((m) => m.name === 'INBOX')!;
    const records = await target.mail.messages.fetch(SYSTEM, box.id, [[1, 100]]);
    const rec = records.find((r) => r.blobId === exported[0].split(' ')[0])!;
    const chunks: Buffer[] = [];
    for await (const c of await target.mail.messages.open(SYSTEM, rec)) chunks.push(c as Buffer);
    const mime = Buffer.concat(chunks).toString('utf8');
    assert.match(mime, /^Subject: Quartalszahlen/m);
    assert.match(mime, /^Message-ID: <q4-numbers@contoso.example>/m);
    assert.match(mime, /^From: "Ben Meyer" <ben@contoso.example>/m);
    assert.match(mime, /Content-Type: multipart\/mixed/);
    assert.match(mime, /Content-Disposition: attachment; filename="Zahlen Q4.xlsx"/);
    assert.match(mime, /Content-Type: message\/rfc822/);
    assert.match(mime, /Subject: Fwd: earlier numbers/);
  });

  test('(simulated EWS) a weekly meeting becomes one iCalendar object: Berlin time zone, RRULE, the deleted occurrence as EXDATE, the moved one as an override', async () => {
    const cal = (await target.groupware.collection('anna@example.org', 'calendar'))!;
    assert.equal(cal.objects.size, 3);
    const weekly = cal.objects.get('040000008200E00074C5B7101A82E0080000000010B0FDA5E0E0DA01000000000000000010000000A3B1B6F2A9E8C44BB39B6F4C1E4A7D2F')!;
    assert.ok(weekly, [...cal.objects.keys()].join(', '));
    const split = splitCalendar(weekly);
    assert.ok('object' in split[0], 'valid iCalendar');
    const unfolded = weekly.replace(/\r\n /g, '');
    assert.match(unfolded, /DTSTART;TZID=Europe\/Berlin:20250106T100000/);
    assert.match(unfolded, /RRULE:FREQ=WEEKLY;BYDAY=MO;WKST=MO;COUNT=10/);
    assert.match(unfolded, /EXDATE;TZID=Europe\/Berlin:20250120T100000/);
    assert.match(unfolded, /RECURRENCE-ID;TZID=Europe\/Berlin:20250113T100000/);
    assert.match(unfolded, /LOCATION:Raum 3\.01/);
    assert.match(unfolded, /ATTENDEE;CN=Chloé Dubois;ROLE=REQ-PARTICIPANT;PARTSTAT=TENTATIVE:mailto:chloe@fabrikam.example/);
    assert.match(unfolded, /ATTENDEE;CN=Raum 2\.14;ROLE=NON-PARTICIPANT;CUTYPE=RESOURCE;PARTSTAT=ACCEPTED/);
    assert.match(unfolded, /TRIGGER:-PT15M/);
    assert.match(unfolded, /DESCRIPTION:Agenda: status\\, blockers\\; next steps\./);
    assert.match(unfolded, /BEGIN:VTIMEZONE\r\nTZID:Europe\/Berlin[\s\S]*BEGIN:DAYLIGHT[\s\S]*RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU/);
    // Expanded as a client would: ten Mondays, minus the deleted one, the 13th moved to the 14th.
    const comp = new ICAL.Component(ICAL.parse(weekly));
    const master = new ICAL.Event(comp.getAllSubcomponents('vevent').find((v) => !v.hasProperty('recurrence-id'))!, { exceptions: comp.getAllSubcomponents('vevent').filter((v) => v.hasProperty('recurrence-id')) });
    const it = master.iterator();
    const starts: string[] = [];
    for (let next = it.next(); next; next = it.next()) {
      const d = master.getOccurrenceDetails(next);
      starts.push(d.startDate.toString());
    }
    assert.equal(starts.length, 9, starts.join(' '));
    // Wall-clock times in Europe/Berlin: 10:00 every week, also after the change to summer time on 30 March.
    assert.ok(starts.includes('2025-01-14T10:00:00'), starts.join(' '));
    assert.ok(!starts.includes('2025-01-20T10:00:00'));
    assert.ok(starts.every((s) => s.endsWith('T10:00:00')));
    assert.equal(starts[starts.length - 1], '2025-03-10T10:00:00');

    const allDay = [...cal.objects.values()].find((o) => o.includes('Betriebsausflug'))!;
    assert.match(allDay, /DTSTART;VALUE=DATE:20250613/);
    assert.match(allDay, /DTEND;VALUE=DATE:20250614/);
    assert.match(allDay, /CLASS:PRIVATE/);
    assert.match(allDay, /TRANSP:TRANSPARENT/);
    const seattle = cal.objects.get('call-seattle-2025@contoso.example')!;
    assert.match(seattle, /DTSTART;TZID=America\/Los_Angeles:20250310T090000/, 'PDT began on 9 March');
    assert.match(seattle, /STATUS:CANCELLED/);
  });

  test('(simulated EWS) contacts become vCards, a contact group is reported, tasks become VTODOs', async () => {
    const cards = (await target.groupware.collection('anna@example.org', 'contacts'))!;
    assert.equal(cards.objects.size, 2);
    const ben = [...cards.objects.values()].find((c) => c.includes('FN:Ben Meyer'))!;
    assert.match(ben, /N:Meyer;Ben;;;/);
    assert.match(ben, /ORG:Contoso GmbH;Vertrieb/);
    assert.match(ben, /EMAIL;PREF=1:ben@contoso.example/);
    assert.match(ben, /TEL;TYPE="cell":\+49 170 1234567|TEL;TYPE=cell:\+49 170 1234567/);
    assert.match(ben, /ADR;TYPE=work:;;Hauptstraße 5;Köln;NRW;50667;Deutschland/);
    assert.match(ben, /BDAY:19800412/);
    const report = await target.run(source(), [user(ANNA.identity, 'anna@example.org', { source: ANNA })]);
    const contacts = report.users[0].folders.find((f) => f.source === 'Kontakte')!;
    assert.equal(contacts.failedBy.malformed, 1);
    assert.match(contacts.problems.find((p) => p.code === 'malformed')!.detail, /contact groups/);

    const tasks = (await target.groupware.collection('anna@example.org', 'tasks'))!;
    const offer = [...tasks.objects.values()].find((o) => o.includes('Angebot schreiben'))!;
    assert.match(offer, /DUE;VALUE=DATE:20250214/);
    assert.match(offer, /DTSTART;VALUE=DATE:20250210/);
    assert.match(offer, /STATUS:IN-PROCESS/);
    assert.match(offer, /PRIORITY:1/);
    assert.match(offer, /PERCENT-COMPLETE:50/);
    assert.match(offer, /TRIGGER;VALUE=DATE-TIME:20250214T080000Z/);
    assert.match([...tasks.objects.values()].find((o) => o.includes('Reisekosten'))!, /STATUS:COMPLETED[\s\S]*COMPLETED:20250120T090000Z|COMPLETED:20250120T090000Z[\s\S]*STATUS:COMPLETED/);
  });

  test('(simulated EWS) running the import again stores nothing', async () => {
    const before = await target.snapshot('anna@example.org');
    const puts = target.groupware.puts;
    const report = await target.run(source(), [user(ANNA.identity, 'anna@example.org', { source: ANNA })]);
    assert.equal(report.totals.imported, 0);
    assert.deepEqual(await target.snapshot('anna@example.org'), before);
    assert.equal(target.groupware.puts, puts);
  });

  test('(simulated EWS) a service account with ApplicationImpersonation imports a mailbox it may act as; others are refused per user', async () => {
    const report = await target.run(source({ impersonation: true, adminUser: 'svc@contoso.example', adminSecret: 'svc-pw' }), [
      user('anna@contoso.example', 'anna-imp@example.org'),
      user('ceo@contoso.example', 'ceo@example.org'),
    ], { concurrency: 2 });
    assert.equal(report.users[0].state, 'done', report.users[0].error ?? '');
    assert.ok(report.users[0].totals.imported > 0);
    assert.ok(sim.calls.some((c) => c.mailbox === 'anna@contoso.example' && c.operation === 'FindFolder'));
    assert.equal(report.users[1].state, 'failed');
    assert.match(report.users[1].error!, /ErrorImpersonateUserDenied/);
  });

  test('(simulated EWS) Exchange Online with an OAuth bearer token; a wrong password fails the user', async () => {
    const online = await target.run(source({ auth: 'bearer' }), [user('anna@contoso.example', 'anna-online@example.org', { source: { identity: 'anna@contoso.example', secret: 'eyJ0eXAiOiJKV1Qi.online-token' } })]);
    assert.equal(online.users[0].state, 'done', online.users[0].error ?? '');
    const wrong = await target.run(source(), [user('anna@contoso.example', 'anna-wrong@example.org', { source: { identity: 'anna@contoso.example', secret: 'nope' } })]);
    assert.equal(wrong.users[0].state, 'failed');
    assert.match(wrong.users[0].error!, /401/);
  });
});
