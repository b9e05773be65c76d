// Outlook PST/OST files through pst-extractor, checked against Debian's
// pff-tools (libpff's pffexport) reading the same file. The files are the
// sample data that ships inside the pst-extractor npm package
// (example/testdata: enron.pst, from the public Enron corpus released by the
// US FERC, and an Outlook.com OST with appointments; MIT-licensed package).
// A corrupt copy is made by the test.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, test } from 'node:test';
import Long from 'long';
import { PSTFile } from 'pst-extractor';
import type { MimePart } from '../../shared/src/schemas/message-index.ts';
import { splitCalendar } from '../../migration/src/groupware/objects.ts';
import { pstSource } from '../../migration/src/sources/pst/pst-source.ts';
import { itemIds } from '../../migration/src/sources/pst/pst-reader.ts';
import { openTarget, SYSTEM, user, type Target } from './harness.ts';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const TESTDATA = join(REPO, 'node_modules/pst-extractor/example/testdata');
const ENRON = join(TESTDATA, 'enron.pst');
const OST = join(TESTDATA, 'pstextractortest@outlook.com.ost');
const tools = spawnSync('sh', [join(REPO, 'scripts/ensure-test-tools.sh')], { encoding: 'utf8' });
const work = mkdtempSync(join(tmpdir(), 'stoa-pst-'));
after(() => rmSync(work, { recursive: true, force: true }));
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

interface Expected { subject: string; read: boolean; attachments: Map<string, string> }

