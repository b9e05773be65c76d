// Real-client flows with imapflow over loopback: login, LIST, SELECT,
// APPEND, FETCH of envelope/structure/parts/binary, SEARCH, STORE,
// COPY/MOVE with COPYUID, EXPUNGE, IDLE, CONDSTORE/QRESYNC.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { ImapFlow } from 'imapflow';
import { systemActor } from '../../server/src/directory/access.ts';
import { openImapHarness, type ImapHarness } from './harness.ts';
import { systemActor as makeSystemActor } from '../../server/src/directory/access.ts';
const SYSTEM = makeSystemActor();

const MULTIPART = Buffer.from([
  'From: Alice <alice@example.test>', 'To: Bob <bob@example.test>', 'Subject: Report attached',
  'Date: Thu, 01 Jan 2026 10:00:00 +0000', 'Message-ID: <report-1@example.test>', 'MIME-Version: 1.0',
  'Content-Type: multipart/mixed; boundary="b1"', '', '--b1', 'Content-Type: text/plain; charset=utf-8', '',
  'Here is the quarterly report.', '--b1', 'Content-Type: application/octet-stream; name="data.bin"',
  'Content-Transfer-Encoding: base64', 'Content-Disposition: attachment; filename="data.bin"', '',
  Buffer.from([0, 1, 2, 3, 255, 10, 13]).toString('base64'), '--b1--', '',
].join('\r\n'));

/** imapflow's search() answers false when the mailbox is not open; here it always is. */
async function uidsOf(result: Promise<number[] | false | undefined>): Promise<number[]> {
  const r = await result;
  assert.ok(Array.isArray(r));
  return r;
}

function simple(subject: string, body = 'hello'): Buffer {
  return Buffer.from(`From: a@example.test\r\nTo: b@example.test\r\nSubject: ${subject}\r\nMessage-ID: <${subject.replace(/\W/g, '')}@x>\r\n\r\n${body}\r\n`);
}

