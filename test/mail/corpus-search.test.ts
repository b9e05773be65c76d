// Full-text SEARCH over real messages: what the MIME indexer decoded
// (base64, quoted-printable, legacy charsets) is found by substring,
// case- and accent-insensitively (RFC 9051 §6.4.4 BODY/TEXT "contains").
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { indexMessage } from '../../server/src/mail/mime/index.ts';
import { corpusFiles, corpusMessage, openMailHarness, type MailHarness } from './harness.ts';
import { systemActor as makeSystemActor } from '../../server/src/directory/access.ts';
const SYSTEM = makeSystemActor();

describe('full-text search over the corpus', () => {
  let h: MailHarness;
  let mailboxId: string;
  const uidOf = new Map<string, number>();
  const texts = new Map<string, string>();

  before(async () => {
    h = await openMailHarness();
    const a = await h.account('corpus');
    mailboxId = (await h.mailboxes.create(SYSTEM, a.id, 'Corpus')).id;
    const files = [...await corpusFiles('encoded'), ...await corpusFiles('plain'), ...await corpusFiles('multipart'), ...await corpusFiles('ham')];
    const raws = await Promise.all(files.map((f) => corpusMessage(f)));
    const r = await h.messages.appendMany(SYSTEM, mailboxId, raws.map((source) => ({ source })));
    files.forEach((f, i) => {
      uidOf.set(f, r.uids[i]);
      texts.set(f, indexMessage(raws[i]).searchText);
    });
  });
  after(async () => { await h.close(); });

  it('finds text that only exists after base64 decoding', async () => {
    const file = 'encoded/base64-iso8859-1-text.eml';
    assert.ok(!(await corpusMessage(file)).includes('decoded this text'));
    assert.deepEqual(await h.messages.searchText(SYSTEM, mailboxId, 'DECODED THIS TEXT from'), [uidOf.get(file)]);
  });

  it('finds Greek quoted-printable ISO-8859-7 text by substring, ignoring case', async () => {
    const uid = uidOf.get('encoded/qp-iso8859-7-greek.eml')!;
    assert.ok((await h.messages.searchText(SYSTEM, mailboxId, 'Καλησπέρα')).includes(uid));
    assert.ok((await h.messages.searchText(SYSTEM, mailboxId, 'ΚΑΛΗΣΠ')).includes(uid));
    assert.ok((await h.messages.searchText(SYSTEM, mailboxId, 'λησπέ')).includes(uid));
  });

  it('finds a mid-word substring of every indexed message', async () => {
    let checked = 0;
    for (const [file, text] of texts) {
      // A stretch from inside a long word near the end of the text (the body, after the headers).
      const words = text.split(/[\s\p{P}]+/u).filter((w) => [...w].length >= 8);
      const word = words.at(-1);
      if (!word) continue;
      const needle = [...word].slice(2, 7).join('');
      const uids = await h.messages.searchText(SYSTEM, mailboxId, needle);
      assert.ok(uids.includes(uidOf.get(file)!), `${file}: "${needle}" not found`);
      checked += 1;
    }
    assert.ok(checked > 50, `checked ${checked} messages`);
  });

  it('returns nothing for text in no message', async () => {
    assert.deepEqual(await h.messages.searchText(SYSTEM, mailboxId, 'zqxj-not-in-any-message'), []);
  });
});
