// SEARCH SUBJECT/BODY/TEXT over real messages in many charsets (the
// corpus's encoded/ category): what the MIME indexer decoded is found by
// substring, case-insensitively, and BODY never answers from the header.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { foldForSearch } from '../../server/src/model/mail-ids.ts';
import { indexMessage } from '../../server/src/mail/mime/index.ts';
import { buildSearchText } from '../../server/src/mail/mime/search-text.ts';
import type { SearchCriteria } from '../../server/src/mail/search/criteria.ts';
import { searchMessages } from '../../server/src/mail/search/search.ts';
import { corpusFiles, corpusMessage, openMailHarness, type MailHarness } from '../mail/harness.ts';
import { systemActor as makeSystemActor } from '../../server/src/directory/access.ts';
const SYSTEM = makeSystemActor();

describe('SEARCH over the encoded corpus', () => {
  let h: MailHarness;
  let box: string;
  const uidOf = new Map<string, number>();
  const subjects = new Map<string, string>();
  /** The body's share of the index text (what BODY may match), as extracted and folded. */
  const bodies = new Map<string, { text: string; folded: string }>();
  const search = (c: SearchCriteria) => searchMessages({ actor: SYSTEM, messages: h.messages }, box, c);

  before(async () => {
    h = await openMailHarness();
    const account = await h.account('corpus-search');
    box = (await h.mailboxes.create(SYSTEM, account.id, 'Encoded')).id;
    const files = await corpusFiles('encoded');
    const raws = await Promise.all(files.map((f) => corpusMessage(f)));
    const { uids } = await h.messages.appendMany(SYSTEM, box, raws.map((source) => ({ source })));
    files.forEach((f, i) => {
      const index = indexMessage(raws[i]);
      uidOf.set(f, uids[i]);
      subjects.set(f, index.headers.subject);
      const text = buildSearchText(raws[i], index.root, [], 1024 * 1024);
      bodies.set(f, { text, folded: foldForSearch(text) });
    });
  });
  after(async () => { await h.close(); });

  const named: [string, SearchCriteria, string, boolean][] = [
    ['KOI8-R encoded-word subject, lower case', { type: 'subject', value: 'алфавит' }, 'encoded/base64-koi8r-encoded-words.eml', true],
    ['KOI8-R base64 body', { type: 'text', scope: 'body', value: 'ВОПРОС' }, 'encoded/base64-koi8r-encoded-words.eml', true],
    ['Shift_JIS 8-bit body', { type: 'text', scope: 'body', value: 'テスト用' }, 'encoded/8bit-shift-jis.eml', true],
    ['Shift_JIS TEXT', { type: 'text', scope: 'text', value: 'よろしく' }, 'encoded/8bit-shift-jis.eml', true],
    ['ISO-8859-7 quoted-printable body', { type: 'text', scope: 'body', value: 'καλησπέρα' }, 'encoded/qp-iso8859-7-greek.eml', true],
    ['UTF-16LE body', { type: 'text', scope: 'body', value: 'better utf-16' }, 'encoded/base64-utf16le-body.eml', true],
    ['a subject-only phrase is not in the BODY', { type: 'text', scope: 'body', value: 'reply to ISO-8859-7' }, 'encoded/qp-iso8859-7-greek.eml', false],
    ['but it is in the TEXT', { type: 'text', scope: 'text', value: 'reply to ISO-8859-7' }, 'encoded/qp-iso8859-7-greek.eml', true],
  ];
  for (const [name, criteria, file, found] of named) {
    it(name, async () => {
      assert.equal((await search(criteria)).includes(uidOf.get(file)!), found);
    });
  }

  it('finds every subject by a stretch of it, in SUBJECT and TEXT, and in BODY only when the body has it too', async () => {
    let checked = 0;
    for (const [file, subject] of subjects) {
      const chars = [...subject.replace(/\s+/g, ' ').trim()];
      if (chars.length < 6) continue;
      const needle = chars.slice(1, 6).join('');
      const uid = uidOf.get(file)!;
      assert.ok((await search({ type: 'subject', value: needle })).includes(uid), `${file}: SUBJECT "${needle}"`);
      assert.ok((await search({ type: 'text', scope: 'text', value: needle })).includes(uid), `${file}: TEXT "${needle}"`);
      const inBody = bodies.get(file)!.folded.includes(foldForSearch(needle));
      assert.equal((await search({ type: 'text', scope: 'body', value: needle })).includes(uid), inBody, `${file}: BODY "${needle}"`);
      checked++;
    }
    assert.ok(checked > 30, `checked ${checked} subjects`);
  });

  it('finds a word of every message body with BODY', async () => {
    let checked = 0;
    for (const [file, body] of bodies) {
      // Words as written: the index folds Latin accents only (mail-schema.ts), so Greek tonos must match as is.
      const word = body.text.split(/[\s\p{P}]+/u).filter((w) => [...w].length >= 6).at(-1);
      if (!word) continue;
      assert.ok((await search({ type: 'text', scope: 'body', value: word })).includes(uidOf.get(file)!), `${file}: BODY "${word}"`);
      checked++;
    }
    assert.ok(checked > 30, `checked ${checked} bodies`);
  });
});
