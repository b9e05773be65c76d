// Full-text search on SQLite with a position-less trigram index
// (detail=none, migration 25): index lookups give candidates, which SEARCH
// checks against their text, so results stay exact substring matches.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { after, describe, it } from 'node:test';
import { T0, newId } from '../contract/harness.ts';
import { mailboxFixture, storedMessage } from '../contract/mail-fixtures.ts';
import { foldForScan, trigramQuery } from './mail-search.ts';
import { openSqliteStore } from './sqlite-store.ts';

const root = mkdtempSync(join(tmpdir(), 'stoa-sqlite-search-'));
after(() => rmSync(root, { recursive: true, force: true }));
let n = 0;
const options = () => {
  const dir = join(root, `case${n++}`);
  mkdirSync(dir);
  return { path: join(dir, 'stoa.db'), blobsPath: join(dir, 'blobs'), busyTimeoutMs: 1000, searchIndexIntervalMs: 0 };
};

describe('sqlite full-text search', () => {
  it('turns a term into the trigrams the index is asked for', () => {
    const cases: Array<[string, string, boolean]> = [
      ['abc', '"abc"', true],
      ['hello', '"hel" AND "ell" AND "llo"', false],
      ['say "hi"', '"say" AND "ay " AND "y """ AND " ""h" AND """hi" AND "hi"""', false],
      ['aaaaa', '"aaa"', false],
      // Characters, not UTF-16 units: an emoji is one.
      ['a😀b', '"a😀b"', true],
      // NFD input is composed first, as the indexed text is.
      ['cafe\u0301', '"caf" AND "afé"', false],
    ];
    for (const [term, query, exact] of cases) assert.deepEqual(trigramQuery(term), { query, exact }, term);
    // A long term: at most 12 trigrams, the first and the last among them.
    const long = trigramQuery('the quick brown fox jumps over the lazy dog');
    const grams = long.query.split(' AND ');
    assert.equal(grams.length, 12);
    assert.equal(grams[0], '"the"');
    assert.equal(grams[11], '"dog"');
  });

  it('folds for the text check at least what the index tokenizer folds', () => {
    const cases: Array<[string, string]> = [
      ['Überweisung', 'uberweisung'], ['CAFÉ', 'cafe'], ['Meſſage', 'message'], ['µg', 'μg'],
      ['λόγος', 'λογοσ'], ['ΛΌΓΟΣ', 'λογοσ'], ['ﬁle', 'file'], ['ϑ', 'θ'],
    ];
    for (const [text, folded] of cases) assert.equal(foldForScan(text), folded, text);
  });

  it('finds a term only where it occurs as written, whether the body is indexed yet or not', async () => {
    const store = await openSqliteStore(options());
    const box = await mailboxFixture(store, newId(), 'INBOX');
    const texts = [
      'hello yellow world', // every trigram of "hellow", never together
      'say hellow to the new sensor', // "hellow" itself
      'Der Meſſage-Text und λογος', // folded by the tokenizer: long s, final sigma
      'the quick brown fox jumps over the lazy dog, twice: the quick brown fox jumps over the lazy dog',
    ];
    const items = await Promise.all(texts.map((text, i) => storedMessage(store, { subject: `m${i}`, text })));
    await store.messages.append(box.id, items, T0);
    const search = (term: string) => store.messages.searchText(box.id, term);
    const expected: Array<[string, number[]]> = [
      ['hellow', [2]], ['HELLO', [1, 2]], ['yellow w', [1]], ['llo yel', [1]], ['low to', [2]],
      ['message', [3]], ['ΛΟΓΟΣ', [3]], ['logos', []],
      ['jumps over the lazy dog, twice', [4]], ['jumps over the lazy cat', []], ['dog the', []],
    ];
    for (const [term, uids] of expected) assert.deepEqual(await search(term), uids, `pending: ${term}`);
    assert.equal(await store.indexSearchText(), texts.length);
    for (const [term, uids] of expected) assert.deepEqual(await search(term), uids, `indexed: ${term}`);
    await store.close();
  });

  it('re-indexes bodies indexed with positions before migration 25, searching them exactly meanwhile', async () => {
    // Bodies as files: schema 24 has no blob_data for the bytes of small ones.
    const opts = { ...options(), blobInlineMaxBytes: 0 };
    const store = await openSqliteStore(opts);
    const box = await mailboxFixture(store, newId(), 'INBOX');
    const items = await Promise.all(['walrus on the ice', 'heron in the reeds'].map((text, i) => storedMessage(store, { subject: `s${i}`, text })));
    await store.messages.append(box.id, items, T0);
    await store.close();
    // Back to schema 24: the index with positions, every body in it (and none of the later tables).
    let db = new DatabaseSync(opts.path);
    db.exec(`DROP TABLE mail_search;
      CREATE VIRTUAL TABLE mail_search USING fts5(
        search_text, content = 'mail_bodies', content_rowid = 'id', tokenize = 'trigram remove_diacritics 1'
      );
      INSERT INTO mail_search (rowid, search_text) SELECT id, substr(search_text, 1, 32768) FROM mail_bodies;
      DELETE FROM mail_search_pending;
      DROP TABLE blob_data;
      DROP TABLE dav_usage; DROP TRIGGER dav_usage_insert; DROP TRIGGER dav_usage_delete; DROP TRIGGER dav_usage_update;
      DELETE FROM schema_migrations WHERE version >= 25;`);
    db.close();
    const reopened = await openSqliteStore(opts);
    assert.deepEqual(await reopened.messages.searchText(box.id, 'on the ice'), [1]);
    assert.deepEqual(await reopened.messages.searchText(box.id, 'the'), [1, 2]);
    assert.equal(await reopened.indexSearchText(), 2);
    assert.deepEqual(await reopened.messages.searchText(box.id, 'on the ice'), [1]);
    assert.deepEqual(await reopened.messages.searchText(box.id, 'reeds'), [2]);
    await reopened.close();
    db = new DatabaseSync(opts.path);
    const sql = String(db.prepare("SELECT sql FROM sqlite_master WHERE name = 'mail_search'").get()!.sql);
    assert.match(sql, /detail = none/);
    db.exec("INSERT INTO mail_search (mail_search, rank) VALUES ('integrity-check', 1)");
    db.close();
  });
});