/** What libpff's pffexport sees in each folder below "Top of Personal Folders". */
function pffexport(file: string): Map<string, Expected[]> {
  const target = join(work, 'pff');
  const r = spawnSync('pffexport', ['-q', '-m', 'items', '-f', 'text', '-t', target, file], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const root = join(`${target}.export`, 'Top of Personal Folders');
  const out = new Map<string, Expected[]>();
  const walk = (dir: string, path: string[]) => {
    for (const name of readdirSync(dir).sort()) {
      const full = join(dir, name);
      if (!statSync(full).isDirectory()) continue;
      if (/^Message\d+$/.test(name)) {
        const headers = readFileSync(join(full, 'OutlookHeaders.txt'), 'utf8');
        const attachments = new Map<string, string>();
        if (existsSync(join(full, 'Attachments'))) {
          for (const a of readdirSync(join(full, 'Attachments'))) attachments.set(a.replace(/^\d+_/, ''), sha(readFileSync(join(full, 'Attachments', a))));
        }
        const key = path.join('/');
        out.set(key, [...(out.get(key) ?? []), {
          subject: /^Subject:[ \t]*(.*)$/m.exec(headers)?.[1].trim() ?? '',
          read: /^Flags:.*\(Read/m.test(headers),
          attachments,
        }]);
      } else walk(full, [...path, name]);
    }
  };
  walk(root, []);
  return out;
}

/** Decoded bodies of the attachment parts of a stored message, by filename. */
function attachmentsOf(raw: Buffer, part: MimePart, into = new Map<string, string>()): Map<string, string> {
  for (const c of part.children) attachmentsOf(raw, c, into);
  const name = part.disposition?.params.filename ?? part.contentType.params.name;
  if (part.children.length === 0 && name && part.disposition?.type !== 'inline-text') {
    const body = raw.subarray(part.bodyStart, part.bodyEnd);
    into.set(name, sha(part.encoding === 'base64' ? Buffer.from(body.toString('latin1'), 'base64') : body));
  }
  return into;
}

describe('Outlook PST and OST files', () => {
  let target: Target;
  before(async () => {
    assert.equal(tools.status, 0, `scripts/ensure-test-tools.sh could not install pff-tools: ${tools.stderr}`);
    target = await openTarget();
  });
  after(() => target?.close());

  test('a PST arrives as the same messages libpff\'s pffexport reads: per folder the count, subjects, read state and every attachment byte for byte', async () => {
    const report = await target.run(pstSource(), [user(ENRON, 'enron@example.org')]);
    assert.equal(report.ok, true, JSON.stringify(report.users[0]));
    const expected = pffexport(ENRON);
    const account = await target.directory.accounts.get(SYSTEM, 'enron@example.org');
    const boxes = await target.mail.mailboxes.list(SYSTEM, account.id);
    let compared = 0;
    for (const [folder, messages] of expected) {
      const box = boxes.find((b) => b.name === folder);
      assert.ok(box, `folder ${folder} in Stoa (have ${boxes.map((b) => b.name).join(', ')})`);
      const list = await target.mail.messages.list(SYSTEM, box.id);
      assert.equal(list.uids.length, messages.length, `${folder}: message count`);
      const records = await target.mail.messages.fetch(SYSTEM, box.id, [[1, list.uids[list.uids.length - 1]]]);
      const ours: Expected[] = [];
      for (const r of records) {
        const body = await target.mail.messages.body(SYSTEM, r);
        const chunks: Buffer[] = [];
        for await (const c of await target.mail.messages.open(SYSTEM, r)) chunks.push(c as Buffer);
        ours.push({ subject: body.headers.subject, read: r.flags.includes('\\Seen'), attachments: attachmentsOf(Buffer.concat(chunks), body.root) });
      }
      // pffexport writes attachment names with "~", "&", "!" … as "_"; the bytes are what is compared.
      const file = (name: string) => name.replace(/[^\w .'#()-]/g, '_');
      const key = (e: Expected) => `${e.subject}|${e.read}|${[...e.attachments].map(([n, h]) => `${file(n)}=${h}`).sort().join(',')}`;
      assert.deepEqual(ours.map(key).sort(), messages.map(key).sort(), `${folder}: subjects, read flags and attachments`);
      compared += messages.length;
    }
    assert.equal(compared, 71);
    assert.equal(report.totals.imported, 71);
  });

  test('running the PST import again imports nothing: the MIME written from the PST is the same bytes every time', async () => {
    const before = await target.snapshot('enron@example.org');
    const report = await target.run(pstSource(), [user(ENRON, 'enron@example.org')]);
    assert.equal(report.totals.imported, 0);
    assert.deepEqual(await target.snapshot('enron@example.org'), before);
    // Even without the ledger, the content hashes match.
    const again = await (await import('../../migration/src/engine/run.ts')).runMigration({
      source: pstSource(), sink: target.sink, checkpoints: (await import('../../migration/src/engine/checkpoints.ts')).memoryCheckpoints(),
      directory: (await import('../../migration/src/sink/directory-target.ts')).createDirectoryTarget(target.directory.accounts, SYSTEM),
    }, [user(ENRON, 'enron@example.org')], (await import('../../migration/src/engine/run.ts')).DEFAULT_OPTIONS, 'pst');
    assert.equal(again.totals.imported, 0);
    assert.equal(again.totals.skipped, 71);
  });

  test('a corrupt block fails that one item with the reason; the rest of the PST is imported', async () => {
    // Overwrite the data block of one message in a copy of the file.
    const copy = join(work, 'corrupt.pst');
    copyFileSync(ENRON, copy);
    const pst = new PSTFile(ENRON);
    const personal = pst.getRootFolder().getSubFolders()[0].getSubFolders().find((f) => f.displayName === 'lokay-m')!
      .getSubFolders()[0].getSubFolders().find((f) => f.displayName === 'Personal')!;
    const victim = itemIds(personal)[3];
    const internals = pst as unknown as { getDescriptorIndexNode(id: Long): { dataOffsetIndexIdentifier: Long }; getOffsetIndexNode(id: Long): { fileOffset: Long } };
    const offset = internals.getOffsetIndexNode(internals.getDescriptorIndexNode(Long.fromString(victim)).dataOffsetIndexIdentifier).fileOffset.toNumber();
    const bytes = readFileSync(copy);
    bytes.fill(0xa5, offset, offset + 512);
    writeFileSync(copy, bytes);

    const report = await target.run(pstSource(), [user(copy, 'corrupt@example.org')]);
    const folder = report.users[0].folders.find((f) => f.source.endsWith('/Personal'))!;
    assert.equal(folder.atSource, 47);
    assert.equal(folder.failed, 1);
    assert.equal(folder.imported, 46);
    assert.equal(folder.problems[0].key, victim);
    assert.match(folder.problems[0].detail, /cannot be read from the PST/);
    assert.equal(report.totals.imported, 70);
    assert.equal(report.ok, false);
  });

  test('an OST\'s calendar becomes iCalendar objects with their time zone, and Outlook\'s internal folders are left out', async () => {
    const report = await target.run(pstSource(), [user(OST, 'ost@example.org')]);
    const u = report.users[0];
    assert.equal(u.state, 'done', u.error ?? '');
    const cal = u.folders.find((f) => f.source === 'Calendar')!;
    assert.equal(cal.target, 'calendar');
    assert.equal(cal.imported + cal.failed, cal.atSource);
    assert.ok(cal.imported >= 8, JSON.stringify(cal.problems));
    assert.ok(u.folders.some((f) => f.source === 'Contacts' && f.target === 'contacts'), 'Contacts, not ExternalContacts, is the default address book');
    assert.ok(!u.folders.some((f) => /^(Finder|Common Views|NON_IPM_SUBTREE)/.test(f.source) && f.state !== 'skipped'));
    const objects = [...(await target.groupware.collection('ost@example.org', 'calendar'))!.objects.values()];
    for (const text of objects) assert.ok('object' in splitCalendar(text)[0], `valid iCalendar:\n${text}`);
    assert.ok(objects.some((o) => /DTSTART;TZID=/.test(o) && /BEGIN:VTIMEZONE/.test(o)), 'times in the appointment\'s own zone');
    const holidays = (await target.groupware.collection('ost@example.org', 'calendar-united-states-holidays'))!;
    assert.equal(holidays.objects.size, 24);
    assert.ok([...holidays.objects.values()].every((o) => /DTSTART;VALUE=DATE:\d{8}/.test(o)), 'holidays are all-day events');
  });
});
