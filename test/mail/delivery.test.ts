// Appending and delivering through the services: blobs written once, parsed
// once, linked into many mailboxes in one transaction, quota enforced,
// events published after commit.
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { isStoaError } from '../../server/src/errors/catalogue.ts';
import { corpusMessage, openMailHarness, simpleMessage, type MailHarness } from './harness.ts';
import { systemActor as makeSystemActor } from '../../server/src/directory/access.ts';
import type { MailboxChange } from '../../server/src/events/change-bus.ts';
const SYSTEM = makeSystemActor();

describe('append and delivery', () => {
  let h: MailHarness;
  before(async () => { h = await openMailHarness(); });
  after(async () => { await h.close(); });

  async function inboxOf(accountId: string) {
    return (await h.mailboxes.ensureDefaultMailboxes(SYSTEM, accountId)).find((m) => m.name === 'INBOX')!;
  }

  it('appends a corpus message from a stream and keeps its parsed structure', async () => {
    const a = await h.account('stream');
    const inbox = await inboxOf(a.id);
    const raw = await corpusMessage('attachments/attached-pdf.eml');
    const chunks = [raw.subarray(0, 100), raw.subarray(100)];
    const r = await h.messages.append(SYSTEM, inbox.id, { source: Readable.from(chunks), flags: ['\\Seen'], internalDate: '2026-02-03T04:05:06.000Z' });
    const [m] = await h.messages.fetch(SYSTEM, inbox.id, [[r.uids[0], r.uids[0]]]);
    assert.equal(m.size, raw.length);
    assert.equal(m.internalDate, '2026-02-03T04:05:06.000Z');
    assert.deepEqual(m.flags, ['\\Seen']);
    const body = await h.messages.body(SYSTEM, m);
    assert.equal(body.size, raw.length);
    assert.equal(body.root.contentType.type, 'multipart');
    assert.ok(body.hasAttachments);
    const part = await h.messages.open(SYSTEM, m, { start: body.root.bodyStart, end: body.root.bodyEnd });
    let n = 0;
    for await (const chunk of part) n += (chunk as Buffer).length;
    assert.equal(n, body.root.bodyEnd - body.root.bodyStart, 'a part is read as a byte range of the blob');
    assert.deepEqual(h.events.at(-1), { accountId: a.id, mailboxId: inbox.id, kind: 'exists', uids: r.uids, modseq: r.modseq });
  });

  it('delivers to many recipients: one blob, one parsed body, one ref per copy, events after commit', async () => {
    const accounts = await Promise.all(Array.from({ length: 5 }, (_, i) => h.account(`rcpt${i}`)));
    const raw = await corpusMessage('encoded/base64-iso8859-1-text.eml');
    const before = h.events.length;
    const outcomes = await h.delivery.deliver(SYSTEM, raw, [
      ...accounts.map((a) => ({ accountId: a.id })),
      { accountId: accounts[0].id }, // duplicate RCPT TO: one copy
      { accountId: accounts[1].id, mailbox: 'Junk' as const },
    ]);
    // One outcome per recipient entry, in order; the repeated entry shares the first one's copy.
    assert.deepEqual(outcomes.map((o) => o.status), Array(7).fill('delivered'));
    assert.deepEqual(outcomes[5], outcomes[0]);
    const blobId = (await h.messages.fetch(SYSTEM, outcomes[0].status === 'delivered' ? outcomes[0].mailboxId : '', [[1, 1]]))[0].blobId;
    assert.equal((await h.store.blobs.stat(blobId))?.refs, 6);
    const junk = outcomes[6];
    assert.equal(junk.status === 'delivered' && (await h.mailboxes.get(SYSTEM, junk.mailboxId)).mailbox.specialUse, '\\Junk');
    const published = h.events.slice(before).filter((e) => e.kind === 'exists') as MailboxChange[];
    assert.equal(published.length, 6);
    for (const e of published) assert.equal((await h.mailboxes.status(SYSTEM, e.mailboxId)).highestModSeq >= e.modseq, true);
  });

  it('never delivers into a mailbox deleted or unmarked since the last delivery looked it up', async () => {
    const a = await h.account('stale-target');
    const inbox = await inboxOf(a.id);
    const raw = simpleMessage('stale', 'looked up once');
    const first = await h.delivery.deliver(SYSTEM, raw, [{ accountId: a.id, mailbox: 'Junk' }]);
    assert.equal(first[0].status, 'delivered');
    const junkId = first[0].status === 'delivered' ? first[0].mailboxId : '';
    assert.notEqual(junkId, inbox.id);
    // Changed in the store directly (as another node would): no event reaches this service.
    await h.store.mailboxes.setSpecialUse(junkId, null);
    const unmarked = await h.delivery.deliver(SYSTEM, raw, [{ accountId: a.id, mailbox: 'Junk' }]);
    assert.deepEqual(unmarked.map((o) => o.status === 'delivered' && o.mailboxId), [inbox.id]);
    await h.store.mailboxes.setSpecialUse(junkId, '\\Junk');
    assert.deepEqual((await h.delivery.deliver(SYSTEM, raw, [{ accountId: a.id, mailbox: 'Junk' }])).map((o) => o.status === 'delivered' && o.mailboxId), [junkId]);
    await h.store.mailboxes.delete(junkId);
    const after = await h.delivery.deliver(SYSTEM, raw, [{ accountId: a.id, mailbox: 'Junk' }, { accountId: a.id }]);
    assert.deepEqual(after.map((o) => o.status === 'delivered' && o.mailboxId), [inbox.id, inbox.id]);
    assert.equal(await h.store.mailboxes.get(junkId), null);
  });

  it('fails only the recipient who is over quota, with the right codes', async () => {
    const raw = simpleMessage('quota', 'x'.repeat(2000));
    const roomy = await h.account('roomy');
    const full = await h.account('full', { quotaBytes: 3000 });
    const tiny = await h.account('tiny', { quotaBytes: 100 });
    const counted = await h.account('counted', { quotaMessages: 1 });
    const first = await h.delivery.deliver(SYSTEM, raw, [{ accountId: full.id }, { accountId: counted.id }]);
    assert.deepEqual(first.map((o) => o.status), ['delivered', 'delivered']);
    const second = await h.delivery.deliver(SYSTEM, simpleMessage('quota2', 'y'.repeat(2000)), [
      { accountId: roomy.id }, { accountId: full.id }, { accountId: tiny.id }, { accountId: counted.id },
    ]);
    assert.deepEqual(second.map((o) => (o.status === 'failed' ? o.error.code : o.status)), [
      'delivered', 'STOA_OVER_QUOTA', 'STOA_MESSAGE_EXCEEDS_QUOTA', 'STOA_OVER_QUOTA',
    ]);
    const failed = second[1];
    assert.equal(failed.status === 'failed' && failed.error.spec.smtp, '452 4.2.2');
    const exceeded = second[2];
    assert.equal(exceeded.status === 'failed' && exceeded.error.spec.smtp, '552 5.2.2');
    assert.equal((await h.mailboxes.quota(SYSTEM, full.id)).usage.messages, 1);
    assert.deepEqual((await h.mailboxes.quota(SYSTEM, tiny.id)).usage, { bytes: 0, messages: 0 });
  });

  it('refuses a MULTIAPPEND over quota as a whole, and a COPY that would pass the quota', async () => {
    const a = await h.account('multi', { quotaMessages: 3 });
    const inbox = await inboxOf(a.id);
    const archive = (await h.mailboxes.find(SYSTEM, a.id, 'Archive'))!.mailbox;
    const three = ['a', 'b', 'c'].map((s) => ({ source: simpleMessage(s, s) }));
    const four = [...three, { source: simpleMessage('d', 'd') }];
    await assert.rejects(h.messages.appendMany(SYSTEM, inbox.id, four), (e) => isStoaError(e, 'STOA_OVER_QUOTA') && e.spec.imap === 'OVERQUOTA');
    assert.equal((await h.mailboxes.status(SYSTEM, inbox.id)).messages, 0);
    const r = await h.messages.appendMany(SYSTEM, inbox.id, three);
    assert.deepEqual(r.uids, [1, 2, 3]);
    await assert.rejects(h.messages.copy(SYSTEM, inbox.id, [[1, 1]], archive.id), (e) => isStoaError(e, 'STOA_OVER_QUOTA'));
    const moved = await h.messages.move(SYSTEM, inbox.id, [[1, 1]], archive.id);
    assert.deepEqual(moved.destUids, [1], 'a move within the account needs no room');
  });

  it('rejects bad flags and dates before writing anything', async () => {
    const a = await h.account('bad');
    const inbox = await inboxOf(a.id);
    await assert.rejects(h.messages.append(SYSTEM, inbox.id, { source: simpleMessage('x', 'x'), flags: ['\\Recent'] }), (e) => isStoaError(e, 'STOA_VALIDATION'));
    await assert.rejects(h.messages.append(SYSTEM, inbox.id, { source: simpleMessage('x', 'x'), internalDate: 'yesterday' }), (e) => isStoaError(e, 'STOA_VALIDATION'));
    await assert.rejects(h.messages.append(SYSTEM, inbox.id, { source: Buffer.alloc(0) }), (e) => isStoaError(e, 'STOA_VALIDATION'));
  });

  it('publishes flags and expunge events with the new MODSEQ, and expunge drops blob refs for gc', async () => {
    const a = await h.account('flags');
    const inbox = await inboxOf(a.id);
    const r = await h.messages.append(SYSTEM, inbox.id, { source: simpleMessage('gc me', 'bye') });
    const [m] = await h.messages.fetch(SYSTEM, inbox.id, [[r.uids[0], r.uids[0]]]);
    const st = await h.messages.storeFlags(SYSTEM, inbox.id, [[1, 1]], { mode: 'add', flags: ['\\Deleted'] });
    assert.deepEqual(h.events.at(-1), { accountId: a.id, mailboxId: inbox.id, kind: 'flags', uids: [1], modseq: st.modseq });
    const ex = await h.messages.expunge(SYSTEM, inbox.id);
    assert.deepEqual(h.events.at(-1), { accountId: a.id, mailboxId: inbox.id, kind: 'expunge', uids: [1], modseq: ex.modseq });
    assert.equal((await h.store.blobs.stat(m.blobId))?.refs, 0);
    await h.store.blobs.gc(0, Date.now() + 1000);
    assert.equal(await h.store.blobs.stat(m.blobId), null);
  });
});
