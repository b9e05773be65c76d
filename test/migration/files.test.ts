// Imports from mbox, Maildir, .eml, .ics, .vcf and Outlook CSV samples into
// a real Stoa store through the services, and re-runs of each import that
// must change nothing.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { emlSource } from '../../migration/src/sources/files/eml-source.ts';
import { icsSource, outlookCsvSource, vcfSource } from '../../migration/src/sources/files/groupware-file-source.ts';
import { maildirSource } from '../../migration/src/sources/files/maildir-source.ts';
import { mboxSource } from '../../migration/src/sources/files/mbox-source.ts';
import { openTarget, sha256, user, type Target } from './harness.ts';
import { CALENDAR_ICS, CONTACTS_VCF, OUTLOOK_CSV, corpusSample, writeMaildir, writeMbox } from './samples.ts';

const work = mkdtempSync(join(tmpdir(), 'stoa-migrate-files-'));
after(() => rmSync(work, { recursive: true, force: true }));

const folderOf = (report: Awaited<ReturnType<Target['run']>>, source: string) => {
  const f = report.users[0].folders.find((x) => x.source === source);
  assert.ok(f, `no folder ${source} in ${report.users[0].folders.map((x) => x.source).join(', ')}`);
  return f;
};

describe('mbox', () => {
  let target: Target;
  const sample = corpusSample(40);
  const path = join(work, 'Archive 2019');
  before(async () => {
    target = await openTarget();
    writeMbox(path, [
      ...sample.map((m, i) => ({ bytes: m.bytes, status: i % 2 === 0 ? 'Status: RO' : undefined })),
      { bytes: Buffer.from('\u0000\u0001binary garbage that is no message\n') },
      { bytes: Buffer.from('Subject: body has a From line\n\nFrom here on, quoted.\n>From there too.\n'), status: 'X-Mozilla-Status: 0005' },
    ]);
  });
  after(() => target.close());

  test('an mbox file is imported byte for byte with client flags and the From-line date; a bad entry is reported', async () => {
    const report = await target.run(mboxSource(), [user(path, 'archive@example.org')]);
    const f = folderOf(report, 'Archive 2019');
    assert.equal(f.atSource, sample.length + 2);
    assert.equal(f.imported, sample.length + 1);
    assert.equal(f.failed, 1);
    assert.equal(f.failedBy.malformed, 1);
    assert.match(f.problems[0].detail, /does not start with a header field/);
    assert.equal(report.ok, false, 'a failed item makes the run fail');
    assert.equal(f.sample.mismatched.length, 0);
    assert.ok(f.sample.checked >= 1);

    const snap = await target.snapshot('archive@example.org');
    const lines = snap['Archive 2019'];
    assert.equal(lines.length, sample.length + 1);
    const hashes = new Set(lines.map((l) => l.split(' ')[0]));
    // Quoting undone: the bytes in Stoa are the bytes that went into the mbox.
    for (const m of sample.filter((_, i) => i % 2 === 1)) assert.ok(hashes.has(sha256(m.bytes)), `${m.rel} arrived changed`);
    const quoted = Buffer.from('X-Mozilla-Status: 0005\nSubject: body has a From line\n\nFrom here on, quoted.\n>From there too.\n');
    const line = lines.find((l) => l.startsWith(sha256(quoted)));
    assert.ok(line, 'the >From lines were unquoted exactly once');
    assert.match(line, /\\Seen \\Flagged/);
    assert.match(line, /2025-11-27T10:00:00/);
  });

  test('running the same mbox import again imports nothing and changes nothing', async () => {
    const before = await target.snapshot('archive@example.org');
    const events = target.events.length;
    const report = await target.run(mboxSource(), [user(path, 'archive@example.org')]);
    const f = folderOf(report, 'Archive 2019');
    assert.equal(f.imported, 0);
    assert.equal(f.skippedBy['already-imported'], sample.length + 1);
    assert.deepEqual(await target.snapshot('archive@example.org'), before);
    assert.equal(target.events.length, events, 'no change events on a re-run');
  });

  test('with the ledger lost, the same messages are recognised by Message-ID and content hash', async () => {
    const before = await target.snapshot('archive@example.org');
    const fresh = await openTarget();
    // Same store, empty checkpoints: as if the ledger had been wiped.
    const report = await (await import('../../migration/src/engine/run.ts')).runMigration({
      source: mboxSource(), sink: target.sink, checkpoints: fresh.checkpoints,
      directory: (await import('../../migration/src/sink/directory-target.ts')).createDirectoryTarget(target.directory.accounts, (await import('./harness.ts')).SYSTEM),
    }, [user(path, 'archive@example.org')], (await import('../../migration/src/engine/run.ts')).DEFAULT_OPTIONS, 'mbox');
    await fresh.close();
    const f = folderOf(report, 'Archive 2019');
    assert.equal(f.imported, 0);
    assert.equal(f.skippedBy.duplicate, sample.length + 1);
    assert.deepEqual(await target.snapshot('archive@example.org'), before);
  });
});

