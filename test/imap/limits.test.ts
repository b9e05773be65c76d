// Issue 16 item 2: bounded keywords and mailboxes. The limits live in the
// mail services (mail/mail-limits.ts, config mail.limits); IMAP maps them to
// NO [LIMIT] (RFC 5530). Hostile keywords must not make SELECT answers grow
// without bound, and a shared mailbox filled up to the limit must not weigh
// on other users' sessions: measured as reply sizes and counts, never time.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { systemActor } from '../../server/src/directory/access.ts';
import { isStoaError } from '../../server/src/errors/catalogue.ts';
import { PASSWORD, type ImapHarness, type RawClient, openImapHarness } from './harness.ts';

const KEYWORDS = 128;
const KEYWORD_BYTES = 128;
/** FLAGS and PERMANENTFLAGS each list every keyword once: the most SELECT can say about keywords, plus the fixed lines. */
const SELECT_BOUND = 2 * KEYWORDS * (KEYWORD_BYTES + 1) + 2048;

const message = (subject: string): string => `From: a@example.test\r\nSubject: ${subject}\r\n\r\nbody\r\n`;
const keyword = (i: number, bytes = 12): string => `k${String(i).padStart(4, '0')}`.padEnd(bytes, 'x');

describe('mail store limits: keywords and mailboxes', () => {
  let h: ImapHarness;
  before(async () => {
    h = await openImapHarness((config) => {
      Object.assign(config.mail.limits, { keywordsPerMailbox: KEYWORDS, keywordBytes: KEYWORD_BYTES, mailboxesPerAccount: 12, mailboxNameBytes: 60, mailboxDepth: 4 });
    });
    for (const u of ['alice', 'bob', 'carol', 'dave']) await h.user(u);
  });
  after(async () => h.close());

  async function login(user: string): Promise<RawClient> {
    const c = await h.raw();
    assert.match(await c.command(`LOGIN ${user}@example.test "${PASSWORD}"`), /OK/);
    return c;
  }

  async function append(c: RawClient, mailbox: string, subject: string, flags = ''): Promise<string> {
    const m = message(subject);
    return c.command(`APPEND ${mailbox}${flags ? ` (${flags})` : ''} {${m.length}+}\r\n${m}`);
  }

  it('refuses a STORE of thousands of keywords and of a huge keyword with NO [LIMIT], and SELECT stays small', async () => {
    const c = await login('alice');
    await c.command('CREATE Hostile');
    await append(c, 'Hostile', 'one');
    await c.command('SELECT Hostile');
    const many = Array.from({ length: 5000 }, (_, i) => keyword(i)).join(' ');
    assert.match(await c.command(`STORE 1 +FLAGS (${many})`), /NO \[LIMIT\]/);
    const huge = 'x'.repeat(60_000);
    assert.match(await c.command(`STORE 1 +FLAGS (${huge})`), /NO \[(LIMIT|TOOBIG)\]|BAD/);
    assert.match(await c.command(`STORE 1 +FLAGS (${'y'.repeat(KEYWORD_BYTES + 1)})`), /NO \[LIMIT\]/);
    assert.match(await append(c, 'Hostile', 'two', 'z'.repeat(KEYWORD_BYTES + 1)), /NO \[LIMIT\]/);
    assert.match(await c.command('NOOP'), /OK/);
    const select = await c.command('SELECT Hostile');
    assert.ok(Buffer.byteLength(select, 'latin1') < 2048, `SELECT answered ${select.length} bytes`);
    assert.doesNotMatch(select, /k0000/);
  });

  it('stops a mailbox at the keyword limit: new keywords are refused, known ones still work, COPY of new ones is refused', async () => {
    const c = await login('alice');
    await c.command('CREATE Full');
    await append(c, 'Full', 'one');
    await c.command('SELECT Full');
    for (let i = 0; i < KEYWORDS; i += 32) {
      const batch = Array.from({ length: 32 }, (_, j) => keyword(i + j)).join(' ');
      assert.match(await c.command(`STORE 1 +FLAGS.SILENT (${batch})`), /OK/);
    }
    assert.match(await c.command(`STORE 1 +FLAGS (${keyword(KEYWORDS)})`), /NO \[LIMIT\]/);
    // Spelled in another case, a known keyword is the same keyword (RFC 3501 §2.3.2).
    assert.match(await c.command(`STORE 1 +FLAGS (${keyword(0).toUpperCase()})`), /OK/);
    assert.match(await append(c, 'Full', 'two', keyword(5)), /OK \[APPENDUID/);
    assert.match(await append(c, 'Full', 'three', 'brandnew'), /NO \[LIMIT\]/);
    await c.command('CREATE Other');
    await append(c, 'Other', 'src', 'fresh1 fresh2');
    await c.command('SELECT Other');
    assert.match(await c.command('COPY 1 Full'), /NO \[LIMIT\]/);
  });

  it('keeps a shared mailbox at the limit from weighing on other users: reply sizes and counts stay bounded', async () => {
    const alice = await login('alice');
    await alice.command('CREATE Team');
    for (let i = 0; i < 3; i++) await append(alice, 'Team', `m${i}`);
    await alice.command('SELECT Team');
    // Every keyword as long as allowed: the worst case the limits permit.
    for (let i = 0; i < KEYWORDS; i += 16) {
      const batch = Array.from({ length: 16 }, (_, j) => keyword(i + j, KEYWORD_BYTES)).join(' ');
      assert.match(await alice.command(`STORE 1:3 +FLAGS.SILENT (${batch})`), /OK/);
    }
    assert.match(await alice.command('SETACL Team bob@example.test lrswi'), /OK/);
    const bob = await login('bob');
    const shared = await bob.command('SELECT "Other Users/alice@example.test/Team"');
    assert.match(shared, /OK \[READ-WRITE\]/);
    assert.ok(Buffer.byteLength(shared, 'latin1') <= SELECT_BOUND, `shared SELECT answered ${shared.length} bytes, bound ${SELECT_BOUND}`);
    const flagsLine = /\* FLAGS \(([^)]*)\)/.exec(shared)![1].split(' ');
    assert.equal(flagsLine.length, 5 + KEYWORDS);
    const fetched = await bob.command('FETCH 1 (FLAGS)');
    assert.ok(/\* 1 FETCH \(FLAGS \(([^)]*)\)/.exec(fetched)![1].split(' ').length <= KEYWORDS + 6);
    assert.match(await bob.command(`STORE 1 +FLAGS (bobs-own)`), /NO \[LIMIT\]/);
    // Bob's own mailboxes and other users are untouched by alice's keywords.
    const own = await bob.command('SELECT INBOX');
    assert.ok(Buffer.byteLength(own, 'latin1') < 1024, `bob's INBOX SELECT answered ${own.length} bytes`);
    const carol = await login('carol');
    const hers = await carol.command('SELECT INBOX');
    assert.ok(Buffer.byteLength(hers, 'latin1') < 1024);
    assert.match(await carol.command('LIST "" "*"'), /OK/);
    // Alice's later STORE of known keywords still goes through, and bob hears of no new keyword.
    assert.match(await alice.command(`STORE 2 -FLAGS (${keyword(3, KEYWORD_BYTES)})`), /OK/);
    assert.doesNotMatch(await bob.command('NOOP'), /\* FLAGS/);
  });

  it('bounds mailboxes per account, name length and depth, and refuses "." and ".." levels', async () => {
    const c = await login('dave');
    assert.match(await c.command('CREATE a/b/c/d'), /OK/);
    assert.match(await c.command('CREATE a/b/c/d/e'), /NO \[LIMIT\]/);
    assert.match(await c.command(`CREATE ${'n'.repeat(61)}`), /NO \[LIMIT\]/);
    assert.match(await c.command(`RENAME a ${'r'.repeat(55)}`), /NO \[LIMIT\]/);
    for (const bad of ['.', '..', 'x/../y', 'x/.', '../x']) assert.match(await c.command(`CREATE "${bad}"`), /NO \[CANNOT\]/, bad);
    // 6 default mailboxes + a, a/b, a/b/c, a/b/c/d = 10 of 12.
    assert.match(await c.command('CREATE Eleven'), /OK/);
    assert.match(await c.command('CREATE Twelve'), /OK/);
    assert.match(await c.command('CREATE Thirteen'), /NO \[LIMIT\]/);
    assert.match(await c.command('CREATE Deep/One'), /NO \[LIMIT\]/);
    const list = await c.command('LIST "" "*"');
    assert.equal(list.match(/^\* LIST/gm)?.length, 12);
  });

  it('enforces the limits in the mail service itself, whoever calls it', async () => {
    const dave = await h.directory.accounts.get(systemActor(), 'dave@example.test');
    await assert.rejects(h.mail.mailboxes.create(systemActor(), dave.id, 'ViaService'), (err) => isStoaError(err, 'STOA_MAIL_LIMIT'));
    await assert.rejects(h.mail.mailboxes.create(systemActor(), dave.id, 'x/../y'), (err) => isStoaError(err, 'STOA_MAILBOX_NAME_INVALID'));
    const inbox = (await h.mail.mailboxes.find(systemActor(), dave.id, 'INBOX'))!.mailbox;
    await h.mail.messages.append(systemActor(), inbox.id, { source: Buffer.from(message('svc')) });
    await assert.rejects(
      h.mail.messages.storeFlags(systemActor(), inbox.id, [[1, 1]], { mode: 'add', flags: Array.from({ length: KEYWORDS + 1 }, (_, i) => keyword(i)) }),
      (err) => isStoaError(err, 'STOA_MAIL_LIMIT'),
    );
  });
});
