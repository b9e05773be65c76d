// Tables for the engine's small parsers: CSV, the users CSV, message heads,
// keywords, folder mapping and localized names.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { SourceFolder } from '../model.ts';
import { parseUsersCsv, UsersCsvError } from '../users-csv.ts';
import { CsvError, MAX_FIELD, parseCsv } from './csv.ts';
import { FolderMapper, cleanLevel, parseFolderRule } from './folder-map.ts';
import { keywordOf, splitFlags } from './keywords.ts';
import { checkMessage, readMessageHead } from './message-head.ts';
import { isDefaultCollectionName, specialUseOfName } from './special-use-names.ts';

describe('CSV (RFC 4180 as Outlook and Excel write it)', () => {
  const ok: [string, string, string[][]][] = [
    ['plain', 'a,b\n1,2\n', [['a', 'b'], ['1', '2']]],
    ['quoted with comma, quote and line break', '"x,y","say ""hi""","two\nlines"\r\n', [['x,y', 'say "hi"', 'two\nlines']]],
    ['a BOM and CRLF', '\uFEFFa,b\r\n1,2\r\n', [['a', 'b'], ['1', '2']]],
    ['semicolons (Excel in locales with a decimal comma)', 'a;b;c\n1;2,5;3\n', [['a', 'b', 'c'], ['1', '2,5', '3']]],
    ['empty lines are skipped, empty fields kept', 'a,b\n\n,\n', [['a', 'b'], ['', '']]],
    ['no final line break', 'a,b', [['a', 'b']]],
  ];
  for (const [name, input, rows] of ok) test(name, () => assert.deepEqual(parseCsv(input).map((r) => r.fields), rows));
  test('an unclosed quote is an error with its line', () => assert.throws(() => parseCsv('a,b\n"open,x\n'), (e) => e instanceof CsvError && e.line === 2));
  test('an oversized field is refused', () => assert.throws(() => parseCsv(`"${'x'.repeat(MAX_FIELD + 1)}"`), CsvError));
  test('too many fields are refused', () => assert.throws(() => parseCsv(`${','.repeat(600)}\n`), CsvError));
});

describe('users CSV', () => {
  test('reads source, target, secrets and account details', () => {
    const { users, secrets } = parseUsersCsv('Source,Target,Source_Password,Create,Display_Name,Quota\nalice,Alice@Example.org,pw1,yes,Alice,2G\nbob,bob@example.org,,no,,\n');
    assert.deepEqual(users, [
      { source: 'alice', target: 'alice@example.org', create: true, displayName: 'Alice', quotaBytes: 2 * 1024 ** 3 },
      { source: 'bob', target: 'bob@example.org', create: false },
    ]);
    assert.deepEqual(secrets.users, ['pw1', null]);
  });
  test('every bad line is reported with its number', () => {
    assert.throws(() => parseUsersCsv('source,target,create,quota\n,a@b.c,,\nx,not-an-address,,\ny,y@b.c,maybe,\nz,z@b.c,,lots\n'), (e: unknown) => {
      const m = (e as UsersCsvError).message;
      return e instanceof UsersCsvError && /line 2/.test(m) && /line 3/.test(m) && /line 4/.test(m) && /line 5/.test(m);
    });
  });
  test('a header without source or target is refused', () => assert.throws(() => parseUsersCsv('login_name,mail\na,b@c.d\n'), /"source" and a "target"/));
  test('a header alone is refused', () => assert.throws(() => parseUsersCsv('source,target\n'), /no lines/));
});

describe('message heads', () => {
  const good: [string, string | null][] = [
    ['Subject: x\r\nMessage-ID: <a@b>\r\n\r\nbody', '<a@b>'],
    ['Message-Id:\r\n <folded@b>\r\n\r\n', '<folded@b>'],
    ['\uFEFFFrom: a@b\n\n', null],
    ['From sender Mon Jan  6 10:00:00 2025\nSubject: x\n\n', null],
    ['  \r\nSubject: leading blank space\r\n\r\n', null],
  ];
  for (const [input, id] of good) {
    test(`accepted and read: ${JSON.stringify(input.slice(0, 30))}`, () => {
      const head = Buffer.from(input);
      checkMessage(head, head.length);
      assert.equal(readMessageHead(head).messageId, id);
    });
  }
  const bad: [string, Buffer][] = [
    ['empty', Buffer.alloc(0)],
    ['binary', Buffer.from([0, 1, 2, 3, 255])],
    ['a PDF', Buffer.from('%PDF-1.4\n%âãÏÓ\n')],
    ['text without a header', Buffer.from('Hello there, this is no message\n')],
    ['a line with a colon after a space', Buffer.from('not a header: value\n\n')],
  ];
  for (const [name, input] of bad) test(`refused: ${name}`, () => assert.throws(() => checkMessage(input, input.length), /empty message|not an RFC 5322 message/));
  test('the Date header, with a comment after it', () => assert.equal(readMessageHead(Buffer.from('Date: Mon, 6 Jan 2025 10:00:00 +0100 (CET)\n\n')).date?.toISOString(), '2025-01-06T09:00:00.000Z'));
});

