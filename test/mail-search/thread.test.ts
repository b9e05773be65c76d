// RFC 5256 THREAD over messages appended through the mail services: the
// REFERENCES algorithm's linking, loop guard, dummy pruning and subject
// gathering (§3 steps 1–7), ORDEREDSUBJECT, and the thread-list text (§4).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { formatThreads, isReplyOrForward, threadMessages, type ThreadNode } from '../../server/src/mail/search/thread.ts';
import { openMailHarness, type MailHarness } from '../mail/harness.ts';
import { systemActor as makeSystemActor } from '../../server/src/directory/access.ts';
const SYSTEM = makeSystemActor();

interface Spec { id: string; subject: string; day: number; refs?: string[]; inReplyTo?: string; messageId?: string | null }

function raw(s: Spec): Buffer {
  const lines = [
    `From: ${s.id}@thread.test`, 'To: me@thread.test', `Subject: ${s.subject}`,
    `Date: ${String(s.day).padStart(2, '0')} Mar 2026 10:00:00 +0000`,
  ];
  const messageId = s.messageId === undefined ? `<${s.id}@thread.test>` : s.messageId;
  if (messageId !== null) lines.push(`Message-ID: ${messageId}`);
  if (s.refs) lines.push(`References: ${s.refs.map((r) => `<${r}@thread.test>`).join(' ')}`);
  if (s.inReplyTo) lines.push(`In-Reply-To: <${s.inReplyTo}@thread.test>`);
  return Buffer.from(`${lines.join('\r\n')}\r\n\r\nbody of ${s.id}\r\n`);
}

describe('THREAD', () => {
  let h: MailHarness;
  let account: string;
  before(async () => {
    h = await openMailHarness();
    account = (await h.account('thread')).id;
  });
  after(async () => { await h.close(); });

  /** Appends the specs in order and threads them; prints ids instead of UIDs. */
  async function thread(algorithm: 'references' | 'orderedsubject', specs: Spec[], only?: string[]): Promise<string> {
    const box = (await h.mailboxes.create(SYSTEM, account, `T${Math.random()}`)).id;
    const { uids } = await h.messages.appendMany(SYSTEM, box, specs.map((s) => ({ source: raw(s) })));
    const idOf = new Map(uids.map((uid, i) => [uid, specs[i].id]));
    const chosen = only ? uids.filter((uid) => only.includes(idOf.get(uid)!)) : uids;
    const roots = await threadMessages({ actor: SYSTEM, messages: h.messages }, box, algorithm, chosen);
    // Label by position so the printed text uses the test's names.
    const names = [...idOf.values()];
    return formatThreads(roots, (uid) => names.indexOf(idOf.get(uid)!)).replace(/\d+/g, (n) => names[Number(n)]);
  }

  it('links replies through References, nearest parent last', async () => {
    assert.equal(await thread('references', [
      { id: 'a', subject: 'Project', day: 1 },
      { id: 'b', subject: 'Re: Project', day: 2, refs: ['a'] },
      { id: 'c', subject: 'Re: Project', day: 3, refs: ['a', 'b'] },
      { id: 'd', subject: 'Re: Project', day: 4, inReplyTo: 'a' },
    ]), '(a (b c)(d))');
  });

  it('keeps a lone reply to a missing parent as its own thread (a dummy with one child is promoted)', async () => {
    assert.equal(await thread('references', [
      { id: 'e', subject: 'Orphan', day: 1, refs: ['gone'] },
      { id: 'f', subject: 'Other', day: 2 },
    ]), '(e)(f)');
  });

  it('keeps siblings of a missing parent under a dummy at the top level', async () => {
    assert.equal(await thread('references', [
      { id: 'g', subject: 'Re: Lost', day: 2, refs: ['gone'] },
      { id: 'h', subject: 'Re: Lost', day: 1, refs: ['gone'] },
    ]), '((h)(g))');
  });

  it('gathers threads with the same base subject (§3 step 6)', async () => {
    assert.equal(await thread('references', [
      { id: 'p', subject: 'Project', day: 1 },
      { id: 'q', subject: 'RE: [list] Project', day: 3 },
      { id: 'l1', subject: 'Lunch', day: 2 },
      { id: 'l2', subject: 'lunch', day: 4 },
    ]), '(p q)((l1)(l2))');
  });

  it('does not let References loops hang or lose messages', async () => {
    assert.equal(await thread('references', [
      { id: 'j', subject: 'Loop one', day: 1, refs: ['k'] },
      { id: 'k', subject: 'Loop two', day: 2, refs: ['j'] },
      { id: 'self', subject: 'Self', day: 3, refs: ['self'] },
    ]), '(k j)(self)');
  });

  it('treats duplicate and missing Message-IDs as distinct messages', async () => {
    assert.equal(await thread('references', [
      { id: 'm1', subject: 'Dup one', day: 1, messageId: '<same@thread.test>' },
      { id: 'm2', subject: 'Dup two', day: 2, messageId: '<same@thread.test>' },
      { id: 'n1', subject: 'No id', day: 3, messageId: null },
      { id: 'n2', subject: 'No id either', day: 4, messageId: null },
    ]), '(m1)(m2)(n1)(n2)');
  });

  it('threads only the messages given (a SEARCH result)', async () => {
    assert.equal(await thread('references', [
      { id: 'a', subject: 'Project', day: 1 },
      { id: 'b', subject: 'Re: Project', day: 2, refs: ['a'] },
      { id: 'c', subject: 'Re: Project', day: 3, refs: ['a', 'b'] },
    ], ['a', 'c']), '(a c)');
  });

  it('ORDEREDSUBJECT groups by base subject, first message as parent, by sent date', async () => {
    assert.equal(await thread('orderedsubject', [
      { id: 'x3', subject: 'Re: Budget', day: 5 },
      { id: 'y1', subject: 'Lunch', day: 2 },
      { id: 'x1', subject: 'Budget', day: 3 },
      { id: 'x2', subject: 'Fwd: budget', day: 4 },
      { id: 'y2', subject: 'Re: lunch', day: 6 },
    ]), '(y1 y2)(x1 (x2)(x3))');
  });

  it('prints the RFC 5256 §4 example shape', () => {
    const n = (uid: number | null, ...children: ThreadNode[]): ThreadNode => ({ uid, children });
    assert.equal(formatThreads([n(2), n(3, n(6, n(4, n(23)), n(44, n(7, n(96)))))]), '(2)(3 6 (4 23)(44 7 96))');
    assert.equal(formatThreads([n(null, n(1), n(2, n(5)))]), '((1)(2 5))');
  });

  it('recognises reply and forward subjects', () => {
    for (const s of ['Re: x', 'RE:x', 'Fwd: x', 'fw: x', '[list] Re: x', 'Re[2]: x', 'x (fwd)', '[Fwd: x]']) assert.ok(isReplyOrForward(s), s);
    for (const s of ['x', 'Regarding x', '[list] x', 'Fwdx: y']) assert.ok(!isReplyOrForward(s), s);
  });
});