describe('Maildir', () => {
  let target: Target;
  const root = join(work, 'Maildir');
  const sample = corpusSample(12);
  before(async () => {
    target = await openTarget();
    const t = new Date('2024-05-01T08:00:00Z');
    writeMaildir(root, {
      '': sample.slice(0, 4).map((m, i) => ({ name: `1714550400.M${i}P1.host:2,${['S', 'RS', 'Fa', ''][i]}`, bytes: m.bytes, mtime: t })),
      '.Sent': sample.slice(4, 7).map((m, i) => ({ name: `1714550401.M${i}P1.host:2,S`, bytes: m.bytes })),
      '.Entw&APw-rfe': sample.slice(7, 8).map((m) => ({ name: '1714550402.M0P1.host:2,DS', bytes: m.bytes })),
      '.Projekte.Gr&APY-&AN8-e': sample.slice(8, 12).map((m, i) => ({ name: `1714550403.M${i}P1.host`, bytes: m.bytes })),
    }, ['$Forwarded', 'Wichtig']);
  });
  after(() => target.close());

  test('a Maildir++ tree keeps flags, Dovecot keywords and folders, and localized special folders fill Stoa\'s own', async () => {
    const report = await target.run(maildirSource(), [user(root, 'maildir@example.org')]);
    assert.equal(report.ok, true, JSON.stringify(report.users[0].folders.map((f) => [f.source, f.reason, f.problems])));
    assert.equal(report.totals.imported, 12);
    assert.equal(folderOf(report, 'Sent').target, 'Sent');
    assert.equal(folderOf(report, 'Entwürfe').target, 'Drafts');
    assert.equal(folderOf(report, 'Projekte/Größe').target, 'Projekte/Größe');
    const snap = await target.snapshot('maildir@example.org');
    assert.equal(snap.INBOX.length, 4);
    assert.equal(snap.Sent.length, 3);
    assert.equal(snap.Drafts.length, 1);
    assert.equal(snap['Projekte/Größe'].length, 4);
    const inbox = snap.INBOX.join('\n');
    assert.match(inbox, new RegExp(`${sha256(sample[1].bytes)} \\\\Seen \\\\Answered`));
    assert.match(inbox, new RegExp(`${sha256(sample[2].bytes)} \\\\Flagged \\$Forwarded`));
    assert.match(inbox, /2024-05-01T08:00:00/);
    assert.match(snap.Drafts[0], /\\Seen \\Draft/);
  });

  test('running the Maildir import again changes nothing', async () => {
    const before = await target.snapshot('maildir@example.org');
    const report = await target.run(maildirSource(), [user(root, 'maildir@example.org')]);
    assert.equal(report.totals.imported, 0);
    assert.equal(report.totals.skipped, 12);
    assert.deepEqual(await target.snapshot('maildir@example.org'), before);
  });
});