describe('keywords', () => {
  const table: [string, string | null][] = [['Red category', 'Red_category'], ['Projekt X', 'Projekt_X'], ['$Forwarded', '$Forwarded'], ['Wichtig!', 'Wichtig!'], ['a(b)c', 'a_b_c'], ['   ', null], ['***', null], ['日本', '日本']];
  for (const [input, out] of table) test(`category "${input}"`, () => assert.equal(keywordOf(input), out));
  test('system flags are kept, \\Recent and invented backslash flags dropped, keywords de-duplicated', () => {
    assert.deepEqual(splitFlags(['\\seen', '\\Recent', '\\Answered', '\\Important', 'Work', 'work', '$Junk']), { flags: ['\\Seen', '\\Answered'], keywords: ['Work', '$Junk'] });
  });
});

describe('folder mapping', () => {
  const folder = (path: string[], extra: Partial<SourceFolder> = {}): SourceFolder => ({ key: path.join('/'), path, kind: 'mail', specialUse: null, validity: '1', ...extra });
  const table: [string, SourceFolder, string | null, string | null][] = [
    ['INBOX stays INBOX', folder(['inbox']), 'INBOX', null],
    ['declared \\Sent fills Sent', folder(['Sent Items'], { specialUse: '\\Sent' }), 'Sent', '\\Sent'],
    ['German Sent by name', folder(['Gesendete Elemente']), 'Sent', '\\Sent'],
    ['French Trash by name', folder(['Éléments supprimés']), 'Trash', '\\Trash'],
    ['Japanese Junk by name', folder(['迷惑メール']), 'Junk', '\\Junk'],
    ['Courier-style INBOX child', folder(['INBOX', 'Drafts']), 'Drafts', '\\Drafts'],
    ['a deep "Sent" is an ordinary folder', folder(['Projects', 'Sent']), 'Projects/Sent', null],
    ['nested path kept', folder(['Projekte', 'Kunden', 'ACME']), 'Projekte/Kunden/ACME', null],
    ['default calendar', folder(['Kalender'], { kind: 'calendar', isDefault: true }), 'Calendar', null],
    ['other calendar keeps its name', folder(['Urlaub'], { kind: 'calendar' }), 'Urlaub', null],
    ['\\All is not filled into anything special', folder(['All Mail'], { specialUse: '\\All' }), 'All Mail', '\\All'],
  ];
  for (const [name, f, path, use] of table) {
    test(name, () => {
      const m = new FolderMapper().map(f);
      assert.equal(m.path, path);
      assert.equal(m.specialUse, use);
    });
  }
  const names: [string, string, RegExp][] = [
    ['Stern*Ordner', 'Stern_Ordner', /LIST patterns/],
    ['100%', '100_', /LIST patterns/],
    ['a/b', 'a_b', /hierarchy delimiter/],
    [' padded ', 'padded', /spaces/],
    ['tab\there', 'tab_here', /control/],
    ['', '_', /empty/],
    ['ü'.repeat(200), 'ü'.repeat(127), /255 octets/],
  ];
  for (const [input, out, note] of names) {
    test(`a name Stoa does not allow: ${JSON.stringify(input.slice(0, 20))}`, () => {
      const { level, changes } = cleanLevel(input);
      assert.equal(level, out);
      assert.match(changes.join(';'), note);
    });
  }
  test('two source folders that clean up to one name get a suffix, and the renaming is reported', () => {
    const mapper = new FolderMapper();
    assert.equal(mapper.map(folder(['a*'])).path, 'a_');
    const second = mapper.map(folder(['a%']));
    assert.equal(second.path, 'a_ (2)');
    assert.match(second.notes.join(), /another source folder/);
  });
  test('a second Sent folder keeps its own name', () => {
    const mapper = new FolderMapper();
    assert.equal(mapper.map(folder(['Sent'], { specialUse: '\\Sent' })).path, 'Sent');
    const other = mapper.map(folder(['Gesendet']));
    assert.equal(other.path, 'Gesendet');
    assert.equal(other.specialUse, null);
  });
  test('--folder-map rules: exact, subtree, leave out', () => {
    const mapper = new FolderMapper({ rules: ['Old/Archive/*=Archive/Old', 'Spam=', 'Inbox.Work=Work'].map(parseFolderRule) });
    assert.equal(mapper.map(folder(['Old', 'Archive', '2019'])).path, 'Archive/Old/2019');
    assert.equal(mapper.map(folder(['Spam'])).path, null);
    assert.equal(mapper.map(folder(['Inbox.Work'])).path, 'Work');
  });
  test('--prefix puts ordinary folders below it, not special ones', () => {
    const mapper = new FolderMapper({ prefix: 'Imported' });
    assert.equal(mapper.map(folder(['Projects'])).path, 'Imported/Projects');
    assert.equal(mapper.map(folder(['Sent'])).path, 'Sent');
  });
  test('localized names', () => {
    assert.equal(specialUseOfName('  SENT ITEMS '), '\\Sent');
    assert.equal(specialUseOfName('Brouillons'), '\\Drafts');
    assert.equal(specialUseOfName('Projects'), null);
    assert.ok(isDefaultCollectionName('contacts', 'Kontakte'));
    assert.ok(!isDefaultCollectionName('contacts', 'ExternalContacts'));
  });
});