describe('IMAP with imapflow', () => {
  let h: ImapHarness;
  let client: ImapFlow;
  before(async () => {
    h = await openImapHarness();
    await h.user('alice');
    client = await h.client('alice@example.test');
  });
  after(async () => h.close());

  it('logs in, lists the default mailboxes with special-use attributes', async () => {
    const boxes = await client.list();
    const names = boxes.map((b) => b.path).sort();
    assert.deepEqual(names, ['Archive', 'Drafts', 'INBOX', 'Junk', 'Sent', 'Trash']);
    assert.equal(boxes.find((b) => b.path === 'Sent')?.specialUse, '\\Sent');
  });

  it('appends with APPENDUID and fetches envelope, bodystructure, parts and binary', async () => {
    const appended = await client.append('INBOX', MULTIPART, ['\\Flagged']);
    assert.ok(appended && appended.uid);
    const lock = await client.getMailboxLock('INBOX');
    try {
      const msg = await client.fetchOne(String(appended.uid), { uid: true, envelope: true, bodyStructure: true, flags: true, size: true, internalDate: true }, { uid: true });
      assert.ok(msg);
      assert.equal(msg.envelope?.subject, 'Report attached');
      assert.equal(msg.envelope?.from?.[0].address, 'alice@example.test');
      assert.equal(msg.size, MULTIPART.length);
      assert.ok(msg.flags?.has('\\Flagged'));
      assert.equal(msg.bodyStructure?.type, 'multipart/mixed');
      assert.equal(msg.bodyStructure?.childNodes?.[1].type, 'application/octet-stream');
      const full = await client.fetchOne(String(appended.uid), { source: true }, { uid: true });
      assert.ok(full && full.source);
      assert.equal(full.source.toString('latin1'), MULTIPART.toString('latin1'));
      const part = await client.download(String(appended.uid), '2', { uid: true });
      const chunks: Buffer[] = [];
      for await (const c of part.content!) chunks.push(c as Buffer);
      assert.deepEqual(Buffer.concat(chunks), Buffer.from([0, 1, 2, 3, 255, 10, 13]));
      const headers = await client.fetchOne(String(appended.uid), { headers: ['subject'] }, { uid: true });
      assert.ok(headers);
      assert.equal(headers.headers?.toString(), 'Subject: Report attached\r\n\r\n');
    } finally {
      lock.release();
    }
  });

  it('searches, stores flags, copies and moves with COPYUID, expunges', async () => {
    for (let i = 0; i < 5; i++) await client.append('INBOX', simple(`note ${i}`, i % 2 ? 'apples' : 'pears'));
    const lock = await client.getMailboxLock('INBOX');
    try {
      const apples = await uidsOf(client.search({ body: 'apples' }, { uid: true }));
      assert.equal(apples.length, 2);
      await client.messageFlagsAdd(apples, ['\\Seen', 'Important'], { uid: true });
      const seen = await uidsOf(client.search({ seen: true }, { uid: true }));
      assert.deepEqual(seen, apples);
      const copied = await client.messageCopy(apples, 'Archive', { uid: true });
      assert.ok(copied && copied.uidMap && copied.uidMap.size === 2);
      const moved = await client.messageMove(apples, 'Trash', { uid: true });
      assert.ok(moved && moved.uidMap && moved.uidMap.size === 2);
      const left = await uidsOf(client.search({ all: true }, { uid: true }));
      assert.equal(left.length, 4);
      await client.messageFlagsAdd(left.slice(0, 1), ['\\Deleted'], { uid: true });
      await client.messageDelete(left.slice(0, 1), { uid: true });
      assert.equal((await uidsOf(client.search({ all: true }))).length, 3);
    } finally {
      lock.release();
    }
    const status = await client.status('Archive', { messages: true, uidNext: true, unseen: true });
    assert.ok(status);
    assert.equal(status.messages, 2);
  });

  // No stopwatch (issue 16, tests that depend on the machine): the server advertises IDLE, so imapflow
  // idles and never polls (its NOOP fallback is for servers without IDLE, every 2 minutes), and an
  // EXISTS can only arrive because the server pushed it. Without push the test runs into its timeout.
  it('pushes new mail to an IDLE client', { timeout: 60_000 }, async () => {
    const watcher = await h.client('alice@example.test');
    assert.ok(watcher.capabilities.has('IDLE'));
    await watcher.mailboxOpen('INBOX');
    const existsBefore = (watcher.mailbox as { exists: number }).exists;
    const seen = new Promise<number>((resolve) => watcher.on('exists', (data: { count: number }) => resolve(data.count)));
    void watcher.idle();
    await new Promise((r) => setTimeout(r, 200));
    // Delivered through the mail service, as SMTP delivery does, not through this client.
    const alice = await h.directory.accounts.get(systemActor(), 'alice@example.test');
    const inbox = (await h.mail.mailboxes.find(SYSTEM, alice.id, 'INBOX'))?.mailbox;
    await h.mail.messages.append(SYSTEM, inbox!.id, { source: simple('pushed') });
    const count = await seen;
    assert.equal(count, existsBefore + 1);
    await watcher.logout();
  });

  it('answers CONDSTORE CHANGEDSINCE and QRESYNC with VANISHED', async () => {
    const q = await h.client('alice@example.test', { qresync: true });
    const box = await q.mailboxOpen('INBOX');
    const modseq = box.highestModseq!;
    const uids = await uidsOf(q.search({ all: true }, { uid: true }));
    await q.messageFlagsAdd(uids.slice(0, 1), ['\\Answered'], { uid: true });
    const changed: number[] = [];
    for await (const m of q.fetch('1:*', { uid: true, flags: true }, { uid: true, changedSince: modseq })) changed.push(m.uid);
    assert.deepEqual(changed, uids.slice(0, 1));
    await q.logout();
  });
});