describe('.eml files', () => {
  let target: Target;
  const root = join(work, 'eml');
  const sample = corpusSample(6);
  before(async () => {
    target = await openTarget();
    mkdirSync(join(root, 'Projects', 'Alpha'), { recursive: true });
    writeFileSync(join(root, 'one.eml'), sample[0].bytes);
    writeFileSync(join(root, 'with-from-line.eml'), Buffer.concat([Buffer.from('From someone@example.com Mon Jan  6 10:00:00 2025\n'), sample[1].bytes]));
    writeFileSync(join(root, 'empty.eml'), '');
    for (const [i, m] of sample.slice(2).entries()) writeFileSync(join(root, 'Projects', 'Alpha', `${i}.eml`), m.bytes);
  });
  after(() => target.close());

  test('a tree of .eml files becomes folders; an empty file is reported, a leading From line dropped', async () => {
    const report = await target.run(emlSource(), [user(root, 'eml@example.org')]);
    const inbox = folderOf(report, 'INBOX');
    assert.equal(inbox.imported, 2);
    assert.equal(inbox.failed, 1);
    assert.match(inbox.problems[0].detail, /empty message/);
    assert.equal(folderOf(report, 'Projects/Alpha').imported, 4);
    const snap = await target.snapshot('eml@example.org');
    assert.ok(snap.INBOX.some((l) => l.startsWith(sha256(sample[1].bytes))));
    const again = await target.run(emlSource(), [user(root, 'eml@example.org')]);
    assert.equal(again.totals.imported, 0);
    assert.deepEqual(await target.snapshot('eml@example.org'), snap);
  });
});

describe('calendars and contacts from files', () => {
  let target: Target;
  before(async () => {
    target = await openTarget();
    writeFileSync(join(work, 'work.ics'), CALENDAR_ICS);
    writeFileSync(join(work, 'contacts.vcf'), CONTACTS_VCF);
    writeFileSync(join(work, 'outlook.csv'), OUTLOOK_CSV);
  });
  after(() => target.close());

  test('an .ics file: a recurring event and its moved occurrence stay one object, tasks go to a task list, bad and duplicate objects are reported', async () => {
    const report = await target.run(icsSource(), [user(join(work, 'work.ics'), 'cal@example.org')]);
    const cal = folderOf(report, 'work');
    assert.equal(cal.target, 'calendar');
    assert.equal(cal.imported, 2);
    assert.equal(cal.failedBy.malformed, 1);
    assert.equal(cal.skippedBy['duplicate-uid'], 1);
    const tasks = report.users[0].folders.find((f) => f.kind === 'tasks')!;
    assert.equal(tasks.target, 'tasks');
    assert.equal(tasks.imported, 1);
    const stored = (await target.groupware.collection('cal@example.org', 'calendar'))!;
    const weekly = stored.objects.get('weekly-1@example.com')!;
    assert.match(weekly, /RRULE:FREQ=WEEKLY/);
    assert.match(weekly, /RECURRENCE-ID;TZID=Europe\/Berlin:20250113T100000/);
    assert.match(weekly, /BEGIN:VTIMEZONE\r\nTZID:Europe\/Berlin/);
    assert.doesNotMatch(stored.objects.get('lunch-2@example.com')!, /VTIMEZONE/);
    assert.equal(cal.sample.mismatched.length, 0);

    const puts = target.groupware.puts;
    const again = await target.run(icsSource(), [user(join(work, 'work.ics'), 'cal@example.org')]);
    assert.equal(again.totals.imported, 0);
    assert.equal(target.groupware.puts, puts, 'a re-run stores nothing');
  });

  test('a .vcf file: cards without UID get a stable one, a card without FN and a duplicate UID are reported', async () => {
    const report = await target.run(vcfSource(), [user(join(work, 'contacts.vcf'), 'cards@example.org')]);
    const book = folderOf(report, 'contacts');
    assert.equal(book.target, 'contacts');
    assert.equal(book.imported, 2);
    assert.equal(book.failedBy.malformed, 1);
    assert.equal(book.skippedBy['duplicate-uid'], 1);
    const stored = (await target.groupware.collection('cards@example.org', 'contacts'))!;
    assert.ok([...stored.objects.keys()].some((uid) => uid.startsWith('stoa-import-')));
    assert.deepEqual(book.sample.mismatched, []);
    // Stoa keeps "urn:uuid:4fbe…" as "4fbe…" (CardDAV): the re-run still recognises the card, and fails nothing.
    const again = await target.run(vcfSource(), [user(join(work, 'contacts.vcf'), 'cards@example.org')]);
    assert.equal(again.totals.imported, 0);
    assert.equal(again.totals.failed, 1, 'only the card without FN, again');
    assert.equal(folderOf(again, 'contacts').skippedBy['already-imported'], 2);
    // With the ledger lost, the target's own UIDs recognise both cards, the prefixed one included.
    const { runMigration, DEFAULT_OPTIONS } = await import('../../migration/src/engine/run.ts');
    const { memoryCheckpoints } = await import('../../migration/src/engine/checkpoints.ts');
    const { createDirectoryTarget } = await import('../../migration/src/sink/directory-target.ts');
    const { SYSTEM } = await import('./harness.ts');
    const blind = await runMigration({
      source: vcfSource(), sink: target.sink, checkpoints: memoryCheckpoints(), directory: createDirectoryTarget(target.directory.accounts, SYSTEM),
    }, [user(join(work, 'contacts.vcf'), 'cards@example.org')], DEFAULT_OPTIONS, 'vcf');
    assert.equal(blind.totals.imported, 0);
    assert.equal(folderOf(blind, 'contacts').skippedBy.duplicate, 2, JSON.stringify(folderOf(blind, 'contacts').problems));
    assert.equal((await target.groupware.collection('cards@example.org', 'contacts'))!.objects.size, 2);
  });

  test('an Outlook CSV export becomes vCards with names, phones, addresses, birthday and categories', async () => {
    const report = await target.run(outlookCsvSource(), [user(join(work, 'outlook.csv'), 'csv@example.org')]);
    const book = report.users[0].folders[0];
    assert.equal(book.imported, 2, JSON.stringify(book.problems));
    const cards = [...(await target.groupware.collection('csv@example.org', 'contacts'))!.objects.values()];
    const carla = cards.find((c) => c.includes('FN:Carla Rossi'))!;
    assert.match(carla, /ORG:ACME\\; Italy;/);
    assert.match(carla, /BDAY:19800412/);
    assert.match(carla, /CATEGORIES:Work,VIP/);
    assert.match(carla, /NOTE:Met at "the fair"\\nsecond line/);
    assert.match(carla, /ADR;TYPE=work:;;Via Roma 1;Milano;;20100;/);
    const dirk = cards.find((c) => c.includes('FN:Dirk J. Jansen'))!;
    assert.doesNotMatch(dirk, /BDAY/);
    const again = await target.run(outlookCsvSource(), [user(join(work, 'outlook.csv'), 'csv@example.org')]);
    assert.equal(again.totals.imported, 0);
  });
});

describe('without calendar and contacts services', () => {
  test('calendar items are reported as unsupported and the run fails instead of leaving them behind silently', async () => {
    const target = await openTarget({ groupware: false });
    try {
      writeFileSync(join(work, 'only.ics'), CALENDAR_ICS);
      const report = await target.run(icsSource(), [user(join(work, 'only.ics'), 'nocal@example.org')]);
      assert.equal(report.ok, false);
      assert.ok(report.totals.failed >= 3);
      assert.ok(report.users[0].folders.every((f) => (f.failedBy.unsupported ?? 0) > 0));
      const narrowed = await target.run(icsSource(), [user(join(work, 'only.ics'), 'nocal@example.org')], { kinds: new Set(['message']) });
      assert.equal(narrowed.ok, true, '--kinds message leaves the calendar out on purpose');
      assert.ok(narrowed.users[0].folders.every((f) => f.state === 'skipped'));
    } finally {
      await target.close();
    }
  });
});

describe('dry run', () => {
  test('a dry run reports what would be imported and creates neither account nor messages', async () => {
    const target = await openTarget();
    try {
      const path = join(work, 'dry.mbox');
      writeMbox(path, corpusSample(5).map((m) => ({ bytes: m.bytes })));
      const report = await target.run(mboxSource(), [user(path, 'dry@example.org')], { dryRun: true });
      assert.equal(report.dryRun, true);
      assert.equal(report.totals.imported, 5);
      assert.equal(report.users[0].accountCreated, true);
      await assert.rejects(target.directory.accounts.get({ id: null, login: 'system', role: 'server-admin', adminDomainIds: [], ip: null }, 'dry@example.org'), /not found|No such/i);
      assert.equal(target.events.length, 0);
    } finally {
      await target.close();
    }
  });
});
